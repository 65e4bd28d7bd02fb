"""The till settles sales orders (``pos_sale``): once its own sale is booked
with the club, each order it settles is marked collected. A hold the till did
not spend (the cashier took the member off, or paid without bonuses) is given
back now rather than when it expires.

A web order paid in part with club gift cards (its "Gift card payment"
lines, which ``pos_sale`` brings to the till as lines of negative price) pays
with those cards at the till: the lines are not goods, and the till's confirm
debits the cards with the sale, all or nothing."""

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

    def _club_sale_gift_lines(self):
        """The lines of settled orders that pay with a club gift card."""
        return self.lines.filtered(
            lambda line: line.sale_order_line_id.club_gift_card_code
            and not line.refunded_orderline_id
        )

    def _club_sale_lines(self):
        return super()._club_sale_lines() - self._club_sale_gift_lines()

    def _club_gift_payment_totals(self):
        """The settled orders' gift card lines count as payments with their
        cards, beside the till's own gift card payments."""
        totals = super()._club_gift_payment_totals()
        for line in self._club_sale_gift_lines():
            code = line.sale_order_line_id.club_gift_card_code.strip().upper()
            totals[code] = self.currency_id.round(
                totals.get(code, 0.0) - line.price_subtotal_incl
            )
        return totals

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
