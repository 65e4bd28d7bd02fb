"""Trigger chains: messages a daily job sends when a member's occasion comes.

"Bonuses expiring in N days": every day, the members of the program whose
available bonuses (lots already available, not used up) expire exactly N days
later get the chain's message with the amount and the date, queued set-based
through the outbox with the program's caps (one ``INSERT ... SELECT``; a
member is never read into Python). The event key holds the expiry day, so a
second run of the same day queues nothing twice. Consent is checked when
queueing and again when sending; quiet hours hold the SMS until the morning.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

TRIGGERS = [("expiring", "Bonuses expiring in N days")]


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
        "Days Before",
        default=7,
        help="Bonuses expiring in this many days: the member is told this many "
        "days before.",
    )
    send_sms = fields.Boolean("By SMS", default=True)
    send_email = fields.Boolean("By E-mail")
    sms_text = fields.Text(
        "SMS Text",
        translate=True,
        help="Placeholders: {name}, {expiring}, {expiry_date}, {program}.",
    )
    email_subject = fields.Char(translate=True)
    email_body = fields.Html(
        "E-mail Text",
        translate=True,
        help="Placeholders: {name}, {expiring}, {expiry_date}, {program}.",
    )
    last_run = fields.Date(readonly=True, copy=False)
    last_queued = fields.Integer("Queued in the Last Run", readonly=True, copy=False)

    @api.constrains("days", "send_sms", "send_email", "sms_text")
    def _check_chain(self):
        for chain in self:
            if chain.days < 0:
                raise ValidationError(self.env._("Days before cannot be negative."))
            if not (chain.send_sms or chain.send_email):
                raise ValidationError(self.env._("Choose SMS, e-mail or both."))
            if chain.send_sms and not (chain.sms_text or "").strip():
                raise ValidationError(self.env._("Write the SMS text."))

    def _occasion_passed(self, message, today):
        """A reminder of bonuses expiring on a day already past is not sent."""
        expiry = (message.figures or {}).get("expiry_date")
        return bool(expiry and fields.Date.to_date(expiry) < today)

    def _candidates(self, today):
        """The members whose available bonuses expire ``days`` after ``today``:
        one row per member with the amount and the date."""
        self.ensure_one()
        day = today + timedelta(days=self.days)
        program = self.program_id
        return SQL(
            """
            SELECT w.partner_id, min(w.partner_id) AS place,
                   'chain:' || %(chain)s || ':' || w.id || ':' || %(day)s AS key,
                   jsonb_build_object(
                       'expiring', sum(l.remaining_minor) / power(10, %(digits)s),
                       'expiry_date', %(day)s) AS figures
              FROM loyalty_club_lot l
              JOIN loyalty_club_wallet w ON w.id = l.wallet_id
              JOIN res_partner p ON p.id = w.partner_id
             WHERE w.program_id = %(program)s AND w.kind = 'bonus'
               AND l.expires_on = %(day)s AND l.remaining_minor > 0
               AND l.available_from <= %(today)s
               AND p.club_status = 'active' AND p.active
               AND p.club_erased IS NOT TRUE
             GROUP BY w.id, w.partner_id
            """,
            chain=self.id,
            day=fields.Date.to_string(day),
            digits=program.digits,
            program=program.id,
            today=today,
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
