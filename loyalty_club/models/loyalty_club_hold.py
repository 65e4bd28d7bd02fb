"""Holds: bonuses set aside for an order until it is paid or cancelled.

The two steps of a processing centre, for orders paid later (a web order
collected in a store): ``reserve`` locks an amount of a member's wallet for an
order, ``capture`` turns it into a spend when the order is paid (all of it or
part, the rest given back) through the service's ordinary ``confirm``, and
``release`` gives it back when the order is cancelled; a job expires the holds
nobody captured. A hold is not a ledger movement: the lots stay as they are and
what the member may spend is the ledger's available less the active holds
(``domain.holds``), in every channel. Each operation is idempotent by its key
(the service's ``_idempotent``) and runs under the wallet's row lock, then the
hold's, in that order everywhere (the job too).
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import edge
from ..domain import errors as core_errors
from ..domain import holds as core_holds
from ..domain import ledger as core_ledger
from ..selections import CHANNELS

HOLD_STATES = [
    ("held", "Held"),
    ("captured", "Captured"),
    ("released", "Released"),
    ("expired", "Expired"),
]
# how long a hold keeps its amount when the request names no expiry
DEFAULT_HOLD_DAYS = 7
MAX_HOLD_DAYS = 90
# what a capture passes on to the sale it books, besides the order's lines
SALE_FIELDS = (
    "lines",
    "store_id",
    "channel",
    "origin",
    "coupon_codes",
    "gift_cards",
    "customer_id",
    "override",
    "pos_config_id",
)


class LoyaltyClubHold(models.Model):
    _name = "loyalty.club.hold"
    _description = "Club Hold"
    _order = "id desc"
    _rec_name = "order_ref"
    _check_company_auto = True

    wallet_id = fields.Many2one(
        "loyalty.club.wallet",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    partner_id = fields.Many2one(
        related="wallet_id.partner_id", store=True, precompute=True
    )
    program_id = fields.Many2one(
        related="wallet_id.program_id", store=True, precompute=True
    )
    company_id = fields.Many2one(
        related="wallet_id.company_id", store=True, index=True, precompute=True
    )
    unit_name = fields.Char(related="wallet_id.unit_name")
    order_ref = fields.Char("Order", required=True, readonly=True, index=True)
    channel = fields.Selection(
        CHANNELS, required=True, readonly=True, default="backoffice"
    )
    api_key_id = fields.Many2one(
        "loyalty.club.api.key",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The API key that made the hold: its orders are its own.",
    )
    store_id = fields.Many2one("loyalty.club.store", readonly=True)
    state = fields.Selection(
        HOLD_STATES, required=True, readonly=True, default="held", index=True
    )
    amount_minor = fields.Integer(required=True, readonly=True)
    amount = fields.Float("Held", digits=(16, 2), readonly=True)
    captured_minor = fields.Integer(readonly=True)
    captured = fields.Float(digits=(16, 2), readonly=True)
    expires_at = fields.Datetime(required=True, readonly=True)
    closed_at = fields.Datetime(
        "Closed at", readonly=True, help="When it was captured, released or expired."
    )
    transaction_id = fields.Many2one(
        "loyalty.club.transaction",
        readonly=True,
        string="Sale",
        help="The sale the capture booked.",
    )
    reserve_key = fields.Char(readonly=True, copy=False)
    capture_key = fields.Char(readonly=True, copy=False)
    release_key = fields.Char(readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users", readonly=True, default=lambda self: self.env.uid
    )

    _sql_constraints = [
        ("amount_positive", "CHECK(amount_minor > 0)", "A hold is positive."),
        (
            "captured_within_hold",
            "CHECK(captured_minor >= 0 AND captured_minor <= amount_minor)",
            "A capture never exceeds its hold.",
        ),
        ("reserve_key_uniq", "unique(reserve_key)", "This hold was already made."),
    ]

    def init(self):
        cr = self.env.cr
        # the active holds of a wallet (available = ledger - these) and the job
        cr.execute(
            "CREATE INDEX IF NOT EXISTS loyalty_club_hold_active_idx "
            "ON loyalty_club_hold (wallet_id, expires_at) WHERE state = 'held'"
        )
        cr.execute(
            "CREATE INDEX IF NOT EXISTS loyalty_club_hold_due_idx "
            "ON loyalty_club_hold (expires_at) WHERE state = 'held'"
        )
        # one open hold per order of a channel: two tabs checking out the same
        # cart cannot hold twice
        cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS loyalty_club_hold_order_open_uniq "
            "ON loyalty_club_hold (order_ref, channel, COALESCE(api_key_id, 0)) "
            "WHERE state = 'held'"
        )

    # ================================================================ helpers
    @api.model
    def _held_minor(self, wallet, except_hold=None):
        """What the active holds of ``wallet`` keep (minor units), now; but the
        hold ``except_hold`` (an id)."""
        self.flush_model(["wallet_id", "state", "amount_minor", "expires_at"])
        self.env.cr.execute(
            "SELECT COALESCE(SUM(amount_minor), 0) FROM loyalty_club_hold "
            "WHERE wallet_id = %s AND state = 'held' AND expires_at > %s "
            "AND id <> %s",
            [wallet.id, fields.Datetime.now(), int(except_hold or 0)],
        )
        return self.env.cr.fetchone()[0]

    def _lock(self):
        """Lock the hold's row (after its wallet's): a concurrent capture or
        release that committed first makes this one retry, then see it closed."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT id FROM loyalty_club_hold WHERE id = %s FOR UPDATE",
            [self.id],
            log_exceptions=False,
        )
        self.invalidate_recordset()

    def _refuse(self, exc, program, ref=None):
        """A core refusal as a translated UserError keeping its code."""
        p = dict(exc.params)
        units = {
            k: program.from_minor(v)
            for k, v in p.items()
            if k in ("available", "requested", "maximum", "amount")
            and isinstance(v, int)
        }
        ref = ref or (self[:1].order_ref if self else "")
        messages = {
            "insufficient_balance": lambda: self.env._(
                "Not enough bonuses to hold: %(available)s available, "
                "%(requested)s asked.",
                available=units.get("available"),
                requested=units.get("requested"),
            ),
            "invalid_amount": lambda: self.env._(
                "A hold or a capture must be a positive amount (%(amount)s asked).",
                amount=units.get("amount"),
            ),
            "capture_exceeds_hold": lambda: self.env._(
                "At most %(maximum)s can be captured from the hold of order "
                "%(ref)s, %(requested)s asked.",
                maximum=units.get("maximum"),
                requested=units.get("requested"),
                ref=ref,
            ),
            "hold_captured": lambda: self.env._(
                "The hold of order %(ref)s was already captured.", ref=ref
            ),
            "hold_released": lambda: self.env._(
                "The hold of order %(ref)s was released: nothing is held any more.",
                ref=ref,
            ),
            "hold_expired": lambda: self.env._(
                "The hold of order %(ref)s has expired: nothing is held any more.",
                ref=ref,
            ),
            "hold_exists": lambda: self.env._(
                "Order %(ref)s already holds %(amount)s: capture or release that "
                "hold first.",
                ref=ref,
                amount=units.get("amount"),
            ),
        }
        make = messages.get(exc.code)
        if make is None:
            edge.raise_core(self.env, exc, program)
        raise UserError(make()) from exc

    def _answer(self, **extra):
        """What every hold operation answers (and stores for its replays)."""
        self.ensure_one()
        program, wallet = self.program_id, self.wallet_id
        units = lambda minor: float(program.from_minor(minor))  # noqa: E731
        bal = wallet._spend_balances()
        answer = {
            "hold_id": self.id,
            "order_ref": self.order_ref,
            "state": self.state,
            "wallet_id": wallet.id,
            "member_id": wallet.partner_id.id,
            "unit": program.unit_name or "",
            "amount": units(self.amount_minor),
            "captured": units(self.captured_minor),
            "released": units(self.amount_minor - self.captured_minor)
            if self.state in ("captured", "released", "expired")
            else 0.0,
            "expires_at": fields.Datetime.to_string(self.expires_at),
            "transaction_id": self.transaction_id.id or None,
            "available": units(bal.available),
            "held": units(bal.held),
        }
        answer.update(extra)
        return answer

    def _order_ref(self, payload):
        ref = payload.get("order_ref")
        if not isinstance(ref, str) or not ref.strip() or len(ref) > 128:
            raise UserError(
                self.env._("A hold needs the reference of its order (128 characters).")
            )
        return ref.strip()

    def _expiry(self, payload, now):
        """When the hold ends: ``expires_at`` (UTC) or ``hold_days`` from now,
        by default the setting ``loyalty_club.hold_days`` (7 days)."""
        limit = now + timedelta(days=MAX_HOLD_DAYS)
        if payload.get("expires_at"):
            try:
                expires_at = fields.Datetime.to_datetime(payload["expires_at"])
            except (TypeError, ValueError) as exc:
                raise UserError(
                    self.env._(
                        "The end of a hold must be a date and time (UTC), not "
                        "%(value)s.",
                        value=payload["expires_at"],
                    )
                ) from exc
        else:
            days = payload.get("hold_days") or self.env[
                "ir.config_parameter"
            ].sudo().get_param("loyalty_club.hold_days", DEFAULT_HOLD_DAYS)
            try:
                days = int(days)
            except (TypeError, ValueError):
                days = 0
            if not 0 < days <= MAX_HOLD_DAYS:
                raise UserError(
                    self.env._("A hold lasts 1 to %(max)s days.", max=MAX_HOLD_DAYS)
                )
            expires_at = now + timedelta(days=days)
        if not now < expires_at <= limit:
            raise UserError(
                self.env._(
                    "A hold must end in the future, within %(max)s days.",
                    max=MAX_HOLD_DAYS,
                )
            )
        return expires_at

    def _find(self, payload):
        """The hold a capture or release is about: by id, or the order's open
        hold (its latest one when none is open, to say why)."""
        Hold = self.sudo()
        if payload.get("hold_id"):
            hold = Hold.browse(int(payload["hold_id"])).exists()
        else:
            domain = [
                ("order_ref", "=", self._order_ref(payload)),
                ("api_key_id", "=", payload.get("api_key_id") or False),
            ]
            if payload.get("program_id"):
                domain.append(("program_id", "=", int(payload["program_id"])))
            hold = Hold.search(
                domain + [("state", "=", "held")], limit=1
            ) or Hold.search(domain, limit=1)
        if not hold:
            raise UserError(self.env._("No hold for this order."))
        return hold

    # ============================================================= operations
    @api.model
    def reserve(self, payload, idempotency_key):
        """Hold ``amount`` (the wallet's units) of a member's bonuses for the
        order ``order_ref``, until ``expires_at``; with the order's ``lines`` the
        hold may not exceed what the program lets bonuses pay of it."""
        service = self.env["loyalty.club.service"]
        key, replay = service._operation_start(
            idempotency_key, payload, self.env._("A hold needs an idempotency key.")
        )
        if replay is not None:
            return replay
        program = service._program(payload)
        today, now = edge.club_today(self), fields.Datetime.now()
        program._check_running(today)
        wallet = service._wallet_for(payload, program)
        ref = self._order_ref(payload)
        amount = service._amount(
            payload.get("amount"), program.digits, self.env._("Amount to hold")
        )
        expires_at = self._expiry(payload, now)
        wallet._lock()
        replay = service._operation_replay(key, payload)
        if replay is not None:
            return replay
        open_hold = self.sudo().search(
            [
                ("order_ref", "=", ref),
                ("channel", "=", payload.get("channel") or "backoffice"),
                ("api_key_id", "=", payload.get("api_key_id") or False),
                ("state", "=", "held"),
            ],
            limit=1,
        )
        try:
            if open_hold:
                raise core_holds.HoldClosed(
                    "hold_exists",
                    "Order %(ref)s already holds %(amount)s.",
                    ref=ref,
                    amount=open_hold.amount_minor,
                )
            lots = wallet._core_lots()[1]
            core_holds.check_reserve(
                amount,
                core_ledger.balances(lots, today).available,
                wallet._held_minor(),
            )
        except core_errors.DomainError as exc:
            self._refuse(exc, program, ref)
        if payload.get("lines"):
            # the order's cap: what the program lets bonuses pay of this order
            order = dict(payload, burn=str(program.from_minor(amount)), strict=True)
            service._quote(order, program, wallet, today, lots)
        if service._code_required(payload, program, amount):
            # a member named by a typed phone proves it before bonuses are held
            self.env["loyalty.club.code"]._consume(
                wallet.partner_id,
                "spend",
                key,
                code=payload.get("code"),
                token=payload.get("code_token"),
            )
        store = payload.get("store_id")
        hold = self.sudo().create(
            {
                "wallet_id": wallet.id,
                "order_ref": ref,
                "channel": payload.get("channel") or "backoffice",
                "api_key_id": payload.get("api_key_id") or False,
                "store_id": int(store) if store else False,
                "amount_minor": amount,
                "amount": float(program.from_minor(amount)),
                "expires_at": expires_at,
                "reserve_key": key,
            }
        )
        wallet._refresh_balances(today)
        return service._remember(key, payload, hold._answer())

    @api.model
    def capture(self, payload, idempotency_key):
        """Spend (part of) a hold: the order is booked as a sale (earning on
        what is paid in money) spending ``amount`` (default: all the hold); the
        rest of the hold is given back. Refused for a hold captured, released
        or expired, and above the hold."""
        service = self.env["loyalty.club.service"]
        key, replay = service._operation_start(
            idempotency_key, payload, self.env._("A capture needs an idempotency key.")
        )
        if replay is not None:
            return replay
        hold = self._find(payload)
        program, wallet = hold.program_id, hold.wallet_id
        if payload.get("program_id") and int(payload["program_id"]) != program.id:
            raise UserError(self.env._("No hold for this order."))
        asked = None
        if payload.get("amount") not in (None, ""):
            asked = service._amount(
                payload["amount"], program.digits, self.env._("Amount to capture")
            )
        wallet._lock()
        hold._lock()
        replay = service._operation_replay(key, payload)
        if replay is not None:
            return replay
        try:
            core_holds.check_open(hold.state, hold.expires_at, fields.Datetime.now())
            captured = core_holds.split_capture(hold.amount_minor, asked)[0]
        except core_errors.DomainError as exc:
            hold._refuse(exc, program)
        sale = {k: payload[k] for k in SALE_FIELDS if k in payload}
        sale.update(
            program_id=program.id,
            wallet_id=wallet.id,
            ref=hold.order_ref,
            burn=str(program.from_minor(captured)) if captured else 0,
            strict=True,
            hold_id=hold.id,
        )
        sale.setdefault("store_id", hold.store_id.id)
        sale.setdefault("channel", hold.channel)
        with self.env.cr.savepoint():
            # a sale refused (the order's cap, lots expired under the hold)
            # leaves the hold as it was
            result = service.confirm(sale, f"hold:{hold.id}:capture")
            hold.sudo().write({"capture_key": key})
        answer = hold._answer(
            earn=result.get("earn", 0.0),
            burn_money=result.get("burn_money", 0.0),
            to_pay=result.get("to_pay", 0.0),
            ref=result.get("ref"),
        )
        return service._remember(key, payload, answer)

    @api.model
    def release(self, payload, idempotency_key):
        """Give a hold back (the order was cancelled)."""
        service = self.env["loyalty.club.service"]
        key, replay = service._operation_start(
            idempotency_key, payload, self.env._("A release needs an idempotency key.")
        )
        if replay is not None:
            return replay
        hold = self._find(payload)
        wallet = hold.wallet_id
        wallet._lock()
        hold._lock()
        replay = service._operation_replay(key, payload)
        if replay is not None:
            return replay
        now = fields.Datetime.now()
        try:
            core_holds.check_open(hold.state, hold.expires_at, now)
        except core_errors.DomainError as exc:
            hold._refuse(exc, hold.program_id)
        hold.sudo().write({"state": "released", "release_key": key, "closed_at": now})
        wallet._refresh_balances()
        return service._remember(key, payload, hold._answer())

    # ============================================ steps of the service's confirm
    @api.model
    def _confirm_open(self, sale):
        """The hold a sale captures (its payload's ``hold_id``), under the
        wallet's lock: it stops holding, so the sale may spend what it kept.
        Refused when it is another wallet's or no longer holds anything."""
        hold_id = sale.payload.get("hold_id")
        if not hold_id:
            return self.browse()
        try:
            hold = self.sudo().browse(int(hold_id)).exists()
        except (TypeError, ValueError):
            hold = self.browse()
        if not hold or hold.wallet_id != sale.wallet:
            raise UserError(self.env._("No hold for this order."))
        hold._lock()
        try:
            core_holds.check_open(hold.state, hold.expires_at, sale.now)
        except core_errors.DomainError as exc:
            hold._refuse(exc, hold.program_id)
        hold.write({"state": "captured", "closed_at": sale.now})
        return hold

    def _confirm_link(self, sale):
        """The booked sale of a captured hold: what it spent of the hold (a sale
        may spend more than the hold kept, when the member has more)."""
        self.ensure_one()
        captured = min(sale.txn.burn_minor, self.amount_minor)
        self.sudo().write(
            {
                "transaction_id": sale.txn.id,
                "captured_minor": captured,
                "captured": float(self.program_id.from_minor(captured)),
            }
        )

    @api.model
    def _open_for(self, wallet):
        """The wallet's active holds, as the till shows them to collect."""
        holds = self.sudo().search(
            [
                ("wallet_id", "=", wallet.id),
                ("state", "=", "held"),
                ("expires_at", ">", fields.Datetime.now()),
            ],
            limit=20,
        )
        program = wallet.program_id
        return [
            {
                "id": hold.id,
                "order_ref": hold.order_ref,
                "amount": float(program.from_minor(hold.amount_minor)),
                "expires_at": fields.Datetime.to_string(hold.expires_at),
            }
            for hold in holds
        ]

    def _holds_dict(self):
        """The holds as a channel lists them (no replays)."""
        return [dict(hold._answer(), replayed=False) for hold in self]

    # ========================================================= scheduled job
    @api.model
    def _cron_expire(self, batch_size=10000):
        """Expire the holds past their end and give their amounts back: set-based,
        in batches; per batch the wallets are locked first (the order every
        movement locks in), then one UPDATE closes the holds and one refreshes
        the wallets' stored balances. Holds being captured right now (locked)
        are left to their capture."""
        now, today = fields.Datetime.now(), edge.club_today(self)
        self.env.flush_all()
        cr = self.env.cr
        total, last_id = 0, 0
        while True:
            cr.execute(
                "SELECT id, wallet_id FROM loyalty_club_hold WHERE state = 'held' "
                "AND expires_at <= %s AND id > %s ORDER BY id LIMIT %s",
                [now, last_id, batch_size],
            )
            rows = cr.fetchall()
            if not rows:
                break
            last_id = rows[-1][0]
            wallet_ids = sorted({wallet_id for _id, wallet_id in rows})
            cr.execute(
                "SELECT id FROM loyalty_club_wallet WHERE id = ANY(%s) ORDER BY id "
                "FOR UPDATE",
                [wallet_ids],
            )
            cr.execute(
                """
                UPDATE loyalty_club_hold h
                   SET state = 'expired', closed_at = %(now)s,
                       write_date = %(now)s, write_uid = %(uid)s
                  FROM (SELECT id FROM loyalty_club_hold
                         WHERE id = ANY(%(ids)s) AND state = 'held'
                           AND expires_at <= %(now)s
                         FOR UPDATE SKIP LOCKED) due
                 WHERE h.id = due.id
                """,
                {"now": now, "uid": self.env.uid, "ids": [row[0] for row in rows]},
            )
            total += cr.rowcount
            self.env["loyalty.club.wallet"]._sql_refresh_balances(wallet_ids, today)
        self.invalidate_model()
        return total
