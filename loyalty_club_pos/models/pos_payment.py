from odoo import fields, models


class PosPayment(models.Model):
    _inherit = "pos.payment"

    club_gift_code = fields.Char(
        string="Gift Card Number",
        copy=False,
        help="The club gift card this payment is debited from.",
    )
    club_gift_balance = fields.Float(
        string="Gift Card Balance After",
        digits=(16, 2),
        readonly=True,
        copy=False,
    )
