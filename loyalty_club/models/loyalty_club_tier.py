from odoo import fields, models


class LoyaltyClubTier(models.Model):
    _name = "loyalty.club.tier"
    _description = "Club Tier"
    _order = "program_id, threshold, sequence"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    program_id = fields.Many2one(
        "loyalty.club.program", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    currency_id = fields.Many2one(related="program_id.currency_id")
    threshold = fields.Monetary(
        help="Amount paid within the program's rolling period that qualifies for "
        "the tier."
    )
    earn_percent = fields.Float("Earn (%)", digits=(5, 2))
    color = fields.Integer()
