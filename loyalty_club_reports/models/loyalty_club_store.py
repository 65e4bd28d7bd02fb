from odoo import fields, models


class LoyaltyClubStore(models.Model):
    """A store's address places it on the club's map."""

    _inherit = "loyalty.club.store"

    country_id = fields.Many2one(
        "res.country",
        default=lambda self: self.env.company.country_id,
        help="With the city, places the store on the club's map.",
    )
    state_id = fields.Many2one(
        "res.country.state",
        "Region",
        domain="[('country_id', '=?', country_id)]",
    )
