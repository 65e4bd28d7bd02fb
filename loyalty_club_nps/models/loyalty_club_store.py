from odoo import fields, models


class LoyaltyClubStore(models.Model):
    _inherit = "loyalty.club.store"

    manager_id = fields.Many2one(
        "res.users",
        "Store Manager",
        domain=[("share", "=", False)],
        help="Gets a to-do for every detractor's answer to the NPS survey.",
    )
