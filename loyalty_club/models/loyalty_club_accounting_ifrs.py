"""IFRS 15: remeasure the contract liability when the rates change.

The contract liability must equal ``d(outstanding face value)`` at the rates in
force. Each posted line carries the value it was posted with; while the rates
stay, the values telescope and the remeasurement is zero. After a change of the
stand-alone selling price or of the expected redemption, the next posting run
books the catch-up (Dr revenue allocated to bonuses / Cr contract liability,
or the reverse) for the lines posted so far without a gap, and marks the entry
with the amount so it is counted once.
"""

from odoo import _, api, fields, models

from ..domain import money

PREFIX_SQL = """
SELECT MIN(l.id) FROM loyalty_club_ledger l
  JOIN loyalty_club_wallet w ON w.id = l.wallet_id
 WHERE l.company_id = %(company)s AND w.kind = 'bonus'
   AND NOT EXISTS (SELECT 1 FROM loyalty_club_posting p
                    WHERE p.ledger_id = l.id AND p.state = 'posted')
"""
CARRIED_SQL = """
SELECT COALESCE(SUM(l.money_minor), 0), COALESCE(SUM(p.value_minor), 0)
  FROM loyalty_club_ledger l
  JOIN loyalty_club_wallet w ON w.id = l.wallet_id
  LEFT JOIN loyalty_club_posting p ON p.ledger_id = l.id AND p.state = 'posted'
 WHERE l.company_id = %(company)s AND w.kind = 'bonus'
   AND (%(before)s IS NULL OR l.id < %(before)s)
"""
REMEASURED_SQL = """
SELECT COALESCE(SUM(m.loyalty_club_remeasure_minor), 0) FROM account_move m
 WHERE m.company_id = %(company)s AND m.state = 'posted'
   AND m.loyalty_club_remeasure_minor <> 0 AND m.date <= %(date)s
   AND NOT EXISTS (SELECT 1 FROM account_move r
                    WHERE r.reversed_entry_id = m.id AND r.state = 'posted')
"""


class AccountMove(models.Model):
    _inherit = "account.move"

    loyalty_club_remeasure_minor = fields.Integer(
        "Club Remeasurement",
        readonly=True,
        copy=False,
        help="IFRS 15 catch-up of the contract liability this entry books, company "
        "currency minor units.",
    )


class LoyaltyClubAccounting(models.AbstractModel):
    _inherit = "loyalty.club.accounting"

    @api.model
    def _remeasured(self, company, date):
        self.env.cr.execute(REMEASURED_SQL, {"company": company.id, "date": date})
        return int(self.env.cr.fetchone()[0])

    @api.model
    def _remeasure_delta(self, company):
        """What the contract liability still lacks at today's rates for the
        lines posted without a gap (0 while the rates stay)."""
        if company.loyalty_club_policy != "ifrs15":
            return 0
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(PREFIX_SQL, {"company": company.id})
        before = cr.fetchone()[0]
        cr.execute(CARRIED_SQL, {"company": company.id, "before": before})
        face, carried = (int(v) for v in cr.fetchone())
        num, den = company._loyalty_club_deferral_ratio()
        return (
            money.scale(face, num, den, "half_up")
            - carried
            - self._remeasured(company, fields.Date.to_date("9999-12-31"))
        )

    @api.model
    def _remeasure(self, company, date):
        """The catch-up entry of an IFRS 15 company (or nothing)."""
        delta = self._remeasure_delta(company)
        if not delta:
            return self.env["account.move"]
        label = _("Remeasurement of the expected redemption")
        vals = self._prepare_move(
            company,
            date,
            self.env["loyalty.club.store"],
            [],
            {("deferred_revenue", label): delta, ("revenue", label): -delta},
        )
        vals["loyalty_club_remeasure_minor"] = delta
        move = self.env["account.move"].sudo().create(vals)
        move.action_post()
        return move
