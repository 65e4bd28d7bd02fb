"""Scheduled jobs: expiry, balance roll-over, tier review, gift bonuses."""

from datetime import datetime, time, timedelta

from odoo import _, api, fields, models

from ..domain import rules

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


class LoyaltyClubService(models.AbstractModel):
    _inherit = "loyalty.club.service"

    # -------------------------------------------------------------- scheduled
    @api.model
    def _cron_expire(self, today=None, batch_size=50000):
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
        if today and today != fields.Date.context_today(self):
            when = datetime.combine(today, time.min)
        today = today or fields.Date.context_today(self)
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

    @api.model
    def _cron_refresh_balances(self, today=None, batch_size=50000):
        """Pending lots become available and lots come near expiry as days pass."""
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        total = 0
        while True:
            self.env.cr.execute(
                "SELECT id FROM loyalty_club_wallet WHERE balance_date IS NULL OR "
                "balance_date < %s ORDER BY id LIMIT %s",
                [today, batch_size],
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                break
            self.env["loyalty.club.wallet"]._sql_refresh_balances(ids, today)
            total += len(ids)
        self.env.invalidate_all()
        return total

    @api.model
    def _cron_tier_review(self, today=None, batch_size=50000):
        """Move every member to the tier its rolling period earns (down or up).

        Paid amounts are summed in SQL, the core's ``rules.qualify`` decides, and
        the changes are written back in bulk with their history rows.
        """
        today = today or fields.Date.context_today(self)
        changed = 0
        self.env.flush_all()
        programs = (
            self.env["loyalty.club.program"].sudo().search([("tier_ids", "!=", False)])
        )
        for program in programs:
            since = today - timedelta(days=program.tier_period_days or 365)
            specs = program._tier_specs()
            self.env.cr.execute(
                "SELECT w.id, w.tier_id, COALESCE(SUM(t.paid_minor), 0) "
                "FROM loyalty_club_wallet w LEFT JOIN loyalty_club_transaction t "
                "ON t.wallet_id = w.id AND t.date >= %s "
                "WHERE w.program_id = %s AND w.partner_id IS NOT NULL "
                "GROUP BY w.id ORDER BY w.id",
                [since, program.id],
            )
            rows = self.env.cr.fetchall()
            for start in range(0, len(rows), batch_size):
                moves = [
                    (wallet_id, old or None, new)
                    for wallet_id, old, paid in rows[start : start + batch_size]
                    if (new := rules.qualify(paid, specs)) != (old or None)
                ]
                self._bulk_set_tier(moves, today)
                changed += len(moves)
        self.env.invalidate_all()
        return changed

    def _bulk_set_tier(self, moves, today):
        """[(wallet_id, old_tier_id, new_tier_id)] written in two statements."""
        if not moves:
            return
        wallets, olds, news = (list(col) for col in zip(*moves, strict=True))
        cr = self.env.cr
        cr.execute(
            "UPDATE loyalty_club_wallet w SET tier_id = m.new, tier_since = %s "
            "FROM unnest(%s::int[], %s::int[]) AS m(wallet, new) WHERE w.id = m.wallet",
            [today, wallets, news],
        )
        cr.execute(
            "INSERT INTO loyalty_club_tier_history (wallet_id, partner_id, company_id, "
            "date, old_tier_id, new_tier_id, reason, create_uid, write_uid, "
            "create_date, write_date) "
            "SELECT w.id, w.partner_id, w.company_id, now() at time zone 'UTC', m.old, "
            "m.new, 'review', %(uid)s, %(uid)s, now() at time zone 'UTC', "
            "now() at time zone 'UTC' "
            "FROM unnest(%(w)s::int[], %(o)s::int[], %(n)s::int[]) "
            "AS m(wallet, old, new) "
            "JOIN loyalty_club_wallet w ON w.id = m.wallet",
            {"uid": self.env.uid, "w": wallets, "o": olds, "n": news},
        )

    @api.model
    def _cron_birthday(self, today=None):
        today = today or fields.Date.context_today(self)
        count = 0
        for program in (
            self.env["loyalty.club.program"].sudo().search([("birthday_bonus", ">", 0)])
        ):
            days = [
                today + timedelta(days=d)
                for d in range(program.birthday_window_days + 1)
            ]
            md = {(d.month, d.day) for d in days}
            wallets = (
                self.env["loyalty.club.wallet"]
                .sudo()
                .search(
                    [
                        ("program_id", "=", program.id),
                        ("partner_id.club_birthday", "!=", False),
                        ("partner_id.club_status", "=", "active"),
                    ]
                )
            )
            for wallet in wallets:
                birthday = wallet.partner_id.club_birthday
                if (birthday.month, birthday.day) in md:
                    count += bool(
                        self._gift_once(
                            wallet,
                            "birthday",
                            f"birthday:{wallet.id}:{today.year}",
                            program.to_minor(program.birthday_bonus),
                            _("Birthday bonus"),
                            expiry_days=program.birthday_expiry_days,
                            today=today,
                        )
                    )
        return count

    @api.model
    def _cron_comeback(self, today=None):
        today = today or fields.Date.context_today(self)
        count = 0
        for program in (
            self.env["loyalty.club.program"].sudo().search([("comeback_bonus", ">", 0)])
        ):
            limit = fields.Datetime.to_datetime(
                today - timedelta(days=program.comeback_inactive_days)
            )
            wallets = (
                self.env["loyalty.club.wallet"]
                .sudo()
                .search(
                    [
                        ("program_id", "=", program.id),
                        ("last_purchase_date", "<", limit),
                        ("partner_id.club_status", "=", "active"),
                    ]
                )
            )
            for wallet in wallets:
                last = wallet.last_purchase_date.date().isoformat()
                count += bool(
                    self._gift_once(
                        wallet,
                        "comeback",
                        f"comeback:{wallet.id}:{last}",
                        program.to_minor(program.comeback_bonus),
                        _("Come-back bonus"),
                        today=today,
                    )
                )
        return count
