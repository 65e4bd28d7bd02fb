from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import edge
from ..domain import holds as core_holds
from ..domain import ledger as core_ledger
from ..domain import money, rules

# the stored balances: each is an integer in the unit's minor units (the truth)
# with a float twin for display, pivots and search; "available" is net of the
# active holds, which are stored apart as "held"
BALANCES = ("available", "pending", "expiring_soon", "held")


class LoyaltyClubWallet(models.Model):
    """A member's (or a gift card's) account in one program; balances come from the
    ledger."""

    _name = "loyalty.club.wallet"
    _description = "Club Wallet"
    _order = "id desc"
    _check_company_auto = True
    _rec_names_search = ["partner_id.name", "card_id.code"]

    partner_id = fields.Many2one(
        "res.partner", index=True, ondelete="restrict", check_company=True
    )
    card_id = fields.Many2one(
        "loyalty.club.card",
        index="btree_not_null",
        ondelete="restrict",
        help="Set for a wallet that belongs to a card (a gift card), not to a member.",
    )
    program_id = fields.Many2one(
        "loyalty.club.program", required=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(
        related="program_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="program_id.currency_id")
    wallet_type_id = fields.Many2one(
        related="program_id.wallet_type_id", store=True, precompute=True
    )
    kind = fields.Selection(
        [("bonus", "Member bonus"), ("gift_card", "Gift card")],
        default="bonus",
        required=True,
    )
    unit_name = fields.Char(related="wallet_type_id.unit_name")
    tier_id = fields.Many2one(
        "loyalty.club.tier", domain="[('program_id', '=', program_id)]"
    )
    tier_since = fields.Date()
    available_minor = fields.Integer(readonly=True)
    pending_minor = fields.Integer(readonly=True)
    expiring_soon_minor = fields.Integer(readonly=True)
    balance_available = fields.Float("Available", digits=(16, 2), readonly=True)
    balance_pending = fields.Float("Pending", digits=(16, 2), readonly=True)
    balance_expiring_soon = fields.Float(
        "Expiring in 30 days", digits=(16, 2), readonly=True
    )
    held_minor = fields.Integer(readonly=True)
    balance_held = fields.Float(
        "Held",
        digits=(16, 2),
        readonly=True,
        help="Set aside for orders not collected yet (holds): not available to "
        "spend until the hold is captured, released or expires.",
    )
    hold_ids = fields.One2many("loyalty.club.hold", "wallet_id")
    next_expiry_date = fields.Date(readonly=True)
    balance_date = fields.Date(
        readonly=True, help="Day the stored balances were computed for."
    )
    last_purchase_date = fields.Datetime(readonly=True)
    ledger_ids = fields.One2many("loyalty.club.ledger", "wallet_id")
    lot_ids = fields.One2many("loyalty.club.lot", "wallet_id")
    tier_history_ids = fields.One2many("loyalty.club.tier.history", "wallet_id")

    _sql_constraints = [
        (
            "partner_program_uniq",
            "unique(partner_id, program_id)",
            "A member has one wallet per program.",
        ),
        ("card_uniq", "unique(card_id)", "A card has one wallet."),
    ]

    @api.depends("partner_id", "card_id", "program_id")
    def _compute_display_name(self):
        for wallet in self:
            owner = wallet.partner_id.name or wallet.card_id.code or "?"
            wallet.display_name = f"{owner} ({wallet.program_id.name})"

    def _unit_digits(self):
        """Gift-card money counts in currency minor units, bonuses in the unit's."""
        self.ensure_one()
        if self.kind == "gift_card":
            return self.program_id.currency_id.decimal_places
        return self.program_id.digits

    def _lock(self):
        """Serialise every movement of these wallets across workers and tills."""
        if self.ids:
            # a concurrent update raises a serialization failure that Odoo's
            # request layer retries: not an error worth a log line
            self.env.cr.execute(
                "SELECT id FROM loyalty_club_wallet WHERE id IN %s ORDER BY id FOR "
                "UPDATE",
                [tuple(self.ids)],
                log_exceptions=False,
            )

    def _core_lots(self):
        self.ensure_one()
        lots = self.env["loyalty.club.lot"].search_fetch(
            [("wallet_id", "=", self.id), ("remaining_minor", ">", 0)],
            ["remaining_minor", "available_from", "expires_on"],
        )
        return lots, [
            core_ledger.Lot(
                key=lot.id,
                amount=lot.remaining_minor,
                available_from=lot.available_from,
                expires_on=lot.expires_on,
            )
            for lot in lots
        ]

    def _core_balances(self, today=None):
        """What the ledger's open lots say (holds not counted)."""
        self.ensure_one()
        today = today or edge.club_today(self)
        return core_ledger.balances(self._core_lots()[1], today)

    def _held_minor(self, except_hold=None):
        """What the active holds of this wallet keep (minor units)."""
        self.ensure_one()
        return self.env["loyalty.club.hold"]._held_minor(self, except_hold)

    def _spend_balances(self, today=None, lots=None, except_hold=None):
        """The balances every channel shows: available net of the active holds,
        the holds apart as ``held`` (``lots``: the core's lots, when read;
        ``except_hold``: a hold counted as spendable, the order's own)."""
        self.ensure_one()
        today = today or edge.club_today(self)
        if lots is None:
            lots = self._core_lots()[1]
        bal = core_ledger.balances(lots, today)
        return core_holds.net_of_holds(bal, self._held_minor(except_hold))

    def _refresh_balances(self, today=None):
        """Store what the ledger's open lots say; the only writer of the balances."""
        today = today or edge.club_today(self)
        for wallet in self:
            bal = wallet._spend_balances(today)
            digits = wallet._unit_digits()
            vals = {"next_expiry_date": bal.next_expiry, "balance_date": today}
            for name in BALANCES:
                minor = getattr(bal, name)
                vals[f"{name}_minor"] = minor
                vals[f"balance_{name}"] = float(money.from_minor(minor, digits))
            wallet.sudo().write(vals)

    @api.model
    def _sql_refresh_balances(self, wallet_ids, today, soon_days=30):
        """The same balances as ``_refresh_balances``, for many wallets in one UPDATE
        (the rules of ``domain.ledger.balances``, written in SQL)."""
        self.env.cr.execute(
            """
            -- each wallet's lots by its index (a join of all the lots scanned
            -- every lot of the club for each batch of wallets)
            WITH agg AS (
                SELECT w.id AS wallet_id, l.available, l.pending, l.soon,
                       l.next_expiry,
                       CASE WHEN w.kind = 'gift_card' THEN c.decimal_places
                            ELSE t.digits END AS digits,
                       (SELECT COALESCE(SUM(h.amount_minor), 0)
                          FROM loyalty_club_hold h
                         WHERE h.wallet_id = w.id AND h.state = 'held'
                           AND h.expires_at > %(now)s) AS held
                  FROM loyalty_club_wallet w
                  JOIN loyalty_club_program p ON p.id = w.program_id
                  JOIN res_currency c ON c.id = p.currency_id
                  JOIN loyalty_club_wallet_type t ON t.id = p.wallet_type_id
                  CROSS JOIN LATERAL (
                      SELECT COALESCE(SUM(l.remaining_minor)
                                 FILTER (WHERE l.available_from <= %(today)s), 0)
                                 AS available,
                             COALESCE(SUM(l.remaining_minor)
                                 FILTER (WHERE l.available_from > %(today)s), 0)
                                 AS pending,
                             COALESCE(SUM(l.remaining_minor)
                                 FILTER (WHERE l.expires_on <= %(horizon)s), 0)
                                 AS soon,
                             MIN(l.expires_on) AS next_expiry
                        FROM loyalty_club_lot l
                       WHERE l.wallet_id = w.id AND l.remaining_minor > 0
                         AND (l.expires_on IS NULL OR l.expires_on > %(today)s)
                  ) l
                 WHERE w.id = ANY(%(ids)s)
            )
            UPDATE loyalty_club_wallet w
               SET available_minor = GREATEST(agg.available - agg.held, 0),
                   held_minor = agg.held,
                   pending_minor = agg.pending,
                   expiring_soon_minor = agg.soon,
                   balance_available = GREATEST(agg.available - agg.held, 0)
                       / power(10, agg.digits),
                   balance_held = agg.held / power(10, agg.digits),
                   balance_pending = agg.pending / power(10, agg.digits),
                   balance_expiring_soon = agg.soon / power(10, agg.digits),
                   next_expiry_date = agg.next_expiry,
                   balance_date = %(today)s
              FROM agg
             WHERE w.id = agg.wallet_id AND w.id = ANY(%(ids)s)
            """,
            {
                "ids": list(wallet_ids),
                "today": today,
                "now": fields.Datetime.now(),
                "horizon": today + timedelta(days=soon_days),
            },
        )
        self.invalidate_model()

    def _ledger_mismatches(self, today=None):
        """Prove the stored balances: [(wallet, what, stored, ledger)] where they
        differ."""
        today = today or edge.club_today(self)
        self.env.flush_all()
        out = []
        for wallet in self:
            cr = self.env.cr
            cr.execute(
                "SELECT COALESCE(SUM(amount_minor), 0) FROM loyalty_club_ledger "
                "WHERE wallet_id = %s",
                [wallet.id],
            )
            ledger_total = cr.fetchone()[0]
            cr.execute(
                "SELECT COALESCE(SUM(remaining_minor), 0) FROM loyalty_club_lot "
                "WHERE wallet_id = %s",
                [wallet.id],
            )
            lots_total = cr.fetchone()[0]
            bal = wallet._core_balances(today)
            if ledger_total != lots_total:
                out.append((wallet, "ledger_vs_lots", lots_total, ledger_total))
            if ledger_total != bal.total:
                out.append((wallet, "total", bal.total, ledger_total))
            bal = wallet._spend_balances(today)
            for name in BALANCES:
                stored = wallet[f"{name}_minor"]
                if wallet.balance_date == today and stored != getattr(bal, name):
                    out.append((wallet, name, stored, getattr(bal, name)))
        return out

    def action_check_ledger(self):
        problems = self._ledger_mismatches()
        if problems:
            lines = "\n".join(
                _(
                    "%(wallet)s: %(what)s stored %(stored)s, ledger %(ledger)s",
                    wallet=w.display_name,
                    what=what,
                    stored=s,
                    ledger=ledg,
                )
                for w, what, s, ledg in problems
            )
            raise UserError(
                _("The balances disagree with the ledger:\n%(lines)s", lines=lines)
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": _("Balances equal the ledger."), "type": "success"},
        }

    def action_open_ledger(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Ledger"),
            "res_model": "loyalty.club.ledger",
            "view_mode": "list,pivot,form",
            "domain": [("wallet_id", "=", self.id)],
        }

    def action_adjust(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Adjust balance"),
            "res_model": "loyalty.club.adjust",
            "view_mode": "form",
            "target": "new",
            "context": {"default_wallet_id": self.id},
        }

    # ================================================================= booking
    # The only writers of ledger lines and lots; the service calls them under
    # the wallet's lock, with keys that make every line unique.
    def _ledger_env(self):
        return self.sudo().with_context(loyalty_club_service=True).env

    def _line_vals(self, kind, amount, key, now, **extra):
        self.ensure_one()
        program = self.program_id
        # gift-card money is currency; bonus units are worth the program's point value
        gift = self.kind == "gift_card"
        money_minor = money.convert(
            amount,
            self._unit_digits(),
            program.currency_id.decimal_places,
            edge.decimal(1.0 if gift else program.point_value),
            rounding="half_up",
        )
        vals = {
            "wallet_id": self.id,
            "partner_id": self.partner_id.id,
            "program_id": program.id,
            "company_id": program.company_id.id,
            "kind": kind,
            "amount_minor": amount,
            "amount": float(program.from_minor(amount)),
            "money_minor": money_minor,
            "date": now,
            "idempotency_key": key,
        }
        vals.update({k: v for k, v in extra.items() if v is not None})
        return vals

    def _credit(
        self,
        kind,
        amount,
        key,
        now,
        today,
        pending_days=None,
        expiry_days=None,
        expires_on=None,
        **extra,
    ):
        """A credit line and the lot it opens."""
        self.ensure_one()
        program = self.program_id
        env = self._ledger_env()
        line = env["loyalty.club.ledger"].create(
            self._line_vals(kind, amount, key, now, **extra)
        )
        pending = program.pending_days if pending_days is None else pending_days
        expiry = program.expiry_days if expiry_days is None else expiry_days
        if expires_on is None and expiry:
            expires_on = today + timedelta(days=expiry)
        lot = env["loyalty.club.lot"].create(
            {
                "wallet_id": self.id,
                "ledger_id": line.id,
                "initial_minor": amount,
                "remaining_minor": amount,
                "available_from": today + timedelta(days=pending),
                "expires_on": expires_on or False,
            }
        )
        env.cr.execute(
            "UPDATE loyalty_club_ledger SET lot_id = %s WHERE id = %s",
            [lot.id, line.id],
        )
        line.invalidate_recordset(["lot_id"])
        return line

    def _debit(self, kind, allocations, key, now, **extra):
        """A debit line taking from lots as the core allocated."""
        self.ensure_one()
        total = sum(amount for _lot, amount in allocations)
        env = self._ledger_env()
        line = env["loyalty.club.ledger"].create(
            self._line_vals(kind, -total, key, now, **extra)
        )
        env["loyalty.club.allocation"].create(
            [
                {"ledger_id": line.id, "lot_id": lot_id, "amount_minor": -amount}
                for lot_id, amount in allocations
            ]
        )
        for lot_id, amount in allocations:
            env.cr.execute(
                "UPDATE loyalty_club_lot SET remaining_minor = remaining_minor - "
                "%s WHERE id = %s",
                [amount, lot_id],
            )
        env["loyalty.club.lot"].invalidate_model(["remaining_minor"])
        return line

    def _gift_once(
        self, key, amount, reason, expiry_days=None, today=None, kind="gift"
    ):
        """A gift credit recorded at most once per key (welcome, birthday,
        come-back, prizes); False when it was given already."""
        self.ensure_one()
        if amount <= 0:
            return False
        Ledger = self.env["loyalty.club.ledger"].sudo()
        if Ledger.search_count([("idempotency_key", "=", key)]):
            return False
        self._lock()
        if Ledger.search_count([("idempotency_key", "=", key)]):
            return False
        today = today or edge.club_today(self)
        return self._credit(
            kind,
            amount,
            key,
            fields.Datetime.now(),
            today,
            pending_days=0,
            expiry_days=expiry_days,
            reason=reason,
            channel="job",
        )

    @api.model
    def _ensure(self, partner, program):
        """The member's wallet in this program, opened when missing."""
        wallet = self.sudo().search(
            [("partner_id", "=", partner.id), ("program_id", "=", program.id)]
        )
        if not wallet:
            wallet = self.sudo().create(
                {
                    "partner_id": partner.id,
                    "program_id": program.id,
                    "tier_since": edge.club_today(self),
                }
            )
        return wallet

    # =================================================================== tiers
    def _upgrade_tier(self, today):
        """Move up at once when the rolling period's purchases reach a tier (the
        review job also moves down)."""
        self.ensure_one()
        new_tier = self._qualified_tier(today)
        if new_tier and (
            not self.tier_id or new_tier.threshold > self.tier_id.threshold
        ):
            self._set_tier(new_tier, "upgrade", today)

    def _qualified_tier(self, today):
        """The tier the rolling period's purchases give this wallet today (an
        empty recordset when the program has no tiers or none is reached)."""
        self.ensure_one()
        program = self.program_id
        Tier = self.env["loyalty.club.tier"]
        if not program.tier_ids:
            return Tier
        since = today - timedelta(days=program.tier_period_days or 365)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT COALESCE(SUM(paid_minor), 0) FROM loyalty_club_transaction "
            "WHERE wallet_id = %s AND date >= %s",
            [self.id, since],
        )
        paid = self.env.cr.fetchone()[0]
        key = rules.qualify(paid, program._tier_specs())
        return Tier.browse(key) if key else Tier

    def _set_tier(self, tier, reason, today):
        self.ensure_one()
        old = self.tier_id
        self.env["loyalty.club.tier.history"].sudo().create(
            {
                "wallet_id": self.id,
                "old_tier_id": old.id,
                "new_tier_id": tier.id,
                "reason": reason,
            }
        )
        self.sudo().write({"tier_id": tier.id, "tier_since": today})
        if self.partner_id and old != tier:
            self.env["loyalty.club.webhook"]._enqueue_tier_change(
                self, old, tier, reason
            )
            if tier:
                self.env["loyalty.club.message"]._queue_tier_change(self, tier)

    # ========================================================== scheduled jobs
    @api.model
    def _roll_balances(self, today=None, batch_size=50000):
        """Roll every stored balance dated before today to today, in batches."""
        today = today or edge.club_today(self)
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
            self._sql_refresh_balances(ids, today)
            total += len(ids)
        self.env.invalidate_all()
        return total

    @api.model
    def _review_tiers(self, today=None, batch_size=50000):
        """Move every member to the tier its rolling period earns (down or up).

        Paid amounts are summed in SQL, the core's ``rules.qualify`` decides, and
        the changes are written back in bulk with their history rows.
        """
        today = today or edge.club_today(self)
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
                # a tier bought with a club card holds until its end
                moves = self.env["loyalty.club.card.sale"]._keep_paid_tiers(
                    moves, today
                )
                self._bulk_set_tier(moves, today)
                changed += len(moves)
        self.env.invalidate_all()
        return changed

    @api.model
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
            "JOIN loyalty_club_wallet w ON w.id = m.wallet "
            "RETURNING id",
            {"uid": self.env.uid, "w": wallets, "o": olds, "n": news},
        )
        history_ids = [row[0] for row in cr.fetchall()]
        # the members' tier-change messages of the programs that send them, in
        # the same set-based way (one row per history row and channel)
        cr.execute(
            "INSERT INTO loyalty_club_message (event, channel, event_key, "
            "partner_id, wallet_id, program_id, company_id, figures, state, "
            "attempts, next_attempt, create_uid, write_uid, create_date, "
            "write_date) "
            "SELECT 'tier_change', ch.channel, "
            "'tier_change:' || h.id || ':' || ch.channel, w.partner_id, w.id, "
            "w.program_id, p.company_id, jsonb_build_object('tier_id', h.new_tier_id), "
            "'queued', 0, now() at time zone 'UTC', %(uid)s, %(uid)s, "
            "now() at time zone 'UTC', now() at time zone 'UTC' "
            "FROM loyalty_club_tier_history h "
            "JOIN loyalty_club_wallet w ON w.id = h.wallet_id "
            "JOIN loyalty_club_program p ON p.id = w.program_id "
            "CROSS JOIN LATERAL (VALUES ('sms', p.notify_tier_change_sms), "
            "('email', p.notify_tier_change_email)) AS ch(channel, wanted) "
            "WHERE h.id = ANY(%(ids)s) AND ch.wanted AND w.partner_id IS NOT NULL "
            "AND h.new_tier_id IS NOT NULL "
            "ON CONFLICT (event_key) DO NOTHING",
            {"uid": self.env.uid, "ids": history_ids},
        )
        if cr.rowcount:
            self.env["loyalty.club.message"]._trigger_send()

    @api.model
    def _gift_birthdays(self, today=None):
        """The birthday bonus of members whose birthday falls in the window."""
        today = today or edge.club_today(self)
        count = 0
        for program in (
            self.env["loyalty.club.program"].sudo().search([("birthday_bonus", ">", 0)])
        ):
            days = [
                today + timedelta(days=d)
                for d in range(program.birthday_window_days + 1)
            ]
            md = {(d.month, d.day) for d in days}
            wallets = self.sudo().search(
                [
                    ("program_id", "=", program.id),
                    ("partner_id.club_birthday", "!=", False),
                    ("partner_id.club_status", "=", "active"),
                ]
            )
            for wallet in wallets:
                birthday = wallet.partner_id.club_birthday
                if (birthday.month, birthday.day) in md:
                    count += bool(
                        wallet._gift_once(
                            f"birthday:{wallet.id}:{today.year}",
                            program.to_minor(program.birthday_bonus),
                            _("Birthday bonus"),
                            expiry_days=program.birthday_expiry_days,
                            today=today,
                        )
                    )
        return count

    @api.model
    def _gift_comebacks(self, today=None):
        """The come-back bonus of members who have not bought for a while."""
        today = today or edge.club_today(self)
        count = 0
        for program in (
            self.env["loyalty.club.program"].sudo().search([("comeback_bonus", ">", 0)])
        ):
            limit = fields.Datetime.to_datetime(
                today - timedelta(days=program.comeback_inactive_days)
            )
            wallets = self.sudo().search(
                [
                    ("program_id", "=", program.id),
                    ("last_purchase_date", "<", limit),
                    ("partner_id.club_status", "=", "active"),
                ]
            )
            for wallet in wallets:
                last = wallet.last_purchase_date.date().isoformat()
                count += bool(
                    wallet._gift_once(
                        f"comeback:{wallet.id}:{last}",
                        program.to_minor(program.comeback_bonus),
                        _("Come-back bonus"),
                        today=today,
                    )
                )
        return count
