"""What the club costs, month by month: sales of members and of everyone from
the stored sales by day (never the order lines), the bonuses earned, given,
spent, expired and reversed in money from the ledger, the promotions'
discounts, the members' SMS, and the cost as a share of the club's sales."""

from datetime import datetime

from odoo import api, fields, models
from odoo.tools import SQL

from .loyalty_club_economics_day import LEDGER_DAYS, MESSAGE_DAYS

# one row per month, company, program and store; the sales come from the
# sales by day (stored closed days + today live), the bonuses from the ledger
# money per day (stored closed days + the open days live; member wallets only:
# gift cards are sold, not given), the promotions' discounts from their usage,
# the messages to members from the same stored days (closed) and the messages
# (open days): an SMS at what its gateway charged, else at the company's cost
# of an SMS, an e-mail at the company's cost of an e-mail; months in the
# club's time zone
ECONOMICS_QUERY = """
SELECT ROW_NUMBER() OVER (ORDER BY month, company_id, program_id, store_id) AS id,
       month, company_id, program_id, store_id,
       SUM(sales_all) AS sales_all, SUM(sales_members) AS sales_members,
       SUM(checks_all) AS checks_all, SUM(checks_members) AS checks_members,
       SUM(earned) AS earned, SUM(gifted) AS gifted, SUM(spent) AS spent,
       SUM(expired) AS expired, SUM(reversed) AS reversed,
       SUM(adjusted) AS adjusted, SUM(discounts) AS discounts,
       SUM(sms_cost) AS sms_cost, SUM(email_cost) AS email_cost,
       SUM(sms_cost) + SUM(email_cost) AS messages,
       SUM(spent) + SUM(discounts) + SUM(sms_cost) + SUM(email_cost) AS cost,
       0.0::float AS club_share, 0.0::float AS cost_percent
  FROM (
    SELECT date_trunc('month', s.day)::date AS month, s.company_id,
           s.program_id, s.store_id,
           s.amount AS sales_all,
           CASE WHEN s.is_member THEN s.amount ELSE 0 END AS sales_members,
           CASE WHEN s.kind = 'sale' THEN s.checks ELSE 0 END AS checks_all,
           CASE WHEN s.kind = 'sale' AND s.is_member THEN s.checks ELSE 0 END
               AS checks_members,
           0 AS earned, 0 AS gifted, 0 AS spent, 0 AS expired, 0 AS reversed,
           0 AS adjusted, 0 AS discounts, 0 AS sms_cost, 0 AS email_cost
      FROM (%(daily)s) s
    UNION ALL
    SELECT date_trunc('month', d.day)::date, d.company_id, d.program_id,
           d.store_id, 0, 0, 0, 0, COALESCE(d.earned, 0), COALESCE(d.gifted, 0),
           COALESCE(d.spent, 0), COALESCE(d.expired, 0), COALESCE(d.reversed, 0),
           COALESCE(d.adjusted, 0), 0,
           COALESCE(d.sms_charged, 0)
               + COALESCE(d.sms_unpriced, 0) * COALESCE(co.club_sms_cost, 0),
           COALESCE(d.emails_sent, 0) * COALESCE(co.club_email_cost, 0)
      FROM loyalty_club_economics_day d
      JOIN res_company co ON co.id = d.company_id
     WHERE d.day < %(closed)s
    UNION ALL
    SELECT date_trunc('month', live.day)::date, live.company_id, live.program_id,
           live.store_id, 0, 0, 0, 0, live.earned, live.gifted, live.spent,
           live.expired, live.reversed, live.adjusted, 0, 0, 0
      FROM (%(ledger_live)s) live
    UNION ALL
    SELECT date_trunc('month', u.date)::date, u.company_id, p.program_id,
           t.store_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, SUM(u.discount), 0, 0
      FROM loyalty_club_promotion_usage u
      JOIN loyalty_club_promotion p ON p.id = u.promotion_id
      LEFT JOIN loyalty_club_transaction t ON t.id = u.transaction_id
     GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT date_trunc('month', live.day)::date, live.company_id, live.program_id,
           NULL::integer, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           live.sms_charged + live.sms_unpriced * COALESCE(co.club_sms_cost, 0),
           live.emails_sent * COALESCE(co.club_email_cost, 0)
      FROM (%(messages_live)s) live
      JOIN res_company co ON co.id = live.company_id
  ) parts
 GROUP BY month, company_id, program_id, store_id
"""

# the shares computed per group from the group's sums, never summed
RATIOS = {
    "club_share": ("sales_members", "sales_all"),
    "cost_percent": ("cost", "sales_members"),
}


class LoyaltyClubEconomicsReport(models.Model):
    _name = "loyalty.club.economics.report"
    _description = "Club Economics"
    _auto = False
    _order = "month desc"

    month = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    store_id = fields.Many2one("loyalty.club.store", readonly=True)
    sales_all = fields.Float("Sales, Everyone", readonly=True, digits=(16, 2))
    sales_members = fields.Float("Sales, Members", readonly=True, digits=(16, 2))
    club_share = fields.Float(
        "Club Share of Sales (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Sales of members as a share of all sales, for the rows grouped.",
    )
    checks_all = fields.Integer("Checks, Everyone", readonly=True)
    checks_members = fields.Integer("Checks, Members", readonly=True)
    earned = fields.Float("Bonuses Earned", readonly=True, digits=(16, 2))
    gifted = fields.Float(
        "Bonuses Given",
        readonly=True,
        digits=(16, 2),
        help="Welcome, birthday and come-back bonuses, prizes, opening balances.",
    )
    spent = fields.Float("Bonuses Spent", readonly=True, digits=(16, 2))
    expired = fields.Float("Bonuses Expired", readonly=True, digits=(16, 2))
    reversed = fields.Float(
        "Bonuses Reversed",
        readonly=True,
        digits=(16, 2),
        help="Taken back by refunds: earned bonuses less spent bonuses returned.",
    )
    adjusted = fields.Float("Adjustments and Transfers", readonly=True, digits=(16, 2))
    discounts = fields.Float("Promotion Discounts", readonly=True, digits=(16, 2))
    sms_cost = fields.Float(
        "SMS to Members",
        readonly=True,
        digits=(16, 2),
        help="The SMS sent to members: what the gateway charged for each, else the "
        "company's cost of an SMS.",
    )
    email_cost = fields.Float(
        "E-mails to Members",
        readonly=True,
        digits=(16, 2),
        help="The e-mails sent to members at the company's cost of an e-mail.",
    )
    messages = fields.Float(
        "Messages to Members",
        readonly=True,
        digits=(16, 2),
        help="The SMS and e-mails sent to members, at their cost.",
    )
    cost = fields.Float(
        readonly=True,
        digits=(16, 2),
        help="Bonuses spent at face value, promotions' discounts and the messages "
        "to members.",
    )
    cost_percent = fields.Float(
        "Cost (% of Members' Sales)", readonly=True, aggregator="avg", digits=(16, 2)
    )

    @property
    def _table_query(self):
        Daily = self.env["loyalty.club.sales.daily"]
        days = self.env["loyalty.club.sales.day"]
        closed = self.env["loyalty.club.economics.day"].sudo()._closed_until()
        ledger_live = SQL(
            LEDGER_DAYS,
            tz=days._tz().zone,
            start=days._utc_start(closed),
            stop=datetime(9999, 12, 31),
        )
        messages_live = SQL(
            MESSAGE_DAYS,
            tz=days._tz().zone,
            start=days._utc_start(closed),
            stop=datetime(9999, 12, 31),
        )
        return SQL(
            ECONOMICS_QUERY,
            daily=Daily._table_query,
            closed=closed,
            ledger_live=ledger_live,
            messages_live=messages_live,
        )

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """The shares of a group are its sums' ratio, not an average of rows."""
        names = [spec.split(":")[0] for spec in fields]
        wanted = [name for name in RATIOS if name in names]
        extra = [part for name in wanted for part in RATIOS[name] if part not in names]
        groups = super().read_group(
            domain,
            fields + [f"{part}:sum" for part in dict.fromkeys(extra)],
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
        for group in groups:
            for name in wanted:
                num, den = RATIOS[name]
                total = group.get(den) or 0.0
                group[name] = 100.0 * (group.get(num) or 0.0) / total if total else 0.0
        return groups
