"""One-time codes sent to a member's phone: one service for every purpose.

A code confirms that the member is there: spending bonuses on a member the
cashier found by a typed phone, verifying a phone at registration. Only a hash
of the code is kept (HMAC-SHA256 with the database secret and a salt of its
own); a code expires (5 minutes by default), allows a few attempts, and a new
code voids the one before. Requests are rate-limited per phone and per till.
Failed attempts are counted on a cursor of their own, committed at once, so a
refused request (rolled back) still counts them; the count feeds anti-fraud.
The SMS itself is queued and leaves after commit (Odoo's SMS queue job).
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..domain import errors as core_errors

PURPOSES = [("spend", "Confirm spending"), ("verify_phone", "Verify the phone")]
STATES = [
    ("active", "Sent"),
    ("verified", "Verified"),
    ("used", "Used"),
    ("void", "Replaced by a new code"),
    ("expired", "Expired"),
    ("locked", "Too many attempts"),
]


def refuse(code, message):
    """A refusal with a stable code (the API answers it as 403/429 with the code)."""
    raise UserError(message) from core_errors.DomainError(code, message)


class LoyaltyClubCode(models.Model):
    _name = "loyalty.club.code"
    _description = "Club One-time Code"
    _order = "id desc"

    partner_id = fields.Many2one(
        "res.partner", required=True, readonly=True, index=True, ondelete="cascade"
    )
    program_id = fields.Many2one("loyalty.club.program", required=True, readonly=True)
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    phone = fields.Char(required=True, readonly=True, index=True)
    purpose = fields.Selection(PURPOSES, required=True, readonly=True)
    state = fields.Selection(STATES, required=True, readonly=True, default="active")
    salt = fields.Char(readonly=True, groups="base.group_system")
    code_hash = fields.Char(readonly=True, groups="base.group_system")
    expires_at = fields.Datetime(required=True, readonly=True)
    attempts = fields.Integer(
        readonly=True, default=0, help="Wrong codes typed for this code."
    )
    channel = fields.Char(readonly=True)
    pos_config_ref = fields.Integer(
        "Till", readonly=True, index="btree_not_null", help="The till that asked."
    )
    user_id = fields.Many2one(
        "res.users", "Asked by", readonly=True, default=lambda self: self.env.uid
    )
    used_key = fields.Char(
        readonly=True, help="The idempotency key of the operation the code confirmed."
    )
    sms_id = fields.Many2one(
        "sms.sms", readonly=True, ondelete="set null", index="btree_not_null"
    )

    # ------------------------------------------------------------------ hashing
    def _digest(self, salt, code):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hmac.new(
            (secret or "").encode(), f"{salt}:{code}".encode(), hashlib.sha256
        ).hexdigest()

    def _token(self):
        """What a channel keeps after a successful check, to name the code at
        confirm without the code itself."""
        self.ensure_one()
        return f"{self.id}.{self._digest(self.sudo().salt, 'verified')[:32]}"

    # ------------------------------------------------------------------ issue
    @api.model
    def _issue(self, partner, program, purpose, channel, pos_config_id=None):
        """A new code for this member, sent by SMS after commit; the codes of the
        same purpose sent before are void."""
        phone = partner.club_phone
        if not phone:
            refuse("no_phone", self.env._("This member has no phone for a code."))
        now = fields.Datetime.now()
        hour_ago = now - timedelta(hours=1)
        Code = self.sudo()
        if (
            program.code_max_per_phone
            and Code.search_count(
                [("phone", "=", phone), ("create_date", ">=", hour_ago)]
            )
            >= program.code_max_per_phone
        ):
            refuse(
                "code_rate_limited",
                self.env._(
                    "Too many codes were sent to %(phone)s in the last hour; try "
                    "again later.",
                    phone=phone,
                ),
            )
        if (
            pos_config_id
            and program.code_max_per_till
            and Code.search_count(
                [
                    ("pos_config_ref", "=", pos_config_id),
                    ("create_date", ">=", hour_ago),
                ]
            )
            >= program.code_max_per_till
        ):
            refuse(
                "code_rate_limited",
                self.env._(
                    "This till asked for too many codes in the last hour; scan the "
                    "card or ask a manager."
                ),
            )
        Code.search(
            [
                ("partner_id", "=", partner.id),
                ("purpose", "=", purpose),
                ("state", "in", ("active", "verified")),
            ]
        ).write({"state": "void"})
        digits = program.code_digits
        code = str(secrets.randbelow(10**digits)).zfill(digits)
        salt = secrets.token_hex(8)
        record = Code.create(
            {
                "partner_id": partner.id,
                "program_id": program.id,
                "phone": phone,
                "purpose": purpose,
                "salt": salt,
                "code_hash": self._digest(salt, code),
                "expires_at": now + timedelta(minutes=program.code_validity_minutes),
                "channel": channel,
                "pos_config_ref": pos_config_id or False,
            }
        )
        body = self.with_context(lang=partner.lang or self.env.lang).env._(
            "%(code)s is your code to confirm at %(club)s. Do not tell it to anyone "
            "but the cashier.",
            code=code,
            club=program.name,
        )
        record.sms_id = (
            self.env["sms.sms"]
            .sudo()
            .create({"number": phone, "partner_id": partner.id, "body": body})
        )
        # the SMS leaves after commit, from Odoo's SMS queue job
        self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()._trigger()
        return record

    # ----------------------------------------------------------------- verify
    @api.model
    def _current(self, partner, purpose):
        return self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("purpose", "=", purpose),
                ("state", "in", ("active", "verified")),
            ],
            limit=1,
        )

    def _refuse_spent(self, partner, purpose, code):
        """A code typed again after it served: say so (not just "no code")."""
        last = self.sudo().search(
            [("partner_id", "=", partner.id), ("purpose", "=", purpose)], limit=1
        )
        typed = str(code or "").strip()
        if (
            last.state == "used"
            and typed
            and hmac.compare_digest(last._digest(last.salt, typed), last.code_hash)
        ):
            refuse(
                "code_used",
                self.env._("The code was already used or replaced: ask for a new one."),
            )

    def _count_failure(self):
        """One more wrong attempt, on a cursor of its own (kept when the request
        that typed it is refused and rolled back); locked at the program's limit."""
        self.ensure_one()
        query = (
            "UPDATE loyalty_club_code SET attempts = COALESCE(attempts, 0) + 1, "
            "state = CASE WHEN COALESCE(attempts, 0) + 1 >= %s THEN 'locked' "
            "ELSE state END "
            "WHERE id = %s RETURNING attempts, state"
        )
        params = [self.program_id.code_max_attempts, self.id]
        with self.env.registry.cursor() as cr:
            cr.execute(query, params)
            row = cr.fetchone()
        if row is None:
            # the code was made in this very transaction (not committed yet):
            # only this transaction sees it
            self.env.cr.execute(query, params)
            row = self.env.cr.fetchone()
        self.invalidate_recordset(["attempts", "state"])
        return row

    def _check_alive(self):
        self.ensure_one()
        if self.expires_at < fields.Datetime.now():
            self.sudo().write({"state": "expired"})
            refuse(
                "code_expired", self.env._("The code has expired: ask for a new one.")
            )

    @api.model
    def _verify(self, partner, purpose, code):
        """The member's current code when ``code`` is it; a wrong code counts an
        attempt and is refused with what is left."""
        record = self._current(partner, purpose)
        if not record:
            self._refuse_spent(partner, purpose, code)
            refuse(
                "code_required",
                self.env._("No code was sent to this member: ask for a code first."),
            )
        record._check_alive()
        typed = str(code or "").strip()
        if not typed or not hmac.compare_digest(
            record._digest(record.sudo().salt, typed), record.sudo().code_hash
        ):
            attempts, state = record._count_failure()
            if state == "locked":
                refuse(
                    "code_locked",
                    self.env._(
                        "Wrong code, and no attempts are left: ask for a new code."
                    ),
                )
            refuse(
                "invalid_code",
                self.env._(
                    "Wrong code: %(left)s attempt(s) left.",
                    left=record.program_id.code_max_attempts - attempts,
                ),
            )
        return record

    @api.model
    def _check_at_till(self, partner, purpose, code):
        """The cashier typed the code the member named: checked now (attempts
        count), consumed when the order is confirmed. Returns the token the order
        carries to its confirmation."""
        record = self._verify(partner, purpose, code)
        record.sudo().write({"state": "verified"})
        return record._token()

    @api.model
    def _consume(self, partner, purpose, key, code=None, token=None):
        """Use the member's code for the operation ``key``, once: by the code
        itself (the API) or by the token of a check at the till. Another
        operation cannot use it again."""
        if token:
            record_id, _sep, _mac = str(token).partition(".")
            record = self.sudo().browse(int(record_id)) if record_id.isdigit() else None
            if (
                not record
                or not record.exists()
                or record.partner_id != partner
                or record.purpose != purpose
                or not hmac.compare_digest(record._token(), str(token))
            ):
                refuse(
                    "invalid_code",
                    self.env._("The code does not belong to this member."),
                )
            if record.state != "verified":
                refuse(
                    "code_used",
                    self.env._(
                        "The code was already used or replaced: ask for a new one."
                    ),
                )
            record._check_alive()
        elif code:
            record = self._verify(partner, purpose, code)
        else:
            refuse(
                "code_required",
                self.env._(
                    "The member was found by a phone number: spending needs the code "
                    "sent to that phone."
                ),
            )
        self.env.cr.execute(
            "UPDATE loyalty_club_code SET state = 'used', used_key = %s "
            "WHERE id = %s AND state IN ('active', 'verified') RETURNING id",
            [key, record.id],
        )
        if not self.env.cr.fetchone():
            refuse(
                "code_used",
                self.env._("The code was already used or replaced: ask for a new one."),
            )
        record.invalidate_recordset(["state", "used_key"])
        return record
