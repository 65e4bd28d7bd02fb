from odoo import fields, models
from odoo.tools import SQL

# Members are partners with a club bonus wallet; a member's cohort is the month
# of joining (club_join_date, else the first wallet's creation). One row per
# cohort and month since joining, from the joining month to the current one,
# with the members of the cohort who bought in that month (members active).


class LoyaltyClubCohortReport(models.Model):
    """Retention by month of joining: members of a cohort who bought again."""

    _name = "loyalty.club.cohort.report"
    _inherit = "loyalty.club.sql.report"
    _description = "Club Cohorts"
    _auto = False
    _order = "cohort_date desc, months_since"

    cohort_date = fields.Date("Month of Joining", readonly=True)
    months_since = fields.Integer(
        "Months since Joining", readonly=True, aggregator=False
    )
    company_id = fields.Many2one("res.company", readonly=True)
    cohort_size = fields.Integer(
        "Members Joined",
        readonly=True,
        aggregator="max",
        help="Members who joined in the month (the cohort).",
    )
    members_active = fields.Integer(
        readonly=True,
        help="Members of the cohort who bought in that month.",
    )
    retention = fields.Float(
        "Retained (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Members active / members joined. Over several cohorts or months "
        "the figure shown is the average of the cells.",
    )

    def _with(self):
        return SQL(
            """
            members AS (
                SELECT p.id AS partner_id,
                       date_trunc('month', COALESCE(p.club_join_date,
                                                    min(w.create_date)::date))::date
                           AS cohort,
                       min(w.company_id) AS company_id
                FROM res_partner p
                JOIN loyalty_club_wallet w
                  ON w.partner_id = p.id AND w.kind = 'bonus'
                GROUP BY p.id
            ),
            sizes AS (
                SELECT cohort, company_id, count(*) AS size
                FROM members GROUP BY cohort, company_id
            ),
            activity AS (
                SELECT m.cohort, m.company_id,
                       (extract(year FROM s.date)::int * 12
                        + extract(month FROM s.date)::int)
                       - (extract(year FROM m.cohort)::int * 12
                          + extract(month FROM m.cohort)::int) AS months_since,
                       count(DISTINCT m.partner_id) AS active
                FROM members m
                JOIN loyalty_club_sales_report s
                  ON s.partner_id = m.partner_id AND s.kind = 'sale'
                 AND s.date >= m.cohort
                GROUP BY 1, 2, 3
            ),
            grid AS (
                SELECT z.cohort, z.company_id, z.size, k AS months_since
                FROM sizes z,
                     generate_series(
                         0,
                         (extract(year FROM now())::int * 12
                          + extract(month FROM now())::int)
                         - (extract(year FROM z.cohort)::int * 12
                            + extract(month FROM z.cohort)::int)
                     ) AS k
            )
            """
        )

    def _select(self):
        return SQL(
            """
            row_number() OVER (ORDER BY g.cohort, g.months_since, g.company_id)
                AS id,
            g.cohort AS cohort_date,
            g.months_since AS months_since,
            g.company_id AS company_id,
            g.size AS cohort_size,
            COALESCE(a.active, 0) AS members_active,
            round(100.0 * COALESCE(a.active, 0) / g.size, 2) AS retention
            """
        )

    def _from(self):
        return SQL(
            """
            grid g
            LEFT JOIN activity a
              ON a.cohort = g.cohort AND a.months_since = g.months_since
             AND a.company_id IS NOT DISTINCT FROM g.company_id
            """
        )
