"""The member's portal shows web orders beside the store's checks: a movement
of the web shop reads as its order, and the orders the bonuses are held for are
named."""

from odoo import _
from odoo.http import request
from odoo.tools.misc import formatLang

from odoo.addons.loyalty_club.controllers.portal import HISTORY, LoyaltyClubPortal


class LoyaltyClubWebsitePortal(LoyaltyClubPortal):
    def _club_wallet_values(self, wallet):
        values = super()._club_wallet_values(wallet)
        # the same movements the page lists (same search, same order)
        movements = (
            request.env["loyalty.club.ledger"]
            .sudo()
            .search([("wallet_id", "=", wallet.id)], limit=HISTORY)
        )
        for row, line in zip(values.get("lines") or [], movements, strict=False):
            if line.channel == "website":
                row["store"] = _(
                    "Web order %(order)s", order=line.transaction_id.ref or ""
                )
        values["held_orders"] = [
            dict(hold, amount=self._club_units(wallet, hold["amount"]))
            for hold in request.env["loyalty.club.hold"].sudo()._open_for(wallet)
        ]
        return values

    def _club_units(self, wallet, amount):
        return formatLang(request.env, amount, digits=wallet.program_id.digits)
