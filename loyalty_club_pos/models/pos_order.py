"""Loyalty is applied on the server, in the transaction that saves the order.

In this order: the gift cards the order sells are issued (``gift_card_issue``,
key ``pos:<order uuid>:gift:<n>``); the refunded part gives back its share of
each refunded order's earn and spend (``reverse``); the goods sold are confirmed
with the key ``pos:<order uuid>`` (``confirm``: earn, bonuses spent and the gift
cards paid with, all or nothing). An order synced twice is applied once.

A payment the club refuses (a sale rung up offline spending more than is left)
never makes a balance negative: the order is saved, what can be recorded is
recorded, and the order and its club check are flagged for review.
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
LINE_SERVER_FIELDS = ("club_gift_expires_on",)
PAYMENT_SERVER_FIELDS = ("club_gift_balance",)


def _strip(commands, names):
    """Drop server-written fields from the till's one2many commands."""
    for command in commands or []:
        is_command = isinstance(command, list | tuple) and len(command) > 2
        vals = command[2] if is_command else None
        if isinstance(vals, dict):
            for name in names:
                vals.pop(name, None)


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
        _strip(order.get("lines"), LINE_SERVER_FIELDS)
        _strip(order.get("payment_ids"), PAYMENT_SERVER_FIELDS)
        order_id = super()._process_order(order, existing_order)
        pos_order = self.browse(order_id)
        if pos_order.state not in ("draft", "cancel"):
            pos_order._club_apply()
        return order_id

    # ------------------------------------------------------------------ helpers
    def _club_key(self):
        return f"pos:{self.uuid}"

    @api.model
    def _club_service(self):
        return self.env["loyalty.club.service"].sudo()

    def _club_check(self, key):
        """The club check recorded under this idempotency key, if any."""
        return (
            self.env["loyalty.club.transaction"]
            .sudo()
            .search([("idempotency_key", "=", key)], limit=1)
        )

    def _club_done(self):
        """The club check of this order's sale (an earlier sync), if any."""
        return self._club_check(self._club_key())

    def _club_sale_lines(self):
        """The goods the club sees: neither refunded lines nor gift cards sold."""
        return self.lines.filtered(
            lambda line: not line.refunded_orderline_id
            and not line.product_id.club_gift_card
        )

    def _club_bonus_paid(self):
        """Money paid with the club bonus methods (negative on a refund)."""
        return sum(
            self.payment_ids.filtered(
                lambda p: p.payment_method_id.club_kind == "bonus"
            ).mapped("amount")
        )

    def _club_money(self, amount):
        return format_amount(self.env, amount, self.currency_id)

    def _club_payload_base(self, program):
        return {
            "program_id": program.id,
            "store_id": self.config_id.club_store_id.id or False,
            "channel": "pos",
            "date": fields.Datetime.to_string(self.date_order),
            "ref": self.pos_reference or self.name,
        }

    def _club_flag(self, message, txn=None):
        """Flag the order (and its club check, through the service) for review."""
        if txn:
            self._club_service().flag_review(txn.id, message[:250])
        current = self.club_message or ""
        if message not in current:
            current = f"{current} {message}".strip()
        self.write({"club_review": True, "club_message": current})
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
            order.write({"club_earned": 0.0, "club_spent": 0.0})
            order._club_issue_gift_cards(program)
            order._club_reverse_refunds()
            order._club_check_gift_payments()
            gift_cards = order._club_gift_cards_paid()
            wallet = order.club_wallet_id
            if wallet.kind == "gift_card":
                order._club_flag(_("A gift card cannot be used as a member's card."))
                order.club_wallet_id = wallet = wallet.browse()
            if order._club_sale_lines() and (
                wallet or order._club_bonus_paid() > 0 or gift_cards
            ):
                order._club_confirm(program, gift_cards)
            elif gift_cards:
                order._club_flag(
                    _(
                        "%(amount)s paid with gift cards was not debited: the order "
                        "has no goods to book the payment with.",
                        amount=order._club_money(
                            sum(item["amount"] for item in gift_cards)
                        ),
                    )
                )

    def _club_confirm(self, program, gift_cards):
        done = self._club_done()
        if done:
            return self._club_store(done, done.response or {})
        currency = self.currency_id
        lines = [
            {
                "key": line.uuid or str(line.id),
                "amount": currency.round(line.price_subtotal_incl),
            }
            for line in self._club_sale_lines()
        ]
        bonus_money = self._club_bonus_paid()
        if self.lines.refunded_orderline_id:
            # an exchange: its refunded part gave its bonuses back, nothing is spent
            if bonus_money > 0:
                self._club_flag(
                    _(
                        "%(amount)s paid with bonuses on an order that also refunds "
                        "was not spent; please review this order.",
                        amount=self._club_money(bonus_money),
                    )
                )
            bonus_money = 0.0
        bonus_money = max(bonus_money, 0.0)
        burn_points = program._policy().points_for_money(
            program.money_to_minor(bonus_money)
        )
        payload = dict(
            self._club_payload_base(program),
            wallet_id=self.club_wallet_id.id or False,
            lines=lines,
            burn=str(program.from_minor(burn_points)) if burn_points else 0,
            strict=True,
            origin={"model": "pos.order", "id": self.id},
        )
        if gift_cards:
            payload["gift_cards"] = gift_cards
        self._club_confirm_attempts(payload, bonus_money)

    def _club_attempts(self, payload, bonus_money):
        """The full payload, then what to record when the club refuses a part:
        without the gift cards, without the bonuses, without both."""
        without_gift = {k: v for k, v in payload.items() if k != "gift_cards"}
        attempts = [(payload, ())]
        if "gift_cards" in payload:
            attempts.append((without_gift, ("gift",)))
        paid = self.currency_id.round(
            sum(line["amount"] for line in payload["lines"]) - bonus_money
        )
        if bonus_money and paid > 0:
            earn_only = dict(
                payload, lines=[{"key": "paid", "amount": paid}], burn=0, strict=False
            )
            attempts.append((earn_only, ("burn",)))
            if "gift_cards" in payload:
                attempts.append(
                    (
                        {k: v for k, v in earn_only.items() if k != "gift_cards"},
                        ("burn", "gift"),
                    )
                )
        # a check with neither a member nor a gift card records nothing
        return [
            (attempt, dropped)
            for attempt, dropped in attempts
            if attempt.get("wallet_id") or attempt.get("gift_cards") or not dropped
        ]

    def _club_confirm_attempts(self, payload, bonus_money):
        service = self._club_service()
        first_error = None
        for attempt, dropped in self._club_attempts(payload, bonus_money):
            try:
                with self.env.cr.savepoint():
                    response = service.confirm(attempt, self._club_key())
            except (UserError, ValidationError) as exc:
                first_error = first_error or exc
                continue
            txn = self._club_done()
            self._club_store(txn, response)
            if dropped:
                reason = self._club_reason(first_error)
                self._club_flag(
                    self._club_dropped_message(dropped, bonus_money, reason), txn
                )
            return
        self._club_flag(
            _(
                "Loyalty was not applied: %(reason)s",
                reason=self._club_reason(first_error),
            )
        )

    def _club_dropped_message(self, dropped, bonus_money, reason):
        messages = []
        if "burn" in dropped:
            messages.append(
                _(
                    "%(amount)s paid with bonuses could not be spent: %(reason)s "
                    "Only the earn was recorded; please review this order.",
                    amount=self._club_money(bonus_money),
                    reason=reason,
                )
            )
        if "gift" in dropped:
            messages.append(
                _(
                    "%(amount)s paid with gift cards could not be debited from the "
                    "cards: %(reason)s Please review this order.",
                    amount=self._club_money(
                        sum(item["amount"] for item in self._club_gift_cards_paid())
                    ),
                    reason=reason,
                )
            )
        return " ".join(messages)

    def _club_store(self, txn, response):
        vals = {
            "club_transaction_id": txn.id,
            "club_earned": self.club_earned + response.get("earn", txn.earned),
            "club_spent": self.club_spent + response.get("burn", txn.spent),
            "club_balance": response.get("available", txn.wallet_id.balance_available),
        }
        if not self.club_wallet_id and txn.wallet_id:
            vals["club_wallet_id"] = txn.wallet_id.id
        self.write(vals)
        self._club_store_gift_balances(response.get("gift_cards") or [])
