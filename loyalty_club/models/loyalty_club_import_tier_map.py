from odoo import fields, models


class LoyaltyClubImportTierMap(models.Model):
    """One old discount level and the tier its members get."""

    _name = "loyalty.club.import.tier.map"
    _description = "Club Import Old Discount Level"
    _order = "discount"

    template_id = fields.Many2one(
        "loyalty.club.import.template", required=True, ondelete="cascade", index=True
    )
    discount = fields.Float(
        "Old Discount (%)", digits=(5, 2), help="The level as the old file writes it."
    )
    tier_id = fields.Many2one("loyalty.club.tier", required=True, ondelete="cascade")

    _sql_constraints = [
        (
            "discount_uniq",
            "unique(template_id, discount)",
            "Each old discount level is mapped once.",
        ),
    ]
