"""Customer invoices and credit notes of sales orders, as the club sees them.

An invoice that becomes paid (Odoo's ``_invoice_paid_hook``: paid or in
payment) books its orders with the club once every invoice of the order is
paid. A posted credit note of such an order gives back its share of the club
check through the service's ``reverse``, keyed by the credit note: posting it
again (reset to draft, posted again) reverses nothing twice. The club cards
it refunds end their sale (the tier bought no longer holds).
"""

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError


class AccountMove(models.Model):
    _inherit = "account.move"

    club_transaction_id = fields.Many2one(
        "loyalty.club.transaction",
        string="Club Refund Check",
        readonly=True,
        copy=False,
        groups="loyalty_club.group_club_user",
    )

    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        orders = self.filtered(
            lambda move: move.move_type == "out_invoice"
        ).invoice_line_ids.sale_line_ids.order_id
        # whoever registers the payment (an accountant, an online payment)
        orders.sudo()._club_on_invoice_paid()
        return res

    def _post(self, soft=True):
        posted = super()._post(soft)
        posted.filtered(
            lambda move: move.move_type == "out_refund"
        )._club_reverse_credit_notes()
        return posted

    # ----------------------------------------------------------- credit notes
    def _club_refund_key(self):
        return f"account.move:{self.id}:club-refund"

    def _club_reverse_credit_notes(self):
        for move in self.sudo():
            orders = move.invoice_line_ids.sale_line_ids.order_id
            for order in orders:
                move._club_reverse_order(order)
                move._club_refund_cards(order)

    def _club_refund_cards(self, order):
        """The club cards of ``order`` this credit note refunds: their sale
        ends (the tier bought no longer holds; a card waiting for its holder
        goes back to stock), once per credit note."""
        cards = order._club_card_lines()
        lines = self.invoice_line_ids.filtered(lambda line: line.sale_line_ids & cards)
        if not lines:
            return
        try:
            with self.env.cr.savepoint():
                self.env["loyalty.club.service"].sudo()._refund_club_cards(
                    f"sale.order:{order.id}:club-card",
                    [
                        {"product_id": line.product_id.id, "qty": line.quantity}
                        for line in lines.sorted("id")
                    ],
                    f"{self._club_refund_key()}:{order.id}:club-card",
                    ref=f"{order.name}/{self.name}",
                )
        except (UserError, ValidationError) as exc:
            order._club_flag(
                self.env._(
                    "The club card refunded by the credit note %(move)s was not "
                    "taken back: %(reason)s",
                    move=self.name,
                    reason=exc.args[0] if exc.args else str(exc),
                )
            )

    def _club_refund_minor(self, order, program):
        """The money this credit note gives back for the goods of ``order``
        (with taxes, the bonus line left out), in minor units."""
        goods = order._club_goods_lines()
        lines = self.invoice_line_ids.filtered(lambda line: line.sale_line_ids & goods)
        return program.money_to_minor(
            self.currency_id.round(sum(lines.mapped("price_total")))
        )

    def _club_reverse_order(self, order):
        txn = order.sudo().club_transaction_id
        if not txn or txn.kind != "sale":
            return
        key = self._club_refund_key()
        if len(self.invoice_line_ids.sale_line_ids.order_id) > 1:
            key = f"{key}:{order.id}"
        Txn = self.env["loyalty.club.transaction"].sudo()
        done = Txn.search([("idempotency_key", "=", key)], limit=1)
        if done:
            self.sudo().club_transaction_id = done
            return
        program = txn.program_id
        refund_minor = self._club_refund_minor(order, program)
        total_minor = program.money_to_minor(
            order.currency_id.round(
                sum(order._club_goods_lines().mapped("price_total"))
            )
        )
        if refund_minor <= 0 or total_minor <= 0:
            return
        # the club saw txn.amount_minor of the order: the refund's share of it
        share = min(
            refund_minor * txn.amount_minor // total_minor,
            txn.amount_minor - txn.refunded_minor,
        )
        if share <= 0:
            return
        payload = {
            "transaction_id": txn.id,
            "channel": "sale",
            "ref": f"{order.name}/{self.name}",
            "amount": str(program.money_from_minor(share)),
            "origin": {"model": "account.move", "id": self.id},
        }
        try:
            with self.env.cr.savepoint():
                response = self.env["loyalty.club.service"].sudo().reverse(payload, key)
        except (UserError, ValidationError) as exc:
            order._club_flag(
                self.env._(
                    "The club did not take back its share of the credit note "
                    "%(move)s: %(reason)s",
                    move=self.name,
                    reason=exc.args[0] if exc.args else str(exc),
                )
            )
            return
        refund = Txn.browse(response["transaction_id"])
        self.sudo().club_transaction_id = refund
        order.sudo().write(
            {
                "club_earned": order.club_earned - response.get("earn_reversed", 0.0),
                "club_spent": order.club_spent - response.get("burn_returned", 0.0),
            }
        )
