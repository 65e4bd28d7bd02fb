from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class LoyaltyClubAttributeValue(models.Model):
    _name = "loyalty.club.attribute.value"
    _description = "Questionnaire Answer"
    _order = "attribute_id"

    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True
    )
    attribute_id = fields.Many2one(
        "loyalty.club.attribute", required=True, ondelete="cascade"
    )
    value_type = fields.Selection(related="attribute_id.value_type")
    value_text = fields.Char()
    value_number = fields.Float()
    value_date = fields.Date()
    option_id = fields.Many2one(
        "loyalty.club.attribute.option", domain="[('attribute_id', '=', attribute_id)]"
    )
    display_value = fields.Char(compute="_compute_display_value")

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
