"""API keys of the open REST API: one per channel, only a hash of the secret kept.

Authentication, the per-minute rate limit and "last used" are one short
transaction on the primary database (``_authenticate``), opened on its own cursor
and committed at once, so that:

- routes served from a read-only replica (``readonly=True``) still count;
- the counter row is locked for one statement, not for the whole request (a key's
  parallel requests do not queue behind each other nor fail with serialization
  errors under REPEATABLE READ);
- refused and failing requests count too (their own transaction rolls back, the
  counter does not).
"""

import hashlib
import secrets
import time

from psycopg2.errors import SerializationFailure

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..selections import API_CHANNELS

KEY_PREFIX = "lck_"


def hash_secret(secret):
    return hashlib.sha256((secret or "").encode()).hexdigest()


class LoyaltyClubApiKey(models.Model):
    _name = "loyalty.club.api.key"
    _description = "Club API Key"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    channel = fields.Selection(API_CHANNELS, required=True, default="eshop")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    program_id = fields.Many2one(
        "loyalty.club.program",
        check_company=True,
        help="Program the channel works in; empty: the company's first program.",
    )
    store_id = fields.Many2one(
        "loyalty.club.store",
        check_company=True,
        help="Store used when a request names none (e.g. the e-shop).",
    )
    allow_lookup = fields.Boolean("Look up members", default=True)
    allow_register = fields.Boolean("Register and update members")
    allow_quote = fields.Boolean("Quote orders", default=True)
    allow_confirm = fields.Boolean("Confirm orders")
    allow_refund = fields.Boolean("Refund orders")
    allow_read = fields.Boolean(
        "Read members, history and cards", default=True, help="Also gift cards."
    )
    rate_limit = fields.Integer(
        "Requests per minute", default=600, help="0 means no limit."
    )
    phone_spend = fields.Selection(
        [
            ("code", "Needs the code sent to the phone"),
            ("trusted", "Trusted: the channel authenticated its customer"),
        ],
        string="Spending on a Phone",
        compute="_compute_phone_spend",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="When an order names its member by a phone number: a kiosk or a call "
        "centre needs the one-time code the member receives; an e-shop or an app "
        "whose customers log in may be trusted.",
    )
    key_prefix = fields.Char(
        readonly=True, copy=False, help="Start of the key, to tell keys apart."
    )
    key_hash = fields.Char(readonly=True, copy=False, groups="base.group_system")
    has_secret = fields.Boolean(compute="_compute_has_secret")
    last_used = fields.Datetime(readonly=True, copy=False)
    webhook_ids = fields.One2many("loyalty.club.webhook", "api_key_id")

    @api.depends("channel")
    def _compute_phone_spend(self):
        for key in self:
            key.phone_spend = "trusted" if key.channel in ("eshop", "app") else "code"

    _sql_constraints = [
        ("key_hash_uniq", "unique(key_hash)", "An API key is unique."),
        ("rate_limit_positive", "CHECK(rate_limit >= 0)", "A rate limit is >= 0."),
    ]

    @api.depends("key_prefix")
    def _compute_has_secret(self):
        for key in self:
            key.has_secret = bool(key.key_prefix)

    def _program(self):
        self.ensure_one()
        if self.program_id:
            return self.program_id
        return (
            self.env["loyalty.club.program"]
            .sudo()
            .search([("company_id", "=", self.company_id.id)], limit=1)
        )

    def allows(self, operation):
        self.ensure_one()
        return bool(self[f"allow_{operation}"])

    # ----------------------------------------------------------- back office
    def _generate_secret(self):
        """A new secret for this key; only its hash is stored."""
        self.ensure_one()
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        self.sudo().write({"key_hash": hash_secret(secret), "key_prefix": secret[:12]})
        return secret

    def action_rotate(self):
        """Generate (or replace) the secret and show it once."""
        self.ensure_one()
        self.env["loyalty.club.service"]._check_manager()
        if not self.active:
            raise UserError(_("A revoked key cannot get a new secret."))
        secret = self._generate_secret()
        return {
            "type": "ir.actions.act_window",
            "name": _("New API key secret"),
            "res_model": "loyalty.club.api.key.secret",
            "view_mode": "form",
            "target": "new",
            # the secret lives in this action only: the dialog is never saved
            "context": {"default_key_id": self.id, "default_secret": secret},
        }

    def action_revoke(self):
        """Stop the key at once; its secret is forgotten, history stays."""
        self.env["loyalty.club.service"]._check_manager()
        self.sudo().write({"active": False, "key_hash": False})
        return True

    # ---------------------------------------------------------------- requests
    @api.model
    def _authenticate(self, secret, cr):
        """(key id, rate limit, requests this minute, seconds left in the minute)
        for a secret, counted on ``cr`` (a cursor of the primary); None if unknown.
        """
        if not secret:
            return None
        cr.execute(
            "SELECT id, rate_limit FROM loyalty_club_api_key "
            "WHERE key_hash = %s AND active",
            [hash_secret(secret)],
        )
        row = cr.fetchone()
        if not row:
            return None
        key_id, limit = row
        count, seconds_left = self._count_request(cr, key_id)
        if count == 1:
            # once a minute per key: seldom in the way of a manager editing it
            cr.execute(
                "UPDATE loyalty_club_api_key SET last_used = now() AT TIME ZONE 'UTC' "
                "WHERE id = %s",
                [key_id],
            )
        return key_id, limit, count, max(seconds_left, 1)

    def _count_request(self, cr, key_id, attempts=5):
        """This minute's counter of the key, one more. Concurrent requests of
        one key update the same row: under Odoo's REPEATABLE READ the later
        one fails to serialize; it counts again on a fresh snapshot (quietly,
        a short wait) instead of failing and retrying the whole request."""
        for attempt in range(attempts):
            try:
                with cr.savepoint(flush=False):
                    cr.execute(
                        """
                        INSERT INTO loyalty_club_api_usage (key_id, minute, count)
                        VALUES (%s, date_trunc('minute', now() AT TIME ZONE 'UTC'), 1)
                        ON CONFLICT (key_id, minute)
                        DO UPDATE SET count = loyalty_club_api_usage.count + 1
                        RETURNING count, 60 - floor(
                            extract(second FROM now() AT TIME ZONE 'UTC'))::int
                        """,
                        [key_id],
                        log_exceptions=False,
                    )
                    return cr.fetchone()
            except SerializationFailure:
                if attempt == attempts - 1:
                    raise
                # a savepoint keeps the transaction's old snapshot: start anew
                cr.rollback()
                time.sleep(0.01 * (attempt + 1))
        return None

    @api.model
    def _cron_purge_usage(self):
        """Counters older than an hour are of no use."""
        self.env.cr.execute(
            "DELETE FROM loyalty_club_api_usage WHERE minute < "
            "(now() AT TIME ZONE 'UTC') - interval '1 hour'"
        )
