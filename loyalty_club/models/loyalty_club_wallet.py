from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..domain import ledger as core_ledger
from ..domain import money

# the stored balances: each is an integer in the unit's minor units (the truth)
# with a float twin for display, pivots and search
BALANCES = ("available", "pending", "expiring_soon")


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
        related="program_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="program_id.currency_id")
    wallet_type_id = fields.Many2one(related="program_id.wallet_type_id", store=True)
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
        lots = self.env["loyalty.club.lot"].search(
            [("wallet_id", "=", self.id), ("remaining_minor", ">", 0)]
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
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        return core_ledger.balances(self._core_lots()[1], today)

    def _refresh_balances(self, today=None):
        """Store what the ledger's open lots say; the only writer of the balances."""
        today = today or fields.Date.context_today(self)
        for wallet in self:
            bal = wallet._core_balances(today)
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
            WITH agg AS (
                SELECT w.id AS wallet_id,
                       COALESCE(SUM(l.remaining_minor)
                           FILTER (WHERE l.available_from <= %(today)s), 0)
                           AS available,
                       COALESCE(SUM(l.remaining_minor)
                           FILTER (WHERE l.available_from > %(today)s), 0) AS pending,
                       COALESCE(SUM(l.remaining_minor)
                           FILTER (WHERE l.expires_on <= %(horizon)s), 0) AS soon,
                       MIN(l.expires_on) AS next_expiry,
                       CASE WHEN w.kind = 'gift_card' THEN MIN(c.decimal_places)
                            ELSE MIN(t.digits) END AS digits
                  FROM loyalty_club_wallet w
                  JOIN loyalty_club_program p ON p.id = w.program_id
                  JOIN res_currency c ON c.id = p.currency_id
                  JOIN loyalty_club_wallet_type t ON t.id = p.wallet_type_id
                  LEFT JOIN loyalty_club_lot l
                         ON l.wallet_id = w.id AND l.remaining_minor > 0
                        AND (l.expires_on IS NULL OR l.expires_on > %(today)s)
                 WHERE w.id = ANY(%(ids)s)
                 GROUP BY w.id
            )
            UPDATE loyalty_club_wallet w
               SET available_minor = agg.available,
                   pending_minor = agg.pending,
                   expiring_soon_minor = agg.soon,
                   balance_available = agg.available / power(10, agg.digits),
                   balance_pending = agg.pending / power(10, agg.digits),
                   balance_expiring_soon = agg.soon / power(10, agg.digits),
                   next_expiry_date = agg.next_expiry,
                   balance_date = %(today)s
              FROM agg
             WHERE w.id = agg.wallet_id
            """,
            {
                "ids": list(wallet_ids),
                "today": today,
                "horizon": today + timedelta(days=soon_days),
            },
        )
        self.invalidate_model()

    def _ledger_mismatches(self, today=None):
        """Prove the stored balances: [(wallet, what, stored, ledger)] where they
        differ."""
        today = today or fields.Date.context_today(self)
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
