from odoo import models


class PosSession(models.Model):
    _inherit = "pos.session"

    # The demo chain closes its past sessions now, on the day they ended: the
    # session's entry and its cash lines carry that day (the payments take it
    # from the ``default_date`` the demo closes with).

    def _create_account_move(
        self,
        balancing_account=False,
        amount_to_balance=0,
        bank_payment_method_diffs=None,
    ):
        data = super()._create_account_move(
            balancing_account, amount_to_balance, bank_payment_method_diffs
        )
        day = self.env.context.get("loyalty_club_demo_day")
        if day and self.move_id.state == "draft":
            self.move_id.date = day
        return data

    def _get_combine_statement_line_vals(self, journal_id, amount, payment_method):
        vals = super()._get_combine_statement_line_vals(
            journal_id, amount, payment_method
        )
        day = self.env.context.get("loyalty_club_demo_day")
        if day:
            vals["date"] = day
        return vals
