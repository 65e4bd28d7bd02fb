from odoo import fields, models


class LoyaltyClubAttribute(models.Model):
    """A questionnaire question the marketer defines without code."""

    _name = "loyalty.club.attribute"
    _description = "Questionnaire Attribute"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable key used by the API and imports.")
    sequence = fields.Integer(default=10)
    value_type = fields.Selection(
        [
            ("text", "Text"),
            ("number", "Number"),
            ("selection", "Selection"),
            ("date", "Date"),
        ],
        required=True,
        default="text",
    )
    option_ids = fields.One2many("loyalty.club.attribute.option", "attribute_id")
    highlight = fields.Boolean(help="Shown to the cashier on the member panel.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "An attribute code must be unique.")
    ]
