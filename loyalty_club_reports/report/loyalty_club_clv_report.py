"""What each member brought, month by month: the margin of what they bought
where the product's cost is known (the till's cost of the line), else the
sales; less the bonuses they spent (the club's cost). Summed over a horizon
(the months filtered), it is the member's history-based lifetime value; beside
the latest RFM run's cells, the value of a cell's members."""

from odoo import api, fields, models
from odoo.tools import SQL

from ..models.loyalty_club_rfm import F_BANDS, R_BANDS, SEGMENT_SELECTION


class LoyaltyClubClvReport(models.Model):
    _name = "loyalty.club.clv.report"
    _inherit = "loyalty.club.sql.report"
    _description = "Club Member Value"
    _auto = False
    _order = "month desc"

    month = fields.Date(readonly=True)
    partner_id = fields.Many2one("res.partner", "Member", readonly=True)
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    r_band = fields.Selection(R_BANDS, "Recency (R)", readonly=True)
    f_band = fields.Selection(F_BANDS, "Frequency (F)", readonly=True)
    segment = fields.Selection(SEGMENT_SELECTION, "RFM Segment", readonly=True)
    members = fields.Integer(readonly=True, aggregator="count_distinct")
    sales = fields.Float(readonly=True, digits=(16, 2))
    margin_known = fields.Float(
        "Sales with a Known Cost",
        readonly=True,
        digits=(16, 2),
        help="The part of the sales whose margin is known.",
    )
    value = fields.Float(
        "Margin or Sales",
        readonly=True,
        digits=(16, 2),
        help="The margin where the product's cost is known, else the sales.",
    )
    spent = fields.Float("Bonuses Spent", readonly=True, digits=(16, 2))
    net_value = fields.Float(
        "Value",
        readonly=True,
        digits=(16, 2),
        help="Margin (or sales) less the bonuses spent.",
    )
    value_per_member = fields.Float(
        "Value per Member",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="The group's value over its members.",
    )

    def _with(self):
        return SQL(
            """
            pos AS (
                SELECT COALESCE(o.club_wallet_id, t.wallet_id) AS wallet_id,
                       date_trunc('month', o.date_order)::date AS month,
                       SUM(l.price_subtotal_incl) AS sales,
                       SUM(l.price_subtotal_incl) FILTER (
                           WHERE l.is_total_cost_computed AND l.total_cost <> 0
                       ) AS margin_known,
                       SUM(CASE WHEN l.is_total_cost_computed
                                     AND l.total_cost <> 0
                                THEN l.price_subtotal - l.total_cost
                                ELSE l.price_subtotal_incl END) AS value
                  FROM pos_order o
                  JOIN pos_order_line l ON l.order_id = o.id
                  LEFT JOIN loyalty_club_transaction t
                    ON t.id = o.club_transaction_id
                 WHERE o.state IN ('paid', 'done', 'invoiced')
                   AND COALESCE(o.club_wallet_id, t.wallet_id) IS NOT NULL
                 GROUP BY 1, 2
            ),
            api AS (
                SELECT t.wallet_id, date_trunc('month', t.date)::date AS month,
                       SUM(t.amount) AS sales, 0 AS margin_known,
                       SUM(t.amount) AS value
                  FROM loyalty_club_transaction t
                 WHERE t.wallet_id IS NOT NULL
                   AND t.channel IN ('api', 'import')
                   AND t.origin_model IS DISTINCT FROM 'pos.order'
                 GROUP BY 1, 2
            ),
            spent AS (
                SELECT g.wallet_id, date_trunc('month', g.date)::date AS month,
                       -SUM(g.money_minor / power(10::numeric, cu.decimal_places))
                           AS spent
                  FROM loyalty_club_ledger g
                  JOIN res_company co ON co.id = g.company_id
                  JOIN res_currency cu ON cu.id = co.currency_id
                 WHERE g.kind = 'burn'
                 GROUP BY 1, 2
            ),
            months AS (
                SELECT wallet_id, month, sales, margin_known, value, 0 AS spent
                  FROM pos
                UNION ALL
                SELECT wallet_id, month, sales, margin_known, value, 0 FROM api
                UNION ALL
                SELECT wallet_id, month, 0, 0, 0, spent FROM spent
            ),
            latest AS (
                SELECT DISTINCT ON (wallet_id) wallet_id, r_band, f_band, segment
                  FROM loyalty_club_rfm
                 WHERE run_id IN (
                       SELECT id FROM loyalty_club_rfm_run WHERE is_latest)
                 ORDER BY wallet_id, id DESC
            )
            """
        )

    def _select(self):
        return SQL(
            """
            ROW_NUMBER() OVER (ORDER BY m.wallet_id, m.month) AS id,
            m.month, w.partner_id, w.program_id, w.company_id,
            r.r_band, r.f_band, r.segment,
            w.partner_id AS members,
            SUM(m.sales) AS sales, SUM(m.margin_known) AS margin_known,
            SUM(m.value) AS value, SUM(m.spent) AS spent,
            SUM(m.value) - SUM(m.spent) AS net_value,
            SUM(m.value) - SUM(m.spent) AS value_per_member
            """
        )

    def _from(self):
        return SQL(
            """
            months m
            JOIN loyalty_club_wallet w ON w.id = m.wallet_id AND w.kind = 'bonus'
            LEFT JOIN latest r ON r.wallet_id = m.wallet_id
            """
        )

    def _group_by(self):
        return SQL(
            "m.wallet_id, m.month, w.partner_id, w.program_id, w.company_id, "
            "r.r_band, r.f_band, r.segment"
        )

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """A group's value per member: its value over its distinct members."""
        names = [spec.split(":")[0] for spec in fields]
        if "value_per_member" not in names:
            return super().read_group(
                domain, fields, groupby, offset, limit, orderby, lazy
            )
        extra = []
        if "net_value" not in names:
            extra.append("net_value:sum")
        if "members" not in names:
            extra.append("members:count_distinct")
        groups = super().read_group(
            domain, fields + extra, groupby, offset, limit, orderby, lazy
        )
        for group in groups:
            members = group.get("members") or 0
            group["value_per_member"] = (
                (group.get("net_value") or 0.0) / members if members else 0.0
            )
        return groups
