"""Loyalty is applied on the server, in the transaction that saves the order.

In this order: the gift cards the order sells are issued (``gift_card_issue``,
key ``pos:<order uuid>:gift:<n>``); the club cards it sells are given to the
buyer (``_sell_club_cards``, key ``pos:<order uuid>:club-card``); the refunded
part gives back its share of each refunded order's earn and spend
(``reverse``) and ends the club cards it refunds (``_refund_club_cards``);
the goods sold are confirmed with the key ``pos:<order uuid>`` (``confirm``:
earn, bonuses spent and the gift cards paid with, all or nothing); the
promotions the till gave are compared with those the club granted. An order
synced twice is applied once.

A payment the club refuses (a sale rung up offline spending more than is left)
never makes a balance negative: the order is saved, what can be recorded is
recorded, and the order and its club check are flagged for review.

Grouped by feature: the confirm pipeline, gift cards (sold as order lines,
taken as payments), refunds, promotions and coupons, the club's limits.
"""

import logging
from datetime import timedelta

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

ENTRY_METHODS = [
    ("scan", "Scanned"),
    ("typed", "Typed by hand"),
    ("qr", "Virtual card (QR)"),
    ("phone", "Phone number"),
]


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
    club_hold_id = fields.Many2one(
        "loyalty.club.hold",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The bonuses held for an order placed elsewhere (a web order "
        "collected in the store): this sale captures them.",
    )
    club_earned = fields.Float(digits=(16, 2), readonly=True, copy=False)
    club_spent = fields.Float(digits=(16, 2), readonly=True, copy=False)
    club_balance = fields.Float(
        string="Club Balance After", digits=(16, 2), readonly=True, copy=False
    )
    club_review = fields.Boolean(string="Club Review Needed", readonly=True, copy=False)
    club_message = fields.Char(readonly=True, copy=False)
    club_coupon_codes = fields.Char(
        string="Club Coupons",
        readonly=True,
        copy=False,
        help="Coupon codes the cashier entered (comma-separated).",
    )
    club_entry_method = fields.Selection(
        ENTRY_METHODS,
        readonly=True,
        copy=False,
        help="How the cashier identified the member (sent by the till).",
    )
    club_override_reason = fields.Char(
        readonly=True,
        copy=False,
        help="Why a POS manager let this order go over a club limit.",
    )
    club_override_employee_id = fields.Integer(
        readonly=True,
        copy=False,
        help="The employee (pos_hr) who overrode a club limit, if any.",
    )
    club_offline = fields.Boolean(
        readonly=True,
        copy=False,
        help="The till took this order's bonuses while it could not reach the "
        "club: the program's offline limits are checked again at sync.",
    )
    club_code_token = fields.Char(
        readonly=True,
        copy=False,
        help="Proof that the member's one-time code was checked at the till (not "
        "the code): the sale uses the code up when the order is synced.",
    )

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
        """The goods the club sees: neither refunded lines nor gift cards or
        club cards sold, nor the promotion lines (the club's to compute)."""
        return self.lines.filtered(
            lambda line: not line.refunded_orderline_id
            and not line.product_id.club_gift_card
            and not line.product_id.club_card
            and not line.product_id.club_promotion
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
        todo = self.filtered(
            lambda o: o.config_id.club_program_id and not o.club_transaction_id
        )
        for order in self:
            program = order.config_id.club_program_id
            if not program or order.club_transaction_id:
                continue
            order.write({"club_earned": 0.0, "club_spent": 0.0})
            order._club_issue_gift_cards(program)
            order._club_sell_club_cards(program)
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
                order._club_check_offline_limits(program)
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
        # once every order is applied: the till's discounts against the club's
        for order in todo:
            order._club_check_promotions()

    def _club_check_offline_limits(self, program):
        """A till offline spends at most the program's offline limits from what
        it knew; the sync checks them again and flags an order above them (the
        spend stays recorded: the customer left with the goods)."""
        if not (self.club_offline and self.club_spent > 0):
            return
        unit = program.unit_name or ""
        messages = []
        per_check, per_day = (
            program.offline_burn_per_check,
            program.offline_burn_per_day,
        )
        if per_check and self.club_spent - per_check > 1e-9:
            messages.append(
                _(
                    "%(spent)s %(unit)s were spent on this check while the till was "
                    "offline; the program allows %(limit)s.",
                    spent=self.club_spent,
                    unit=unit,
                    limit=per_check,
                )
            )
        wallet = self.club_wallet_id
        if per_day and wallet:
            day = fields.Datetime.to_datetime(self.date_order).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
            spent = sum(
                self.search(
                    [
                        ("club_wallet_id", "=", wallet.id),
                        ("club_offline", "=", True),
                        ("date_order", ">=", day),
                        ("date_order", "<", day + timedelta(days=1)),
                    ]
                ).mapped("club_spent")
            )
            if spent - per_day > 1e-9:
                messages.append(
                    _(
                        "%(spent)s %(unit)s were spent offline with this card on "
                        "%(day)s; the program allows %(limit)s a day.",
                        spent=spent,
                        unit=unit,
                        day=fields.Date.to_string(day.date()),
                        limit=per_day,
                    )
                )
        if messages:
            self._club_flag(" ".join(messages), self.club_transaction_id or None)

    def _club_confirm(self, program, gift_cards):
        done = self._club_done()
        if done:
            return self._club_store(done, done.response or {})
        currency = self.currency_id
        lines = [
            {
                "key": line.uuid or str(line.id),
                "amount": currency.round(line.price_subtotal_incl),
                # a program may keep discounted lines from earning or bonuses
                "discount": line.discount or 0,
            }
            for line in self._club_sale_lines()
        ]
        rounding = self._club_cash_rounding()
        if rounding and lines:
            # the till rounded the money paid: the largest line takes the
            # difference, so that earn follows what was paid
            largest = max(lines, key=lambda line: line["amount"])
            if largest["amount"] + rounding > 0:
                largest["amount"] = currency.round(largest["amount"] + rounding)
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
        payload = dict(
            self._club_payload_base(program),
            wallet_id=self.club_wallet_id.id or False,
            lines=lines,
            # converted as the till's quote converts it: the earn it promised
            burn=self.config_id._club_burn_for_money(bonus_money),
            strict=True,
            origin={"model": "pos.order", "id": self.id},
        )
        if gift_cards:
            payload["gift_cards"] = gift_cards
        hold = self.club_hold_id
        if hold:
            # an order collected here: its sale may spend what was held for it
            payload["hold_id"] = hold.id
            payload["wallet_id"] = payload["wallet_id"] or hold.wallet_id.id
        self._club_confirm_attempts(payload, bonus_money)

    def _club_attempts(self, payload, bonus_money):
        """The full payload, then what to record when the club refuses a part:
        without the gift cards, without the bonuses, without both; with the
        coupons shown, then without them."""
        payload = self._club_promo_payload(payload)
        attempts = self._club_payment_attempts(payload, bonus_money)
        attempts = self._club_promo_paid_attempts(attempts)
        return self._club_coupon_attempts(attempts)

    def _club_payment_attempts(self, payload, bonus_money):
        """The full payload, then without the gift cards, without the bonuses,
        without both."""
        without_gift = {k: v for k, v in payload.items() if k != "gift_cards"}
        attempts = [(payload, ())]
        if "gift_cards" in payload:
            attempts.append((without_gift, ("gift",)))
        paid = self.currency_id.round(
            sum(line["amount"] for line in payload["lines"]) - bonus_money
        )
        if bonus_money and paid > 0:
            earn_only = dict(
                payload,
                lines=[
                    {"key": "paid", "amount": self._club_earning_paid(payload, paid)}
                ],
                burn=0,
                strict=False,
            )
            # nothing spent: a hold refused stays as it is (its job expires it)
            earn_only.pop("hold_id", None)
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

    def _club_cash_rounding(self):
        """What the till's cash rounding took off (< 0) or added (> 0) to the
        order's total; 0 without cash rounding."""
        config = self.config_id
        step = config.rounding_method.rounding if config.cash_rounding else 0.0
        if not step:
            return 0.0
        diff = self.currency_id.round(self.amount_paid - self.amount_total)
        return diff if abs(diff) <= step + 1e-9 else 0.0

    def _club_earning_paid(self, payload, paid):
        """Of the money ``paid`` (the goods less the bonuses the club refused),
        what was paid for goods that earn: goods the program excludes from
        earning do not earn on the earn-only record either."""
        program = self.config_id.club_program_id
        if not program.has_goods_rules:
            return paid
        by_key = {line.uuid or str(line.id): line for line in self._club_sale_lines()}
        total = earning = payable = both = 0.0
        for raw in payload["lines"]:
            line = by_key.get(raw.get("key"))
            earns, pays, _per_item = program._goods_rules(
                line.product_id if line else self.env["product.product"],
                bool(line and line.discount),
            )
            amount = raw["amount"]
            total += amount
            earning += amount if earns else 0.0
            payable += amount if pays else 0.0
            both += amount if earns and pays else 0.0
        bonus = total - paid
        on_earning = bonus * both / payable if payable > 0 else 0.0
        return self.currency_id.round(max(earning - on_earning, 0.0))

    def _club_confirm_attempts(self, payload, bonus_money):
        payload = self._club_limits_payload(payload)
        service = self._club_service()
        first_error = None
        for attempt, dropped in self._club_attempts(payload, bonus_money):
            try:
                with self.env.cr.savepoint():
                    response = service.confirm(attempt, self._club_key())
            except (UserError, ValidationError) as exc:
                first_error = first_error or exc
                continue
            # the check the club booked (or replayed) under this order's key
            txn = (
                self.env["loyalty.club.transaction"]
                .sudo()
                .browse(response["transaction_id"])
            )
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
        if "coupon" in dropped:
            messages.append(
                _(
                    "The coupon %(codes)s was refused by the club: %(reason)s "
                    "Please review this order.",
                    codes=", ".join(self._club_coupon_list()),
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
        self._club_mark_till(txn)

    # --------------------------------------------------------------- gift cards
    # Gift cards at the till: sold as order lines, taken as payments.

    def _club_gift_sale_lines(self):
        """Lines selling a gift card, in the order they were rung up."""
        return self.lines.filtered(
            lambda line: line.product_id.club_gift_card
            and not line.refunded_orderline_id
        ).sorted("id")

    def _club_issue_gift_cards(self, program):
        """Issue the gift cards this order sells (once: keyed by the order)."""
        service = self._club_service()
        for n, line in enumerate(self._club_gift_sale_lines(), start=1):
            amount = self.currency_id.round(line.price_subtotal_incl)
            code = (line.club_gift_code or "").strip()
            if line.qty != 1 or amount <= 0:
                self._club_flag(
                    _(
                        "Gift card line %(n)s was not issued: a gift card line sells "
                        "one card for a positive amount.",
                        n=n,
                    )
                )
                continue
            payload = dict(self._club_payload_base(program), amount=amount)
            if code:
                payload["code"] = code
            try:
                with self.env.cr.savepoint():
                    card = service.gift_card_issue(
                        payload, f"{self._club_key()}:gift:{n}"
                    )
            except (UserError, ValidationError) as exc:
                self._club_flag(
                    _(
                        "The gift card %(code)s (%(amount)s) was not issued: "
                        "%(reason)s",
                        code=code or _("to be made by the club"),
                        amount=self._club_money(amount),
                        reason=self._club_reason(exc),
                    )
                )
                continue
            line.write(
                {
                    "club_gift_code": card["code"],
                    "club_gift_expires_on": card.get("expires_on") or False,
                }
            )

    # --------------------------------------------------------------- club cards
    # A club card sold at the till (a paid membership): the service gives the
    # buyer (the order's member, else its customer) the card scanned on the line
    # or a virtual one, and the tier of the product; once, keyed by the order.
    # A physical card sold to nobody waits for its holder to register it. The
    # order's other goods then earn for the new member.

    def _club_sell_club_cards(self, program):
        lines = self.lines.filtered(
            lambda line: line.product_id.club_card and not line.refunded_orderline_id
        )
        if not lines:
            return
        buyer = self.club_wallet_id.partner_id or self.partner_id
        try:
            with self.env.cr.savepoint():
                self._club_service()._sell_club_cards(
                    buyer,
                    [
                        {
                            "product_id": line.product_id.id,
                            "qty": line.qty,
                            "code": line.club_card_code or "",
                        }
                        for line in lines.sorted("id")
                    ],
                    "pos",
                    f"{self._club_key()}:club-card",
                    program=program,
                    store_id=self.config_id.club_store_id.id or False,
                    ref=self.pos_reference or self.name,
                )
        except (UserError, ValidationError) as exc:
            return self._club_flag(
                _(
                    "The club card sold on this order was not given: %(reason)s",
                    reason=self._club_reason(exc),
                )
            )
        if buyer and not self.club_wallet_id:
            wallet = (
                self.env["loyalty.club.wallet"]
                .sudo()
                .search(
                    [("partner_id", "=", buyer.id), ("program_id", "=", program.id)],
                    limit=1,
                )
            )
            self.club_wallet_id = wallet

    def _club_gift_payments(self):
        return self.payment_ids.filtered(
            lambda p: p.payment_method_id.club_kind == "gift_card"
        )

    def _club_gift_payment_totals(self):
        """{card number: money paid with it} over the gift card payment lines."""
        totals = {}
        for payment in self._club_gift_payments():
            code = (payment.club_gift_code or "").strip().upper()
            totals[code] = totals.get(code, 0.0) + payment.amount
        return {code: self.currency_id.round(amount) for code, amount in totals.items()}

    def _club_gift_cards_paid(self):
        """The ``gift_cards`` of the confirm payload: [{code, amount}]."""
        return [
            {"code": code, "amount": amount}
            for code, amount in self._club_gift_payment_totals().items()
            if code and amount > 0
        ]

    def _club_check_gift_payments(self):
        """Flag gift card payments the club cannot book as rung up."""
        for code, amount in self._club_gift_payment_totals().items():
            if not code and amount:
                self._club_flag(
                    _(
                        "%(amount)s was paid with the gift card method without a "
                        "card number; please review this order.",
                        amount=self._club_money(amount),
                    )
                )
            elif amount < 0:
                self._club_flag(
                    _(
                        "%(amount)s was given back to gift card %(code)s at the "
                        "till; the club did not credit the card: please review "
                        "this order.",
                        amount=self._club_money(-amount),
                        code=code,
                    )
                )

    def _club_store_gift_balances(self, cards):
        """Write what each gift card holds after this order (for the receipt)."""
        balances = {card["code"]: card.get("balance", 0.0) for card in cards}
        for payment in self._club_gift_payments():
            code = (payment.club_gift_code or "").strip().upper()
            if code in balances:
                payment.club_gift_balance = balances[code]

    # ------------------------------------------------------------------ refunds
    # Each refunded order gives back its share of the club. A refund of one
    # order is reversed with the key ``pos:<refund uuid>``. An order that
    # refunds several orders, or that also sells new goods (an exchange), keys
    # each reversal ``pos:<refund uuid>:refund:<refunded order uuid>``; its new
    # goods are a sale of their own (see ``_club_confirm``).

    def _club_refund_groups(self):
        """[(refunded order, lines of this order refunding it)], oldest first."""
        groups = {}
        for line in self.lines.filtered("refunded_orderline_id"):
            original = line.refunded_orderline_id.order_id
            groups[original] = groups.get(original, line.browse()) | line
        return sorted(groups.items(), key=lambda item: item[0].id)

    def _club_sale_check(self):
        """The club check of this order's sale, if the club saw it."""
        txn = self._club_done()
        if not txn and self.club_transaction_id.kind == "sale":
            txn = self.club_transaction_id
        return txn.sudo() if txn.kind == "sale" else txn.browse()

    def _club_reverse_refunds(self):
        groups = self._club_refund_groups()
        single = len(groups) == 1 and not self._club_sale_lines()
        for original, lines in groups:
            gift = lines.filtered(lambda line: line.product_id.club_gift_card)
            if gift:
                self._club_cancel_gift_cards(original, gift)
            cards = lines.filtered(lambda line: line.product_id.club_card)
            if cards:
                self._club_refund_club_cards(original, cards)
            key = self._club_key()
            if not single:
                key = f"{key}:refund:{original.uuid}"
            if lines - gift - cards:
                self._club_reverse(original, lines - gift - cards, key)

    def _club_refund_club_cards(self, original, lines):
        """Club cards sold with ``original`` and refunded here: their sale ends
        (the tier bought no longer holds; a card still waiting for its holder
        goes back to stock), once per refund."""
        try:
            with self.env.cr.savepoint():
                self._club_service()._refund_club_cards(
                    f"{original._club_key()}:club-card",
                    [
                        {"product_id": line.product_id.id, "qty": -line.qty}
                        for line in lines.sorted("id")
                    ],
                    f"{self._club_key()}:club-card-refund:{original.uuid}",
                    ref=self.pos_reference or self.name,
                )
        except (UserError, ValidationError) as exc:
            self._club_flag(
                _(
                    "The club card refunded with this order was not taken back: "
                    "%(reason)s",
                    reason=self._club_reason(exc),
                )
            )

    def _club_cancel_gift_cards(self, original, lines):
        """A gift card sold and refunded: its sale is reversed and the card blocked
        (only an unused card; the till asks the club before the refund is paid)."""
        program = self.config_id.club_program_id
        for line in lines:
            sold = line.refunded_orderline_id
            code = sold.club_gift_code
            if not code:
                continue  # never issued: the sale was flagged, nothing to take back
            payload = dict(self._club_payload_base(program), code=code)
            try:
                with self.env.cr.savepoint():
                    self._club_service().gift_card_cancel(
                        payload, f"{self._club_key()}:gift-refund:{sold.id}"
                    )
            except (UserError, ValidationError) as exc:
                self._club_flag(
                    _(
                        "The gift card %(code)s sold with %(order)s was refunded at "
                        "the till but keeps its money: %(reason)s Please review "
                        "this order.",
                        code=code,
                        order=original.pos_reference or original.name,
                        reason=self._club_reason(exc),
                    )
                )
                continue
            line.write({"club_gift_code": code})

    def _club_reverse(self, original, lines, key):
        """Give back the refunded share of the original check's earn and burn."""
        # refunding a promotion line with the goods is the money the till gives
        # back; the club reverses its share of the goods refunded
        lines = lines.filtered(lambda line: not line.product_id.club_promotion)
        txn = original._club_sale_check()
        if not txn:
            return
        done = self._club_check(key)
        if done:
            return self._club_store_reversal(done, done.response or {}, original)
        program = txn.program_id
        refund_minor = program.money_to_minor(
            self.currency_id.round(-sum(lines.mapped("price_subtotal_incl")))
        )
        total_minor = program.money_to_minor(
            original.currency_id.round(
                sum(original._club_sale_lines().mapped("price_subtotal_incl"))
            )
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
            origin={"model": "pos.order", "id": self.id},
        )
        payload.pop("program_id")
        try:
            with self.env.cr.savepoint():
                response = self._club_service().reverse(payload, key)
        except (UserError, ValidationError) as exc:
            return self._club_flag(
                _(
                    "The club refund was not recorded: %(reason)s",
                    reason=self._club_reason(exc),
                )
            )
        self._club_store_reversal(self._club_check(key), response, original)

    def _club_store_reversal(self, txn, response, original):
        vals = {
            "club_earned": self.club_earned - response.get("earn_reversed", 0.0),
            "club_spent": self.club_spent - response.get("burn_returned", 0.0),
            "club_balance": response.get("available", 0.0),
        }
        if not self.club_transaction_id:
            vals["club_transaction_id"] = txn.id
        wallet = original.club_wallet_id or txn.wallet_id
        if not self.club_wallet_id and wallet:
            vals["club_wallet_id"] = wallet.id
        self.write(vals)
        if response.get("shortfall"):
            self._club_flag(
                _(
                    "%(amount)s earned on the refunded order was already spent.",
                    amount=response["shortfall"],
                )
            )
        self._club_mark_till(txn)

    # --------------------------------------------------------------- promotions
    # The till shows the discounts of the club's quote as lines of the "Club
    # promotion" product, one per promotion and set of taxes, carrying the
    # taxes of the lines they discount: the discount lowers each tax's base, as
    # pos_loyalty's reward lines do. The goods lines keep their full price, so
    # the club is sent the amounts before promotions (with product and
    # quantity) and recomputes the promotions itself when the order is
    # confirmed. A till that gave more (or less) than the club grants (a stale
    # quote, a budget just spent, a coupon used at another till) keeps its
    # sale: the order is saved and flagged for review.

    def _club_promo_lines(self):
        return self.lines.filtered(
            lambda line: line.product_id.club_promotion
            and not line.refunded_orderline_id
        )

    def _club_coupon_list(self):
        return [c.strip() for c in (self.club_coupon_codes or "").split(",") if c]

    def _club_promo_applied(self):
        """Discount the till gave on the sale (positive money)."""
        return self.currency_id.round(
            -sum(self._club_promo_lines().mapped("price_subtotal_incl"))
        )

    def _club_promo_payload(self, payload):
        """The goods with product and quantity, so that the club computes its
        promotions (for identified members only, as the till applies them)."""
        by_key = {line.uuid or str(line.id): line for line in self._club_sale_lines()}
        return dict(
            payload,
            # the till applies promotions to identified members only
            skip_promotions=not payload.get("wallet_id"),
            lines=[
                dict(
                    raw,
                    product_id=by_key[raw["key"]].product_id.id,
                    qty=abs(by_key[raw["key"]].qty),
                )
                if raw.get("key") in by_key
                else raw
                for raw in payload["lines"]
            ],
        )

    def _club_promo_paid_attempts(self, attempts):
        """The earn-only fallbacks count what was paid after the till's discounts
        (dropped when nothing is left)."""
        applied = self._club_promo_applied()
        result = []
        for attempt, dropped in attempts:
            if "burn" in dropped and applied:
                paid = self.currency_id.round(attempt["lines"][0]["amount"] - applied)
                if paid <= 0:
                    continue
                attempt = dict(attempt, lines=[{"key": "paid", "amount": paid}])
            result.append((attempt, dropped))
        return result

    def _club_coupon_attempts(self, attempts):
        """Each attempt with the coupons shown, then each without them: when the
        club refuses a coupon (used at another till meanwhile), the sale is still
        recorded without it."""
        codes = self._club_coupon_list()
        if not codes:
            return attempts
        with_codes = [(dict(a, coupon_codes=codes), d) for a, d in attempts]
        return with_codes + [(a, d + ("coupon",)) for a, d in attempts]

    def _club_check_promotions(self):
        """Compare the discounts the till gave with those the club granted."""
        applied = self._club_promo_applied()
        txn = self.club_transaction_id or self._club_done()
        granted = (txn.response or {}).get("discount", 0.0) if txn else 0.0
        # each promotion line may round its share by one cent
        tolerance = self.currency_id.rounding * max(len(self._club_promo_lines()), 1)
        if abs(applied - granted) <= tolerance + 1e-9:
            return
        if applied > granted:
            message = _(
                "The till gave %(applied)s of club promotions, the club granted "
                "%(granted)s; please review this order.",
                applied=self._club_money(applied),
                granted=self._club_money(granted),
            )
        else:
            message = _(
                "The club granted %(granted)s of promotions, the till gave only "
                "%(applied)s; please review this order.",
                applied=self._club_money(applied),
                granted=self._club_money(granted),
            )
        self._club_flag(message, txn or None)

    # ------------------------------------------------------------------- limits
    # How the member was identified and a POS manager's override travel with
    # the order; the override is checked again against Odoo's POS rights when
    # the order is synced (see ``pos.config._club_verify_override``).

    def _club_limits_payload(self, payload):
        """The confirm payload with the entry method and the verified override."""
        entry = self.club_entry_method
        if entry:
            payload = dict(payload, entry_method=entry)
        if self.club_code_token:
            payload = dict(payload, code_token=self.club_code_token)
        if self.club_override_reason:
            try:
                override = self.config_id._club_verify_override(
                    {
                        "reason": self.club_override_reason,
                        "employee_id": self.club_override_employee_id,
                    }
                )
            except UserError as exc:
                self._club_flag(
                    _(
                        "The override of a club limit was not accepted: %(reason)s",
                        reason=self._club_reason(exc),
                    )
                )
            else:
                payload = dict(payload, override=override)
        return payload

    def _club_mark_till(self, txn):
        """The club check remembers the till it was rung up at."""
        if txn and not txn.pos_config_id:
            txn.sudo().write({"pos_config_id": self.config_id.id})
