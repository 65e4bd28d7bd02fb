"""Confirm and reverse: the only writers of ledger lines and lots."""

from datetime import timedelta

from odoo import _, api, models
from odoo.exceptions import UserError, ValidationError

from .. import edge
from ..domain import ledger as core_ledger
from ..domain import money


class LoyaltyClubService(models.AbstractModel):
    _inherit = "loyalty.club.service"

    # ---------------------------------------------------------------- confirm
    def _replay(self, key, payload):
        """The stored answer of an already confirmed key, or None."""
        done = (
            self.env["loyalty.club.transaction"]
            .sudo()
            .search([("idempotency_key", "=", key)], limit=1)
        )
        if not done:
            return None
        if done.request_hash != edge.request_hash(payload):
            raise ValidationError(
                _(
                    "The idempotency key %(key)s was already used for another request.",
                    key=key,
                )
            )
        return dict(done.response or {}, replayed=True)

    @api.model
    def confirm(self, payload, idempotency_key):
        """Apply an order's earn and burn in this transaction; the same key is
        applied once."""
        self._check_caller()
        key = (idempotency_key or "").strip()
        if not key:
            raise UserError(_("A confirmation needs an idempotency key."))
        replay = self._replay(key, payload)
        if replay is not None:
            return replay
        program = self._program(payload)
        today, now = self._today(payload), self._now(payload)
        program._check_running(today)
        spends = self._amount(payload.get("burn") or 0, program.digits, _("Spend")) > 0
        wallet = self._wallet_for(payload, program, required=spends)
        if wallet:
            wallet._lock()
            # a concurrent twin may have won the lock
            replay = self._replay(key, payload)
            if replay is not None:
                return replay
        lot_recs, lots = wallet._core_lots() if wallet else (None, [])
        quote = self._quote(payload, program, wallet, today, lots)
        limit_vals = self._confirm_limits(payload, program, wallet, quote, today)
        env = self._env()
        txn = env["loyalty.club.transaction"].create(
            self._txn_vals(
                payload,
                key,
                program,
                wallet,
                now,
                **limit_vals,
                kind="sale",
                amount_minor=quote.lines_amount,
                paid_minor=quote.to_pay,
                burn_minor=quote.burn,
                burn_money_minor=quote.burn_money,
                earn_minor=quote.earn if wallet else 0,
                line_count=len(payload.get("lines") or []),
            )
        )
        common = self._txn_refs(txn)
        if wallet and quote.burn:
            allocations = core_ledger.allocate_debit(lots, quote.burn, today)
            self._debit(wallet, "burn", allocations, f"{key}:burn", now, **common)
        if wallet and quote.earn:
            self._credit(
                wallet, "earn", quote.earn, f"{key}:earn", now, today, **common
            )
        self._confirm_hook(payload, key, quote, txn, wallet, now, today)
        if wallet:
            self._upgrade_tier(wallet, today)
            wallet.sudo().write({"last_purchase_date": now})
            wallet._refresh_balances(today)
        gift_cards = self._apply_gift_cards(payload, txn, key, today)
        response = self._quote_dict(quote, program, wallet)
        response["gift_cards"] = gift_cards
        response.update(transaction_id=txn.id, ref=txn.ref, replayed=False)
        if wallet:
            response["available"] = wallet.balance_available
            response["pending"] = wallet.balance_pending
        txn.write({"response": response})
        return response

    def _confirm_hook(self, payload, key, quote, txn, wallet, now, today):
        """Extensions (promotions, coupons) apply their effects of the check."""
        return None

    def _txn_vals(self, payload, key, program, wallet, now, **vals):
        origin = payload.get("origin") or {}
        store = payload.get("store_id")
        vals.update(
            ref=str(payload.get("ref") or key),
            idempotency_key=key,
            request_hash=vals.pop("request_hash", None) or edge.request_hash(payload),
            wallet_id=wallet.id if wallet else False,
            partner_id=wallet.partner_id.id
            if wallet
            else payload.get("customer_id") or False,
            program_id=program.id,
            company_id=program.company_id.id,
            currency_id=program.currency_id.id,
            store_id=int(store) if store else False,
            channel=payload.get("channel") or "backoffice",
            date=now,
            origin_model=origin.get("model"),
            origin_id=origin.get("id") or 0,
        )
        sign = -1 if vals.get("kind") == "refund" else 1
        vals.setdefault(
            "amount",
            float(program.money_from_minor(sign * vals.get("amount_minor", 0))),
        )
        vals.setdefault("earned", float(program.from_minor(vals.get("earn_minor", 0))))
        vals.setdefault("spent", float(program.from_minor(vals.get("burn_minor", 0))))
        return vals

    def _line_vals(self, wallet, kind, amount, key, now, **extra):
        program = wallet.program_id
        # gift-card money is currency; bonus units are worth the program's point value
        gift = wallet.kind == "gift_card"
        money_minor = money.convert(
            amount,
            wallet._unit_digits(),
            program.currency_id.decimal_places,
            edge.decimal(1.0 if gift else program.point_value),
            rounding="half_up",
        )
        vals = {
            "wallet_id": wallet.id,
            "partner_id": wallet.partner_id.id,
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
        wallet,
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
        program = wallet.program_id
        env = self._env()
        line = env["loyalty.club.ledger"].create(
            self._line_vals(wallet, kind, amount, key, now, **extra)
        )
        pending = program.pending_days if pending_days is None else pending_days
        expiry = program.expiry_days if expiry_days is None else expiry_days
        if expires_on is None and expiry:
            expires_on = today + timedelta(days=expiry)
        lot = env["loyalty.club.lot"].create(
            {
                "wallet_id": wallet.id,
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

    def _debit(self, wallet, kind, allocations, key, now, **extra):
        """A debit line taking from lots as the core allocated."""
        total = sum(amount for _lot, amount in allocations)
        env = self._env()
        line = env["loyalty.club.ledger"].create(
            self._line_vals(wallet, kind, -total, key, now, **extra)
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

    @api.model
    def flag_review(self, transaction_id, reason):
        """Mark a check for a manager's review (e.g. an offline spend refused)."""
        self._check_caller()
        txn = self.env["loyalty.club.transaction"].sudo().browse(int(transaction_id))
        if not txn.exists():
            raise UserError(_("The check to flag was not found."))
        txn.write({"needs_review": True, "review_reason": reason})
        return True

    def _txn_refs(self, txn):
        return {
            "transaction_id": txn.id,
            "store_id": txn.store_id.id,
            "channel": txn.channel,
        }
