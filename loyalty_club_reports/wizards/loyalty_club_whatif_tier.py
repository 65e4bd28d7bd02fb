from odoo import fields, models


class LoyaltyClubWhatifTier(models.TransientModel):
    """A tier of the program as the what-if would have it."""

    _name = "loyalty.club.whatif.tier"
    _description = "Club What-if Tier"
    _order = "threshold, id"

    whatif_id = fields.Many2one(
        "loyalty.club.whatif", "What-if", required=True, ondelete="cascade"
    )
    tier_id = fields.Many2one("loyalty.club.tier", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="whatif_id.currency_id")
    threshold = fields.Monetary(
        help="Purchases in the tier period that reach this tier."
    )
    earn_percent = fields.Float("Earn (%)", digits=(5, 2))
