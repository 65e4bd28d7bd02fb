import logging
from datetime import date, datetime, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .sales_daily_sql import DAY, GROUPS, MEASURES

_logger = logging.getLogger(__name__)

# The sales analysis is a view over every order line: grouping 10M lines by
# month and store takes tens of seconds. Its additive measures (sums and the
# count of checks: a check has one day, store, program, member flag, tier and
# kind) are stored per closed day below; the open days are read live, so the
# pivot is never stale. Distinct members are not additive across days: they
# stay on the sales analysis.
TZ_PARAM = "loyalty_club_reports.sales_daily_tz"
CLOSED_PARAM = "loyalty_club_reports.sales_daily_closed_until"
STAMP_PARAM = "loyalty_club_reports.sales_daily_refreshed_at"
LOCK_KEY = 0x4C43_5344  # "LCSD": one refresh at a time, across workers
BATCH_DAYS = 31
STAMP_MARGIN_MINUTES = 30


class LoyaltyClubSalesDay(models.Model):
    """The stored part: one row per closed day and group, written set-based."""

    _name = "loyalty.club.sales.day"
    _description = "Club Sales per Closed Day (stored)"
    _order = "day desc"
    _log_access = False

    day = fields.Date(required=True, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    store_id = fields.Many2one("loyalty.club.store", readonly=True)
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    is_member = fields.Boolean(readonly=True)
    tier_id = fields.Many2one("loyalty.club.tier", readonly=True)
    kind = fields.Selection([("sale", "Sale"), ("refund", "Refund")], readonly=True)
    amount = fields.Float(readonly=True, digits=(16, 2))
    checks = fields.Integer(readonly=True)
    lines = fields.Integer(readonly=True)
    qty = fields.Float(readonly=True, digits=(16, 2))
    earned = fields.Float(readonly=True, digits=(16, 2))
    spent = fields.Float(readonly=True, digits=(16, 2))
    discount = fields.Float(readonly=True, digits=(16, 2))

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS loyalty_club_sales_day_day_store_idx "
            "ON loyalty_club_sales_day (day, store_id)"
        )

    # -- the refresh ---------------------------------------------------------

    def _tz(self):
        name = self.env["ir.config_parameter"].sudo().get_param(TZ_PARAM) or "UTC"
        return pytz.timezone(name) if name in pytz.all_timezones_set else pytz.utc

    def _today(self):
        return datetime.now(pytz.utc).astimezone(self._tz()).date()

    def _utc_start(self, day):
        """The UTC timestamp at which the local ``day`` begins."""
        local = self._tz().localize(datetime.combine(day, datetime.min.time()))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _closed_until(self):
        """The first day not stored yet (the stored rows end the day before)."""
        closed = self.env["ir.config_parameter"].sudo().get_param(CLOSED_PARAM)
        return fields.Date.to_date(closed) if closed else date(1900, 1, 1)

    def _lock(self):
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
        return self.env.cr.fetchone()[0]

    def _rebuild_days(self, first, end):
        """Replace the stored rows of the days in [first, end) with one
        INSERT ... SELECT over the sales analysis."""
        cr = self.env.cr
        start, stop = self._utc_start(first), self._utc_start(end)
        cr.execute(
            "DELETE FROM loyalty_club_sales_day WHERE day >= %s AND day < %s",
            [first, end],
        )
        day = SQL(DAY, tz=self._tz().zone)
        cr.execute(
            SQL(
                f"""INSERT INTO loyalty_club_sales_day
                    (day, {GROUPS}, amount, checks, lines, qty, earned, spent,
                     discount)
                SELECT %s AS day, {GROUPS}, {MEASURES}
                FROM loyalty_club_sales_report s
                WHERE s.date >= %s AND s.date < %s
                GROUP BY 1, {GROUPS}""",
                day,
                start,
                stop,
            )
        )
        return cr.rowcount

    def _changed_days(self, since):
        """Local days of the checks written since ``since`` (late POS syncs,
        API checks sent with a past date, corrected orders)."""
        tz = self._tz().zone
        self.env.cr.execute(
            """SELECT DISTINCT (d AT TIME ZONE 'UTC' AT TIME ZONE %s)::date
               FROM (SELECT date_order AS d FROM pos_order WHERE write_date >= %s
                     UNION ALL
                     SELECT date FROM loyalty_club_transaction
                     WHERE write_date >= %s) x""",
            [tz, since, since],
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _set_param(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param(key, value)

    def _refresh(self, full=False):
        """Store the closed days: all of them (``full``) or those that changed
        or closed since the last refresh. Returns the rows written, or None if
        another worker is refreshing."""
        if not self._lock():
            return None
        self.env.flush_all()
        params = self.env["ir.config_parameter"].sudo()
        today = self._today()
        # write_date is the writer's transaction start: a check committed
        # after this refresh by a transaction begun before it is caught next
        # time thanks to the margin (a few days rebuilt twice cost little)
        self.env.cr.execute(
            "SELECT (now() AT TIME ZONE 'UTC') - interval '%s minutes'",
            [STAMP_MARGIN_MINUTES],
        )
        started = self.env.cr.fetchone()[0]
        closed = params.get_param(CLOSED_PARAM)
        stamp = params.get_param(STAMP_PARAM)
        rows = 0
        if full or not closed or not stamp:
            self.env.cr.execute("DELETE FROM loyalty_club_sales_day")
            # the first check from the tables, not through the view's joins
            self.env.cr.execute(
                """SELECT LEAST((SELECT MIN(date_order) FROM pos_order),
                                (SELECT MIN(date) FROM loyalty_club_transaction))"""
            )
            first = self.env.cr.fetchone()[0]
            day = first and first.date() - timedelta(days=1)
            while day and day < today:
                end = min(day + timedelta(days=BATCH_DAYS), today)
                rows += self._rebuild_days(day, end)
                day = end
        else:
            days = self._changed_days(fields.Datetime.to_datetime(stamp))
            closed = fields.Date.to_date(closed)
            days |= {closed + timedelta(days=n) for n in range((today - closed).days)}
            for day in sorted(d for d in days if d < today):
                rows += self._rebuild_days(day, day + timedelta(days=1))
        # the changes written while this refresh ran are caught by the next
        self._set_param(STAMP_PARAM, fields.Datetime.to_string(started))
        self._set_param(CLOSED_PARAM, fields.Date.to_string(today))
        self.env["loyalty.club.sales.daily"].invalidate_model()
        self.invalidate_model()
        return rows

    @api.model
    def _cron_refresh(self):
        rows = self.sudo()._refresh()
        if rows is None:
            _logger.info("Club sales per day: another refresh is running")

    @api.model
    def action_rebuild(self):
        if not self.env.user.has_group("loyalty_club.group_club_manager"):
            raise UserError(_("Only club managers can rebuild the sales per day."))
        rows = self.sudo()._refresh(full=True)
        if rows is None:
            raise UserError(
                _("The sales per day are being refreshed: try again in a minute.")
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Sales per day rebuilt: %s rows.", rows),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
