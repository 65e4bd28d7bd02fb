from odoo import fields, models

from odoo.addons.loyalty_club.domain import economics_promo


class LoyaltyClubPromotion(models.Model):
    """A promotion shows whether it pays: the figures of the promotion
    effectiveness report, the cost per extra sale from the core."""

    _inherit = "loyalty.club.promotion"

    effect_checks = fields.Integer("Checks Applied to", compute="_compute_effect")
    effect_members = fields.Integer("Members Reached", compute="_compute_effect")
    effect_cost = fields.Monetary(
        "Cost",
        compute="_compute_effect",
        help="Discounts and bonuses given (at face value).",
    )
    effect_sales_during = fields.Monetary(
        "Their Sales in the Period", compute="_compute_effect"
    )
    effect_sales_before = fields.Monetary(
        "Their Sales Before",
        compute="_compute_effect",
        help="The same members, as many days just before the promotion.",
    )
    effect_extra_sales = fields.Monetary("Extra Sales", compute="_compute_effect")
    effect_cost_per_extra = fields.Float(
        "Cost per Extra Sale",
        compute="_compute_effect",
        digits=(16, 4),
        help="What each unit of extra sales cost; 0 when there were none.",
    )

    def _compute_effect(self):
        rows = (
            self.env["loyalty.club.promotion.effect.report"]
            .sudo()
            .search_read(
                [("promotion_id", "in", self.ids)],
                ["promotion_id", "checks", "members", "cost"]
                + ["sales_during", "sales_before"],
            )
        )
        by_promotion = {row["promotion_id"][0]: row for row in rows}
        for promotion in self:
            row = by_promotion.get(promotion.id) or {}
            program = promotion.program_id
            to_minor = program.money_to_minor
            result = economics_promo.effect(
                economics_promo.Group(
                    row.get("members", 0),
                    to_minor(row.get("sales_during", 0.0)),
                    to_minor(row.get("sales_before", 0.0)),
                ),
                to_minor(row.get("cost", 0.0)),
            )
            promotion.effect_checks = row.get("checks", 0)
            promotion.effect_members = row.get("members", 0)
            promotion.effect_cost = row.get("cost", 0.0)
            promotion.effect_sales_during = row.get("sales_during", 0.0)
            promotion.effect_sales_before = row.get("sales_before", 0.0)
            promotion.effect_extra_sales = float(
                program.money_from_minor(result.extra_vs_baseline)
            )
            promotion.effect_cost_per_extra = float(result.cost_per_extra or 0)
