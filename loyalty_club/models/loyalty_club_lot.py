from odoo import fields, models


class LoyaltyClubLot(models.Model):
    """What is still open of one accrual; only the ledger service moves it."""

    _name = "loyalty.club.lot"
    _description = "Club Accrual Lot"
    _order = "expires_on, id"

    wallet_id = fields.Many2one(
        "loyalty.club.wallet", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="wallet_id.company_id", store=True)
    ledger_id = fields.Many2one(
        "loyalty.club.ledger", required=True, ondelete="restrict"
    )
    initial_minor = fields.Integer(required=True, readonly=True)
    remaining_minor = fields.Integer(required=True, readonly=True)
    available_from = fields.Date(required=True, readonly=True)
    # the expiry job uses the partial index on open lots made in init()
    expires_on = fields.Date(readonly=True)

    _sql_constraints = [
        (
            "remaining_range",
            "CHECK(remaining_minor >= 0 AND remaining_minor <= initial_minor)",
            "A lot never goes negative nor above what was credited.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS loyalty_club_lot_open_idx ON loyalty_club_lot "
            "(expires_on, wallet_id) WHERE remaining_minor > 0"
        )
