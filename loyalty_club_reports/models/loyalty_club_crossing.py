"""Which product categories are bought together: pairs over checks, in one SQL pass."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# For each ordered pair of categories (A, B) bought in the same check:
# support = checks with A and B / checks; confidence = checks with A and B /
# checks with A; lift = confidence / (checks with B / checks).
PAIRS = """
    WITH baskets AS (
        SELECT DISTINCT check_id, categ_id
        FROM loyalty_club_sales_report
        WHERE kind = 'sale' AND categ_id IS NOT NULL
          AND date >= %(start)s AND date < %(end)s
          AND company_id IN %(companies)s
          AND (%(store)s IS NULL OR store_id = %(store)s)
    ),
    total AS (SELECT count(DISTINCT check_id) AS n FROM baskets),
    single AS (
        SELECT categ_id, count(*) AS n FROM baskets GROUP BY categ_id
    ),
    pair AS (
        SELECT a.categ_id AS categ_a, b.categ_id AS categ_b, count(*) AS n
        FROM baskets a
        JOIN baskets b ON b.check_id = a.check_id AND b.categ_id <> a.categ_id
        GROUP BY a.categ_id, b.categ_id
        HAVING count(*) >= %(min_checks)s
    )
    INSERT INTO loyalty_club_crossing_line (
        crossing_id, categ_a_id, categ_b_id, checks_both, checks_a, checks_b,
        checks_total, support, confidence, lift,
        create_uid, write_uid, create_date, write_date)
    SELECT %(crossing)s, p.categ_a, p.categ_b, p.n, sa.n, sb.n, t.n,
           100.0 * p.n / t.n,
           100.0 * p.n / sa.n,
           (p.n::numeric * t.n) / (sa.n::numeric * sb.n),
           %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
    FROM pair p
    CROSS JOIN total t
    JOIN single sa ON sa.categ_id = p.categ_a
    JOIN single sb ON sb.categ_id = p.categ_b
"""


class LoyaltyClubCrossing(models.TransientModel):
    _name = "loyalty.club.crossing"
    _inherit = "loyalty.club.report.period"
    _description = "Club Category Crossing"

    store_id = fields.Many2one("loyalty.club.store", help="Empty: every store.")
    min_checks = fields.Integer(
        "Minimum Checks",
        default=1,
        help="Pairs bought together in fewer checks are left out.",
    )
    checks_total = fields.Integer("Checks in Period", readonly=True)
    line_ids = fields.One2many("loyalty.club.crossing.line", "crossing_id")

    @api.constrains("date_from", "date_to", "min_checks")
    def _check_period(self):
        """The period, then the minimum number of checks (at least 1)."""
        result = super()._check_period()
        for crossing in self:
            if crossing.min_checks < 1:
                raise UserError(_("The minimum number of checks is at least 1."))
        return result

    def _compute_pairs(self):
        self.ensure_one()
        self.env.flush_all()
        self.line_ids.unlink()
        start, end = self._period_bounds(self.date_from, self.date_to)
        params = {
            "start": start,
            "end": end,
            "companies": tuple(self.env.companies.ids),
            "store": self.store_id.id or None,
            "min_checks": self.min_checks,
            "crossing": self.id,
            "uid": self.env.uid,
        }
        self.env.cr.execute(PAIRS, params)
        self.env.cr.execute(
            """
            SELECT count(DISTINCT check_id) FROM loyalty_club_sales_report
            WHERE kind = 'sale' AND categ_id IS NOT NULL
              AND date >= %(start)s AND date < %(end)s
              AND company_id IN %(companies)s
              AND (%(store)s IS NULL OR store_id = %(store)s)
            """,
            params,
        )
        self.checks_total = self.env.cr.fetchone()[0]
        self.env.invalidate_all()

    def action_compute(self):
        self.ensure_one()
        self._compute_pairs()
        return {
            "type": "ir.actions.act_window",
            "name": _(
                "Categories bought together, %(start)s - %(end)s",
                start=self.date_from,
                end=self.date_to,
            ),
            "res_model": "loyalty.club.crossing.line",
            "view_mode": "list,pivot",
            "domain": [("crossing_id", "=", self.id)],
            "context": {"search_default_filter_lift": 1},
            "help": _(
                "<p class='o_view_nocontent_empty_folder'>No two categories were "
                "bought in the same check in this period.</p>"
            ),
        }
