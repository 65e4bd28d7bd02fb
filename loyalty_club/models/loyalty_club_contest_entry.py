from odoo import fields, models


class LoyaltyClubContestEntry(models.Model):
    _name = "loyalty.club.contest.entry"
    _description = "Club Contest Purchase"

    contest_id = fields.Many2one(
        "loyalty.club.contest", required=True, ondelete="cascade", index=True
    )
    transaction_id = fields.Many2one(
        "loyalty.club.transaction", required=True, ondelete="cascade"
    )
    wallet_id = fields.Many2one("loyalty.club.wallet", required=True)
    qty = fields.Integer(required=True)
    amount_minor = fields.Integer(required=True)
