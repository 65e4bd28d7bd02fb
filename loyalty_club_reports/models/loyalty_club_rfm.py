"""One member's RFM scores in one run, with the segment (the core's names)."""

from odoo import api, fields, models
from odoo.tools import SQL, sql

from odoo.addons.loyalty_club.domain import rfm as core_rfm

SEGMENT_LABELS = {
    "champions": "Champions",
    "loyal": "Loyal",
    "potential": "Potential loyalists",
    "new": "New customers",
    "promising": "Promising",
    "need_attention": "Need attention",
    "about_to_sleep": "About to sleep",
    "at_risk": "At risk",
    "cant_lose": "Can't lose them",
    "hibernating": "Hibernating",
    "lost": "Lost",
}
SEGMENT_SELECTION = [(key, SEGMENT_LABELS[key]) for key in core_rfm.SEGMENTS]
# the grid's axes: each score is a fifth of the program's members (the core's
# quintiles), named with the fifth it stands for
R_BANDS = [
    ("1", "R1 (least recent 20%)"),
    ("2", "R2 (60-80%)"),
    ("3", "R3 (40-60%)"),
    ("4", "R4 (20-40%)"),
    ("5", "R5 (most recent 20%)"),
]
F_BANDS = [
    ("1", "F1 (least frequent 20%)"),
    ("2", "F2 (60-80%)"),
    ("3", "F3 (40-60%)"),
    ("4", "F4 (20-40%)"),
    ("5", "F5 (most frequent 20%)"),
]


# The scores are a report written once per run, every member at once, never
# edited: the table is the model's own (``_auto = False``, made in ``init``)
# and has no foreign keys, whose per-row triggers were two thirds of a run
# (eight checks per member, each locking the wallet, partner, ... it names).
# What they guarded holds otherwise: a run writes the ids its statement has
# just read from the wallets, whose own keys stop their partner, program and
# company from going (a wallet is never deleted once it has a ledger line); a
# run's scores go with it (``LoyaltyClubRfmRun.unlink``) and a tier deleted
# leaves the scores naming none (``LoyaltyClubTier.unlink``). Which run is the
# latest is the run's flag: a new run flips one row, not the previous run's
# every member.
# A new stored field needs its column in COLUMNS.
COLUMNS = """
    id SERIAL PRIMARY KEY,
    run_id INTEGER NOT NULL,
    date TIMESTAMP,
    wallet_id INTEGER,
    partner_id INTEGER,
    program_id INTEGER,
    company_id INTEGER,
    tier_id INTEGER,
    last_purchase TIMESTAMP,
    recency_days INTEGER,
    frequency INTEGER,
    monetary NUMERIC,
    r_score INTEGER,
    f_score INTEGER,
    m_score INTEGER,
    rf_cell INTEGER,
    r_band VARCHAR,
    f_band VARCHAR,
    segment VARCHAR,
    member_count INTEGER,
    create_uid INTEGER,
    create_date TIMESTAMP,
    write_uid INTEGER,
    write_date TIMESTAMP
"""
INDEXED = ("run_id", "wallet_id", "partner_id", "segment")
# indexes of the ORM's table that no read needs: every row of a run has the
# run's date; the latest run is the run's flag, not a column of its rows
DROPPED = ("date", "is_latest")
FOREIGN_KEYS = (
    "run_id",
    "wallet_id",
    "partner_id",
    "program_id",
    "company_id",
    "tier_id",
    "create_uid",
    "write_uid",
)


class LoyaltyClubRfm(models.Model):
    """One member's RFM scores in one run; the runs keep the history."""

    _name = "loyalty.club.rfm"
    _description = "Club Member RFM Score"
    _order = "run_id desc, r_score desc, f_score desc"
    _auto = False  # the table is made in init(): no foreign keys
    _log_access = True

    run_id = fields.Many2one(
        "loyalty.club.rfm.run", required=True, ondelete="cascade", index=True
    )
    date = fields.Datetime(readonly=True)
    wallet_id = fields.Many2one("loyalty.club.wallet", readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", "Member", readonly=True, index=True)
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    tier_id = fields.Many2one("loyalty.club.tier", readonly=True)
    last_purchase = fields.Datetime(readonly=True)
    recency_days = fields.Integer("Days Since Last Purchase", readonly=True)
    frequency = fields.Integer("Purchases", readonly=True)
    monetary = fields.Float("Sales", digits=(16, 2), readonly=True)
    r_score = fields.Integer("R", readonly=True, aggregator="avg")
    f_score = fields.Integer("F", readonly=True, aggregator="avg")
    m_score = fields.Integer("M", readonly=True, aggregator="avg")
    rf_cell = fields.Integer("RF Cell", readonly=True, aggregator=None)
    r_band = fields.Selection(
        R_BANDS,
        "Recency (R)",
        compute="_compute_bands",
        store=True,
        help="The member's fifth by the last purchase: R5 the program's most "
        "recent buyers, R1 those who bought longest ago.",
    )
    f_band = fields.Selection(
        F_BANDS,
        "Frequency (F)",
        compute="_compute_bands",
        store=True,
        help="The member's fifth by the number of purchases: F5 the program's most "
        "frequent buyers, F1 the least frequent.",
    )
    segment = fields.Selection(SEGMENT_SELECTION, readonly=True, index=True)
    member_count = fields.Integer("Members", readonly=True)
    is_latest = fields.Boolean("Latest Run", related="run_id.is_latest")

    def init(self):
        cr, table = self.env.cr, SQL.identifier(self._table)
        cr.execute(SQL("CREATE TABLE IF NOT EXISTS %s (%s)", table, SQL(COLUMNS)))
        # a database that had the ORM's table keeps its rows, not its keys, and
        # its latest run becomes the run's flag (the old column stays unread)
        cr.execute("SELECT 1 FROM loyalty_club_rfm_run WHERE is_latest LIMIT 1")
        if not cr.rowcount and sql.column_exists(cr, self._table, "is_latest"):
            cr.execute(
                SQL(
                    """
                    UPDATE loyalty_club_rfm_run SET is_latest = TRUE
                     WHERE id = (SELECT max(run_id) FROM %s WHERE is_latest)
                    """,
                    table,
                )
            )
        for column in FOREIGN_KEYS:
            cr.execute(
                SQL(
                    "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s",
                    table,
                    SQL.identifier(f"{self._table}_{column}_fkey"),
                )
            )
        for column in DROPPED:
            index = SQL.identifier(f"{self._table}__{column}_index")
            cr.execute(SQL("DROP INDEX IF EXISTS %s", index))
        for column in INDEXED:
            index = SQL.identifier(f"{self._table}__{column}_index")
            cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s (%s)",
                    index,
                    table,
                    SQL.identifier(column),
                )
            )

    @api.depends("r_score", "f_score")
    def _compute_bands(self):
        """The scores as the grid's labelled axes (a run writes both in SQL)."""
        for row in self:
            row.r_band = str(row.r_score) if row.r_score else False
            row.f_band = str(row.f_score) if row.f_score else False
