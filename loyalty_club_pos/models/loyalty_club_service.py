"""The service at the till: a POS manager may override the club's limits, and a
check remembers the till it was rung up at.

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

    def _check_vals(self, payload, key, program, wallet, now, **vals):
        """A check rung up at a till remembers the till from its INSERT on (one
        UPDATE fewer per sale than marking it afterwards)."""
        vals = super()._check_vals(payload, key, program, wallet, now, **vals)
        origin = payload.get("origin") or {}
        if origin.get("model") == "pos.order" and origin.get("id"):
            order = self.env["pos.order"].sudo().browse(int(origin["id"]))
            vals.setdefault("pos_config_id", order.config_id.id)
        return vals
