"""Apply bonuses to a quotation: the amount, by default the most it may spend,
and the member's one-time code when the member was found by a typed phone."""

from odoo import api, fields, models


class LoyaltyClubSaleApply(models.TransientModel):
    _name = "loyalty.club.sale.apply"
    _description = "Apply Club Bonuses to a Quotation"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade")
    amount = fields.Float("Bonuses to Spend", digits=(16, 2), required=True)
    club_unit = fields.Char(related="order_id.club_unit")
    club_available = fields.Float(related="order_id.club_available")
    club_max_spend = fields.Float(related="order_id.club_max_spend")
    code_asked = fields.Boolean(compute="_compute_code_asked")
    code_above = fields.Float(
        "Code Needed Above",
        digits=(16, 2),
        compute="_compute_code_asked",
        help="The member was found by a phone typed by hand: spending more than "
        "this needs the one-time code sent to that phone.",
    )
    code = fields.Char(
        "Member's Code", help="The one-time code the member received by SMS."
    )
    code_sent_to = fields.Char(readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        order = self.env["sale.order"].browse(values.get("order_id"))
        if order and "amount" in fields_list and not values.get("amount"):
            values["amount"] = order._club_quote().get("max_spend", 0.0)
        return values

    @api.depends("order_id")
    def _compute_code_asked(self):
        for wizard in self:
            above = None
            if wizard.order_id:
                above = wizard.order_id._club_quote().get("code_above")
            wizard.code_asked = above is not None
            wizard.code_above = above or 0.0

    def action_send_code(self):
        self.ensure_one()
        sent = self.order_id._club_send_code()
        self.code_sent_to = sent.get("phone") or ""
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Apply bonuses"),
        }

    def action_apply(self):
        self.ensure_one()
        self.order_id._club_apply_bonuses(self.amount, code=self.code or None)
        return {"type": "ir.actions.act_window_close"}
