from odoo import fields, models


class LoyaltyClubPromotionUsage(models.Model):
    _name = "loyalty.club.promotion.usage"
    _description = "Club Promotion Use"
    _order = "id desc"

    promotion_id = fields.Many2one(
        "loyalty.club.promotion", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="promotion_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", index=True)
    transaction_id = fields.Many2one("loyalty.club.transaction", index=True)
    date = fields.Date(required=True, index=True)
    discount = fields.Float()
    bonus = fields.Float()
