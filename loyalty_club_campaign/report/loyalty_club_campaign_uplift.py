"""The uplift of campaigns: one row per campaign member with what the member
bought in the campaign window (from the launch to the end of its last day),
for pivot and graph views by target and control group.

Figures come from the club's checks (``loyalty_club_transaction``): checks are
sales, revenue is sales less refunds, bonuses spent are the sales' spending,
coupon redemptions are the member's campaign coupon used in the window.
"""

from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.loyalty_club_campaign_member import GROUPS


class LoyaltyClubCampaignUplift(models.Model):
    _name = "loyalty.club.campaign.uplift"
    _description = "Club Campaign Uplift"
    _auto = False
    _order = "campaign_id desc, member_group"
    _rec_name = "partner_id"

    campaign_id = fields.Many2one("loyalty.club.campaign", readonly=True)
    partner_id = fields.Many2one("res.partner", "Member", readonly=True)
    member_group = fields.Selection(GROUPS, "Group", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    members = fields.Integer(readonly=True)
    buyers = fields.Integer(readonly=True)
    checks = fields.Integer(readonly=True)
    revenue = fields.Monetary(readonly=True)
    revenue_minor = fields.Integer(readonly=True, aggregator="sum")
    bonuses_spent = fields.Float(digits=(16, 2), readonly=True)
    spent_minor = fields.Integer(readonly=True, aggregator="sum")
    coupons_used = fields.Integer("Coupon Redemptions", readonly=True)
    revenue_per_member = fields.Float(digits=(16, 2), readonly=True, aggregator="avg")
    checks_per_member = fields.Float(digits=(16, 2), readonly=True, aggregator="avg")

    def _query(self):
        return SQL("""
            SELECT m.id, m.campaign_id, m.partner_id, m.member_group,
                   c.company_id, c.program_id, pr.currency_id,
                   1 AS members,
                   CASE WHEN COALESCE(h.checks, 0) > 0 THEN 1 ELSE 0 END AS buyers,
                   COALESCE(h.checks, 0) AS checks,
                   COALESCE(h.revenue_minor, 0) AS revenue_minor,
                   COALESCE(h.revenue_minor, 0)
                       / power(10, cur.decimal_places) AS revenue,
                   COALESCE(h.revenue_minor, 0)
                       / power(10, cur.decimal_places) AS revenue_per_member,
                   COALESCE(h.checks, 0) AS checks_per_member,
                   COALESCE(h.spent_minor, 0) AS spent_minor,
                   COALESCE(h.spent_minor, 0) / power(10, wt.digits) AS bonuses_spent,
                   CASE WHEN cp.state = 'used' AND cp.used_at >= c.launched_at
                             AND cp.used_at < (c.date_end + 1)::timestamp
                        THEN 1 ELSE 0 END AS coupons_used
              FROM loyalty_club_campaign_member m
              JOIN loyalty_club_campaign c ON c.id = m.campaign_id
              JOIN loyalty_club_program pr ON pr.id = c.program_id
              JOIN res_currency cur ON cur.id = pr.currency_id
              JOIN loyalty_club_wallet_type wt ON wt.id = pr.wallet_type_id
              LEFT JOIN loyalty_club_coupon cp ON cp.id = m.coupon_id
              LEFT JOIN LATERAL (
                    SELECT count(*) FILTER (WHERE t.kind = 'sale') AS checks,
                           sum(CASE WHEN t.kind = 'sale' THEN t.amount_minor
                                    ELSE -t.amount_minor END) AS revenue_minor,
                           sum(t.burn_minor) FILTER (WHERE t.kind = 'sale')
                               AS spent_minor
                      FROM loyalty_club_transaction t
                     WHERE t.partner_id = m.partner_id
                       AND t.program_id = c.program_id
                       AND t.date >= c.launched_at
                       AND t.date < (c.date_end + 1)::timestamp
              ) AS h ON TRUE
             WHERE c.launched_at IS NOT NULL
        """)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
