from odoo import fields, models


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
        [
            ("upgrade", "Upgrade on purchase"),
            ("review", "Period review"),
            ("purchase", "Bought with a club card"),
            ("refund", "Club card refunded"),
        ]
    )
