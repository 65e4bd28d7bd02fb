"""Refunds: proportional, cumulative reversal of a check's earn and spend."""

from odoo import _, api, models
from odoo.exceptions import UserError

from .. import edge
from ..domain import errors as core_errors
from ..domain import ledger as core_ledger
from ..domain import money


class LoyaltyClubService(models.AbstractModel):
    _inherit = "loyalty.club.service"

    # ---------------------------------------------------------------- reverse
    @api.model
    def reverse(self, payload, idempotency_key):
        """Refund (part of) a confirmed check: earn and burn reversed in proportion."""
        self._check_caller()
        key = (idempotency_key or "").strip()
        if not key:
            raise UserError(_("A refund needs an idempotency key."))
        replay = self._replay(key, payload)
        if replay is not None:
            return replay
        original = self._original_check(payload)
        program, wallet = original.program_id, original.wallet_id
        today, now = self._today(payload), self._now(payload)
        if wallet:
            wallet._lock()
            replay = self._replay(key, payload)
            if replay is not None:
                return replay
        original.invalidate_recordset()
        refund_now = self._amount(
            payload.get("amount"),
            program.currency_id.decimal_places,
            _("Refund amount"),
        )
        earn_back, burn_back, burn_money_back = self._refund_shares(
            original, refund_now
        )
        txn = self._env()["loyalty.club.transaction"].create(
            self._txn_vals(
                dict(
                    payload,
                    store_id=payload.get("store_id") or original.store_id.id,
                    channel=payload.get("channel") or original.channel,
                    ref=payload.get("ref") or f"{original.ref}/refund",
                ),
                key,
                program,
                wallet,
                now,
                kind="refund",
                refund_of_id=original.id,
                request_hash=edge.request_hash(payload),
                amount_minor=refund_now,
                paid_minor=-(refund_now - burn_money_back),
                burn_minor=-burn_back,
                burn_money_minor=-burn_money_back,
                earn_minor=-earn_back,
            )
        )
        shortfall = 0
        if wallet:
            shortfall = self._take_back_earn(original, txn, earn_back, key, today)
            self._give_back_burn(original, txn, burn_back, key, today)
            wallet._refresh_balances(today)
        original.sudo().write(
            {
                "refunded_minor": original.refunded_minor + refund_now,
                "reversed_earn_minor": original.reversed_earn_minor + earn_back,
                "reversed_burn_minor": original.reversed_burn_minor + burn_back,
            }
        )
        units = lambda minor: float(program.from_minor(minor))  # noqa: E731
        response = {
            "transaction_id": txn.id,
            "ref": txn.ref,
            "replayed": False,
            "earn_reversed": units(earn_back - shortfall),
            "burn_returned": units(burn_back),
            "shortfall": units(shortfall),
            "available": wallet.balance_available if wallet else 0.0,
        }
        txn.write({"response": response})
        return response

    def _original_check(self, payload):
        Txn = self.env["loyalty.club.transaction"].sudo()
        original = Txn.browse()
        if payload.get("transaction_id"):
            original = Txn.browse(int(payload["transaction_id"])).exists()
        elif payload.get("original_key"):
            original = Txn.search(
                [("idempotency_key", "=", payload["original_key"])], limit=1
            )
        elif payload.get("original_ref"):
            original = Txn.search(
                [("ref", "=", payload["original_ref"]), ("kind", "=", "sale")], limit=1
            )
        if not original or original.kind != "sale":
            raise UserError(_("The check to refund was not found."))
        return original

    def _refund_shares(self, original, refund_now):
        """(earn, burn, burn money) this refund takes back, cumulative and exact."""
        program = original.program_id
        left = original.amount_minor - original.refunded_minor
        if refund_now <= 0:
            raise UserError(_("A refund amount must be positive."))
        if refund_now > left:
            raise UserError(
                _(
                    "Only %(left)s of this check is left to refund.",
                    left=program.money_from_minor(left),
                )
            )
        shares = []
        try:
            for total, reversed_before in (
                (original.earn_minor, original.reversed_earn_minor),
                (original.burn_minor, original.reversed_burn_minor),
            ):
                shares.append(
                    core_ledger.reversal_amount(
                        total,
                        original.amount_minor,
                        original.refunded_minor,
                        refund_now,
                        reversed_before,
                    )
                )
        except core_errors.DomainError as exc:
            self._raise(exc, program)
        earn_back, burn_back = shares
        burn_money_back = 0
        if original.burn_minor:
            weights = [burn_back, original.burn_minor - burn_back]
            burn_money_back = money.allocate(original.burn_money_minor, weights)[0]
        return earn_back, burn_back, burn_money_back

    def _take_back_earn(self, original, txn, amount, key, today):
        """Debit what the check earned (its own lot first); return what was gone."""
        if not amount:
            return 0
        wallet = original.wallet_id
        earn_lines = original.ledger_ids.filtered(lambda ln: ln.kind == "earn")
        allocations, shortfall = core_ledger.allocate_debit_partial(
            wallet._core_lots()[1],
            amount,
            today,
            prefer_keys=earn_lines.lot_id.ids,
            include_pending=True,
        )
        if allocations:
            self._debit(
                wallet,
                "reversal",
                allocations,
                f"{key}:earn",
                txn.date,
                reversed_id=earn_lines[:1].id,
                **self._txn_refs(txn),
            )
        if shortfall:
            txn.write(
                {
                    "needs_review": True,
                    "review_reason": _(
                        "%(amount)s earned on this check was already spent.",
                        amount=original.program_id.from_minor(shortfall),
                    ),
                }
            )
        return shortfall

    def _give_back_burn(self, original, txn, amount, key, today):
        """Credit spent bonuses back, expiring when the lots they came from would."""
        if not amount:
            return
        burn_lines = original.ledger_ids.filtered(lambda ln: ln.kind == "burn")
        expiries = [
            a.lot_id.expires_on
            for a in burn_lines.allocation_ids
            if a.lot_id.expires_on
        ]
        self._credit(
            original.wallet_id,
            "reversal",
            amount,
            f"{key}:burn",
            txn.date,
            today,
            pending_days=0,
            expires_on=max(expiries) if expiries else None,
            reversed_id=burn_lines[:1].id,
            **self._txn_refs(txn),
        )
