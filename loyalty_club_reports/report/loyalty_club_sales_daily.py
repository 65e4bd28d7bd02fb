from odoo import fields, models
from odoo.tools import SQL

from .sales_daily_sql import DAY, GROUPS, MEASURES

# the stored closed days, then the days not stored yet aggregated live; the
# bounds are literals in each query (``_table_query``), so the planner sees
# that the live part is a day's checks and reaches them by pos_order.date_order;
# ``audience`` names the member flag for charts and tables ("Members" rather
# than "Yes")
DAILY_QUERY = f"""
    SELECT days.*,
           CASE WHEN days.is_member THEN 'member' ELSE 'non_member' END
               AS audience
    FROM (
        SELECT d.id, d.day, {GROUPS}, d.amount, d.checks, d.lines, d.qty,
               d.earned, d.spent, d.discount
        FROM loyalty_club_sales_day d
        WHERE d.day < %(closed)s
        UNION ALL
        SELECT -ROW_NUMBER() OVER () AS id, live.*
        FROM (
            SELECT {DAY} AS day, {GROUPS}, {MEASURES}
            FROM loyalty_club_sales_report s
            WHERE s.date >= %(start)s
            GROUP BY 1, {GROUPS}
        ) live
    ) days
"""


class LoyaltyClubSalesDaily(models.Model):
    """Sales by day: the stored closed days and the open days read live."""

    _name = "loyalty.club.sales.daily"
    _description = "Club Sales by Day"
    _auto = False
    _order = "day desc"

    day = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    store_id = fields.Many2one("loyalty.club.store", readonly=True)
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    is_member = fields.Boolean("Member Check", readonly=True)
    audience = fields.Selection(
        [("member", "Members"), ("non_member", "Non-members")],
        "Member or Non-member",
        readonly=True,
    )
    tier_id = fields.Many2one("loyalty.club.tier", readonly=True)
    kind = fields.Selection([("sale", "Sale"), ("refund", "Refund")], readonly=True)
    amount = fields.Float("Sales", readonly=True, digits=(16, 2))
    checks = fields.Integer(readonly=True)
    lines = fields.Integer(readonly=True)
    qty = fields.Float("Items", readonly=True, digits=(16, 2))
    earned = fields.Float("Bonuses Earned", readonly=True, digits=(16, 2))
    spent = fields.Float("Bonuses Spent", readonly=True, digits=(16, 2))
    discount = fields.Float(readonly=True, digits=(16, 2))

    @property
    def _table_query(self):
        days = self.env["loyalty.club.sales.day"]
        closed = days.sudo()._closed_until()
        return SQL(
            DAILY_QUERY,
            closed=closed,
            start=days._utc_start(closed),
            tz=days._tz().zone,
        )
