"""A sales or web order collected and paid at a till (``pos_sale``'s "Settle
the order"): the till's sale is the order's club check.

The till spends the bonuses the order held (its hold is captured by the POS
order's ``confirm``) and the member earns there, once. The settled order
keeps the POS order (``club_pos_order_id``) and its check: an invoice of the
order paid later books nothing more (``_club_confirm_paid``), and cancelling
it gives nothing back.
"""

from odoo import fields, models

CLUB_USER = "loyalty_club.group_club_user"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    club_pos_order_id = fields.Many2one(
        "pos.order",
        "Collected at the Till",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=CLUB_USER,
        help="The POS order that settled this order: the club booked the sale "
        "there (its hold spent, its earn given).",
    )

    def _club_confirm_paid(self):
        """An order settled at a till was booked by the till: its check."""
        self.ensure_one()
        pos_order = self.sudo().club_pos_order_id
        if not pos_order:
            return super()._club_confirm_paid()
        txn = pos_order.club_transaction_id
        if txn.kind == "sale" and self.sudo().club_transaction_id != txn:
            self._club_store_check(txn)
        return txn.sudo()

    def _club_release(self):
        """An order collected at a till has nothing left to give back."""
        if self.sudo().club_pos_order_id:
            return
        return super()._club_release()

    def _club_settled_at_till(self, pos_order):
        """Called once the till's order is booked: the order is collected."""
        self.ensure_one()
        vals = {"club_pos_order_id": pos_order.id}
        self.sudo().write(vals)
        txn = pos_order.club_transaction_id
        if txn.kind == "sale":
            self._club_store_check(txn)
