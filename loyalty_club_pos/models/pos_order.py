"""Loyalty is applied on the server, in the transaction that saves the order.

A sale confirms its earn and burn with the key ``pos:<order uuid>`` (an order
synced twice is applied once); a refund reverses its share of the refunded
order. A burn the balance no longer allows (a sale rung up offline) never
makes a balance negative: the order is saved, earns on what was paid, and is
flagged for review.
"""

import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

_logger = logging.getLogger(__name__)

# written by the server only: never taken from the till
SERVER_FIELDS = (
    "club_transaction_id",
    "club_earned",
    "club_spent",
    "club_balance",
    "club_review",
    "club_message",
)


class PosOrder(models.Model):
    _inherit = "pos.order"

    club_wallet_id = fields.Many2one(
        "loyalty.club.wallet",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    club_identifier = fields.Char(
        readonly=True,
        copy=False,
        help="Card number or phone the member was identified with.",
    )
    club_transaction_id = fields.Many2one(
        "loyalty.club.transaction", string="Club Check", readonly=True, copy=False
    )
    club_earned = fields.Float(digits=(16, 2), readonly=True, copy=False)
    club_spent = fields.Float(digits=(16, 2), readonly=True, copy=False)
    club_balance = fields.Float(
        string="Club Balance After", digits=(16, 2), readonly=True, copy=False
    )
    club_review = fields.Boolean(string="Club Review Needed", readonly=True, copy=False)
    club_message = fields.Char(readonly=True, copy=False)

    @api.model
    def _process_order(self, order, existing_order):
        for name in SERVER_FIELDS:
            order.pop(name, None)
        order_id = super()._process_order(order, existing_order)
        pos_order = self.browse(order_id)
        if pos_order.state not in ("draft", "cancel"):
            pos_order._club_apply()
        return order_id

    # ------------------------------------------------------------------ helpers
    def _club_key(self):
        return f"pos:{self.uuid}"

    def _club_bonus_paid(self):
        """Money paid with the club bonus methods (negative on a refund)."""
        return sum(
            self.payment_ids.filtered(
                lambda p: p.payment_method_id.club_kind == "bonus"
            ).mapped("amount")
        )

    def _club_payload_base(self, program):
        return {
            "program_id": program.id,
            "store_id": self.config_id.club_store_id.id or False,
            "channel": "pos",
            "date": fields.Datetime.to_string(self.date_order),
            "ref": self.pos_reference or self.name,
        }

    def _club_done(self):
        """The club check already recorded for this order (an earlier sync), if any."""
        return (
            self.env["loyalty.club.transaction"]
            .sudo()
            .search([("idempotency_key", "=", self._club_key())], limit=1)
        )

    def _club_flag(self, message):
        self.write({"club_review": True, "club_message": message})
        _logger.info(
            "POS order %s needs a club review: %s", self.pos_reference, message
        )

    @staticmethod
    def _club_reason(exc):
        return exc.args[0] if exc.args else str(exc)

    # -------------------------------------------------------------------- apply
    def _club_apply(self):
        for order in self:
            program = order.config_id.club_program_id
            if not program or order.club_transaction_id:
                continue
            refunded = order.lines.refunded_orderline_id.order_id.filtered(
                "club_transaction_id"
            )
            if refunded:
                order._club_reverse(refunded[:1])
            elif order.club_wallet_id or order._club_bonus_paid():
                order._club_confirm(program)

    def _club_confirm(self, program):
        done = self._club_done()
        if done:
            return self._club_store(done, done.response or {})
        service = self.env["loyalty.club.service"].sudo()
        wallet = self.club_wallet_id
        bonus_money = self._club_bonus_paid()
        if wallet and wallet.program_id != program:
            return self._club_flag(_("The member's wallet belongs to another program."))
        currency = self.currency_id
        lines = [
            {
                "key": line.uuid or str(line.id),
                "amount": currency.round(line.price_subtotal_incl),
            }
            for line in self.lines
        ]
        policy = program._policy()
        burn_points = policy.points_for_money(program.money_to_minor(bonus_money))
        payload = dict(
            self._club_payload_base(program),
            wallet_id=wallet.id or False,
            lines=lines,
            burn=str(program.from_minor(burn_points)),
            strict=True,
            origin={"model": "pos.order", "id": self.id},
        )
        try:
            with self.env.cr.savepoint():
                response = service.confirm(payload, self._club_key())
        except (UserError, ValidationError) as exc:
            return self._club_confirm_earn_only(program, payload, bonus_money, exc)
        return self._club_store(self._club_done(), response)

    def _club_confirm_earn_only(self, program, payload, bonus_money, exc):
        """The burn was refused: record the earn on what was paid, ask for a review."""
        reason = self._club_reason(exc)
        paid = self.currency_id.round(
            sum(line["amount"] for line in payload["lines"]) - bonus_money
        )
        if not bonus_money or not self.club_wallet_id or paid <= 0:
            return self._club_flag(
                _("Loyalty was not applied: %(reason)s", reason=reason)
            )
        earn_only = dict(
            payload, lines=[{"key": "paid", "amount": paid}], burn=0, strict=False
        )
        try:
            with self.env.cr.savepoint():
                response = (
                    self.env["loyalty.club.service"]
                    .sudo()
                    .confirm(earn_only, self._club_key())
                )
        except (UserError, ValidationError) as second:
            return self._club_flag(
                _(
                    "Loyalty was not applied: %(reason)s",
                    reason=self._club_reason(second),
                )
            )
        message = _(
            "%(amount)s paid with bonuses could not be spent: %(reason)s "
            "Only the earn was recorded; please review this order.",
            amount=format_amount(self.env, bonus_money, self.currency_id),
            reason=reason,
        )
        txn = self._club_done()
        txn.write({"needs_review": True, "review_reason": message[:250]})
        self._club_store(txn, response)
        return self._club_flag(message)

    def _club_store(self, txn, response):
        vals = {
            "club_transaction_id": txn.id,
            "club_earned": response.get("earn", txn.earned),
            "club_spent": response.get("burn", txn.spent),
            "club_balance": response.get("available", txn.wallet_id.balance_available),
        }
        if not self.club_wallet_id and txn.wallet_id:
            vals["club_wallet_id"] = txn.wallet_id.id
        self.write(vals)

    # ------------------------------------------------------------------- refund
    def _club_reverse(self, original):
        """Give back the refunded share of the original check's earn and burn."""
        txn = original.club_transaction_id.sudo()
        program = txn.program_id
        done = self._club_done()
        if done:
            return self._club_store_reversal(done, done.response or {}, original)
        refund_lines = self.lines.filtered("refunded_orderline_id")
        refund_minor = program.money_to_minor(
            self.currency_id.round(-sum(refund_lines.mapped("price_subtotal_incl")))
        )
        total_minor = program.money_to_minor(
            original.currency_id.round(original.amount_total)
        )
        if refund_minor <= 0 or total_minor <= 0:
            return
        # the club saw txn.amount_minor of this order (less after an earn-only review)
        share = min(
            refund_minor * txn.amount_minor // total_minor,
            txn.amount_minor - txn.refunded_minor,
        )
        if share <= 0:
            return
        payload = dict(
            self._club_payload_base(program),
            original_key=txn.idempotency_key,
            amount=str(program.money_from_minor(share)),
        )
        payload.pop("program_id")
        try:
            with self.env.cr.savepoint():
                response = (
                    self.env["loyalty.club.service"]
                    .sudo()
                    .reverse(payload, self._club_key())
                )
        except (UserError, ValidationError) as exc:
            return self._club_flag(
                _(
                    "The club refund was not recorded: %(reason)s",
                    reason=self._club_reason(exc),
                )
            )
        self._club_store_reversal(self._club_done(), response, original)

    def _club_store_reversal(self, txn, response, original):
        self.write(
            {
                "club_transaction_id": txn.id,
                "club_wallet_id": original.club_wallet_id.id
                or txn.wallet_id.id
                or False,
                "club_earned": -response.get("earn_reversed", 0.0),
                "club_spent": -response.get("burn_returned", 0.0),
                "club_balance": response.get("available", 0.0),
            }
        )
        if response.get("shortfall"):
            self._club_flag(
                _(
                    "%(amount)s earned on the refunded order was already spent.",
                    amount=response["shortfall"],
                )
            )
