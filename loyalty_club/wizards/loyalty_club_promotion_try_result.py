from odoo import fields, models


class LoyaltyClubPromotionTryResult(models.TransientModel):
    _name = "loyalty.club.promotion.try.result"
    _description = "Sample Basket Promotion Result"

    wizard_id = fields.Many2one(
        "loyalty.club.promotion.try", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    kind = fields.Selection(
        [
            ("applied", "Applied"),
            ("near_miss", "Almost"),
            ("coupon", "Coupon refused"),
        ],
        required=True,
    )
    promotion_id = fields.Many2one("loyalty.club.promotion")
    name = fields.Char()
    discount = fields.Monetary()
    bonus = fields.Float(digits=(16, 2))
    message = fields.Char()
