"""Gift cards: sold as a liability, spent as payment, partly and with bonuses."""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..domain import cards as core_cards
from ..domain import errors as core_errors
from ..domain import ledger as core_ledger
from ..domain import money


class LoyaltyClubService(models.AbstractModel):
    _inherit = "loyalty.club.service"

    def _gift_card(self, code, for_update=False):
        """The gift card behind a typed/scanned code, usable and with its wallet."""
        code = core_cards.normalize_code(code or "")
        card = (
            self.env["loyalty.club.card"].sudo().search([("code", "=", code)], limit=1)
        )
        if not card or card.kind != "gift":
            raise UserError(_("%(code)s is not a gift card.", code=code or "?"))
        card._check_usable()
        wallet = card.wallet_id
        if not wallet:
            raise UserError(_("Gift card %(code)s was never sold.", code=code))
        if for_update:
            wallet._lock()
        return card, wallet

    @api.model
    def gift_card_issue(self, payload, idempotency_key):
        """Sell a gift card: a card from stock (scanned) or a new electronic code."""
        self._check_caller()
        key = (idempotency_key or "").strip()
        if not key:
            raise UserError(_("A gift-card sale needs an idempotency key."))
        Ledger = self.env["loyalty.club.ledger"].sudo()
        done = Ledger.search([("idempotency_key", "=", f"{key}:issue")], limit=1)
        if done:
            return dict(self._gift_card_dict(done.wallet_id.card_id), replayed=True)
        program = self._program(payload)
        today, now = self._today(payload), self._now(payload)
        program._check_running(today)
        digits = program.currency_id.decimal_places
        amount = self._amount(payload.get("amount"), digits, _("Gift-card amount"))
        if amount <= 0:
            raise UserError(_("A gift card is sold for a positive amount."))
        Card = self.env["loyalty.club.card"].sudo()
        code = core_cards.normalize_code(payload.get("code") or "")
        if code:
            card = Card.search([("code", "=", code)], limit=1)
            if not card or card.state != "stock":
                raise UserError(_("Card %(code)s is not in stock.", code=code))
            card.write({"kind": "gift"})
        else:
            card = Card.create(
                {
                    "code": core_cards.random_code(),
                    "kind": "gift",
                    "program_id": program.id,
                }
            )
        card.write({"state": "active", "activated_on": today})
        wallet = (
            self.env["loyalty.club.wallet"]
            .sudo()
            .create({"card_id": card.id, "program_id": program.id, "kind": "gift_card"})
        )
        validity = payload.get("validity_days") or program.gift_card_validity_days
        self._credit(
            wallet,
            "issue",
            amount,
            f"{key}:issue",
            now,
            today,
            pending_days=0,
            expires_on=today + timedelta(days=validity) if validity else None,
            store_id=payload.get("store_id") or None,
            channel=payload.get("channel") or "backoffice",
            reason=payload.get("ref") or None,
        )
        wallet._refresh_balances(today)
        return dict(self._gift_card_dict(card), replayed=False)

    @api.model
    def gift_card_info(self, code):
        """Balance and validity of a gift card (back office, till, API)."""
        self._check_caller()
        card, wallet = self._gift_card(code)
        return self._gift_card_dict(card)

    def _gift_card_dict(self, card):
        wallet = card.wallet_id
        bal = wallet._core_balances()
        digits = wallet._unit_digits()
        return {
            "code": card.code,
            "state": card.state,
            "balance": float(money.from_minor(bal.available, digits)),
            "expires_on": fields.Date.to_string(bal.next_expiry)
            if bal.next_expiry
            else "",
            "currency": wallet.currency_id.name,
            "program_id": wallet.program_id.id,
        }

    def _apply_gift_cards(self, payload, txn, key, today):
        """Debit every gift card the order is paid with; all or nothing."""
        result = []
        for index, item in enumerate(payload.get("gift_cards") or []):
            card, wallet = self._gift_card(item.get("code"), for_update=True)
            if wallet.program_id != txn.program_id:
                raise UserError(
                    _("Gift card %(code)s belongs to another program.", code=card.code)
                )
            amount = self._amount(
                item.get("amount"), wallet._unit_digits(), _("Gift-card payment")
            )
            if amount <= 0:
                raise UserError(_("A gift-card payment must be positive."))
            try:
                allocations = core_ledger.allocate_debit(
                    wallet._core_lots()[1], amount, today
                )
            except core_errors.InsufficientBalance as exc:
                raise UserError(
                    _(
                        "Gift card %(code)s holds only %(balance)s.",
                        code=card.code,
                        balance=money.from_minor(
                            exc.params.get("available", 0), wallet._unit_digits()
                        ),
                    )
                ) from exc
            self._debit(
                wallet,
                "burn",
                allocations,
                f"{key}:gift:{index}",
                txn.date,
                **self._txn_refs(txn),
            )
            wallet._refresh_balances(today)
            result.append(self._gift_card_dict(card))
        return result
