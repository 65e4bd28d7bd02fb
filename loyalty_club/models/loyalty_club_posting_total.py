"""The posted club ledger in totals: what the liability reports read instead of
every ledger line.

Each run of the posting job adds one row per company, business day, store,
program, wallet kind, ledger kind and accounting date for the lines it posted
(set-based, in the same transaction as the postings); reversing an entry adds
the same rows negated. The reconciliation and the roll-forward sum these rows
(a few per store and day) plus the lines still pending above the company's
posted frontier, so their cost follows the number of days and stores, not the
millions of ledger lines behind them.
"""

from odoo import api, fields, models

from ..selections import WALLET_KINDS

ADD_SQL = """
INSERT INTO loyalty_club_posting_total
       (company_id, day, date, store_id, program_id, wallet_kind, kind,
        line_count, amount_minor, money_minor, value_minor)
SELECT p.company_id, p.day, p.date, p.store_id, l.program_id, w.kind, l.kind,
       %(sign)s * COUNT(*), %(sign)s * SUM(l.amount_minor),
       %(sign)s * SUM(COALESCE(l.money_minor, 0)),
       %(sign)s * SUM(COALESCE(p.value_minor, 0))
  FROM loyalty_club_posting p
  JOIN loyalty_club_ledger l ON l.id = p.ledger_id
  JOIN loyalty_club_wallet w ON w.id = l.wallet_id
 WHERE p.id = ANY(%(ids)s)
 GROUP BY p.company_id, p.day, p.date, p.store_id, l.program_id, w.kind, l.kind
"""
BACKFILL_SQL = """
INSERT INTO loyalty_club_posting_total
       (company_id, day, date, store_id, program_id, wallet_kind, kind,
        line_count, amount_minor, money_minor, value_minor)
SELECT p.company_id, p.day, p.date, p.store_id, l.program_id, w.kind, l.kind,
       COUNT(*), SUM(l.amount_minor), SUM(COALESCE(l.money_minor, 0)),
       SUM(COALESCE(p.value_minor, 0))
  FROM loyalty_club_posting p
  JOIN loyalty_club_ledger l ON l.id = p.ledger_id
  JOIN loyalty_club_wallet w ON w.id = l.wallet_id
 WHERE p.state = 'posted'
 GROUP BY p.company_id, p.day, p.date, p.store_id, l.program_id, w.kind, l.kind
"""


class LoyaltyClubPostingTotal(models.Model):
    _name = "loyalty.club.posting.total"
    _description = "Club Posted Ledger Totals"
    _order = "day desc, id desc"
    _log_access = False

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade"
    )
    day = fields.Date(required=True, readonly=True, help="Business day of the lines.")
    date = fields.Date("Accounting Date", readonly=True)
    store_id = fields.Many2one("loyalty.club.store", readonly=True)
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    wallet_kind = fields.Selection(WALLET_KINDS, readonly=True)
    kind = fields.Char("Ledger Kind", readonly=True)
    line_count = fields.Integer("Lines", readonly=True)
    amount_minor = fields.Integer(readonly=True)
    money_minor = fields.Integer(readonly=True)
    value_minor = fields.Integer(readonly=True)

    def init(self):
        cr = self.env.cr
        cr.execute(
            "CREATE INDEX IF NOT EXISTS loyalty_club_posting_total_company_day "
            "ON loyalty_club_posting_total (company_id, day)"
        )
        # a database posted before this table existed: its totals, once
        cr.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM loyalty_club_posting_total) "
            "AND EXISTS (SELECT 1 FROM loyalty_club_posting WHERE state = 'posted')"
        )
        if cr.fetchone()[0]:
            cr.execute(BACKFILL_SQL)

    @api.model
    def _add(self, postings, sign=1):
        """Count ``postings`` in (sign 1) or out (-1, their entry reversed)."""
        if not postings:
            return
        self.env.flush_all()
        self.env.cr.execute(ADD_SQL, {"sign": sign, "ids": postings.ids})
