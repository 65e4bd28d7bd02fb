"""Trigger chains: messages a daily job sends when a member's occasion comes.

Every day each chain selects its members in SQL and queues them set-based
through the outbox with the program's caps (one ``INSERT ... SELECT``; a member
is never read into Python). The event key names the occasion, so a second run
of the same day, or of the next days, queues nothing twice. Consent is checked
when queueing and again when sending; quiet hours hold the SMS until morning.

- bonuses expiring in N days: available bonuses (lots already available, not
  used up) expiring exactly N days later, with the amount and the date;
- birthday in N days: the member's birthday (day and month) N days later;
- win-back: the member's last purchase was exactly N days ago;
- welcome: the member joined the club exactly N days ago.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

TRIGGERS = [
    ("expiring", "Bonuses expiring in N days"),
    ("birthday", "Birthday in N days"),
    ("winback", "N days since the last purchase"),
    ("welcome", "N days after joining"),
]
# members a chain may write to
MEMBER = SQL("p.club_status = 'active' AND p.active AND p.club_erased IS NOT TRUE")


class LoyaltyClubChain(models.Model):
    _name = "loyalty.club.chain"
    _description = "Club Trigger Chain"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    program_id = fields.Many2one(
        "loyalty.club.program", required=True, check_company=True
    )
    company_id = fields.Many2one(
        related="program_id.company_id", store=True, index=True
    )
    trigger = fields.Selection(TRIGGERS, required=True, default="expiring")
    days = fields.Integer(
        default=7,
        help="Expiring bonuses and birthdays: this many days before. Win-back: "
        "this many days after the last purchase. Welcome: this many days after "
        "joining (0: the day of joining).",
    )
    send_sms = fields.Boolean("By SMS", default=True)
    send_email = fields.Boolean("By E-mail")
    sms_text = fields.Text(
        "SMS Text",
        translate=True,
        help="Placeholders: {name}, {program}; expiring bonuses also {expiring} "
        "and {expiry_date}.",
    )
    email_subject = fields.Char(translate=True)
    email_body = fields.Html(
        "E-mail Text",
        translate=True,
        help="Placeholders: {name}, {program}; expiring bonuses also {expiring} "
        "and {expiry_date}.",
    )
    last_run = fields.Date(readonly=True, copy=False)
    last_queued = fields.Integer("Queued in the Last Run", readonly=True, copy=False)

    @api.constrains("days", "send_sms", "send_email", "sms_text")
    def _check_chain(self):
        for chain in self:
            if chain.days < 0:
                raise ValidationError(self.env._("The days cannot be negative."))
            if not (chain.send_sms or chain.send_email):
                raise ValidationError(self.env._("Choose SMS, e-mail or both."))
            if chain.send_sms and not (chain.sms_text or "").strip():
                raise ValidationError(self.env._("Write the SMS text."))

    def _occasion_passed(self, message, today):
        """A reminder of bonuses expiring or of a birthday on a day already past
        is not sent."""
        occasion = (message.figures or {}).get("occasion")
        return bool(occasion and fields.Date.to_date(occasion) < today)

    def _candidates(self, today):
        """The chain's members today: ``partner_id, place, key, figures``."""
        self.ensure_one()
        return getattr(self, f"_candidates_{self.trigger}")(today)

    def _candidates_expiring(self, today):
        day = today + timedelta(days=self.days)
        return SQL(
            """
            SELECT w.partner_id, min(w.partner_id) AS place,
                   'chain:' || %(chain)s || ':' || w.id || ':' || %(day)s AS key,
                   jsonb_build_object(
                       'expiring', sum(l.remaining_minor) / power(10, %(digits)s),
                       'expiry_date', %(day)s, 'occasion', %(day)s) AS figures,
                   NULL::int AS coupon_id
              FROM loyalty_club_lot l
              JOIN loyalty_club_wallet w ON w.id = l.wallet_id
              JOIN res_partner p ON p.id = w.partner_id
             WHERE w.program_id = %(program)s AND w.kind = 'bonus'
               AND l.expires_on = %(day)s AND l.remaining_minor > 0
               AND l.available_from <= %(today)s AND %(member)s
             GROUP BY w.id, w.partner_id
            """,
            chain=self.id,
            day=fields.Date.to_string(day),
            digits=self.program_id.digits,
            program=self.program_id.id,
            today=today,
            member=MEMBER,
        )

    def _candidates_birthday(self, today):
        day = today + timedelta(days=self.days)
        return SQL(
            """
            SELECT p.id AS partner_id, p.id AS place,
                   'chain:' || %(chain)s || ':' || p.id || ':' || %(day)s AS key,
                   jsonb_build_object('occasion', %(day)s) AS figures,
                   NULL::int AS coupon_id
              FROM res_partner p
              JOIN loyalty_club_wallet w ON w.partner_id = p.id
             WHERE w.program_id = %(program)s AND w.kind = 'bonus'
               AND date_part('month', p.club_birthday) = %(month)s
               AND date_part('day', p.club_birthday) = %(mday)s AND %(member)s
            """,
            chain=self.id,
            day=fields.Date.to_string(day),
            month=day.month,
            mday=day.day,
            program=self.program_id.id,
            member=MEMBER,
        )

    def _candidates_winback(self, today):
        day = today - timedelta(days=self.days)
        return SQL(
            """
            SELECT p.id AS partner_id, p.id AS place,
                   'chain:' || %(chain)s || ':' || p.id || ':' || %(day)s AS key,
                   '{}'::jsonb AS figures, NULL::int AS coupon_id
              FROM res_partner p
              JOIN loyalty_club_wallet w ON w.partner_id = p.id
             WHERE w.program_id = %(program)s AND w.kind = 'bonus' AND %(member)s
               AND (SELECT max(t.date) FROM loyalty_club_transaction t
                     WHERE t.wallet_id = w.id AND t.kind = 'sale'
                   )::date = %(day)s
            """,
            chain=self.id,
            day=fields.Date.to_string(day),
            program=self.program_id.id,
            member=MEMBER,
        )

    def _candidates_welcome(self, today):
        return SQL(
            """
            SELECT p.id AS partner_id, p.id AS place,
                   'chain:' || %(chain)s || ':' || p.id AS key,
                   '{}'::jsonb AS figures, NULL::int AS coupon_id
              FROM res_partner p
              JOIN loyalty_club_wallet w ON w.partner_id = p.id
             WHERE w.program_id = %(program)s AND w.kind = 'bonus' AND %(member)s
               AND p.club_join_date = %(day)s
            """,
            chain=self.id,
            day=today - timedelta(days=self.days),
            program=self.program_id.id,
            member=MEMBER,
        )

    def _run(self, today=None):
        """Queue today's messages of these chains; returns how many rows."""
        today = today or fields.Date.context_today(self)
        Message = self.env["loyalty.club.message"].sudo()
        total = 0
        for chain in self:
            channels = [
                channel
                for channel, wanted in (
                    ("sms", chain.send_sms),
                    ("email", chain.send_email),
                )
                if wanted
            ]
            queued = Message._queue_marketing(
                "chain",
                chain.program_id,
                chain._candidates(today),
                channels,
                ("chain_id", chain.id),
            )
            chain.write({"last_run": today, "last_queued": queued})
            total += queued
        return total

    @api.model
    def _cron_run(self):
        return self.search([])._run()

    def action_run_now(self):
        self._run()
        return True
