"""The session's entries say which club store they belong to.

The club's liability reconciliation compares, per store, what the ledger owes
with the liability accounts. At the till the session entries book part of that
liability (bonus and gift-card payments debit it, gift cards sold credit it),
so they carry the till's club store like the club's own daily entries do;
otherwise the store's line would show the ledger without the session's half.
"""

from odoo import models


class PosSession(models.Model):
    _inherit = "pos.session"

    def _validate_session(
        self,
        balancing_account=False,
        amount_to_balance=0,
        bank_payment_method_diffs=None,
    ):
        result = super()._validate_session(
            balancing_account, amount_to_balance, bank_payment_method_diffs
        )
        self._club_tag_moves()
        return result

    def _club_tag_moves(self):
        for session in self.sudo():
            store = session.config_id.club_store_id
            if not store:
                continue
            moves = session._get_related_account_moves().filtered(
                lambda move: not move.loyalty_club_store_id
            )
            if moves:
                moves.write({"loyalty_club_store_id": store.id})
