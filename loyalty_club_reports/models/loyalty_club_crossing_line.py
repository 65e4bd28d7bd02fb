"""One pair of categories bought together, with its support, confidence and lift."""

from odoo import fields, models


class LoyaltyClubCrossingLine(models.TransientModel):
    _name = "loyalty.club.crossing.line"
    _description = "Club Category Pair"
    _order = "lift desc, checks_both desc, id"

    crossing_id = fields.Many2one(
        "loyalty.club.crossing", required=True, ondelete="cascade", index=True
    )
    date_from = fields.Date(related="crossing_id.date_from")
    date_to = fields.Date(related="crossing_id.date_to")
    store_id = fields.Many2one(related="crossing_id.store_id")
    categ_a_id = fields.Many2one("product.category", "Category", readonly=True)
    categ_b_id = fields.Many2one(
        "product.category", "Bought with Category", readonly=True
    )
    checks_both = fields.Integer("Checks with Both", readonly=True)
    checks_a = fields.Integer("Checks with Category", readonly=True)
    checks_b = fields.Integer("Checks with the Other", readonly=True)
    checks_total = fields.Integer("Checks", readonly=True, aggregator="max")
    support = fields.Float(
        "Support (%)",
        readonly=True,
        digits=(16, 2),
        aggregator="max",
        help="Checks with both categories / all checks of the period.",
    )
    confidence = fields.Float(
        "Confidence (%)",
        readonly=True,
        digits=(16, 2),
        aggregator="max",
        help="Checks with both / checks with the category: how often a check with "
        "the category also has the other one.",
    )
    lift = fields.Float(
        readonly=True,
        digits=(16, 3),
        aggregator="max",
        help="Confidence / share of checks with the other category. Above 1: bought "
        "together more often than chance.",
    )
