from odoo import fields, models


class LoyaltyClubWalletType(models.Model):
    """What a wallet holds: bonus points, gift-card money or another unit."""

    _name = "loyalty.club.wallet.type"
    _description = "Club Wallet Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [
            ("bonus", "Bonus points"),
            ("gift_card", "Gift-card money"),
            ("custom", "Other unit"),
        ],
        required=True,
        default="bonus",
    )
    unit_name = fields.Char(required=True, translate=True, default="bonus")
    digits = fields.Integer(
        default=2,
        required=True,
        help="Decimal places of the unit (2 for money-like points).",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "digits_range",
            "CHECK(digits >= 0 AND digits <= 4)",
            "A unit has 0 to 4 decimal places.",
        ),
    ]
