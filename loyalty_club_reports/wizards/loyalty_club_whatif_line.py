from odoo import api, fields, models


class LoyaltyClubWhatifLine(models.TransientModel):
    """One row of the what-if's results: the whole period, a store or a tier,
    what happened beside what the other rules would have given."""

    _name = "loyalty.club.whatif.line"
    _description = "Club What-if Result"
    _order = "scope_order, id"

    whatif_id = fields.Many2one(
        "loyalty.club.whatif", "What-if", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="whatif_id.currency_id")
    scope = fields.Selection(
        [("total", "All members"), ("store", "Store"), ("tier", "Tier")],
        required=True,
    )
    scope_order = fields.Integer(compute="_compute_scope_order", store=True)
    store_id = fields.Many2one("loyalty.club.store")
    tier_id = fields.Many2one("loyalty.club.tier")
    name = fields.Char(compute="_compute_name")
    checks = fields.Integer()
    sales = fields.Monetary()
    whatif_sales = fields.Monetary(
        "Sales, What-if", help="Other than the sales when promotions' discounts change."
    )
    actual_earned = fields.Float("Earned", digits=(16, 2))
    whatif_earned = fields.Float("Earned, What-if", digits=(16, 2))
    actual_spent = fields.Float("Spent", digits=(16, 2))
    whatif_spent = fields.Float("Spent, What-if", digits=(16, 2))
    actual_discount = fields.Monetary("Promotion Discounts")
    whatif_discount = fields.Monetary("Promotion Discounts, What-if")
    actual_cost = fields.Monetary(
        "Cost",
        help="The bonuses spent at face value and the promotions' discounts, in "
        "money.",
    )
    whatif_cost = fields.Monetary("Cost, What-if")
    actual_cost_percent = fields.Float(
        "Cost (% of Sales)", compute="_compute_percent", digits=(16, 2)
    )
    whatif_cost_percent = fields.Float(
        "Cost, What-if (% of Sales)", compute="_compute_percent", digits=(16, 2)
    )
    actual_liability = fields.Monetary(
        "Liability at the End", help="What the members hold at the end, at face value."
    )
    whatif_liability = fields.Monetary("Liability at the End, What-if")
    actual_members = fields.Integer("Members at the End")
    whatif_members = fields.Integer("Members at the End, What-if")

    @api.depends("scope")
    def _compute_scope_order(self):
        order = {"total": 0, "store": 1, "tier": 2}
        for line in self:
            line.scope_order = order.get(line.scope, 3)

    @api.depends("scope", "store_id", "tier_id")
    def _compute_name(self):
        labels = dict(self._fields["scope"]._description_selection(self.env))
        for line in self:
            if line.scope == "store":
                line.name = line.store_id.name or self.env._("No store")
            elif line.scope == "tier":
                line.name = line.tier_id.name or self.env._("No tier")
            else:
                line.name = labels["total"]

    @api.depends("sales", "whatif_sales", "actual_cost", "whatif_cost")
    def _compute_percent(self):
        for line in self:
            sales, whatif_sales = line.sales, line.whatif_sales
            line.actual_cost_percent = (
                100.0 * line.actual_cost / sales if sales else 0.0
            )
            line.whatif_cost_percent = (
                100.0 * line.whatif_cost / whatif_sales if whatif_sales else 0.0
            )
