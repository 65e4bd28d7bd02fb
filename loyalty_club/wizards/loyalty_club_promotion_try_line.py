from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class LoyaltyClubPromotionTryLine(models.TransientModel):
    _name = "loyalty.club.promotion.try.line"
    _description = "Sample Basket Line"

    wizard_id = fields.Many2one(
        "loyalty.club.promotion.try", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    product_id = fields.Many2one("product.product", required=True)
    qty = fields.Integer("Quantity", required=True, default=1)
    price_unit = fields.Monetary("Unit price")
    amount = fields.Monetary(compute="_compute_amount", store=True)

    @api.onchange("product_id")
    def _onchange_product_id(self):
        self.price_unit = self.product_id.lst_price

    @api.depends("qty", "price_unit")
    def _compute_amount(self):
        for line in self:
            line.amount = line.currency_id.round(line.qty * line.price_unit)

    @api.constrains("qty", "price_unit")
    def _check_qty(self):
        if self.filtered(lambda ln: ln.qty < 1 or ln.price_unit < 0):
            raise ValidationError(_("Quantities are 1 or more and prices positive."))
