"""Old closed lots and their ledger lines out of the live tables.

Policy: a lot is archived when it is closed (nothing left of it), it and every
line that moved it are older than the cutoff (``loyalty_club.archive_months``
months, 24 by default; 0 switches archiving off) and posted, no line of it
reverses or is reversed by another line or is named by a draw winner or an
adjustment request, and every line that moved it moved only archived lots. The
lines of such lots add up to zero units per wallet (a closed lot gave out what
it took in), so every balance stays; their value stays in the posted totals
(``loyalty.club.posting.total``) that the reconciliation and the roll-forward
read, so the books do not move either. Each archived row (ledger line, lot,
allocation, posting) is kept whole as JSON in ``loyalty_club_archive``, then
deleted from its live table: the live ledger keeps the open lots and the recent
years, whatever the club's age.

The job works wallet range by wallet range (a line only moves lots of its own
wallet), set-based; the cron commits each batch.
"""

import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

ARCHIVE_MONTHS_PARAM = "loyalty_club.archive_months"
DEFAULT_MONTHS = 24
WALLETS_PER_BATCH = 20_000

# lines no archive may take: reversals and what they reverse, lines named by a
# winner or an adjustment request
REFS_SQL = """
CREATE TEMP TABLE loyalty_club_archive_refs ON COMMIT DROP AS
SELECT reversed_id AS id FROM loyalty_club_ledger
 WHERE reversed_id IS NOT NULL AND company_id = %(company)s
UNION SELECT id FROM loyalty_club_ledger
 WHERE reversed_id IS NOT NULL AND company_id = %(company)s
UNION SELECT ledger_id FROM loyalty_club_winner WHERE ledger_id IS NOT NULL
UNION SELECT ledger_id FROM loyalty_club_adjustment_request
 WHERE ledger_id IS NOT NULL;
CREATE INDEX ON loyalty_club_archive_refs (id);
ANALYZE loyalty_club_archive_refs
"""
# the candidate lots of a wallet range: closed, old and posted
LOTS_SQL = """
CREATE TEMP TABLE loyalty_club_archive_lots ON COMMIT DROP AS
SELECT lot.id, lot.wallet_id
  FROM loyalty_club_lot lot
  JOIN loyalty_club_ledger c ON c.id = lot.ledger_id
 WHERE lot.company_id = %(company)s AND lot.remaining_minor = 0
   AND lot.wallet_id >= %(wallet_lo)s AND lot.wallet_id < %(wallet_hi)s
   AND c.date < %(cutoff)s AND c.id < %(frontier)s
   AND NOT EXISTS (SELECT 1 FROM loyalty_club_archive_refs r WHERE r.id = c.id)
   AND NOT EXISTS (
       SELECT 1 FROM loyalty_club_allocation a
         JOIN loyalty_club_ledger d ON d.id = a.ledger_id
        WHERE a.lot_id = lot.id
          AND (d.date >= %(cutoff)s OR d.id >= %(frontier)s
               OR EXISTS (SELECT 1 FROM loyalty_club_archive_refs r
                           WHERE r.id = d.id)));
CREATE UNIQUE INDEX ON loyalty_club_archive_lots (id)
"""
LINES_SQL = """
DROP TABLE IF EXISTS loyalty_club_archive_lines;
CREATE TEMP TABLE loyalty_club_archive_lines ON COMMIT DROP AS
SELECT lot.ledger_id AS id FROM loyalty_club_lot lot
  JOIN loyalty_club_archive_lots x ON x.id = lot.id
UNION
SELECT a.ledger_id FROM loyalty_club_allocation a
  JOIN loyalty_club_archive_lots x ON x.id = a.lot_id;
CREATE UNIQUE INDEX ON loyalty_club_archive_lines (id)
"""
# a line of the set that also moved (or opened) a lot outside it: its lots out
OUTSIDE_SQL = """
DELETE FROM loyalty_club_archive_lots x
 WHERE x.wallet_id IN (
       SELECT l.wallet_id FROM loyalty_club_archive_lines s
         JOIN loyalty_club_ledger l ON l.id = s.id
        WHERE (l.lot_id IS NOT NULL AND NOT EXISTS (
                   SELECT 1 FROM loyalty_club_archive_lots y WHERE y.id = l.lot_id))
           OR EXISTS (SELECT 1 FROM loyalty_club_allocation a
                       WHERE a.ledger_id = l.id AND NOT EXISTS (
                             SELECT 1 FROM loyalty_club_archive_lots y
                              WHERE y.id = a.lot_id)))
"""
# the last guard: a wallet whose archived lines do not add up to zero stays
UNBALANCED_SQL = """
DELETE FROM loyalty_club_archive_lots x
 WHERE x.wallet_id IN (
       SELECT l.wallet_id FROM loyalty_club_archive_lines s
         JOIN loyalty_club_ledger l ON l.id = s.id
        GROUP BY l.wallet_id HAVING SUM(l.amount_minor) <> 0)
"""
MOVE_SQL = """
INSERT INTO loyalty_club_archive (company_id, source, res_id, archived_on, data)
SELECT %(company)s, 'loyalty.club.posting', p.id, %(today)s, to_jsonb(p)
  FROM loyalty_club_posting p JOIN loyalty_club_archive_lines s ON s.id = p.ledger_id;
INSERT INTO loyalty_club_archive (company_id, source, res_id, archived_on, data)
SELECT %(company)s, 'loyalty.club.allocation', a.id, %(today)s, to_jsonb(a)
  FROM loyalty_club_allocation a
  JOIN loyalty_club_archive_lines s ON s.id = a.ledger_id;
INSERT INTO loyalty_club_archive (company_id, source, res_id, archived_on, data)
SELECT %(company)s, 'loyalty.club.lot', lot.id, %(today)s, to_jsonb(lot)
  FROM loyalty_club_lot lot JOIN loyalty_club_archive_lots x ON x.id = lot.id;
INSERT INTO loyalty_club_archive (company_id, source, res_id, archived_on, data)
SELECT %(company)s, 'loyalty.club.ledger', l.id, %(today)s, to_jsonb(l)
  FROM loyalty_club_ledger l JOIN loyalty_club_archive_lines s ON s.id = l.id;
DELETE FROM loyalty_club_posting p USING loyalty_club_archive_lines s
 WHERE s.id = p.ledger_id;
DELETE FROM loyalty_club_allocation a USING loyalty_club_archive_lines s
 WHERE s.id = a.ledger_id;
DELETE FROM loyalty_club_lot lot USING loyalty_club_archive_lots x
 WHERE x.id = lot.id;
DELETE FROM loyalty_club_ledger l USING loyalty_club_archive_lines s
 WHERE s.id = l.id
"""


class LoyaltyClubArchive(models.Model):
    _name = "loyalty.club.archive"
    _description = "Club Archived Ledger Row"
    _order = "id desc"
    _log_access = False

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    source = fields.Char(
        required=True, readonly=True, help="The model the row was archived from."
    )
    res_id = fields.Integer("Record ID", required=True, readonly=True)
    archived_on = fields.Date(required=True, readonly=True)
    data = fields.Json(readonly=True, help="The row as it was in its live table.")

    @api.model
    def _cutoff(self, months=None):
        """The instant before which closed lots are archived, or None (off)."""
        if months is None:
            param = self.env["ir.config_parameter"].sudo()
            months = int(param.get_param(ARCHIVE_MONTHS_PARAM, DEFAULT_MONTHS) or 0)
        if months <= 0:
            return None
        return fields.Datetime.now() - relativedelta(months=months)

    @api.model
    def _archive_company(self, company, cutoff, wallet_lo, wallet_hi):
        """Archive the eligible lots of the company's wallets in [lo, hi);
        returns (lots, lines) archived."""
        cr = self.env.cr
        self.env.flush_all()
        params = {
            "company": company.id,
            "cutoff": cutoff,
            "frontier": company.loyalty_club_posting_from_id,
            "wallet_lo": wallet_lo,
            "wallet_hi": wallet_hi,
            "today": fields.Date.context_today(self),
        }
        cr.execute("SAVEPOINT loyalty_club_archive")
        cr.execute(
            "SELECT to_regclass('pg_temp.loyalty_club_archive_refs') IS NOT NULL"
        )
        if not cr.fetchone()[0]:
            cr.execute(REFS_SQL, params)
        cr.execute("DROP TABLE IF EXISTS loyalty_club_archive_lots")
        cr.execute(LOTS_SQL, params)
        while True:
            cr.execute(LINES_SQL)
            cr.execute(OUTSIDE_SQL)
            removed = cr.rowcount
            cr.execute(UNBALANCED_SQL)
            removed += cr.rowcount
            if not removed:
                break
        cr.execute("SELECT count(*) FROM loyalty_club_archive_lots")
        lots = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM loyalty_club_archive_lines")
        lines = cr.fetchone()[0]
        if lots:
            cr.execute(MOVE_SQL, params)
        cr.execute(
            "DROP TABLE loyalty_club_archive_lots, loyalty_club_archive_lines; "
            "RELEASE SAVEPOINT loyalty_club_archive"
        )
        self.env.invalidate_all()
        return lots, lines

    @api.model
    def _archive(self, companies=None, cutoff=None, wallets_per_batch=None):
        """Archive every eligible lot of these companies (default: all) older
        than ``cutoff`` (default: the policy's), in this transaction; returns
        {company: (lots, lines)}."""
        cutoff = cutoff or self._cutoff()
        done = {}
        if cutoff is None:
            return done
        companies = (companies or self.env["res.company"].search([])).sudo()
        step = wallets_per_batch or WALLETS_PER_BATCH
        cr = self.env.cr
        for company in companies:
            cr.execute("DROP TABLE IF EXISTS loyalty_club_archive_refs")
            cr.execute(
                "SELECT MIN(id), MAX(id) FROM loyalty_club_wallet "
                "WHERE company_id = %s",
                [company.id],
            )
            low, high = cr.fetchone()
            lots = lines = 0
            for lo in range(low or 0, (high or -1) + 1, step):
                got = self._archive_company(company, cutoff, lo, lo + step)
                lots, lines = lots + got[0], lines + got[1]
            cr.execute("DROP TABLE IF EXISTS loyalty_club_archive_refs")
            done[company] = (lots, lines)
            if lots:
                _logger.info(
                    "Club archive of %s: %s closed lots, %s ledger lines",
                    company.name,
                    lots,
                    lines,
                )
        return done

    @api.model
    def _cron_archive(self):
        """Monthly (off by default): the eligible lots of every company."""
        self._archive()
