"""Scheduled jobs: expiry, balance roll-over, tier review, gift bonuses."""

from datetime import timedelta

from odoo import _, api, fields, models

from ..domain import ledger as core_ledger
from ..domain import rules


class LoyaltyClubService(models.AbstractModel):
    _inherit = "loyalty.club.service"

    # -------------------------------------------------------------- scheduled
    @api.model
    def _cron_expire(self, today=None, batch_size=5000):
        """Expire what is left of lots past their date, in batches, one wallet lock
        at a time."""
        today = today or fields.Date.context_today(self)
        now = fields.Datetime.now()
        done = 0
        while True:
            self.env.cr.execute(
                "SELECT DISTINCT wallet_id FROM loyalty_club_lot "
                "WHERE remaining_minor > 0 AND expires_on <= %s LIMIT %s",
                [today, batch_size],
            )
            wallet_ids = [row[0] for row in self.env.cr.fetchall()]
            if not wallet_ids:
                break
            wallets = self.env["loyalty.club.wallet"].sudo().browse(wallet_ids)
            wallets._lock()
            for wallet in wallets:
                lots = wallet._core_lots()[1]
                for lot_id, amount in core_ledger.expire(lots, today):
                    self._debit(
                        wallet,
                        "expire",
                        [(lot_id, amount)],
                        f"expire:{lot_id}",
                        now,
                        channel="job",
                    )
                    done += 1
            wallets._refresh_balances(today)
            self.env.flush_all()
        return done

    @api.model
    def _cron_refresh_balances(self, today=None):
        """Pending lots become available and lots come near expiry as days pass."""
        today = today or fields.Date.context_today(self)
        self.env.cr.execute(
            "SELECT id FROM loyalty_club_wallet WHERE balance_date IS NULL OR "
            "balance_date < %s",
            [today],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        Wallet = self.env["loyalty.club.wallet"].sudo()
        for start in range(0, len(ids), 1000):
            Wallet.browse(ids[start : start + 1000])._refresh_balances(today)
            self.env.flush_all()
        return len(ids)

    @api.model
    def _cron_tier_review(self, today=None):
        """Downgrade (or upgrade) every wallet to the tier its rolling period earns."""
        today = today or fields.Date.context_today(self)
        changed = 0
        for program in (
            self.env["loyalty.club.program"].sudo().search([("tier_ids", "!=", False)])
        ):
            since = today - timedelta(days=program.tier_period_days or 365)
            self.env.flush_all()
            self.env.cr.execute(
                "SELECT w.id, COALESCE(SUM(t.paid_minor), 0) FROM "
                "loyalty_club_wallet w "
                "LEFT JOIN loyalty_club_transaction t ON t.wallet_id = w.id AND "
                "t.date >= %s "
                "WHERE w.program_id = %s AND w.partner_id IS NOT NULL GROUP BY w.id",
                [since, program.id],
            )
            specs = program._tier_specs()
            Wallet = self.env["loyalty.club.wallet"].sudo()
            for wallet_id, paid in self.env.cr.fetchall():
                key = rules.qualify(paid, specs)
                wallet = Wallet.browse(wallet_id)
                if (key or False) != (wallet.tier_id.id or False):
                    self._set_tier(
                        wallet,
                        self.env["loyalty.club.tier"].browse(key),
                        "review",
                        today,
                    )
                    changed += 1
        return changed

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
