"""A campaign's uplift per figure: target and control means per member, their
difference and its 95 % confidence interval (the core's ``campaigns.uplift``
on counts, sums and sums of squares the database adds up)."""

from decimal import Decimal

from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.loyalty_club.domain import campaigns as core_campaigns

METRICS = [
    ("buyers", "Bought (share of members)"),
    ("checks", "Checks per member"),
    ("revenue", "Revenue per member"),
    ("spent", "Bonuses spent per member"),
    ("coupons", "Coupon redemptions per member"),
]
# metric -> the uplift view's integer column
COLUMNS = {
    "buyers": "buyers",
    "checks": "checks",
    "revenue": "revenue_minor",
    "spent": "spent_minor",
    "coupons": "coupons_used",
}


class LoyaltyClubCampaignResult(models.Model):
    _name = "loyalty.club.campaign.result"
    _description = "Club Campaign Uplift Figure"
    _order = "campaign_id desc, sequence"

    campaign_id = fields.Many2one(
        "loyalty.club.campaign", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="campaign_id.company_id", store=True, index=True
    )
    sequence = fields.Integer()
    metric = fields.Selection(METRICS, "Figure", required=True, readonly=True)
    target_count = fields.Integer("Target Members", readonly=True)
    control_count = fields.Integer("Control Members", readonly=True)
    target_total = fields.Float("Target Sum", digits=(16, 2), readonly=True)
    control_total = fields.Float("Control Sum", digits=(16, 2), readonly=True)
    target_mean = fields.Float(
        "Target per Member", digits=(16, 4), readonly=True, aggregator=None
    )
    control_mean = fields.Float(
        "Control per Member", digits=(16, 4), readonly=True, aggregator=None
    )
    difference = fields.Float(
        "Uplift per Member", digits=(16, 4), readonly=True, aggregator=None
    )
    ci_low = fields.Float("95% CI from", digits=(16, 4), readonly=True, aggregator=None)
    ci_high = fields.Float("95% CI to", digits=(16, 4), readonly=True, aggregator=None)
    has_interval = fields.Boolean(readonly=True)
    significant = fields.Boolean(
        readonly=True,
        help="The 95 % interval leaves out zero: the difference is unlikely to be "
        "chance.",
    )
    computed_at = fields.Datetime(readonly=True)

    def _compute_for(self, campaigns):
        """Recompute the figures of ``campaigns`` from the uplift view."""
        self.env.flush_all()
        now = fields.Datetime.now()
        for campaign in campaigns:
            program = campaign.program_id
            scale = {
                "revenue": Decimal(10) ** program.currency_id.decimal_places,
                "spent": Decimal(10) ** program.digits,
            }
            aggregates = SQL(", ").join(
                SQL(
                    "count(*), sum(%(col)s)::bigint, sum(%(col)s::numeric * %(col)s)",
                    col=SQL.identifier(COLUMNS[metric]),
                )
                for metric, _label in METRICS
            )
            self.env.cr.execute(
                SQL(
                    "SELECT member_group, %s FROM loyalty_club_campaign_uplift "
                    "WHERE campaign_id = %s GROUP BY member_group",
                    aggregates,
                    campaign.id,
                )
            )
            groups = {}
            for row in self.env.cr.fetchall():
                values = row[1:]
                groups[row[0]] = {
                    metric: core_campaigns.Stats(
                        int(values[3 * i] or 0),
                        int(values[3 * i + 1] or 0),
                        int(values[3 * i + 2] or 0),
                    )
                    for i, (metric, _label) in enumerate(METRICS)
                }
            campaign.result_ids.sudo().unlink()
            rows = []
            empty = core_campaigns.Stats(0, 0, 0)
            for sequence, (metric, _label) in enumerate(METRICS):
                target = groups.get("target", {}).get(metric, empty)
                control = groups.get("control", {}).get(metric, empty)
                unit = scale.get(metric, Decimal(1))
                result = core_campaigns.uplift(target, control)

                def number(value, unit=unit):
                    return float(value / unit) if value is not None else 0.0

                rows.append(
                    {
                        "campaign_id": campaign.id,
                        "sequence": sequence,
                        "metric": metric,
                        "target_count": target.count,
                        "control_count": control.count,
                        "target_total": number(Decimal(target.total)),
                        "control_total": number(Decimal(control.total)),
                        "target_mean": number(target.mean),
                        "control_mean": number(control.mean),
                        "difference": number(result.difference) if result else 0.0,
                        "ci_low": number(result.low) if result else 0.0,
                        "ci_high": number(result.high) if result else 0.0,
                        "has_interval": bool(result and result.low is not None),
                        "significant": bool(result and result.significant),
                        "computed_at": now,
                    }
                )
            self.sudo().create(rows)
