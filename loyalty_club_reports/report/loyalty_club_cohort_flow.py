"""What each month's credits were and what left them month by month, stored:
the breakage per accrual month and the forecast read it instead of every lot
and allocation.

Lots and allocations are only ever added (a lot's credited amount never
changes, an allocation is written once with its debit), so the table grows by
addition: each refresh adds the lots and allocations whose ids lie above the
last ones it counted and below the newest one made more than ``LAG_HOURS``
ago (a transaction still open is never that old), and moves its marks there.
The figures are at most that many hours behind, for reports by month."""

import logging

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

LOT_PARAM = "loyalty_club_reports.cohort_flow_lot_seen"
ALLOCATION_PARAM = "loyalty_club_reports.cohort_flow_allocation_seen"
LOCK_KEY = 0x4C43_4346  # "LCCF": one refresh at a time, across workers
LAG_HOURS = 2
KINDS = [
    ("accrued", "Credited"),
    ("redeemed", "Spent"),
    ("expired", "Expired"),
    ("withdrawn", "Taken back"),
]

# months in the club's time zone; member wallets only
ADD_ACCRUALS = """
INSERT INTO loyalty_club_cohort_flow
    (program_id, company_id, cohort, month, kind, amount)
SELECT w.program_id, w.company_id,
       date_trunc('month', c.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date,
       NULL, 'accrued', SUM(l.initial_minor)
  FROM loyalty_club_lot l
  JOIN loyalty_club_ledger c ON c.id = l.ledger_id
  JOIN loyalty_club_wallet w ON w.id = l.wallet_id AND w.kind = 'bonus'
 WHERE l.id > %(seen)s AND l.id <= %(upto)s
 GROUP BY 1, 2, 3
ON CONFLICT (program_id, cohort, COALESCE(month, '0001-01-01'::date), kind)
DO UPDATE SET amount = loyalty_club_cohort_flow.amount + EXCLUDED.amount
"""
ADD_FLOWS = """
INSERT INTO loyalty_club_cohort_flow
    (program_id, company_id, cohort, month, kind, amount)
SELECT w.program_id, w.company_id,
       date_trunc('month', c.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date,
       date_trunc('month', d.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date,
       CASE d.kind WHEN 'burn' THEN 'redeemed' WHEN 'expire' THEN 'expired'
            ELSE 'withdrawn' END,
       -SUM(a.amount_minor)
  FROM loyalty_club_allocation a
  JOIN loyalty_club_ledger d ON d.id = a.ledger_id
  JOIN loyalty_club_lot l ON l.id = a.lot_id
  JOIN loyalty_club_ledger c ON c.id = l.ledger_id
  JOIN loyalty_club_wallet w ON w.id = l.wallet_id AND w.kind = 'bonus'
 WHERE a.id > %(seen)s AND a.id <= %(upto)s
 GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (program_id, cohort, COALESCE(month, '0001-01-01'::date), kind)
DO UPDATE SET amount = loyalty_club_cohort_flow.amount + EXCLUDED.amount
"""


class LoyaltyClubCohortFlow(models.Model):
    _name = "loyalty.club.cohort.flow"
    _description = "Club Credits and What Left Them per Month (stored)"
    _order = "cohort, month"
    _log_access = False

    program_id = fields.Many2one("loyalty.club.program", readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True)
    cohort = fields.Date("Month of Accrual", readonly=True)
    month = fields.Date(readonly=True, help="Empty for what was credited.")
    kind = fields.Selection(KINDS, readonly=True)
    # integral minor units of the program's unit, exact and beyond int4
    amount = fields.Float(readonly=True, digits=(20, 0))

    def init(self):
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS loyalty_club_cohort_flow_key_idx "
            "ON loyalty_club_cohort_flow "
            "(program_id, cohort, COALESCE(month, '0001-01-01'::date), kind)"
        )

    def _mark(self, table, lag_hours):
        """The newest id of ``table`` made ``lag_hours`` ago or earlier."""
        self.env.cr.execute(
            SQL(
                """SELECT COALESCE(MAX(id), 0) FROM %s
                    WHERE COALESCE(create_date, '1970-01-01')
                          <= (now() AT TIME ZONE 'UTC') - %s * interval '1 hour'""",
                SQL.identifier(table),
                lag_hours,
            )
        )
        return self.env.cr.fetchone()[0]

    def _refresh(self, full=False, lag_hours=LAG_HOURS):
        """Add what was credited and debited since the last refresh; None when
        another worker is refreshing."""
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
        if not cr.fetchone()[0]:
            return None
        self.env.flush_all()
        params = self.env["ir.config_parameter"].sudo()
        tz = self.env["loyalty.club.sales.day"]._tz().zone
        if full:
            cr.execute("DELETE FROM loyalty_club_cohort_flow")
        added = 0
        for query, table, param in (
            (ADD_ACCRUALS, "loyalty_club_lot", LOT_PARAM),
            (ADD_FLOWS, "loyalty_club_allocation", ALLOCATION_PARAM),
        ):
            seen = 0 if full else int(params.get_param(param) or 0)
            upto = self._mark(table, lag_hours)
            if upto > seen:
                cr.execute(query, {"tz": tz, "seen": seen, "upto": upto})
                added += cr.rowcount
                params.set_param(param, str(upto))
        self.invalidate_model()
        return added

    @api.model
    def _cron_refresh(self):
        if self.sudo()._refresh() is None:
            _logger.info("Club cohort flows: another refresh is running")
