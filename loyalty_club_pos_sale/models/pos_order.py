"""The till settles sales orders (``pos_sale``): once its own sale is booked
with the club, each order it settles is marked collected. A hold the till did
not spend (the cashier took the member off, or paid without bonuses) is given
back now rather than when it expires."""

from odoo import _, models
from odoo.exceptions import UserError, ValidationError


class PosOrder(models.Model):
    _inherit = "pos.order"

    def _club_apply(self):
        result = super()._club_apply()
        for order in self:
            if order.config_id.club_program_id:
                order._club_settle_sale_orders()
        return result

    def _club_settle_sale_orders(self):
        sale_orders = self.lines.sale_order_origin_id.sudo()
        for sale_order in sale_orders.filtered(lambda so: not so.club_pos_order_id):
            sale_order._club_settled_at_till(self)
            hold = sale_order._club_open_hold()
            if not hold or hold == self.club_hold_id:
                continue
            try:
                with self.env.cr.savepoint():
                    self.env["loyalty.club.hold"].sudo().release(
                        {"hold_id": hold.id},
                        f"{self._club_key()}:sale-hold:{hold.id}:release",
                    )
            except (UserError, ValidationError) as exc:
                self._club_flag(
                    _(
                        "The bonuses held for %(order)s were not given back: "
                        "%(reason)s",
                        order=sale_order.name,
                        reason=self._club_reason(exc),
                    )
                )
