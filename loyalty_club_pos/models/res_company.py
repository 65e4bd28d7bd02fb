from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    def _loyalty_club_accounts_changed(self):
        """The till must debit the account the club's posting job expects:
        follow a change of policy or of liability account."""
        result = super()._loyalty_club_accounts_changed()
        self.env["pos.payment.method"].sudo().search(
            [("club_kind", "!=", False), ("company_id", "in", self.ids)]
        )._club_book_on_liability()
        return result
