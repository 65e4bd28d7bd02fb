from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date, formatLang


class LoyaltyClubAttributeValue(models.Model):
    _name = "loyalty.club.attribute.value"
    _description = "Questionnaire Answer"
    _order = "attribute_id"

    partner_id = fields.Many2one(
        "res.partner",
        "Member",
        required=True,
        ondelete="cascade",
        index=True,
        help="The member who answered.",
    )
    attribute_id = fields.Many2one(
        "loyalty.club.attribute",
        "Question",
        required=True,
        ondelete="cascade",
        help="The questionnaire question this answers.",
    )
    value_type = fields.Selection(
        related="attribute_id.value_type",
        string="Answer Type",
        help="Text, number, date or one of the question's options.",
    )
    value_text = fields.Char("Text Answer", help="The answer to a text question.")
    value_number = fields.Float(
        "Number Answer", help="The answer to a number question."
    )
    value_date = fields.Date("Date Answer", help="The answer to a date question.")
    option_id = fields.Many2one(
        "loyalty.club.attribute.option",
        "Chosen Option",
        domain="[('attribute_id', '=', attribute_id)]",
        help="The option chosen for a question with options.",
    )
    display_value = fields.Char(
        "Answer (plain text)",
        compute="_compute_display_value",
        help="The answer as the API and the portal write it (dates as YYYY-MM-DD).",
    )
    answer = fields.Char(
        compute="_compute_answer",
        help="The answer in its type: a date or a number as your language writes "
        "it, the chosen option's name, or the text.",
    )

    _sql_constraints = [
        (
            "partner_attribute_uniq",
            "unique(partner_id, attribute_id)",
            "A member answers each question once.",
        ),
    ]

    @api.depends("value_text", "value_number", "value_date", "option_id")
    def _compute_display_value(self):
        for rec in self:
            kind = rec.attribute_id.value_type
            if kind == "selection":
                rec.display_value = rec.option_id.name or ""
            elif kind == "number":
                rec.display_value = f"{rec.value_number:g}"
            elif kind == "date":
                rec.display_value = (
                    fields.Date.to_string(rec.value_date) if rec.value_date else ""
                )
            else:
                rec.display_value = rec.value_text or ""

    @api.depends(
        "attribute_id.value_type",
        "value_text",
        "value_number",
        "value_date",
        "option_id",
    )
    @api.depends_context("lang")
    def _compute_answer(self):
        for rec in self:
            kind = rec.attribute_id.value_type
            if kind == "selection":
                rec.answer = rec.option_id.name or ""
            elif kind == "number":
                # as many decimals as the number has, written the user's way
                decimals = f"{rec.value_number:.6f}".rstrip("0").split(".")[1]
                rec.answer = formatLang(
                    self.env, rec.value_number, digits=len(decimals)
                )
            elif kind == "date":
                rec.answer = format_date(self.env, rec.value_date) or ""
            else:
                rec.answer = rec.value_text or ""

    @api.depends("attribute_id", "answer")
    def _compute_display_name(self):
        for rec in self:
            rec.display_name = (
                f"{rec.attribute_id.name}: {rec.answer}"
                if rec.answer
                else rec.attribute_id.name or ""
            )

    @api.constrains("option_id", "attribute_id")
    def _check_option(self):
        for rec in self:
            if rec.option_id and rec.option_id.attribute_id != rec.attribute_id:
                raise ValidationError(
                    _(
                        "The answer %(answer)s does not belong to the question "
                        "%(question)s.",
                        answer=rec.option_id.name,
                        question=rec.attribute_id.name,
                    )
                )

    def _set_from_raw(self, attribute, raw):
        """Store an answer given as text (API, import)."""
        vals = {"attribute_id": attribute.id}
        if attribute.value_type == "selection":
            option = attribute.option_ids.filtered(
                lambda o: o.name.lower() == str(raw).lower()
            )[:1]
            if not option:
                raise ValidationError(
                    _(
                        "%(value)s is not an answer to %(question)s.",
                        value=raw,
                        question=attribute.name,
                    )
                )
            vals["option_id"] = option.id
        elif attribute.value_type == "number":
            try:
                vals["value_number"] = float(raw)
            except (TypeError, ValueError) as exc:
                raise ValidationError(
                    _("%(question)s needs a number.", question=attribute.name)
                ) from exc
        elif attribute.value_type == "date":
            vals["value_date"] = fields.Date.to_date(raw)
        else:
            vals["value_text"] = str(raw)
        return vals
