"""Does a promotion pay: per promotion, the checks it applied to, the members
it reached, what it cost (discounts and bonuses at face value), and those
members' sales in the promotion's period against a baseline period of the same
length just before it."""

from odoo import api, fields, models
from odoo.tools import SQL


class LoyaltyClubPromotionEffectReport(models.Model):
    _name = "loyalty.club.promotion.effect.report"
    _inherit = "loyalty.club.sql.report"
    _description = "Club Promotion Effectiveness"
    _auto = False
    _order = "date_from desc"

    promotion_id = fields.Many2one("loyalty.club.promotion", readonly=True)
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date_from = fields.Date(
        "From", readonly=True, help="The promotion's start, else its first use."
    )
    date_to = fields.Date(
        "To",
        readonly=True,
        help="The promotion's end (today at most), else its last use.",
    )
    checks = fields.Integer(readonly=True)
    members = fields.Integer("Members Reached", readonly=True)
    discount = fields.Float("Discounts", readonly=True, digits=(16, 2))
    bonus = fields.Float(
        "Bonuses Given", readonly=True, digits=(16, 2), help="At face value."
    )
    cost = fields.Float(readonly=True, digits=(16, 2))
    sales_during = fields.Float(
        "Sales in the Period",
        readonly=True,
        digits=(16, 2),
        help="Everything the members reached bought in the promotion's period.",
    )
    sales_before = fields.Float(
        readonly=True,
        digits=(16, 2),
        help="What the same members bought in as many days just before.",
    )
    extra_sales = fields.Float(readonly=True, digits=(16, 2))
    cost_per_extra = fields.Float(
        "Cost per Extra Sale",
        readonly=True,
        aggregator="avg",
        digits=(16, 4),
        help="What each unit of extra sales cost; 0 when there were none.",
    )

    def _with(self):
        return SQL(
            """
            used AS (
                SELECT u.promotion_id,
                       COUNT(DISTINCT u.transaction_id) AS checks,
                       COUNT(DISTINCT u.partner_id) AS members,
                       SUM(u.discount) AS discount, SUM(u.bonus) AS bonus,
                       MIN(u.date) AS first_use, MAX(u.date) AS last_use
                  FROM loyalty_club_promotion_usage u
                 GROUP BY u.promotion_id
            ),
            span AS (
                SELECT p.id, p.program_id, p.company_id, used.checks, used.members,
                       used.discount, used.bonus * pr.point_value AS bonus,
                       COALESCE(p.date_from, used.first_use) AS d_from,
                       COALESCE(LEAST(p.date_to, CURRENT_DATE), used.last_use)
                           AS d_to
                  FROM loyalty_club_promotion p
                  JOIN used ON used.promotion_id = p.id
                  JOIN loyalty_club_program pr ON pr.id = p.program_id
            ),
            reached AS (
                SELECT DISTINCT promotion_id, partner_id
                  FROM loyalty_club_promotion_usage WHERE partner_id IS NOT NULL
            ),
            sales AS (
                SELECT s.id,
                       SUM(t.amount_minor) FILTER (WHERE t.date >= s.d_from)
                           AS during,
                       SUM(t.amount_minor) FILTER (WHERE t.date < s.d_from)
                           AS before
                  FROM span s
                  JOIN reached r ON r.promotion_id = s.id
                  JOIN loyalty_club_wallet w
                    ON w.partner_id = r.partner_id AND w.program_id = s.program_id
                  JOIN loyalty_club_transaction t ON t.wallet_id = w.id
                 WHERE t.kind = 'sale'
                   AND t.date >= s.d_from - (s.d_to - s.d_from + 1)
                   AND t.date < s.d_to + 1
                 GROUP BY s.id
            )
            """
        )

    def _select(self):
        return SQL(
            """
            s.id AS id, s.id AS promotion_id, s.program_id, s.company_id,
            s.d_from AS date_from, s.d_to AS date_to,
            s.checks, s.members, s.discount, s.bonus,
            COALESCE(s.discount, 0) + COALESCE(s.bonus, 0) AS cost,
            COALESCE(x.during, 0) / power(10::numeric, c.decimal_places)
                AS sales_during,
            COALESCE(x.before, 0) / power(10::numeric, c.decimal_places)
                AS sales_before,
            (COALESCE(x.during, 0) - COALESCE(x.before, 0))
                / power(10::numeric, c.decimal_places) AS extra_sales,
            CASE WHEN COALESCE(x.during, 0) > COALESCE(x.before, 0)
                 THEN (COALESCE(s.discount, 0) + COALESCE(s.bonus, 0))
                      * power(10::numeric, c.decimal_places)
                      / (x.during - x.before)
                 ELSE 0 END AS cost_per_extra
            """
        )

    def _from(self):
        return SQL(
            """
            span s
            LEFT JOIN sales x ON x.id = s.id
            JOIN loyalty_club_program p ON p.id = s.program_id
            JOIN res_currency c ON c.id = p.currency_id
            """
        )

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """The cost per extra sale of a group: its cost over its extra sales."""
        names = [spec.split(":")[0] for spec in fields]
        if "cost_per_extra" not in names:
            return super().read_group(
                domain, fields, groupby, offset, limit, orderby, lazy
            )
        extra = [f"{n}:sum" for n in ("cost", "extra_sales") if n not in names]
        groups = super().read_group(
            domain, fields + extra, groupby, offset, limit, orderby, lazy
        )
        for group in groups:
            sales = group.get("extra_sales") or 0.0
            group["cost_per_extra"] = (
                (group.get("cost") or 0.0) / sales if sales > 0 else 0.0
            )
        return groups
