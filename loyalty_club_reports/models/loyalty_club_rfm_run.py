"""RFM scores of every member, set-based, stored per run with history.

The scores follow the core's rule (``domain.rfm.quintile_scores``: mid-rank
quintiles, ties equal) written as SQL window functions, so one statement
scores all members of all programs; the segment comes from the core's
``segment()`` through a 5 x 5 lookup table joined in the same statement.
"""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.loyalty_club.domain import rfm as core_rfm

WINDOW_PARAM = "loyalty_club_reports.rfm_window_days"


def _score_sql(value):
    """The core's quintile rule over one program's members, as a window expression."""
    return SQL(
        "LEAST(5, 1 + (5 * (2 * (rank() OVER (PARTITION BY program_id ORDER BY %(v)s)"
        " - 1) + count(*) OVER (PARTITION BY program_id, %(v)s)))"
        " / (2 * count(*) OVER (PARTITION BY program_id)))",
        v=SQL.identifier(value),
    )


class LoyaltyClubRfmRun(models.Model):
    _name = "loyalty.club.rfm.run"
    _description = "Club RFM Run"
    _order = "date desc, id desc"

    date = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now, index=True
    )
    window_days = fields.Integer(
        "Window (days)",
        required=True,
        default=lambda self: self._default_window(),
        help="Purchases of this many days before the run date are scored.",
    )
    member_count = fields.Integer("Members", readonly=True)
    is_latest = fields.Boolean("Latest Run", readonly=True, index=True)
    line_ids = fields.One2many("loyalty.club.rfm", "run_id", readonly=True)

    @api.model
    def _default_window(self):
        param = self.env["ir.config_parameter"].sudo().get_param(WINDOW_PARAM, "365")
        return int(param) if str(param).isdigit() and int(param) > 0 else 365

    @api.depends("date", "window_days")
    def _compute_display_name(self):
        for run in self:
            run.display_name = _(
                "RFM %(date)s (%(days)s days)",
                date=fields.Datetime.to_string(run.date),
                days=run.window_days,
            )

    def unlink(self):
        # the scores' table has no foreign key to cascade (see loyalty_club_rfm)
        self.env["loyalty.club.rfm"].flush_model()
        self.env.cr.execute(
            "DELETE FROM loyalty_club_rfm WHERE run_id = ANY(%s)", [self.ids]
        )
        self.env["loyalty.club.rfm"].invalidate_model()
        return super().unlink()

    @api.model
    def _cron_compute(self):
        return self.create({})._compute_scores()

    def action_compute(self):
        self.ensure_one()
        self._compute_scores()
        return {
            "type": "ir.actions.act_window",
            "name": _("RFM grid"),
            "res_model": "loyalty.club.rfm",
            "view_mode": "pivot,graph,list",
            "domain": [("run_id", "=", self.id)],
        }

    def _compute_scores(self):
        """Score every member with a purchase in the window: one INSERT ... SELECT."""
        self.ensure_one()
        if self.window_days <= 0:
            raise UserError(_("The RFM window must be at least one day."))
        if self.line_ids:
            raise UserError(_("This RFM run was already computed."))
        self.env.flush_all()
        # three window sorts and a GROUP BY over every member: in memory, not
        # in temporary files (for this transaction only)
        self.env.cr.execute("SET LOCAL work_mem = '256MB'")
        # the grid shows the newest scores: older runs stay as history
        self.env.cr.execute(
            "UPDATE loyalty_club_rfm_run SET is_latest = (id = %s) "
            "WHERE is_latest OR id = %s",
            [self.id, self.id],
        )
        self.invalidate_model(["is_latest"])
        end = self.date
        start = end - timedelta(days=self.window_days)
        grid = SQL(", ").join(
            SQL("(%s, %s, %s)", r, f, core_rfm.segment(r, f, 1))
            for r in range(1, 6)
            for f in range(1, 6)
        )
        self.env.cr.execute(
            SQL(
                """
                WITH checks AS (
                    SELECT t.wallet_id,
                           max(t.date) FILTER (WHERE t.kind = 'sale') AS last_date,
                           count(*) FILTER (WHERE t.kind = 'sale') AS frequency,
                           COALESCE(sum(t.amount), 0) AS monetary
                      FROM loyalty_club_transaction t
                     WHERE t.wallet_id IS NOT NULL
                       AND t.date >= %(start)s AND t.date < %(end)s
                     GROUP BY t.wallet_id
                    HAVING count(*) FILTER (WHERE t.kind = 'sale') > 0
                ), base AS (
                    SELECT w.id AS wallet_id, w.partner_id, w.program_id,
                           w.company_id, w.tier_id, c.last_date, c.frequency,
                           c.monetary
                      FROM checks c
                      JOIN loyalty_club_wallet w ON w.id = c.wallet_id
                     WHERE w.kind = 'bonus' AND w.partner_id IS NOT NULL
                ), measured AS (
                    SELECT base.*,
                           (%(end)s::date - last_date::date) AS recency_days,
                           (last_date::date - %(end)s::date) AS recency
                      FROM base
                ), scored AS (
                    SELECT measured.*, %(r)s AS r_score, %(f)s AS f_score,
                           %(m)s AS m_score
                      FROM measured
                )
                INSERT INTO loyalty_club_rfm (
                    run_id, date, wallet_id, partner_id, program_id, company_id,
                    tier_id, last_purchase, recency_days, frequency, monetary,
                    r_score, f_score, m_score, rf_cell, r_band, f_band, segment,
                    member_count, create_uid, create_date, write_uid, write_date)
                SELECT %(run)s, %(end)s, s.wallet_id, s.partner_id, s.program_id,
                       s.company_id, s.tier_id, s.last_date, s.recency_days,
                       s.frequency, s.monetary, s.r_score, s.f_score, s.m_score,
                       s.r_score * 10 + s.f_score, s.r_score::varchar,
                       s.f_score::varchar, g.segment, 1,
                       %(uid)s, now() AT TIME ZONE 'UTC',
                       %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM scored s
                  JOIN (VALUES %(grid)s) AS g (r, f, segment)
                    ON g.r = s.r_score AND g.f = s.f_score
                """,
                start=start,
                end=end,
                r=_score_sql("recency"),
                f=_score_sql("frequency"),
                m=_score_sql("monetary"),
                run=self.id,
                uid=self.env.uid,
                grid=grid,
            )
        )
        self.member_count = self.env.cr.rowcount
        self.env["loyalty.club.rfm"].invalidate_model()
        self.invalidate_recordset(["line_ids"])
        return True
