"""The ledger's money per closed day, stored: what the economics report reads
instead of the whole ledger.

The ledger is append-only, so a day changes only when lines are added to it:
each refresh stores the days closed since the last one, and the days of the
lines added since the refresh before the last (their ids are above the highest
id seen then: a line committed late by a transaction begun earlier is caught
by the next refresh). The open days are read live by the report."""

import logging
from datetime import date, timedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

CLOSED_PARAM = "loyalty_club_reports.economics_day_closed_until"
SEEN_PARAM = "loyalty_club_reports.economics_day_seen_id"
LOCK_KEY = 0x4C43_4544  # "LCED": one refresh at a time, across workers
BATCH_DAYS = 31

# the ledger of the member wallets per day, company, program and store, in
# money (the company's currency), the day in the club's time zone
LEDGER_DAYS = """
SELECT (g.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day,
       g.company_id, g.program_id, g.store_id,
       COALESCE(SUM(g.money_minor) FILTER (WHERE g.kind = 'earn'), 0)
           / cur.scale AS earned,
       COALESCE(SUM(g.money_minor) FILTER (
           WHERE g.kind IN ('gift', 'opening')), 0) / cur.scale AS gifted,
       -COALESCE(SUM(g.money_minor) FILTER (WHERE g.kind = 'burn'), 0)
           / cur.scale AS spent,
       -COALESCE(SUM(g.money_minor) FILTER (WHERE g.kind = 'expire'), 0)
           / cur.scale AS expired,
       -COALESCE(SUM(g.money_minor) FILTER (WHERE g.kind = 'reversal'), 0)
           / cur.scale AS reversed,
       COALESCE(SUM(g.money_minor) FILTER (
           WHERE g.kind IN ('adjust', 'transfer')), 0) / cur.scale AS adjusted
  FROM loyalty_club_ledger g
  JOIN loyalty_club_wallet w ON w.id = g.wallet_id AND w.kind = 'bonus'
  JOIN (SELECT co.id, power(10::numeric, cu.decimal_places) AS scale
          FROM res_company co
          JOIN res_currency cu ON cu.id = co.currency_id) cur
    ON cur.id = g.company_id
 WHERE g.date >= %(start)s AND g.date < %(stop)s
 GROUP BY 1, 2, 3, 4, cur.scale
"""
MEASURES = "earned, gifted, spent, expired, reversed, adjusted"

# the messages sent to members per day, company and program: how many SMS and
# e-mails, what the gateways charged for the SMS they priced and how many they
# did not (priced at nothing, not priced, or their SMS deleted since: the
# company's cost of an SMS applies to those)
MESSAGE_DAYS = """
SELECT (m.sent_at AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day,
       m.company_id, m.program_id, NULL::integer AS store_id,
       COUNT(*) FILTER (WHERE m.channel = 'sms') AS sms_sent,
       COALESCE(SUM(s.club_cost) FILTER (WHERE m.channel = 'sms'), 0)
           AS sms_charged,
       COUNT(*) FILTER (WHERE m.channel = 'sms' AND COALESCE(s.club_cost, 0) = 0)
           AS sms_unpriced,
       COUNT(*) FILTER (WHERE m.channel = 'email') AS emails_sent
  FROM loyalty_club_message m
  LEFT JOIN sms_sms s ON s.id = m.sms_id
 WHERE m.state = 'sent' AND m.sent_at >= %(start)s AND m.sent_at < %(stop)s
 GROUP BY 1, 2, 3
"""
MESSAGE_MEASURES = "sms_sent, sms_charged, sms_unpriced, emails_sent"


class LoyaltyClubEconomicsDay(models.Model):
    _name = "loyalty.club.economics.day"
    _description = "Club Ledger Money per Closed Day (stored)"
    _order = "day desc"
    _log_access = False

    day = fields.Date(required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True)
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    store_id = fields.Many2one("loyalty.club.store", readonly=True)
    earned = fields.Float(readonly=True, digits=(16, 2))
    gifted = fields.Float(readonly=True, digits=(16, 2))
    spent = fields.Float(readonly=True, digits=(16, 2))
    expired = fields.Float(readonly=True, digits=(16, 2))
    reversed = fields.Float(readonly=True, digits=(16, 2))
    adjusted = fields.Float(readonly=True, digits=(16, 2))
    sms_sent = fields.Integer("SMS Sent", readonly=True)
    sms_charged = fields.Float(
        "SMS Charged",
        readonly=True,
        digits=(16, 2),
        help="As the gateways priced them.",
    )
    sms_unpriced = fields.Integer("SMS Not Priced", readonly=True)
    emails_sent = fields.Integer("E-mails Sent", readonly=True)

    def init(self):
        # the messages sent by time, for the days rebuilt and the open days
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS loyalty_club_message_economics_sent_idx "
            "ON loyalty_club_message (sent_at) WHERE state = 'sent'"
        )

    def _days(self):
        """The sales by day's time zone and bounds: both reports split days
        the same way."""
        return self.env["loyalty.club.sales.day"]

    def _closed_until(self):
        closed = self.env["ir.config_parameter"].sudo().get_param(CLOSED_PARAM)
        return fields.Date.to_date(closed) if closed else date(1900, 1, 1)

    def _rebuild_days(self, first, end):
        """Replace the stored rows of the days in [first, end)."""
        cr, days = self.env.cr, self._days()
        cr.execute(
            "DELETE FROM loyalty_club_economics_day WHERE day >= %s AND day < %s",
            [first, end],
        )
        params = {
            "tz": days._tz().zone,
            "start": days._utc_start(first),
            "stop": days._utc_start(end),
        }
        cr.execute(
            f"""INSERT INTO loyalty_club_economics_day
                (day, company_id, program_id, store_id, {MEASURES})
                {LEDGER_DAYS}""",
            params,
        )
        rows = cr.rowcount
        cr.execute(
            f"""INSERT INTO loyalty_club_economics_day
                (day, company_id, program_id, store_id, {MESSAGE_MEASURES})
                {MESSAGE_DAYS}""",
            params,
        )
        return rows + cr.rowcount

    def _refresh(self, full=False):
        """Store the closed days; None when another worker is refreshing."""
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
        if not cr.fetchone()[0]:
            return None
        self.env.flush_all()
        params = self.env["ir.config_parameter"].sudo()
        days = self._days()
        today = days._today()
        tz = days._tz().zone
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM loyalty_club_ledger")
        newest = cr.fetchone()[0]
        closed = params.get_param(CLOSED_PARAM)
        seen = params.get_param(SEEN_PARAM)
        rows = 0
        if full or not closed or not seen:
            cr.execute("DELETE FROM loyalty_club_economics_day")
            cr.execute("SELECT MIN(date) FROM loyalty_club_ledger")
            first = cr.fetchone()[0]
            day = first and first.date() - timedelta(days=1)
            while day and day < today:
                end = min(day + timedelta(days=BATCH_DAYS), today)
                rows += self._rebuild_days(day, end)
                day = end
            previous = newest
        else:
            closed = fields.Date.to_date(closed)
            previous, seen = seen.split(":") if ":" in seen else (seen, seen)
            # lines added since the refresh before the last one, on closed days
            cr.execute(
                """SELECT DISTINCT (date AT TIME ZONE 'UTC' AT TIME ZONE %s)::date
                     FROM loyalty_club_ledger WHERE id > %s""",
                [tz, int(previous)],
            )
            changed = {row[0] for row in cr.fetchall()}
            changed |= {
                closed + timedelta(days=n) for n in range((today - closed).days)
            }
            for day in sorted(d for d in changed if d < today):
                rows += self._rebuild_days(day, day + timedelta(days=1))
            previous = seen
        params.set_param(SEEN_PARAM, f"{previous}:{newest}")
        params.set_param(CLOSED_PARAM, fields.Date.to_string(today))
        self.invalidate_model()
        return rows

    @api.model
    def _cron_refresh(self):
        if self.sudo()._refresh() is None:
            _logger.info("Club economics per day: another refresh is running")
