"""The club's one service: every channel (POS, API, portal, back office) calls it.

A sale reads top to bottom in ``confirm``: one pipeline of named steps.

    idempotency -> parse -> identify and lock the wallet -> promotions and quote
        -> limits -> one-time code (spending on a typed phone) -> book (check,
        ledger lines, lots, allocations; coupons and budgets) -> gift cards paid
        with -> effects -> answer

Each step is a method an extension may override (``_prepare_*`` builds values,
``_confirm_*`` does a step, ``_confirm_effects`` is the hook for what follows a
booked sale: contests, tier, webhooks, and later messages). ``reverse``, the
gift-card operations and ``adjust`` have the same shape and share one
``_idempotent`` opening. Decisions are taken by the plain-Python core in
``..domain``; amounts cross the edge once, in ``..edge``; every movement is
written under a row lock on its wallet, so any number of workers and tills stay
correct.

The same service goes on in ``loyalty_club_service_membership`` (members join,
their cards), ``loyalty_club_service_gift_card`` (gift cards) and
``loyalty_club_service_card_sale`` (club cards sold).
"""

import dataclasses
import uuid

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .. import edge
from ..domain import cards as core_cards
from ..domain import errors as core_errors
from ..domain import ledger as core_ledger
from ..domain import money, rules

ENTRY_METHODS = ("scan", "typed", "qr", "phone", "api")
# the models that keep the answers of idempotent operations
RECEIPTS = ("loyalty.club.transaction", "loyalty.club.request")

# what identify reads of a member's contact: a partner has a hundred columns,
# and a lookup at the till needs four of them (any other is read when used)
PARTNER_FIELDS = ["name", "club_status", "club_phone", "club_preferences"]
CARD_FIELDS = ["code", "kind", "state", "partner_id", "program_id", "replaced_by_id"]


def _columns(model):
    """Every column a read of ``model`` fetches, to find and read in one query."""
    return [
        name
        for name, field in model._fields.items()
        if field.column_type and field.prefetch is True
    ]


@dataclasses.dataclass
class Sale:
    """What the steps of one ``confirm`` know about the sale, filled in order."""

    payload: dict
    key: str
    program: object = None
    today: object = None
    now: object = None
    wallet: object = None
    lots: list = dataclasses.field(default_factory=list)
    quote: object = None
    check_vals: dict = dataclasses.field(default_factory=dict)
    txn: object = None
    gift_cards: list = dataclasses.field(default_factory=list)
    hold: object = None


class LoyaltyClubService(models.AbstractModel):
    _name = "loyalty.club.service"
    _description = "Loyalty Club Services"

    # ================================================================ helpers
    def _env(self):
        """Environment allowed to write the ledger (the services are its only
        writer)."""
        return self.sudo().with_context(loyalty_club_service=True).env

    def _check_caller(self):
        """Channels call as superuser after their own checks (POS session, API key)."""
        if not (self.env.su or self.env.user.has_group("loyalty_club.group_club_user")):
            raise AccessError(
                self.env._("Only club users and the club's channels may do this.")
            )

    def _check_manager(self):
        if not self.env.user.has_group("loyalty_club.group_club_manager"):
            raise AccessError(self.env._("Only a club manager may do this."))

    def _raise(self, exc, program=None):
        """A core error as a translated UserError."""
        edge.raise_core(self.env, exc, program)

    def _today(self, payload=None):
        date = (payload or {}).get("date")
        if date:
            return fields.Datetime.to_datetime(date).date()
        return edge.club_today(self)

    def _now(self, payload=None):
        date = (payload or {}).get("date")
        return fields.Datetime.to_datetime(date) if date else fields.Datetime.now()

    def _program(self, payload=None):
        program_id = (payload or {}).get("program_id")
        Program = self.env["loyalty.club.program"].sudo()
        if program_id:
            # found and read in one query (a missing id gives no record; an
            # archived program is found, as browse would), unless this
            # transaction read it already: a channel's call asks several times
            program = Program.browse(int(program_id))
            if not Program.env.cache.contains(program, Program._fields["company_id"]):
                program = (
                    Program.with_context(active_test=False)
                    .search_fetch([("id", "=", program.id)], _columns(Program))
                    .with_env(Program.env)
                )
        else:
            program = Program.search(
                [("company_id", "=", self.env.company.id)], limit=1
            )
        if not program:
            raise UserError(
                self.env._("No loyalty program is configured for this company.")
            )
        return program

    def _amount(self, value, digits, what):
        """A typed or JSON amount as minor units; bad input is refused."""
        return edge.parse_amount(self.env, value, digits, what)

    # ============================================================ idempotency
    def _idempotent(
        self, key, payload, receipts="loyalty.club.transaction", missing=None
    ):
        """The opening of every operation that changes the ledger.

        Returns ``(key, answer)``: the stripped key, and the stored answer of an
        earlier request with this key and this very body (``replayed``), or
        ``None`` when the key is new. A key used for another body, or by another
        kind of operation, is refused; an empty key too (``missing``: the
        sentence saying so). ``receipts`` is the model that keeps this
        operation's answers: the checks for sales and refunds,
        ``loyalty.club.request`` for the others. Call it again after locking the
        wallet: a concurrent twin may have won the lock.
        """
        key = (key or "").strip() if isinstance(key, str) else ""
        if not key:
            raise UserError(
                missing or self.env._("A confirmation needs an idempotency key.")
            )
        model, done = self._receipt(key)
        if not done:
            return key, None
        if model != receipts or done.request_hash != edge.request_hash(payload):
            raise ValidationError(
                self.env._(
                    "The idempotency key %(key)s was already used for another "
                    "request.",
                    key=key,
                )
            )
        return key, dict(done.response or {}, replayed=True)

    def _receipt(self, key):
        """``(model, record)`` of the answer kept under this key by any kind of
        operation, or ``(None, None)``: one query over every receipts table (a
        sale asks twice, before and after its wallet's lock)."""
        models_ = [self.env[model].sudo() for model in RECEIPTS]
        for Model in models_:
            Model.flush_model(["idempotency_key"])
        self.env.cr.execute(
            SQL(" UNION ALL ").join(
                SQL(
                    "(SELECT %s, id FROM %s WHERE idempotency_key = %s LIMIT 1)",
                    index,
                    SQL.identifier(Model._table),
                    key,
                )
                for index, Model in enumerate(models_)
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            return None, None
        Model = models_[row[0]]
        return Model._name, Model.browse(row[1])

    def _operation_start(self, idempotency_key, payload, missing):
        """The opening of an operation that is not a check (gift cards, holds):
        the caller's right, then ``(key, stored answer or None)`` from
        ``_idempotent`` over the requests' receipts."""
        self._check_caller()
        return self._idempotent(
            idempotency_key, payload, receipts="loyalty.club.request", missing=missing
        )

    def _operation_replay(self, key, payload):
        """The stored answer of a twin that won the wallet's lock, or None."""
        return self._idempotent(key, payload, receipts="loyalty.club.request")[1]

    def _remember(self, key, payload, response):
        """Keep the answer of an operation that is not a check, for its replays."""
        self._env()["loyalty.club.request"].create(
            {
                "idempotency_key": key,
                "request_hash": edge.request_hash(payload),
                "response": response,
            }
        )
        return dict(response, replayed=False)

    # =============================================================== identify
    def _find(self, identifier, program):
        """(wallet, card, partner) for a card number, QR payload or phone."""
        try:
            kind, value = core_cards.parse_identifier(identifier or "")
        except core_errors.DomainError as exc:
            self._raise(exc)
        Card = self.env["loyalty.club.card"].sudo()
        card = partner = self.env["res.partner"]
        if kind in ("card", "code"):
            card = Card.search_fetch([("code", "=", value)], CARD_FIELDS, limit=1)
            if not card:
                raise UserError(self.env._("No club card %(code)s.", code=value))
            card._check_usable()
            partner = card.partner_id
            partner.fetch(PARTNER_FIELDS)
            if card.kind == "gift":
                raise UserError(
                    self.env._(
                        "%(code)s is a gift card, not a club card.", code=card.code
                    )
                )
        else:
            e164 = self.env["res.partner"]._club_normalize_phone(value)
            partner = (
                self.env["res.partner"]
                .sudo()
                .search_fetch(
                    [("club_phone", "=", e164), ("club_status", "!=", False)],
                    PARTNER_FIELDS,
                    limit=1,
                )
            )
            if not partner:
                raise UserError(
                    self.env._("No member with phone %(phone)s.", phone=e164)
                )
        wallet = self.env["loyalty.club.wallet"].sudo()
        if partner:
            if partner.club_status == "blocked":
                raise UserError(
                    self.env._("Member %(name)s is blocked.", name=partner.name)
                )
            wallet = wallet.search_fetch(
                [("partner_id", "=", partner.id), ("program_id", "=", program.id)],
                _columns(wallet),
                limit=1,
            )
        return wallet, card, partner

    def _wallet_for(self, payload, program, required=True):
        Wallet = self.env["loyalty.club.wallet"].sudo()
        if payload.get("wallet_id"):
            wallet = Wallet.browse(int(payload["wallet_id"])).exists()
        elif payload.get("partner_id"):
            wallet = Wallet.search(
                [
                    ("partner_id", "=", int(payload["partner_id"])),
                    ("program_id", "=", program.id),
                ],
                limit=1,
            )
        elif payload.get("identifier"):
            wallet = self._find(payload["identifier"], program)[0]
        else:
            wallet = Wallet
        if required and not wallet:
            raise UserError(self.env._("This customer is not a club member."))
        if wallet and wallet.kind != "bonus":
            raise UserError(self.env._("A gift card is not a member's wallet."))
        if wallet and wallet.program_id != program:
            raise UserError(
                self.env._(
                    "This wallet belongs to the program %(wallet_program)s, "
                    "not to %(program)s.",
                    wallet_program=wallet.program_id.name,
                    program=program.name,
                )
            )
        return wallet

    @api.model
    def identify(self, identifier, program_id=None):
        """Member summary for a card number, QR payload or phone in any spelling."""
        program, wallet, card = self._identified(identifier, program_id)
        if not wallet:
            return {
                "status": "unregistered_card",
                "card": card.code,
                "program_id": program.id,
            }
        return self._summary(wallet, card)

    @api.model
    def find_wallet(self, identifier, program_id=None):
        """(wallet, card) behind a card number, QR payload or phone, with the
        refusals of ``identify`` but without its summary: for the channels that
        answer their own view of the member. The wallet is empty for a card
        still in stock (not registered to anyone yet)."""
        return self._identified(identifier, program_id)[1:]

    def _identified(self, identifier, program_id):
        self._check_caller()
        program = self._program({"program_id": program_id})
        wallet, card, _partner = self._find(identifier, program)
        if card and card.state == "stock":
            return program, wallet.browse(), card
        if not wallet:
            raise UserError(self.env._("This customer is not a club member."))
        return program, wallet, card

    def _summary(self, wallet, card=None):
        today = edge.club_today(self)
        program, partner = wallet.program_id, wallet.partner_id
        bal = wallet._spend_balances(today)
        as_units = lambda minor: float(program.from_minor(minor))  # noqa: E731
        txns = (
            self.env["loyalty.club.transaction"]
            .sudo()
            .search_fetch(
                [("wallet_id", "=", wallet.id), ("kind", "=", "sale")],
                ["date", "ref", "amount_minor", "earned", "spent"],
                limit=5,
            )
        )
        highlights = [
            {"question": v.attribute_id.name, "answer": v.display_value}
            for v in self.env["loyalty.club.attribute.value"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("attribute_id.highlight", "=", True),
                ]
            )
        ]
        cards = (
            self.env["loyalty.club.card"]
            .sudo()
            .search_fetch(
                [("partner_id", "=", partner.id), ("state", "=", "active")],
                CARD_FIELDS,
            )
        )
        return {
            "status": "member",
            "wallet_id": wallet.id,
            "partner_id": partner.id,
            "name": partner.name or (card and card.code) or "",
            "phone": partner.club_phone or "",
            "card": (card or cards[:1]).code or "",
            # the card the member shows on the phone (QR), printed on receipts
            "virtual_card": cards.filtered(
                lambda c: c.kind == "virtual" and c.program_id == program
            )[:1].code
            or "",
            "member_status": partner.club_status or "",
            "program_id": program.id,
            "unit": program.unit_name,
            "tier": wallet.tier_id.name or "",
            "available": as_units(bal.available),
            "held": as_units(bal.held),
            "pending": as_units(bal.pending),
            "expiring_soon": as_units(bal.expiring_soon),
            "next_expiry": fields.Date.to_string(bal.next_expiry)
            if bal.next_expiry
            else "",
            "preferences": partner.club_preferences or "",
            "highlights": highlights,
            "last_purchases": [
                {
                    "date": fields.Datetime.to_string(t.date),
                    "ref": t.ref,
                    "amount": float(program.money_from_minor(t.amount_minor)),
                    "earned": t.earned,
                    "spent": t.spent,
                }
                for t in txns
            ],
            "offers": self._offers(wallet),
            # bonuses held for orders placed elsewhere, to collect here
            "holds": self.env["loyalty.club.hold"]._open_for(wallet)
            if bal.held
            else [],
        }

    def _offers(self, wallet):
        """Personal offers shown before payment: promotions and coupons."""
        return self.env["loyalty.club.promotion.engine"]._offers_for(wallet)

    # ================================================================== quote
    def _core_lines(self, payload, program):
        lines = payload.get("lines") or []
        if not isinstance(lines, list) or len(lines) > edge.MAX_LINES:
            raise UserError(
                self.env._(
                    "An order needs a list of at most %(max)s lines.",
                    max=edge.MAX_LINES,
                )
            )
        digits = program.currency_id.decimal_places
        goods_rules = program.has_goods_rules
        out = []
        for index, line in enumerate(lines):
            if not isinstance(line, dict) or "amount" not in line:
                raise UserError(self.env._("Line %(n)s has no amount.", n=index + 1))
            earns, payable, per_item = (
                self._line_goods_rules(line, program, index)
                if goods_rules
                else (True, True, False)
            )
            out.append(
                rules.Line(
                    key=line.get("key", index),
                    amount=self._amount(
                        line["amount"], digits, self.env._("Line %(n)s", n=index + 1)
                    ),
                    # a caller may exclude a line, never include an excluded one
                    earn=bool(line.get("earn", True)) and earns,
                    burn=bool(line.get("burn", True)) and payable,
                    earn_points=self._item_points(line, program, index)
                    if per_item
                    else None,
                )
            )
        if not out:
            raise UserError(self.env._("An order needs at least one line."))
        return self._spread_discounts(out)

    def _line_goods_rules(self, line, program, index):
        """(earns, payable with bonuses, earns per item) of a payload line by the
        program's goods rules: its product (``product_id``, ``barcode`` or
        ``sku``) and its discount (``discount`` in percent, or ``discounted``)."""
        product = self.env["loyalty.club.promotion.engine"]._promo_product(line)
        discount = line.get("discount") or 0
        try:
            discount = edge.decimal(discount)
        except (core_errors.DomainError, TypeError) as exc:
            raise UserError(
                self.env._(
                    "Line %(n)s: the discount must be a number of percent.",
                    n=index + 1,
                )
            ) from exc
        discounted = bool(line.get("discounted")) or discount > 0
        return program._goods_rules(product, discounted)

    def _item_points(self, line, program, index):
        """What a line earns per item when paid in full (point minor units)."""
        try:
            qty = abs(edge.decimal(line.get("qty", 1)))
        except (core_errors.DomainError, TypeError) as exc:
            raise UserError(
                self.env._("Line %(n)s: the quantity must be a number.", n=index + 1)
            ) from exc
        num, den = money.ratio(qty * edge.decimal(program.earn_per_item))
        return money.div_round(num * 10**program.digits, den, program.earn_rounding)

    def _spread_discounts(self, lines):
        """Negative lines (a discount on the whole order, such as a reward of
        Odoo's pos_loyalty) lower the positive lines in proportion, so each line
        earns on what is paid for it; the order's total does not change."""
        discount = -sum(line.amount for line in lines if line.amount < 0)
        weights = [max(line.amount, 0) for line in lines]
        if not discount or sum(weights) < discount:
            return lines
        shares = money.allocate(discount, weights)
        return [
            dataclasses.replace(line, amount=max(line.amount, 0) - share)
            for line, share in zip(lines, shares, strict=True)
        ]

    def _quote(self, payload, program, wallet, today, lots=None, confirming=False):
        """The core's quote of the order after its promotions.

        ``confirming``: coupons must be valid and the budgets of the promotions
        are locked, since the sale will consume them.
        """
        Engine = self.env["loyalty.club.promotion.engine"]
        promo = Engine._evaluate_order(payload, program, wallet, today, confirming)
        if promo is None:
            return self._core_quote(payload, program, wallet, today, lots)
        discounted = self._mark_promo_discounts(payload, promo.discounted, program)
        base = self._core_quote(discounted, program, wallet, today, lots)
        return Engine._with_promotions(base, promo)

    def _mark_promo_discounts(self, payload, discounted, program):
        """The lines a club promotion lowered count as discounted (for programs
        whose discounted lines earn or pay nothing)."""
        if not (program.discounted_no_earn or program.discounted_no_burn):
            return discounted
        lines = [
            dict(new, discounted=True)
            if isinstance(old, dict)
            and edge.decimal(new["amount"]) < edge.decimal(old["amount"])
            else new
            for old, new in zip(payload["lines"], discounted["lines"], strict=True)
        ]
        return dict(discounted, lines=lines)

    def _core_quote(self, payload, program, wallet, today, lots=None):
        lines = self._core_lines(payload, program)
        requested = self._amount(
            payload.get("burn") or 0, program.digits, self.env._("Spend")
        )
        if requested < 0:
            raise UserError(self.env._("The amount to spend cannot be negative."))
        if sum(line.amount for line in lines) <= 0 and requested:
            raise UserError(self.env._("Bonuses can only pay for a purchase."))
        available = (
            self._spendable(wallet, lots, today, payload.get("hold_id"))
            if wallet
            else 0
        )
        if requested and not wallet:
            raise UserError(self.env._("Only a club member can spend bonuses."))
        tier_rate = None
        if wallet and wallet.tier_id:
            tier_rate = edge.decimal(wallet.tier_id.earn_percent)
        try:
            return rules.quote(
                lines,
                program._policy(),
                available,
                requested,
                strict=bool(payload.get("strict")),
                earn_percent=tier_rate,
            )
        except core_errors.DomainError as exc:
            self._raise(exc, program)

    def _quote_dict(self, quote, program, wallet):
        units = lambda minor: float(program.from_minor(minor))  # noqa: E731
        cash = lambda minor: float(program.money_from_minor(minor))  # noqa: E731
        result = {
            "member": bool(wallet),
            "wallet_id": wallet.id if wallet else False,
            "unit": program.unit_name,
            "total": cash(quote.lines_amount),
            "burn_max": units(quote.burn_max),
            "burn_max_money": cash(program._policy().points_to_money(quote.burn_max)),
            "point_value": program.point_value,
            "burn": units(quote.burn),
            "burn_money": cash(quote.burn_money),
            # a check without a card earns nothing; the till may show what it could
            "earn": units(quote.earn) if wallet else 0.0,
            "earn_if_member": units(quote.earn),
            "to_pay": cash(quote.to_pay),
            "capped": quote.capped,
            # "issue a card when a purchase reaches X": the channel offers one
            "offer_card": not wallet
            and bool(program.issue_card_threshold)
            and quote.lines_amount
            >= program.money_to_minor(program.issue_card_threshold),
            "cap_reason": quote.cap_reason or "",
            "earn_per_line": {
                str(k): units(v) if wallet else 0.0
                for k, v in quote.earn_per_line.items()
            },
            "burn_per_line": {str(k): units(v) for k, v in quote.burn_per_line.items()},
            # the lines the program's goods rules keep from earning / from bonuses
            "lines_no_earn": [str(k) for k in quote.no_earn],
            "lines_no_burn": [str(k) for k in quote.no_burn],
        }
        result.update(
            self.env["loyalty.club.promotion.engine"]._quote_fields(
                quote, program, wallet
            )
        )
        return result

    @api.model
    def quote(self, payload):
        """What this order would earn and the most it may spend; records nothing."""
        self._check_caller()
        program = self._program(payload)
        today = self._today(payload)
        program._check_running(today)
        wallet = self._wallet_for(payload, program, required=False)
        lots = wallet._core_lots()[1] if wallet else []
        quote = self._quote(payload, program, wallet, today, lots)
        result = self._quote_dict(quote, program, wallet)
        result["limits"] = self._quote_limits(program, wallet, today, quote)
        result["code_required"] = self._code_required(payload, program, quote.burn)
        result["code_above"] = self._code_above(payload, program)
        if wallet:
            result["available"] = float(
                program.from_minor(
                    self._spendable(wallet, lots, today, payload.get("hold_id"))
                )
            )
        return result

    def _spendable(self, wallet, lots, today, hold_id=None):
        """What the wallet may spend: the ledger's available less what its
        active holds keep (``loyalty.club.hold``), never below zero; the hold
        ``hold_id`` of the order being quoted is the order's to spend."""
        return wallet._spend_balances(today, lots, hold_id).available

    # ================================================================ confirm
    @api.model
    def confirm(self, payload, idempotency_key):
        """Book a sale: earn and spend in this transaction, once per key.

        Every step a sale goes through, in order; each is a method below.
        """
        self._check_caller()
        key, replay = self._idempotent(idempotency_key, payload)
        if replay is not None:
            return replay
        sale = self._confirm_parse(payload, key)
        replay = self._confirm_wallet(sale)
        if replay is not None:
            return replay
        self._confirm_quote(sale)
        self._confirm_limits(sale)
        self._confirm_code(sale)
        self._confirm_book(sale)
        self._confirm_gift_cards(sale)
        self._confirm_effects(sale)
        return self._confirm_answer(sale)

    def _confirm_parse(self, payload, key):
        """Program, dates and the program's running period."""
        sale = Sale(payload=payload, key=key, program=self._program(payload))
        sale.today, sale.now = self._today(payload), self._now(payload)
        sale.program._check_running(sale.today)
        return sale

    def _confirm_wallet(self, sale):
        """The member's wallet, locked with its open lots; the stored answer if a
        concurrent twin with the same key won the lock."""
        program = sale.program
        spends = (
            self._amount(
                sale.payload.get("burn") or 0, program.digits, self.env._("Spend")
            )
            > 0
        )
        sale.wallet = self._wallet_for(sale.payload, program, required=spends)
        if not sale.wallet:
            return None
        sale.wallet._lock()
        replay = self._idempotent(sale.key, sale.payload)[1]
        if replay is None:
            sale.lots = sale.wallet._core_lots()[1]
            # the hold this sale captures (``hold_id``) lets it spend what it kept
            sale.hold = self.env["loyalty.club.hold"]._confirm_open(sale)
        return replay

    def _confirm_quote(self, sale):
        """Promotions (coupons checked, budgets locked), then earn and spend."""
        sale.quote = self._quote(
            sale.payload,
            sale.program,
            sale.wallet,
            sale.today,
            sale.lots,
            confirming=True,
        )

    def _confirm_limits(self, sale):
        """The program's limits: a blocking one needs a manager's override."""
        sale.check_vals.update(
            self._limit_vals(
                sale.payload, sale.program, sale.wallet, sale.quote, sale.today
            )
        )

    def _confirm_code(self, sale):
        """A member found by a typed phone spends only with the code sent to that
        phone (above the program's threshold); the code is used up by this sale."""
        if self._code_required(sale.payload, sale.program, sale.quote.burn):
            self.env["loyalty.club.code"]._consume(
                sale.wallet.partner_id,
                "spend",
                sale.key,
                code=sale.payload.get("code"),
                token=sale.payload.get("code_token"),
            )

    def _code_required(self, payload, program, burn):
        """Does spending ``burn`` (minor units) need the member's code?"""
        return bool(
            burn
            and program.code_spend_required
            and payload.get("entry_method") == "phone"
            and burn > program.to_minor(program.code_spend_threshold)
        )

    def _code_above(self, payload, program):
        """Bonuses paid above this money amount need the member's code (None: no
        code is needed on this order): what the till asks for before payment."""
        if not (program.code_spend_required and payload.get("entry_method") == "phone"):
            return None
        threshold = program.to_minor(program.code_spend_threshold)
        money_minor = program._policy().points_to_money(threshold)
        return float(program.money_from_minor(money_minor))

    def _confirm_book(self, sale):
        """The check, then its ledger lines: spend first-expiring-first, earn as a
        new lot, and what the promotions give (coupons, budgets, extra bonuses)."""
        quote, wallet = sale.quote, sale.wallet
        sale.txn = self._env()["loyalty.club.transaction"].create(
            self._prepare_check_vals(sale)
        )
        refs = sale.txn._ledger_refs()
        if wallet and quote.burn:
            allocations = core_ledger.allocate_debit(sale.lots, quote.burn, sale.today)
            wallet._debit("burn", allocations, f"{sale.key}:burn", sale.now, **refs)
        if wallet and quote.earn:
            wallet._credit(
                "earn", quote.earn, f"{sale.key}:earn", sale.now, sale.today, **refs
            )
        self.env["loyalty.club.promotion.engine"]._consume(
            quote, sale.txn, wallet, sale.key, sale.now, sale.today
        )

    def _prepare_check_vals(self, sale):
        quote = sale.quote
        return self._check_vals(
            sale.payload,
            sale.key,
            sale.program,
            sale.wallet,
            sale.now,
            **sale.check_vals,
            kind="sale",
            amount_minor=quote.lines_amount,
            paid_minor=quote.to_pay,
            burn_minor=quote.burn,
            burn_money_minor=quote.burn_money,
            earn_minor=quote.earn if sale.wallet else 0,
            line_count=len(sale.payload.get("lines") or []),
        )

    def _confirm_gift_cards(self, sale):
        """Debit every gift card the order is paid with; all or nothing."""
        for index, item in enumerate(sale.payload.get("gift_cards") or []):
            card, wallet = self._gift_card(item.get("code"), for_update=True)
            if wallet.program_id != sale.program:
                raise UserError(
                    self.env._(
                        "Gift card %(code)s belongs to another program.",
                        code=card.code,
                    )
                )
            digits = wallet._unit_digits()
            amount = self._amount(
                item.get("amount"), digits, self.env._("Gift-card payment")
            )
            if amount <= 0:
                raise UserError(self.env._("A gift-card payment must be positive."))
            try:
                allocations = core_ledger.allocate_debit(
                    wallet._core_lots()[1], amount, sale.today
                )
            except core_errors.InsufficientBalance as exc:
                raise UserError(
                    self.env._(
                        "Gift card %(code)s holds only %(balance)s.",
                        code=card.code,
                        balance=money.from_minor(
                            exc.params.get("available", 0), digits
                        ),
                    )
                ) from exc
            wallet._debit(
                "burn",
                allocations,
                f"{sale.key}:gift:{index}",
                sale.txn.date,
                **sale.txn._ledger_refs(),
            )
            wallet._refresh_balances(sale.today)
            sale.gift_cards.append(card._gift_card_dict())

    def _confirm_effects(self, sale):
        """What follows a booked sale, in the same transaction: contests count it,
        the member may move up a tier, the balances are stored, webhooks are
        queued. Extensions add their effects here (call ``super()``); whatever
        leaves the server (messages, webhooks) is queued, never sent from here."""
        wallet = sale.wallet
        if sale.hold:
            sale.hold._confirm_link(sale)
        if wallet and sale.payload.get("lines"):
            self.env["loyalty.club.contest"]._record_sale(
                sale.payload, sale.txn, wallet, sale.today
            )
        if wallet:
            wallet._upgrade_tier(sale.today)
            wallet.sudo().write({"last_purchase_date": sale.now})
            wallet._refresh_balances(sale.today)
        # other systems' subscriptions: queued here, sent after commit by a job
        self.env["loyalty.club.webhook"]._enqueue_check(
            sale.txn, "sale", sale.txn.earned, sale.txn.spent
        )
        self.env["loyalty.club.message"]._queue_check(sale.txn)

    def _confirm_answer(self, sale):
        """The answer, stored on the check for replays."""
        wallet, txn = sale.wallet, sale.txn
        response = self._quote_dict(sale.quote, sale.program, wallet)
        response["gift_cards"] = sale.gift_cards
        response.update(transaction_id=txn.id, ref=txn.ref, replayed=False)
        if wallet:
            response["available"] = wallet.balance_available
            response["pending"] = wallet.balance_pending
        txn.write({"response": response})
        return response

    def _check_vals(self, payload, key, program, wallet, now, **vals):
        """Values of a check (``loyalty.club.transaction``) from its request."""
        origin = payload.get("origin") or {}
        store = payload.get("store_id")
        vals.update(
            ref=str(payload.get("ref") or key),
            idempotency_key=key,
            request_hash=vals.pop("request_hash", None) or edge.request_hash(payload),
            wallet_id=wallet.id if wallet else False,
            partner_id=wallet.partner_id.id
            if wallet
            else payload.get("customer_id") or False,
            program_id=program.id,
            company_id=program.company_id.id,
            currency_id=program.currency_id.id,
            store_id=int(store) if store else False,
            channel=payload.get("channel") or "backoffice",
            date=now,
            origin_model=origin.get("model"),
            origin_id=origin.get("id") or 0,
        )
        sign = -1 if vals.get("kind") == "refund" else 1
        vals.setdefault(
            "amount",
            float(program.money_from_minor(sign * vals.get("amount_minor", 0))),
        )
        vals.setdefault("earned", float(program.from_minor(vals.get("earn_minor", 0))))
        vals.setdefault("spent", float(program.from_minor(vals.get("burn_minor", 0))))
        return vals

    # ----------------------------------------------------------------- limits
    def _override_allowed(self, user):
        """May this user let a check go over a blocking limit? (The POS adds its
        managers.)"""
        return user.has_group("loyalty_club.group_club_manager")

    def _check_override(self, override):
        """The check's override fields from the payload's ``override``, checked."""
        if not override:
            return {}
        if not isinstance(override, dict):
            raise UserError(self.env._("An override must name a manager and a reason."))
        reason = str(override.get("reason") or "").strip()
        if not reason:
            raise UserError(self.env._("An override needs a reason."))
        Users = self.env["res.users"].sudo()
        user = Users
        if override.get("user_id"):
            user = Users.browse(int(override["user_id"])).exists()
            if not user or not self._override_allowed(user):
                raise UserError(
                    self.env._("Only a manager may override the club's limits.")
                )
        by = str(override.get("by") or user.name or "").strip()
        if not by:
            raise UserError(self.env._("An override must name a manager and a reason."))
        return {
            "override_user_id": user.id or False,
            "override_by": by[:128],
            "override_reason": reason[:250],
        }

    def _limit_vals(self, payload, program, wallet, quote, today):
        """Check vals for the limits of this sale; a blocking hit without a
        manager's override is refused."""
        vals = self._check_override(payload.get("override"))
        hits = self._quote_limits(program, wallet, today, quote)
        blocking = [hit for hit in hits if hit["mode"] == "block"]
        if blocking and not vals:
            raise UserError(
                self.env._(
                    "%(message)s A manager can override this limit.",
                    message=blocking[0]["message"],
                )
            )
        if hits:
            vals["limit_notes"] = "; ".join(hit["message"] for hit in hits)[:250]
        entry = payload.get("entry_method")
        if entry in ENTRY_METHODS:
            vals["entry_method"] = entry
        elif payload.get("channel") == "api":
            vals["entry_method"] = "api"
        return vals

    def _quote_limits(self, program, wallet, today, quote):
        """The hits a channel shows before payment."""
        if not (wallet and quote.earn):
            return []
        hit = program._accrual_limit_hit(wallet, today)
        return [hit] if hit else []

    @api.model
    def typed_card_limit(self, program_id, typed_count):
        """Hit when one more card typed by hand goes over the program's limit.

        The channel counts the different cards its cashier typed in the shift
        (the till: in its POS session), not counting the card being typed.
        """
        self._check_caller()
        return self._program({"program_id": program_id})._typed_limit_hit(typed_count)

    @api.model
    def flag_review(self, transaction_id, reason):
        """Mark a check for a manager's review (e.g. an offline spend refused)."""
        self._check_caller()
        txn = self.env["loyalty.club.transaction"].sudo().browse(int(transaction_id))
        if not txn.exists():
            raise UserError(self.env._("The check to flag was not found."))
        txn.write({"needs_review": True, "review_reason": reason})
        return True

    # ========================================================= one-time codes
    @api.model
    def send_code(self, payload):
        """Send a one-time code to a member's phone (``purpose``: ``spend`` or
        ``verify_phone``); the SMS leaves after commit."""
        self._check_caller()
        program = self._program(payload)
        wallet = self._wallet_for(payload, program)
        purpose = payload.get("purpose") or "spend"
        if purpose not in ("spend", "verify_phone"):
            raise UserError(
                self.env._("Unknown purpose of a code: %(purpose)s", purpose=purpose)
            )
        code = self.env["loyalty.club.code"]._issue(
            wallet.partner_id,
            program,
            purpose,
            payload.get("channel") or "backoffice",
            pos_config_id=payload.get("pos_config_id"),
        )
        return {
            "purpose": purpose,
            "phone": core_cards.mask_phone(code.phone),
            "expires_at": fields.Datetime.to_string(code.expires_at),
            "expires_in": program.code_validity_minutes * 60,
        }

    @api.model
    def check_code(self, payload):
        """Check the code a member named at a till (attempts count); the answer's
        ``token`` goes with the order and the sale uses the code up."""
        self._check_caller()
        program = self._program(payload)
        wallet = self._wallet_for(payload, program)
        token = self.env["loyalty.club.code"]._check_at_till(
            wallet.partner_id, payload.get("purpose") or "spend", payload.get("code")
        )
        return {"valid": True, "token": token}

    @api.model
    def verify_phone(self, payload):
        """Prove that the member's phone is theirs with the ``verify_phone`` code
        they received."""
        self._check_caller()
        program = self._program(payload)
        partner = self._wallet_for(payload, program).partner_id
        code = self.env["loyalty.club.code"]._consume(
            partner,
            "verify_phone",
            f"verify_phone:{partner.id}",
            code=payload.get("code"),
        )
        partner.sudo().club_phone_verified = code.phone
        return {"verified": partner.club_phone == code.phone, "phone": code.phone}

    # ================================================================ reverse
    @api.model
    def reverse(self, payload, idempotency_key):
        """Refund (part of) a confirmed check: earn and burn reversed in proportion.

        Steps: idempotency -> the original check -> lock its wallet -> shares of
        earn and spend to take back (core) -> the refund check and its ledger
        lines -> the original's refunded totals -> answer and events.
        """
        self._check_caller()
        key, replay = self._idempotent(
            idempotency_key,
            payload,
            missing=self.env._("A refund needs an idempotency key."),
        )
        if replay is not None:
            return replay
        original = self._original_check(payload)
        program, wallet = original.program_id, original.wallet_id
        today, now = self._today(payload), self._now(payload)
        if wallet:
            wallet._lock()
            replay = self._idempotent(key, payload)[1]
            if replay is not None:
                return replay
        original.invalidate_recordset()
        refund_now = self._amount(
            payload.get("amount"),
            program.currency_id.decimal_places,
            self.env._("Refund amount"),
        )
        earn_back, burn_back, burn_money_back = original._refund_shares(refund_now)
        txn = self._env()["loyalty.club.transaction"].create(
            self._check_vals(
                dict(
                    payload,
                    store_id=payload.get("store_id") or original.store_id.id,
                    channel=payload.get("channel") or original.channel,
                    ref=payload.get("ref") or f"{original.ref}/refund",
                ),
                key,
                program,
                wallet,
                now,
                kind="refund",
                refund_of_id=original.id,
                # the refund's own body, not the one completed with defaults
                request_hash=edge.request_hash(payload),
                amount_minor=refund_now,
                paid_minor=-(refund_now - burn_money_back),
                burn_minor=-burn_back,
                burn_money_minor=-burn_money_back,
                earn_minor=-earn_back,
            )
        )
        shortfall = 0
        if wallet:
            shortfall = original._take_back_earn(txn, earn_back, key, today)
            original._give_back_burn(txn, burn_back, key, today)
            wallet._refresh_balances(today)
        original.sudo().write(
            {
                "refunded_minor": original.refunded_minor + refund_now,
                "reversed_earn_minor": original.reversed_earn_minor + earn_back,
                "reversed_burn_minor": original.reversed_burn_minor + burn_back,
            }
        )
        units = lambda minor: float(program.from_minor(minor))  # noqa: E731
        response = {
            "transaction_id": txn.id,
            "ref": txn.ref,
            "replayed": False,
            "earn_reversed": units(earn_back - shortfall),
            "burn_returned": units(burn_back),
            "shortfall": units(shortfall),
            "available": wallet.balance_available if wallet else 0.0,
        }
        txn.write({"response": response})
        self.env["loyalty.club.webhook"]._enqueue_check(
            txn,
            "refund",
            -(response.get("earn_reversed") or 0),
            -(response.get("burn_returned") or 0),
        )
        self.env["loyalty.club.message"]._queue_check(txn)
        return response

    def _original_check(self, payload):
        Txn = self.env["loyalty.club.transaction"].sudo()
        original = Txn.browse()
        if payload.get("transaction_id"):
            original = Txn.browse(int(payload["transaction_id"])).exists()
        elif payload.get("original_key"):
            original = Txn.search(
                [("idempotency_key", "=", payload["original_key"])], limit=1
            )
        elif payload.get("original_ref"):
            original = Txn.search(
                [("ref", "=", payload["original_ref"]), ("kind", "=", "sale")], limit=1
            )
        if not original or original.kind != "sale":
            raise UserError(self.env._("The check to refund was not found."))
        return original

    # ============================================================ adjustments
    @api.model
    def adjust(
        self,
        wallet,
        amount_minor,
        reason,
        key=None,
        approved_by=None,
        requested_by=None,
    ):
        """A manager's manual adjustment; credit opens a lot, debit takes FEFO.

        Steps: rights and input -> above the program's threshold, the approval
        of another club manager (``approved_by``: the user approving it now, in
        their own session; ``requested_by``: who asked, see
        ``loyalty.club.adjustment.request``) -> idempotency (with a key) ->
        lock -> the ledger line -> balances.
        """
        self._check_manager()
        if not (reason or "").strip():
            raise UserError(self.env._("A manual adjustment needs a reason."))
        if not amount_minor:
            raise UserError(self.env._("An adjustment moves a non-zero amount."))
        program = wallet.program_id
        if self._needs_approval(program, amount_minor):
            requester = requested_by or self.env.user
            if (
                not approved_by
                or approved_by != self.env.user
                or approved_by == requester
                or not approved_by.has_group("loyalty_club.group_club_manager")
            ):
                raise UserError(
                    self.env._(
                        "Adjustments above %(limit)s need the approval of another "
                        "club manager: ask for it with an adjustment request.",
                        limit=program.from_minor(
                            program.to_minor(program.adjustment_approval_threshold)
                        ),
                    )
                )
        body = {"wallet_id": wallet.id, "amount_minor": amount_minor, "reason": reason}
        keyed = bool(key)
        if keyed:
            key, replay = self._idempotent(key, body, receipts="loyalty.club.request")
            if replay is not None:
                return wallet.ledger_ids.browse(replay["ledger_id"])
        key = key or f"adjust:{wallet.id}:{uuid.uuid4()}"
        today, now = edge.club_today(self), fields.Datetime.now()
        wallet._lock()
        extra = {"reason": reason, "channel": "backoffice"}
        if amount_minor > 0:
            line = wallet._credit(
                "adjust", amount_minor, key, now, today, pending_days=0, **extra
            )
        else:
            try:
                allocations = core_ledger.allocate_debit(
                    wallet._core_lots()[1], -amount_minor, today
                )
            except core_errors.DomainError as exc:
                self._raise(exc, program)
            line = wallet._debit("adjust", allocations, key, now, **extra)
        wallet._refresh_balances(today)
        if keyed:
            self._remember(key, body, {"ledger_id": line.id})
        return line

    def _needs_approval(self, program, amount_minor):
        threshold = program.to_minor(program.adjustment_approval_threshold)
        return bool(threshold and abs(amount_minor) > threshold)

    @api.model
    def request_adjustment(self, wallet, amount_minor, reason):
        """Adjust now, or above the program's threshold ask another club
        manager: returns the ledger line or the request waiting for approval."""
        self._check_manager()
        if not (reason or "").strip():
            raise UserError(self.env._("A manual adjustment needs a reason."))
        if not amount_minor:
            raise UserError(self.env._("An adjustment moves a non-zero amount."))
        if not self._needs_approval(wallet.program_id, amount_minor):
            return self.adjust(wallet, amount_minor, reason)
        return self.env["loyalty.club.adjustment.request"]._request(
            wallet, amount_minor, reason.strip()
        )

    # ========================================================= scheduled jobs
    @api.model
    def _cron_expire(self, today=None, batch_size=50000, part=0, parts=1):
        """Expire what is left of lots past their date (set-based, in batches);
        with ``parts`` > 1, the wallets of one part (see ``_expire_due``)."""
        return self.env["loyalty.club.lot"]._expire_due(today, batch_size, part, parts)

    @api.model
    def _cron_refresh_balances(self, today=None, batch_size=50000):
        """Pending lots become available and lots come near expiry as days pass."""
        return self.env["loyalty.club.wallet"]._roll_balances(today, batch_size)

    @api.model
    def _cron_tier_review(self, today=None, batch_size=50000):
        """Move every member to the tier its rolling period earns (down or up)."""
        return self.env["loyalty.club.wallet"]._review_tiers(today, batch_size)

    @api.model
    def _cron_birthday(self, today=None):
        return self.env["loyalty.club.wallet"]._gift_birthdays(today)

    @api.model
    def _cron_comeback(self, today=None):
        return self.env["loyalty.club.wallet"]._gift_comebacks(today)

    @api.model
    def _cron_webhook_expiring(self, today=None, days=None):
        """Tell subscribers, once per wallet and date, what expires soon."""
        return self.env["loyalty.club.webhook"]._enqueue_expiring(today, days)
