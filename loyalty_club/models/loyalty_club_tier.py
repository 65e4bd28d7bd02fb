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


class LoyaltyClubTierHistory(models.Model):
    _name = "loyalty.club.tier.history"
    _description = "Club Tier Change"
    _order = "date desc, id desc"

    wallet_id = fields.Many2one(
        "loyalty.club.wallet", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(related="wallet_id.partner_id", store=True)
    company_id = fields.Many2one(related="wallet_id.company_id", store=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    old_tier_id = fields.Many2one("loyalty.club.tier")
    new_tier_id = fields.Many2one("loyalty.club.tier")
    reason = fields.Selection(
        [("upgrade", "Upgrade on purchase"), ("review", "Period review")]
    )
