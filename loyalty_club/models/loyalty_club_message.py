"""Transactional messages to members: an outbox of SMS and e-mails.

A booked sale, a refund, a tier change, a card activation or a gift-card sale
queues its messages in its own transaction: one INSERT for its channels with
the event's figures frozen from the records it just wrote (formatted later, in
the member's language), nothing rendered and no consent read, so the till is not
slowed down and a sale never waits for a gateway. A job sends
them after commit, set-based and in batches (several workers share the queue
through ``FOR UPDATE SKIP LOCKED``):

    due messages -> consent for the channel, phone or e-mail (else skipped)
        -> quiet hours in the member's time zone (an SMS is held until the
        morning) -> the event's template in the member's language (an error is
        a failed message with its reason) -> Odoo's ``sms.sms`` / ``mail.mail``
        -> sent, or tried again later with back-off on the same record.

The event key (``purchase:<check id>:sms``) is unique: one event gives at most
one message per channel, and a retry resends the same ``sms.sms`` or
``mail.mail``, so a gateway failure followed by its recovery delivers once.
"""

import ast
import json
import logging
import threading
import time
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.base.models.res_lang import intersperse

from ..domain import messages as core_messages

_logger = logging.getLogger(__name__)

EVENTS = [
    ("purchase", "Purchase"),
    ("refund", "Refund"),
    ("tier_change", "Tier change"),
    ("card_activation", "Card activation"),
    ("gift_card", "Gift card"),
    ("coupon", "Personal coupon"),
]
MESSAGE_CHANNELS = [("sms", "SMS"), ("email", "E-mail")]
STATES = [
    ("queued", "Queued"),
    ("held", "Held (quiet hours)"),
    ("sending", "Sending (retrying)"),
    ("sent", "Sent"),
    ("skipped", "Skipped"),
    ("failed", "Failed"),
]
REASONS = [
    ("off", "Messages of this kind are off in the program"),
    ("no_member", "No member to write to"),
    ("no_consent", "No consent for this channel"),
    ("no_phone", "No mobile phone number"),
    ("no_email", "No e-mail address"),
    ("coupon", "The coupon was used or cancelled before it was sent"),
    ("template", "The template could not be rendered"),
    ("number", "The gateway refused the phone number"),
    ("address", "The e-mail address was refused"),
    ("gateway", "The gateway kept failing"),
    ("unclear", "No clear answer from the gateway: not sent again"),
]
DUE_STATES = ("queued", "held", "sending")
# a worker wakes the sending job at most this often (seconds)
TRIGGER_EVERY = 10
_LAST_TRIGGER = {}  # database -> time.monotonic() of this worker's last wake-up

BATCH = 1000  # messages taken by one run of the job
# a hand-off older than this was interrupted (a run's time budget, the gateway's
# timeouts and the commit are far shorter)
HANDOFF_GRACE = timedelta(minutes=15)
CHUNK = 100  # messages handed to a gateway at once
TIME_BUDGET = 60  # seconds of sending per run (cron workers have time limits)

# answers of Odoo's sms.sms / mail.mail that mean the message left
SMS_SENT = ("pending", "sent", "process")
# failures no retry can mend: the number or address itself is refused
SMS_PERMANENT = (
    "sms_number_missing",
    "sms_number_format",
    "sms_country_not_supported",
    "sms_registration_needed",
    "sms_blacklist",
    "sms_optout",
    "sms_duplicate",
    "sms_invalid_destination",
    "sms_not_allowed",
    "sms_rejected",
)
MAIL_PERMANENT = ("mail_email_invalid", "mail_email_missing", "mail_bl", "mail_optout")

# the placeholders a template may use: fields of the message, filled from its
# figures; templates that use only these are rendered without code evaluation
# and may be edited by a club manager
PLACEHOLDERS = (
    "member_name",
    "program_name",
    "check_ref",
    "amount",
    "earned",
    "spent",
    "balance",
    "pending",
    "expiring",
    "expiry_date",
    "expiry_note",
    "tier_name",
    "card_code",
    "gift_balance",
    "valid_until",
    "coupon_code",
    "offer_name",
    "unsubscribe_url",
)


class LoyaltyClubMessage(models.Model):
    _name = "loyalty.club.message"
    _description = "Club Transactional Message"
    _order = "id desc"
    _rec_name = "event_key"

    event = fields.Selection(EVENTS, required=True, readonly=True)
    channel = fields.Selection(MESSAGE_CHANNELS, required=True, readonly=True)
    event_key = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        help="One message per event and channel: a second one for the same key is "
        "never queued.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, readonly=True, index=True
    )
    wallet_id = fields.Many2one(
        "loyalty.club.wallet", readonly=True, ondelete="set null"
    )
    transaction_id = fields.Many2one(
        "loyalty.club.transaction",
        string="Check",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )
    card_id = fields.Many2one("loyalty.club.card", readonly=True, ondelete="set null")
    coupon_id = fields.Many2one(
        "loyalty.club.coupon", readonly=True, ondelete="set null"
    )
    program_id = fields.Many2one(
        "loyalty.club.program", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    figures = fields.Json(
        readonly=True,
        help="The event's figures, frozen when the message was queued; the text "
        "shows them in the member's language, with the program's unit and currency.",
    )
    state = fields.Selection(
        STATES, default="queued", required=True, readonly=True, index=True
    )
    reason = fields.Selection(
        REASONS, readonly=True, help="Why the message was skipped or failed."
    )
    error = fields.Char(
        readonly=True, help="The gateway's or the template's last error."
    )
    attempts = fields.Integer(readonly=True)
    next_attempt = fields.Datetime(readonly=True)
    last_attempt = fields.Datetime(readonly=True)
    sent_at = fields.Datetime("Sent on", readonly=True)
    # indexed: deleting sent SMS and e-mails (Odoo's clean-up) looks them up here
    sms_id = fields.Many2one(
        "sms.sms", "SMS", readonly=True, ondelete="set null", index="btree_not_null"
    )
    mail_id = fields.Many2one(
        "mail.mail",
        "E-mail",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )
    body = fields.Text(compute="_compute_body", string="Text")

    # placeholders of the templates (see PLACEHOLDERS)
    member_name = fields.Char(compute="_compute_placeholders")
    program_name = fields.Char(compute="_compute_placeholders")
    check_ref = fields.Char(compute="_compute_placeholders")
    amount = fields.Char(compute="_compute_placeholders")
    earned = fields.Char(compute="_compute_placeholders")
    spent = fields.Char(compute="_compute_placeholders")
    balance = fields.Char(compute="_compute_placeholders")
    pending = fields.Char(compute="_compute_placeholders")
    expiring = fields.Char(compute="_compute_placeholders")
    expiry_date = fields.Char(compute="_compute_placeholders")
    expiry_note = fields.Char(compute="_compute_placeholders")
    tier_name = fields.Char(compute="_compute_placeholders")
    card_code = fields.Char(compute="_compute_placeholders")
    gift_balance = fields.Char(compute="_compute_placeholders")
    valid_until = fields.Char(compute="_compute_placeholders")
    coupon_code = fields.Char(compute="_compute_placeholders")
    offer_name = fields.Char(compute="_compute_placeholders")
    unsubscribe_url = fields.Char(
        compute="_compute_unsubscribe_url",
        help="The member's link to stop the club's e-mails (no login needed).",
    )

    _sql_constraints = [
        (
            "event_key_uniq",
            "unique(event_key)",
            "One event gives one message per channel.",
        ),
    ]

    def init(self):
        # the job's query: due messages in order (a partial index stays small)
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS loyalty_club_message_due_idx "
            "ON loyalty_club_message (next_attempt, id) "
            "WHERE state IN ('queued', 'held', 'sending')"
        )

    @api.depends("figures", "partner_id.name")
    @api.depends_context("lang")
    def _compute_placeholders(self):
        """The figures as the member reads them, in the rendering's language
        (the template renders each member in theirs): the program's unit and
        currency, the language's separators and dates."""
        data = self._lang_data(self.env.lang or "en_US")
        for message in self:
            figures = message.figures or {}
            program = message.program_id
            unit = program.unit_name or ""

            def units(key, figures=figures, program=program, unit=unit):
                value = figures.get(key)
                if value is None:
                    return ""
                digits = 0 if float(value).is_integer() else program.digits
                return f"{self._number(data, value, digits)} {unit}"

            def money(key, figures=figures, program=program):
                value = figures.get(key)
                if value is None:
                    return ""
                return self._money(data, value, program.currency_id)

            def date(key, figures=figures):
                value = figures.get(key)
                return self._date(data, fields.Date.to_date(value)) if value else ""

            tier = self.env["loyalty.club.tier"].browse(figures.get("tier_id"))
            message.update(
                {
                    "member_name": message.partner_id.name or "",
                    "program_name": program.name or "",
                    "check_ref": figures.get("check_ref") or "",
                    "amount": money("amount"),
                    "earned": units("earned"),
                    "spent": units("spent"),
                    "balance": units("balance"),
                    "pending": units("pending"),
                    "expiring": units("expiring") if figures.get("expiring") else "",
                    "expiry_date": date("expiry_date"),
                    "expiry_note": "",
                    "tier_name": tier.name or "",
                    "card_code": figures.get("card_code") or "",
                    "gift_balance": money("gift_balance"),
                    "valid_until": date("valid_until")
                    if "valid_until" in figures
                    else "",
                    "coupon_code": figures.get("coupon_code") or "",
                    "offer_name": message.coupon_id.promotion_id.name or "",
                }
            )
            if "valid_until" in figures and not figures["valid_until"]:
                message.valid_until = self.env._("no end date")
            if figures.get("expiring"):
                message.expiry_note = self.env._(
                    "Expiring soon: %(amount)s (first on %(date)s).",
                    amount=message.expiring,
                    date=message.expiry_date,
                )

    @api.depends("partner_id")
    def _compute_unsubscribe_url(self):
        base = self.get_base_url()
        for message in self:
            partner = message.partner_id
            message.unsubscribe_url = (
                f"{base}/club/unsubscribe/{partner.id}/email/"
                f"{partner._club_unsubscribe_token('email')}"
                if partner
                else ""
            )

    @api.depends("sms_id.body", "mail_id.body_html")
    def _compute_body(self):
        for message in self:
            message.body = message.sms_id.body or message.mail_id.body_html or ""

    def mail_allowed_qweb_expressions(self):
        return (
            *super().mail_allowed_qweb_expressions(),
            "object.partner_id.lang",
            "object.partner_id.id",
            "object.company_id.email_formatted",
            *(f"object.{name}" for name in PLACEHOLDERS),
        )

    # ================================================================= queue
    @api.model
    def _queue_check(self, txn):
        """Purchase or refund messages of a member's check, in its transaction."""
        wallet = txn.wallet_id
        if not wallet.partner_id:
            return
        event = "refund" if txn.kind == "refund" else "purchase"
        channels = self._channels(txn.program_id, event)
        if channels:
            figures = self._figures(event, txn=txn)
            self._queue(event, channels, str(txn.id), wallet, figures, txn=txn)

    @api.model
    def _queue_tier_change(self, wallet, tier):
        """A member's move to ``tier`` (the history row is the event)."""
        channels = self._channels(wallet.program_id, "tier_change")
        if not (channels and wallet.partner_id):
            return
        history = (
            self.env["loyalty.club.tier.history"]
            .sudo()
            .search(
                [("wallet_id", "=", wallet.id), ("new_tier_id", "=", tier.id)],
                order="id desc",
                limit=1,
            )
        )
        figures = self._figures("tier_change", wallet=wallet, tier=tier)
        self._queue("tier_change", channels, str(history.id), wallet, figures)

    @api.model
    def _queue_card_activation(self, cards):
        """Members' cards just activated (a gift card is told when sold)."""
        for card in cards.filtered(lambda c: c.partner_id and c.kind != "gift"):
            channels = self._channels(card.program_id, "card_activation")
            if channels:
                figures = self._figures("card_activation", card=card)
                self._queue(
                    "card_activation",
                    channels,
                    str(card.id),
                    self.env["loyalty.club.wallet"],
                    figures,
                    card=card,
                    partner=card.partner_id,
                )

    @api.model
    def _queue_gift_card(self, wallet, payload):
        """A gift card sold to a known customer (``partner_id`` or
        ``customer_id`` of the sale): its number, balance and validity."""
        partner_id = payload.get("partner_id") or payload.get("customer_id")
        program = wallet.program_id
        channels = self._channels(program, "gift_card")
        if not (channels and partner_id):
            return
        partner = self.env["res.partner"].sudo().browse(int(partner_id)).exists()
        if partner:
            card = wallet.card_id
            figures = self._figures("gift_card", wallet=wallet)
            self._queue(
                "gift_card",
                channels,
                str(wallet.id),
                wallet,
                figures,
                card=card,
                partner=partner,
            )

    @api.model
    def _queue_coupons(self, coupons):
        """Each member their personal coupon's code, set-based: one INSERT for
        every coupon of ``coupons`` that has a member, per channel the program
        sends coupons by (the code itself is read when the message is sent)."""
        coupons = coupons.filtered("partner_id")
        if not coupons:
            return 0
        queued = 0
        for promotion, group in coupons.grouped("promotion_id").items():
            program = promotion.program_id
            channels = self._channels(program, "coupon")
            if not channels:
                continue
            self.env["loyalty.club.coupon"].flush_model()
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO loyalty_club_message (event, channel, event_key,
                        partner_id, coupon_id, program_id, company_id, figures,
                        state, attempts, next_attempt, create_uid, write_uid,
                        create_date, write_date)
                    SELECT 'coupon', ch.channel, 'coupon:' || c.id || ':' || ch.channel,
                           c.partner_id, c.id, %(program)s, %(company)s,
                           jsonb_build_object('coupon_code', c.code,
                                              'valid_until', c.date_to),
                           'queued', 0, %(now)s, %(uid)s, %(uid)s, %(now)s, %(now)s
                      FROM loyalty_club_coupon c
                     CROSS JOIN unnest(%(channels)s::varchar[]) AS ch(channel)
                     WHERE c.id = ANY(%(ids)s) AND c.partner_id IS NOT NULL
                    ON CONFLICT (event_key) DO NOTHING
                    """,
                    program=program.id,
                    company=program.company_id.id,
                    now=fields.Datetime.now(),
                    uid=self.env.uid,
                    channels=channels,
                    ids=group.ids,
                )
            )
            queued += self.env.cr.rowcount
        if queued:
            self._trigger_send()
        return queued

    def _off(self):
        """Whether the program no longer sends this message's event by its
        channel (an extension with its own events decides for them)."""
        self.ensure_one()
        return not self.program_id[f"notify_{self.event}_{self.channel}"]

    def _gone(self):
        """Why the message is no longer worth sending (a ``reason``), else
        False: a coupon used or cancelled before its code left."""
        self.ensure_one()
        if self.event == "coupon" and self.coupon_id.state != "valid":
            return "coupon"
        return False

    @api.model
    def _channels(self, program, event):
        """The channels the program sends this event by."""
        return [
            channel
            for channel, _label in MESSAGE_CHANNELS
            if program[f"notify_{event}_{channel}"]
        ]

    @api.model
    def _queue(
        self,
        event,
        channels,
        ref,
        wallet,
        figures,
        txn=None,
        card=None,
        partner=None,
        due=None,
    ):
        """One row per channel in a single INSERT; an event key met again is left
        alone (never an error in the caller's transaction). ``due``: not before
        then (a survey a few hours after the purchase)."""
        partner = partner or wallet.partner_id
        program = wallet.program_id or card.program_id
        now = fields.Datetime.now()
        rows = [
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'queued', 0, %s, "
                "%s, %s, %s, %s)",
                event,
                channel,
                f"{event}:{ref}:{channel}",
                partner.id,
                wallet.id or None,
                txn.id if txn else None,
                card.id if card else None,
                program.id,
                program.company_id.id,
                json.dumps(figures),
                due or now,
                self.env.uid,
                self.env.uid,
                now,
                now,
            )
            for channel in channels
        ]
        self.env.cr.execute(
            SQL(
                "INSERT INTO loyalty_club_message (event, channel, event_key, "
                "partner_id, wallet_id, transaction_id, card_id, program_id, "
                "company_id, figures, state, attempts, next_attempt, create_uid, "
                "write_uid, create_date, write_date) VALUES %s "
                "ON CONFLICT (event_key) DO NOTHING",
                SQL(", ").join(rows),
            )
        )
        self._trigger_send()

    @api.model
    def _trigger_send(self):
        """Wake the sending job for right after this transaction commits, at
        most every few seconds per worker: a trigger and its NOTIFY on every
        till's commit would cost the till more than its messages. Messages
        queued in between go with the next wake-up or the job's minute."""
        data = self.env.cr.precommit.data
        if data.get("loyalty_club.message.triggered"):
            return
        data["loyalty_club.message.triggered"] = True
        now = time.monotonic()
        dbname = self.env.cr.dbname
        if now - _LAST_TRIGGER.get(dbname, -TRIGGER_EVERY) < TRIGGER_EVERY:
            return
        _LAST_TRIGGER[dbname] = now
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "loyalty_club.ir_cron_loyalty_club_message_send", raise_if_not_found=False
        )
        if cron_id:
            self.env["ir.cron"].sudo().browse(cron_id)._trigger()

    # =============================================================== figures
    @api.model
    def _figures(self, event, txn=None, wallet=None, tier=None, card=None):
        """The event's figures, frozen now from records the event just wrote
        (nothing is read from the database; they are formatted when rendered)."""
        figures = {}
        if txn:
            wallet = txn.wallet_id
            earned, spent = txn.earned, txn.spent
            if txn.kind == "refund" and txn.response:
                # what the refund actually took back and gave back
                earned = txn.response.get("earn_reversed", earned)
                spent = txn.response.get("burn_returned", spent)
            figures.update(
                check_ref=txn.ref or "",
                amount=abs(txn.amount),
                earned=abs(earned or 0.0),
                spent=abs(spent or 0.0),
            )
        if event in ("purchase", "refund") and wallet:
            figures.update(
                balance=wallet.balance_available,
                pending=wallet.balance_pending,
                expiring=wallet.balance_expiring_soon,
                expiry_date=fields.Date.to_string(wallet.next_expiry_date)
                if wallet.balance_expiring_soon and wallet.next_expiry_date
                else "",
            )
        if tier:
            figures["tier_id"] = tier.id
        if card:
            figures["card_code"] = card.code
        if event == "gift_card":
            info = wallet.card_id._gift_card_dict()
            figures.update(
                card_code=info["code"],
                gift_balance=info["balance"],
                valid_until=info["expires_on"] or "",
            )
        return figures

    # Formatting in the member's language: plain string work on the language's
    # cached separators and date format.
    @api.model
    def _lang_data(self, lang):
        Lang = self.env["res.lang"]
        return Lang._get_data(code=lang) or Lang._get_data(code="en_US")

    @api.model
    def _number(self, data, value, digits):
        """A figure as the language writes it (members read sizes, not signs)."""
        whole, _dot, decimals = f"{abs(value):.{digits}f}".partition(".")
        grouping = ast.literal_eval(data.grouping or "[]")
        whole = intersperse(whole, grouping, data.thousands_sep or "")[0]
        return whole + (f"{data.decimal_point}{decimals}" if decimals else "")

    @api.model
    def _money(self, data, value, currency):
        number = self._number(data, value, currency.decimal_places)
        if currency.position == "before":
            return f"{currency.symbol or ''}\N{NO-BREAK SPACE}{number}"
        return f"{number}\N{NO-BREAK SPACE}{currency.symbol or ''}"

    @api.model
    def _date(self, data, value):
        return value.strftime(data.date_format or "%Y-%m-%d") if value else ""

    # ================================================================= send
    @api.model
    def _cron_send(self, now=None, batch=BATCH):
        """Send what is due; rows another worker took are skipped. Returns how
        many messages this run handled."""
        now = now or fields.Datetime.now()
        self.env.flush_all()
        self._settle_interrupted(now)
        self.env.cr.execute(
            "SELECT id FROM loyalty_club_message m "
            "WHERE state IN ('queued', 'held', 'sending') AND next_attempt <= %s "
            "AND NOT EXISTS (SELECT 1 FROM loyalty_club_message_handoff h "
            "WHERE h.message_id = m.id) "
            "ORDER BY next_attempt, id LIMIT %s FOR UPDATE OF m SKIP LOCKED",
            [now, batch],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        left = self.sudo().browse(ids)._process(now)
        if left or len(ids) == batch:
            # more is due: Odoo runs the job again at once
            self.env["ir.cron"]._notify_progress(
                done=len(ids) - len(left), remaining=len(left) or 1
            )
        return len(ids) - len(left)

    @api.model
    def _settle_interrupted(self, now):
        """Messages a run handed over and never heard back about (it died
        before its commit): the gateway may have sent them, so they fail with
        "no clear answer" instead of being sent again."""
        self.env.cr.execute(
            "DELETE FROM loyalty_club_message_handoff WHERE handed_at < %s "
            "RETURNING message_id, handed_at",
            [now - HANDOFF_GRACE],
        )
        handed = dict(self.env.cr.fetchall())
        # an answer recorded at or after the hand-off settled it already
        stale = (
            self.sudo()
            .browse(handed)
            .exists()
            .filtered(
                lambda m: m.state in DUE_STATES
                and not (m.last_attempt and m.last_attempt >= handed[m.id])
            )
        )
        if stale:
            _logger.warning(
                "%s club messages were handed over by an interrupted run: "
                "not sent again",
                len(stale),
            )
            stale.write(
                {
                    "state": "failed",
                    "reason": "unclear",
                    "error": self.env._(
                        "The run that handed this message over was interrupted "
                        "before it recorded the answer: it may have been sent."
                    ),
                    "next_attempt": False,
                }
            )
            stale.flush_recordset()  # before the job's own query for due ones

    def _hand_over(self, now):
        """Record, committed at once on a cursor of its own, that these
        messages are about to leave; removed after this run's commit."""
        if not self:
            return
        query = (
            "INSERT INTO loyalty_club_message_handoff (message_id, handed_at) "
            "SELECT unnest(%s::int[]), %s"
        )
        if getattr(threading.current_thread(), "testing", False):
            # a test's work is never committed: the hand-off stays in it too
            self.env.cr.execute(query, [self.ids, now])
            return
        with self.env.registry.cursor() as cr:
            cr.execute(query, [self.ids, now])
        ids = self.ids

        def forget(registry=self.env.registry):
            with registry.cursor() as cr:
                cr.execute(
                    "DELETE FROM loyalty_club_message_handoff "
                    "WHERE message_id = ANY(%s)",
                    [ids],
                )

        self.env.cr.postcommit.add(forget)

    def _handed_back(self):
        """The answers are recorded: in a test, or where this transaction sees
        the hand-off rows, they go with it."""
        self.env.cr.execute(
            "DELETE FROM loyalty_club_message_handoff WHERE message_id = ANY(%s)",
            [self.ids],
        )

    def _process(self, now, budget=TIME_BUDGET):
        """Skip, hold or send these messages; the ones left for the next run
        (time budget spent, gateway down) are returned untouched."""
        todo = self._skip_unreachable()
        todo = todo._hold_quiet(now)
        start, left = time.monotonic(), self.browse()
        for (channel, company), group in todo.grouped(
            lambda m: (m.channel, m.company_id)
        ).items():
            for index in range(0, len(group), CHUNK):
                chunk = group[index : index + CHUNK]
                if time.monotonic() - start > budget:
                    left |= chunk
                    continue
                if channel == "sms":
                    down = chunk.with_company(company)._send_sms(now)
                else:
                    down = chunk.with_company(company)._send_email(now)
                if down:
                    # the gateway failed a whole chunk: the rest waits for its retry
                    rest = group[index + CHUNK :]
                    rest.write({"next_attempt": now + timedelta(seconds=60)})
                    left |= rest
                    break
        return left

    def _consents(self):
        """{(partner id, channel): granted} as of now (the newest row rules)."""
        self.env["loyalty.club.consent"].flush_model()
        self.env.cr.execute(
            "SELECT DISTINCT ON (partner_id, channel) partner_id, channel, granted "
            "FROM loyalty_club_consent WHERE partner_id = ANY(%s) "
            "AND channel IN ('sms', 'email') "
            "ORDER BY partner_id, channel, date DESC, id DESC",
            [self.partner_id.ids],
        )
        return {(row[0], row[1]): row[2] for row in self.env.cr.fetchall()}

    def _skip_unreachable(self):
        """Skip, with the reason, what may not or cannot go; returns the rest."""
        consents = self._consents()
        skipped = {}
        for message in self:
            partner = message.partner_id
            if message._off():
                reason = "off"
            elif gone := message._gone():
                reason = gone
            elif not partner.active or partner.club_erased:
                reason = "no_member"
            elif not consents.get((partner.id, message.channel)):
                reason = "no_consent"
            elif message.channel == "sms" and not partner.club_phone:
                reason = "no_phone"
            elif message.channel == "email" and not partner.email:
                reason = "no_email"
            else:
                continue
            skipped.setdefault(reason, self.browse())
            skipped[reason] |= message
        for reason, messages in skipped.items():
            messages.write(
                {"state": "skipped", "reason": reason, "next_attempt": False}
            )
        return self - self.browse().union(*skipped.values())

    def _local_tz(self):
        self.ensure_one()
        name = (
            self.partner_id.tz
            or self.program_id.notify_tz
            or self.company_id.partner_id.tz
            or "UTC"
        )
        try:
            return pytz.timezone(name)
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    def _hold_quiet(self, now):
        """SMS in the quiet hours of the member's time zone wait for the
        morning; returns what may leave now."""
        held = {}
        for message in self.filtered(lambda m: m.channel == "sms"):
            program = message.program_id
            tz = message._local_tz()
            local = pytz.utc.localize(now).astimezone(tz).replace(tzinfo=None)
            until = core_messages.quiet_until(
                local, program.notify_quiet_start, program.notify_quiet_end
            )
            if until:
                release = tz.localize(until).astimezone(pytz.utc).replace(tzinfo=None)
                held.setdefault(release, self.browse())
                held[release] |= message
        for release, messages in held.items():
            messages.write({"state": "held", "next_attempt": release})
        return self - self.browse().union(*held.values())

    # ------------------------------------------------------------ rendering
    def _template(self, channel, event):
        model = "sms.template" if channel == "sms" else "mail.template"
        template = self.env.ref(
            f"loyalty_club.{model.split('.')[0]}_template_message_{event}",
            raise_if_not_found=False,
        )
        return template.sudo() if template else self.env[model]

    def _render(self, render):
        """``render(messages)`` -> {id: result} for each event's batch; a batch
        that fails is rendered one by one, so only the bad messages fail.
        Returns (results, {message: error})."""
        results, errors = {}, {}
        for _event, group in self.grouped("event").items():
            try:
                with self.env.cr.savepoint():
                    results.update(render(group))
                continue
            except Exception:  # noqa: BLE001 - retried one by one below
                _logger.info("Rendering %s messages one by one", len(group))
            for message in group:
                try:
                    with self.env.cr.savepoint():
                        results.update(render(message))
                except Exception as exc:  # noqa: BLE001 - the message fails
                    cause = exc.__cause__ or exc.__context__
                    errors[message] = f"{exc} ({cause})" if cause else str(exc)
        return results, errors

    def _fail_rendering(self, errors, now):
        for message, error in errors.items():
            message.write(
                {
                    "state": "failed",
                    "reason": "template",
                    "error": error[:500],
                    "attempts": message.attempts + 1,
                    "last_attempt": now,
                    "next_attempt": False,
                }
            )

    # ------------------------------------------------------------------ SMS
    def _render_sms(self, group):
        template = self._template("sms", group[:1].event)
        if not template:
            raise ValueError(f"No SMS template for {group[:1].event}")
        bodies = template._render_field("body", group.ids, compute_lang=True)
        # an empty placeholder leaves no double or trailing spaces in the SMS
        return {
            mid: "\n".join(
                " ".join(line.split()) for line in (body or "").splitlines()
            ).strip()
            for mid, body in bodies.items()
        }

    def _send_sms(self, now):
        """Hand these SMS to Odoo's ``sms.sms._send`` (the company's gateway);
        True when the gateway failed every one of them."""
        fresh = self.filtered(lambda m: not m.sms_id)
        bodies, errors = fresh._render(fresh._render_sms)
        fresh._fail_rendering(errors, now)
        Sms = self.env["sms.sms"].sudo()
        to_create = fresh.filtered(lambda m: m.id in bodies)
        created = Sms.create(
            [
                {
                    "number": message.partner_id.club_phone,
                    "partner_id": message.partner_id.id,
                    "body": bodies[message.id],
                }
                for message in to_create
            ]
        )
        for message, sms in zip(to_create, created, strict=True):
            message.sms_id = sms
        retried = (self - fresh).sms_id
        retried.write({"state": "outgoing", "failure_type": False})
        messages = to_create | (self - fresh)
        sms = messages.sms_id
        error = None
        if sms:
            messages._hand_over(now)
            try:
                with self.env.cr.savepoint():
                    sms._send(unlink_failed=False, unlink_sent=False)
            except Exception as exc:  # noqa: BLE001 - a gateway error is retried
                _logger.warning("SMS gateway failed: %s", exc)
                error = str(exc)
            # nothing stays in Odoo's own SMS queue: this outbox owns the retries
            sms.filtered(lambda s: s.state == "outgoing").write(
                {"state": "error", "failure_type": "sms_server"}
            )
        return messages._record_results(now, error)

    def _record_results(self, now, error=None):
        """Sent, retried or failed from what the SMS or e-mail says; True when
        every one failed for a reason a retry may mend."""
        labels = {
            "sms": dict(
                self.env["sms.sms"]
                ._fields["failure_type"]
                ._description_selection(self.env)
            ),
            "email": dict(
                self.env["mail.mail"]
                ._fields["failure_type"]
                ._description_selection(self.env)
            ),
        }
        retried = 0
        for message in self:
            unclear = False
            if message.channel == "sms":
                record, ok = message.sms_id, message.sms_id.state in SMS_SENT
                permanent = record.failure_type in SMS_PERMANENT
                detail = labels["sms"].get(record.failure_type)
                if "club_outcome_unknown" in record._fields:
                    # the gateway may have sent it: never sent again by itself
                    unclear = record.club_outcome_unknown
                    detail = record.club_error or detail
            else:
                record, ok = message.mail_id, message.mail_id.state == "sent"
                permanent = record.failure_type in MAIL_PERMANENT
                detail = record.failure_reason or labels["email"].get(
                    record.failure_type
                )
            attempts = message.attempts + 1
            vals = {"attempts": attempts, "last_attempt": now}
            if ok:
                vals.update(state="sent", sent_at=now, next_attempt=False, error=False)
            else:
                vals["error"] = (error or detail or "?")[:500]
                decision = core_messages.after_failure(attempts, permanent or unclear)
                if decision == "failed":
                    reason = "gateway"
                    if permanent:
                        reason = "number" if message.channel == "sms" else "address"
                    if unclear:
                        reason = "unclear"
                    vals.update(state="failed", reason=reason, next_attempt=False)
                else:
                    retried += 1
                    delay = core_messages.backoff(attempts)
                    vals.update(
                        state="sending", next_attempt=now + timedelta(seconds=delay)
                    )
            message.write(vals)
        self._handed_back()
        return bool(self) and retried == len(self)

    # --------------------------------------------------------------- e-mail
    def _render_email(self, group):
        template = self._template("email", group[:1].event)
        if not template:
            raise ValueError(f"No e-mail template for {group[:1].event}")
        mails = template.send_mail_batch(group.ids)
        for mail in mails:
            # one-click unsubscribe (RFC 8058) in the member's mail client
            url = group.browse(mail.res_id).unsubscribe_url
            mail.headers = repr(
                {
                    "List-Unsubscribe": f"<{url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                }
            )
        return {mail.res_id: mail for mail in mails}

    def _send_email(self, now):
        """Render the e-mails through the event's ``mail.template`` and send them
        (Odoo's mail servers); True when every one failed for a reason a retry
        may mend."""
        fresh = self.filtered(lambda m: not m.mail_id)
        mails, errors = fresh._render(fresh._render_email)
        fresh._fail_rendering(errors, now)
        for message in fresh:
            if message.id in mails:
                message.mail_id = mails[message.id]
        messages = self.filtered("mail_id")
        (messages - fresh).mail_id.write({"state": "outgoing"})
        error = None
        if messages:
            messages._hand_over(now)
            try:
                with self.env.cr.savepoint():
                    messages.mail_id.send(raise_exception=False)
            except Exception as exc:  # noqa: BLE001 - a mail server error is retried
                _logger.warning("Sending club e-mails failed: %s", exc)
                error = str(exc)
            messages.mail_id.filtered(lambda m: m.state == "outgoing").write(
                {"state": "exception", "failure_reason": error or "?"}
            )
        return messages._record_results(now, error)

    # ============================================================== actions
    def action_retry(self):
        """Queue failed or skipped messages again (consent and quiet hours are
        checked again when they are sent)."""
        self.filtered(lambda m: m.state in ("failed", "skipped")).write(
            {
                "state": "queued",
                "reason": False,
                "error": False,
                "attempts": 0,
                "next_attempt": fields.Datetime.now(),
            }
        )
        self._trigger_send()
        return True
