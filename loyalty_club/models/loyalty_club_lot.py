from datetime import datetime, time

from odoo import api, fields, models, modules

from .. import edge

# Per batch of whole wallets, one statement: close the lots still open (re-read
# after the wallet lock), write one expiry line per wallet and one allocation
# per lot it closes (as a burn names the lots it took from), in wallet order so
# that the ledger's wallet and partner indexes fill page by page.
# - Every row is reached by its id (index lookups; the job turns hash and merge
#   joins off for this statement): a hash of the whole lot table, or a nested
#   loop over two CTEs, would grow with the club, not with the batch.
# - Each line's id is drawn with its wallet's group, so that its allocations
#   come from the group's own arrays: no join between the lines and the lots.
# - The line says who expired and when; its allocations carry no user of their
#   own (two foreign-key checks per lot less).
# - A line's unique idempotency key names its wallet's first lot
#   ('expire:<lot>'): the lots re-read after the lock are the guard against a
#   second expiry, the key the last one (a duplicate raises, the batch rolls
#   back).
EXPIRE_SQL = """
WITH lots AS (
    SELECT l.id, l.wallet_id, l.remaining_minor AS rem
      FROM unnest(%(lots)s::int[]) AS u (id)
     CROSS JOIN LATERAL (
        SELECT * FROM loyalty_club_lot l
         WHERE l.id = u.id AND l.remaining_minor > 0
        OFFSET 0
     ) AS l
), closed AS (
    UPDATE loyalty_club_lot l SET remaining_minor = 0
      FROM lots WHERE l.id = lots.id
), due AS (
    SELECT x.wallet_id, nextval('loyalty_club_ledger_id_seq') AS line_id,
           min(x.id) AS first_lot, sum(x.rem) AS rem,
           array_agg(x.id) AS lot_ids, array_agg(x.rem) AS rems
      FROM lots x
     GROUP BY x.wallet_id
     ORDER BY x.wallet_id
), lines AS (
    INSERT INTO loyalty_club_ledger (
        id, wallet_id, partner_id, program_id, company_id, kind, amount_minor,
        amount, money_minor, date, channel, user_id, idempotency_key,
        create_uid, write_uid, create_date, write_date)
    SELECT x.line_id, x.wallet_id, w.partner_id, w.program_id, p.company_id,
           'expire', -x.rem, -x.rem / power(10::numeric, v.digits),
           -round(x.rem * v.rate * power(10::numeric, c.decimal_places - v.digits)),
           %(date)s, 'job', %(uid)s, 'expire:' || x.first_lot,
           %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
      FROM due x
      JOIN loyalty_club_wallet w ON w.id = x.wallet_id
      JOIN loyalty_club_program p ON p.id = w.program_id
      JOIN res_currency c ON c.id = p.currency_id
      JOIN loyalty_club_wallet_type t ON t.id = p.wallet_type_id
     CROSS JOIN LATERAL (
        SELECT CASE WHEN w.kind = 'gift_card' THEN c.decimal_places
                    ELSE t.digits END AS digits,
               CASE WHEN w.kind = 'gift_card' THEN 1
                    ELSE p.point_value::numeric END AS rate
     ) AS v
     ORDER BY x.wallet_id
)
INSERT INTO loyalty_club_allocation (
    ledger_id, lot_id, amount_minor, create_date, write_date)
SELECT x.line_id, a.lot_id, -a.rem,
       now() at time zone 'UTC', now() at time zone 'UTC'
  FROM due x
 CROSS JOIN LATERAL unnest(x.lot_ids, x.rems) AS a (lot_id, rem)
"""


class LoyaltyClubLot(models.Model):
    """What is still open of one accrual; only the ledger service moves it."""

    _name = "loyalty.club.lot"
    _description = "Club Accrual Lot"
    _order = "expires_on, id"

    wallet_id = fields.Many2one(
        "loyalty.club.wallet", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(
        related="wallet_id.company_id", store=True, precompute=True
    )
    ledger_id = fields.Many2one(
        "loyalty.club.ledger", required=True, ondelete="restrict"
    )
    initial_minor = fields.Integer(required=True, readonly=True)
    remaining_minor = fields.Integer(required=True, readonly=True)
    available_from = fields.Date(required=True, readonly=True)
    # the expiry job uses the partial index on open lots made in init()
    expires_on = fields.Date(readonly=True)

    _sql_constraints = [
        (
            "remaining_range",
            "CHECK(remaining_minor >= 0 AND remaining_minor <= initial_minor)",
            "A lot never goes negative nor above what was credited.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS loyalty_club_lot_open_idx ON loyalty_club_lot "
            "(expires_on, wallet_id) WHERE remaining_minor > 0"
        )

    @api.model
    def _expire_due(self, today=None, batch_size=50000, part=0, parts=1):
        """Expire what is left of lots past their date: set-based, in batches.

        The lots due are read once, by wallet; a batch takes whole wallets (up
        to about ``batch_size`` lots). Per batch: lock the wallets (the same lock
        every movement takes), then one statement closes their lots and writes
        one expiry line per wallet with one allocation per lot (``EXPIRE_SQL``);
        balances dated today need no change, older ones are rolled to today.
        With ``parts`` > 1 the job does the wallets whose id modulo ``parts`` is
        ``part`` only: that many workers share a run without waiting on each
        other's locks. The core's ``ledger.expire`` is the rule (a lot expires on
        its ``expires_on`` day); the balance check proves the SQL agrees with it.
        Run by the cron job, each batch is committed on its own: the wallets
        it locks are free again for the tills within seconds, not at the end of
        a run of a million lots (a batch is all or nothing, and whole wallets,
        so a run stopped half-way is finished by the next).
        Returns how many lots it expired.
        """
        # the lines carry the day they expire on, also in a catch-up run
        when = fields.Datetime.now()
        if today and today != edge.club_today(self):
            when = datetime.combine(today, time.min)
        today = today or edge.club_today(self)
        cr = self.env.cr
        self.env.flush_all()
        commit = bool(self.env.context.get("cron_id")) and not (
            modules.module.current_test
        )
        _batch_settings(cr)
        # one read of the open-lots index (not one per batch)
        cr.execute(
            "SELECT wallet_id, id FROM loyalty_club_lot "
            "WHERE remaining_minor > 0 AND expires_on <= %s "
            "AND mod(wallet_id, %s) = %s ORDER BY wallet_id, id",
            [today, parts, part],
        )
        done = 0
        for wallet_ids, lot_ids in _wallet_batches(cr.fetchall(), batch_size):
            # the lock every movement takes (``wallet._lock``), reading the
            # wallets' balance dates on the way
            cr.execute(
                "SELECT id, balance_date FROM loyalty_club_wallet "
                "WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                [wallet_ids],
                log_exceptions=False,
            )
            dated = cr.fetchall()
            # index lookups only (see EXPIRE_SQL), for this statement
            cr.execute(
                "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off"
            )
            cr.execute(EXPIRE_SQL, {"lots": lot_ids, "uid": self.env.uid, "date": when})
            done += cr.rowcount
            cr.execute(
                "SET LOCAL enable_hashjoin TO DEFAULT; "
                "SET LOCAL enable_mergejoin TO DEFAULT"
            )
            # Stored balances dated today already leave out every lot expiring
            # today or before (``domain.ledger.balances``): nothing to take off
            # them, nothing to re-aggregate. Balances of an earlier day also lag
            # on pending lots that became available and on the expiring-soon
            # window, which subtracting the expired lots would not fix: those
            # wallets are rolled to today from their lots.
            stale = [wallet for wallet, day in dated if not day or day < today]
            if stale:
                self.env["loyalty.club.wallet"]._sql_refresh_balances(stale, today)
            if commit:
                self.env.flush_all()
                cr.commit()  # pylint: disable=invalid-commit
                _batch_settings(cr)
        self.env.invalidate_all()
        return done


def _batch_settings(cr):
    """The transaction's settings for the expiry's statements."""
    # the planner cannot size the batch's CTEs and would JIT-compile for
    # seconds a statement that runs on tens of thousands of rows
    cr.execute("SET LOCAL jit = off")
    # a batch's grouping and sorts in memory, not in temporary files
    cr.execute("SET LOCAL work_mem = '64MB'")


def _wallet_batches(rows, size):
    """``(wallet ids, lot ids)`` batches of ``(wallet, lot)`` rows sorted by
    wallet: whole wallets, a new batch once one holds ``size`` lots or more."""
    wallets, lots = [], []
    for wallet, lot in rows:
        if wallet != (wallets[-1] if wallets else None):
            if len(lots) >= size:
                yield wallets, lots
                wallets, lots = [], []
            wallets.append(wallet)
        lots.append(lot)
    if lots:
        yield wallets, lots
