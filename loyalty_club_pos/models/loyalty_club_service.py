"""A POS manager may override the club's limits at the till.

The till checks the overriding cashier against Odoo's POS rights (see
``pos.config._club_verify_override``); the service accepts POS managers as
well as its own managers.
"""

from odoo import models


class LoyaltyClubService(models.AbstractModel):
    _inherit = "loyalty.club.service"

    def _override_allowed(self, user):
        return super()._override_allowed(user) or user.has_group(
            "point_of_sale.group_pos_manager"
        )
