from odoo import api, models


class LoyaltyClubAccounting(models.AbstractModel):
    """The opening entry of a move-in: the accountant's one-off posting of the
    balances the imports carried (``club_import_opening_only`` in the context)
    books their opening lines only; the club's other lines, of the same days
    or not, wait for the nightly posting as always."""

    _inherit = "loyalty.club.accounting"

    @api.model
    def _pending_rows(self, company, date_to):
        rows = super()._pending_rows(company, date_to)
        if self.env.context.get("club_import_opening_only"):
            rows = [r for r in rows if r.kind == "opening" and r.channel == "import"]
        return rows

    @api.model
    def _remeasure(self, company, date):
        # the remeasurement of the liability is the nightly posting's work
        if self.env.context.get("club_import_opening_only"):
            return self.env["account.move"]
        return super()._remeasure(company, date)
