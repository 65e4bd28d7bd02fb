"""Apply bonuses to a quotation: the amount, by default the most it may spend."""

from odoo import api, fields, models


class LoyaltyClubSaleApply(models.TransientModel):
    _name = "loyalty.club.sale.apply"
    _description = "Apply Club Bonuses to a Quotation"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade")
    amount = fields.Float("Bonuses to Spend", digits=(16, 2), required=True)
    club_unit = fields.Char(related="order_id.club_unit")
    club_available = fields.Float(related="order_id.club_available")
    club_max_spend = fields.Float(related="order_id.club_max_spend")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        order = self.env["sale.order"].browse(values.get("order_id"))
        if order and "amount" in fields_list and not values.get("amount"):
            values["amount"] = order._club_quote().get("max_spend", 0.0)
        return values

    def action_apply(self):
        self.ensure_one()
        self.order_id._club_apply_bonuses(self.amount)
        return {"type": "ir.actions.act_window_close"}
