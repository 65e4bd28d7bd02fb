from datetime import datetime, time

from odoo import api, fields, models

from .. import edge

# Per batch, one statement: close the lots still open (re-read after the wallet
# lock), write one expiry line and its allocation per lot, in wallet order so
# that the ledger's wallet and partner indexes fill page by page. The wallets'
# data come from their ids (index lookups), not from a join over every wallet.
# The unique idempotency key ('expire:<lot>') is the last guard against a
# second expiry: a duplicate raises and the batch rolls back.
EXPIRE_SQL = """
WITH lots AS (
    SELECT l.id, l.wallet_id, l.remaining_minor AS rem
      FROM loyalty_club_lot l
     WHERE l.id = ANY(%(lots)s) AND l.remaining_minor > 0
     ORDER BY l.wallet_id, l.id
), wallets AS (
    SELECT w.id, w.partner_id, w.program_id, p.company_id, c.decimal_places,
           CASE WHEN w.kind = 'gift_card' THEN c.decimal_places
                ELSE t.digits END AS digits,
           CASE WHEN w.kind = 'gift_card' THEN 1
                ELSE p.point_value::numeric END AS rate
      FROM loyalty_club_wallet w
      JOIN loyalty_club_program p ON p.id = w.program_id
      JOIN res_currency c ON c.id = p.currency_id
      JOIN loyalty_club_wallet_type t ON t.id = p.wallet_type_id
     WHERE w.id = ANY(%(wallets)s)
), closed AS (
    UPDATE loyalty_club_lot l SET remaining_minor = 0
      FROM lots WHERE l.id = lots.id
), lines AS (
    INSERT INTO loyalty_club_ledger (
        wallet_id, partner_id, program_id, company_id, kind, amount_minor, amount,
        money_minor, date, channel, user_id, idempotency_key,
        create_uid, write_uid, create_date, write_date)
    SELECT x.wallet_id, w.partner_id, w.program_id, w.company_id, 'expire', -x.rem,
           -x.rem / power(10::numeric, w.digits),
           -round(x.rem * w.rate * power(10::numeric, w.decimal_places - w.digits)),
           %(date)s, 'job', %(uid)s, 'expire:' || x.id,
           %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
      FROM lots x
      JOIN wallets w ON w.id = x.wallet_id
    RETURNING id, idempotency_key, amount_minor
)
INSERT INTO loyalty_club_allocation (
    ledger_id, lot_id, amount_minor,
    create_uid, write_uid, create_date, write_date)
SELECT id, substr(idempotency_key, 8)::int, amount_minor,
       %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
  FROM lines
"""


class LoyaltyClubLot(models.Model):
    """What is still open of one accrual; only the ledger service moves it."""

    _name = "loyalty.club.lot"
    _description = "Club Accrual Lot"
    _order = "expires_on, id"

    wallet_id = fields.Many2one(
        "loyalty.club.wallet", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="wallet_id.company_id", store=True)
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
    def _expire_due(self, today=None, batch_size=50000):
        """Expire what is left of lots past their date: set-based, in batches.

        Per batch: lock the wallets (the same lock every movement takes), then one
        statement closes the lots and writes one ledger line and one allocation
        per expired lot (``EXPIRE_SQL``); balances dated today need no change,
        older ones are rolled to today. The core's ``ledger.expire`` is the rule (a
        lot expires on its ``expires_on`` day); the balance check proves the SQL
        agrees with it.
        """
        # the lines carry the day they expire on, also in a catch-up run
        when = fields.Datetime.now()
        if today and today != edge.club_today(self):
            when = datetime.combine(today, time.min)
        today = today or edge.club_today(self)
        cr = self.env.cr
        self.env.flush_all()
        # the planner cannot size the batch's CTEs and would JIT-compile for
        # seconds a statement that runs on tens of thousands of rows
        cr.execute("SET LOCAL jit = off")
        done = 0
        while True:
            # no ORDER BY: the partial index on open lots by expiry serves the
            # batch in its own order
            cr.execute(
                "SELECT id, wallet_id FROM loyalty_club_lot "
                "WHERE remaining_minor > 0 AND expires_on <= %s LIMIT %s",
                [today, batch_size],
            )
            rows = cr.fetchall()
            if not rows:
                break
            lot_ids = [lot_id for lot_id, _wallet in rows]
            wallet_ids = sorted({wallet for _lot, wallet in rows})
            self.env["loyalty.club.wallet"].browse(wallet_ids)._lock()
            cr.execute(
                EXPIRE_SQL,
                {
                    "lots": lot_ids,
                    "wallets": wallet_ids,
                    "uid": self.env.uid,
                    "date": when,
                },
            )
            done += cr.rowcount
            # Stored balances dated today already leave out every lot expiring
            # today or before (``domain.ledger.balances``): nothing to take off
            # them, nothing to re-aggregate. Balances of an earlier day also lag
            # on pending lots that became available and on the expiring-soon
            # window, which subtracting the expired lots would not fix: those
            # wallets are rolled to today from their lots.
            cr.execute(
                "SELECT id FROM loyalty_club_wallet WHERE id = ANY(%s) "
                "AND (balance_date IS NULL OR balance_date < %s)",
                [wallet_ids, today],
            )
            stale = [row[0] for row in cr.fetchall()]
            if stale:
                self.env["loyalty.club.wallet"]._sql_refresh_balances(stale, today)
        self.env.invalidate_all()
        return done
