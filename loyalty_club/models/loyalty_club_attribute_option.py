from odoo import fields, models


class LoyaltyClubAttributeOption(models.Model):
    _name = "loyalty.club.attribute.option"
    _description = "Questionnaire Option"
    _order = "sequence, id"

    attribute_id = fields.Many2one(
        "loyalty.club.attribute", required=True, ondelete="cascade"
    )
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
