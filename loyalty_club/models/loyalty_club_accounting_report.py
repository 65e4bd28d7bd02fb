"""The figures of the liability reports, in integer minor units.

Reconciliation at a date: per wallet kind and store, the liability the ledger
says is outstanding (the sum of its lines' liability values: posted lines at
the value they were posted with, the others at today's measure) against the
balance of the liability account in the general ledger, split into the club's
own entries and every other entry (POS sessions, manual entries).

Roll-forward over a period: per program and wallet kind, opening + earned +
spent + expired + adjusted + reversed = closing, in the wallet's units and in
company currency.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import api, models

RECONCILE_POSTED_SQL = """
SELECT w.kind, COALESCE(l.store_id, 0), p.date <= %(date)s, SUM(p.value_minor)
  FROM loyalty_club_ledger l
  JOIN loyalty_club_wallet w ON w.id = l.wallet_id
  JOIN loyalty_club_posting p ON p.ledger_id = l.id AND p.state = 'posted'
 WHERE l.company_id = %(company)s AND l.date < %(until)s
 GROUP BY 1, 2, 3
"""
RECONCILE_GL_SQL = """
SELECT aml.account_id, COALESCE(m.loyalty_club_store_id, 0),
       m.loyalty_club_day IS NOT NULL,
       ROUND((SUM(aml.credit) - SUM(aml.debit)) * %(scale)s)::bigint
  FROM account_move_line aml
  JOIN account_move m ON m.id = aml.move_id
 WHERE aml.account_id = ANY(%(accounts)s) AND aml.company_id = %(company)s
   AND aml.date <= %(date)s AND aml.parent_state = 'posted'
 GROUP BY 1, 2, 3
"""
ROLLFORWARD_SQL = """
SELECT l.program_id, w.kind,
       CASE WHEN l.date < %(start)s THEN 'opening'
            WHEN l.kind IN ('earn', 'gift', 'issue', 'opening') THEN 'earned'
            WHEN l.kind = 'burn' THEN 'spent'
            WHEN l.kind = 'expire' THEN 'expired'
            WHEN l.kind IN ('adjust', 'transfer') THEN 'adjusted'
            ELSE 'reversed' END,
       SUM(l.amount_minor), SUM(COALESCE(l.money_minor, 0))
  FROM loyalty_club_ledger l
  JOIN loyalty_club_wallet w ON w.id = l.wallet_id
 WHERE l.company_id = %(company)s AND l.date < %(until)s
 GROUP BY 1, 2, 3
"""
MOVEMENTS = ("earned", "spent", "expired", "adjusted", "reversed")
WALLET_KINDS = ("bonus", "gift_card")


class LoyaltyClubAccounting(models.AbstractModel):
    _inherit = "loyalty.club.accounting"

    @api.model
    def _reconciliation(self, company, date):
        """[{wallet_kind, store_id, account_id, ledger, club, other, gl,
        unposted, difference}] at the end of ``date`` (minor units)."""
        company = company.sudo()
        self.env.flush_all()
        cr = self.env.cr
        until = self._day_end(company, date)
        rows = defaultdict(lambda: defaultdict(int))
        cr.execute(
            RECONCILE_POSTED_SQL,
            {"date": date, "company": company.id, "until": until},
        )
        for kind, store_id, in_gl, value in cr.fetchall():
            rows[kind, store_id]["ledger"] += int(value)
            if not in_gl:
                rows[kind, store_id]["unposted"] += int(value)
        if company.loyalty_club_policy == "ifrs15":
            booked = self._remeasured(company, date)
            pending_delta = self._remeasure_delta(company)
            rows["bonus", 0]["ledger"] += booked + pending_delta
            rows["bonus", 0]["unposted"] += pending_delta
        pending = self._pending_rows(company, date)
        values = self._values(company, pending)
        for row in pending:
            key = row.wallet_kind, row.store_id or 0
            rows[key]["ledger"] += values[row.id]
            rows[key]["unposted"] += values[row.id]
        accounts = {
            kind: company._loyalty_club_liability_account(kind) for kind in WALLET_KINDS
        }
        kind_of = {account.id: kind for kind, account in accounts.items() if account}
        digits = company.currency_id.decimal_places
        cr.execute(
            RECONCILE_GL_SQL,
            {
                "accounts": list(kind_of),
                "company": company.id,
                "date": date,
                "scale": 10**digits,
            },
        )
        for account_id, store_id, club, minor in cr.fetchall():
            rows[kind_of[account_id], store_id]["club" if club else "other"] += minor
        out = []
        for (kind, store_id), figures in sorted(rows.items()):
            gl = figures["club"] + figures["other"]
            out.append(
                {
                    "wallet_kind": kind,
                    "store_id": store_id or False,
                    "account_id": accounts[kind].id,
                    "ledger": figures["ledger"],
                    "club": figures["club"],
                    "other": figures["other"],
                    "gl": gl,
                    "unposted": figures["unposted"],
                    "difference": figures["ledger"] - gl,
                }
            )
        return out

    @api.model
    def _other_entries_domain(self, company, date, wallet_kind, store_id=False):
        """Journal items on a liability account not made by the club's job."""
        account = company._loyalty_club_liability_account(wallet_kind)
        domain = [
            ("account_id", "=", account.id),
            ("company_id", "=", company.id),
            ("date", "<=", date),
            ("parent_state", "=", "posted"),
            ("move_id.loyalty_club_day", "=", False),
        ]
        if store_id:
            domain.append(("move_id.loyalty_club_store_id", "=", store_id))
        return domain

    @api.model
    def _unposted_domain(self, company, date, wallet_kind, store_id=False):
        """Ledger lines of the date not (yet) in the general ledger at that date."""
        return [
            ("company_id", "=", company.id),
            ("wallet_id.kind", "=", wallet_kind),
            ("store_id", "=", store_id or False),
            ("date", "<", self._day_end(company, date)),
            "|",
            ("posted", "=", False),
            ("posting_ids", "any", [("state", "=", "posted"), ("date", ">", date)]),
        ]

    @api.model
    def _rollforward(self, company, date_from, date_to):
        """[{program_id, wallet_kind, digits, <bucket>: (units, money)}] with the
        buckets opening, the MOVEMENTS and closing (minor units)."""
        company = company.sudo()
        self.env.flush_all()
        self.env.cr.execute(
            ROLLFORWARD_SQL,
            {
                "company": company.id,
                "start": self._day_end(company, date_from - timedelta(days=1)),
                "until": self._day_end(company, date_to),
            },
        )
        rows = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        for program_id, kind, bucket, units, value in self.env.cr.fetchall():
            rows[program_id, kind][bucket] = [int(units), int(value)]
        Program = self.env["loyalty.club.program"].sudo()
        out = []
        for (program_id, kind), figures in sorted(rows.items()):
            program = Program.browse(program_id)
            closing = [
                sum(figures[b][i] for b in ("opening",) + MOVEMENTS) for i in (0, 1)
            ]
            out.append(
                {
                    "program_id": program_id,
                    "wallet_kind": kind,
                    "digits": program.currency_id.decimal_places
                    if kind == "gift_card"
                    else program.digits,
                    **{b: tuple(figures[b]) for b in ("opening",) + MOVEMENTS},
                    "closing": tuple(closing),
                }
            )
        return out
