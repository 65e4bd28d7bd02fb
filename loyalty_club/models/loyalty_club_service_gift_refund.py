"""Refunding the sale of a gift card: only a card nobody used yet.

The card's money is taken back with a reversal of its sale (the liability goes
away) and the card is blocked. A card already used, even in part, is refused:
the money spent with it paid for goods, so the customer would be refunded twice.
"""

from odoo import api, models
from odoo.exceptions import UserError

from ..domain import cards as core_cards
from ..domain import errors as core_errors
from ..domain import ledger as core_ledger
from ..domain import money


class LoyaltyClubService(models.AbstractModel):
    _inherit = "loyalty.club.service"

    def _gift_card_sold(self, code):
        """(card, wallet) of a gift card that was sold, blocked or not."""
        code = core_cards.normalize_code(code or "")
        card = (
            self.env["loyalty.club.card"].sudo().search([("code", "=", code)], limit=1)
        )
        if not card or card.kind != "gift" or not card.wallet_id:
            raise UserError(
                self.env._(
                    "%(code)s is not a gift card that was sold.", code=code or "?"
                )
            )
        return card, card.wallet_id

    def _gift_cancel_refusal(self, card, wallet):
        """Why the sale of this gift card cannot be refunded, or ''."""
        if card.state != "active":
            return self.env._(
                "Gift card %(code)s is not active: its sale cannot be refunded.",
                code=card.code,
            )
        lines = wallet.ledger_ids
        issue = lines.filtered(lambda line: line.kind == "issue")
        if len(issue) == 1 and not lines - issue:
            return ""
        digits = wallet._unit_digits()
        return self.env._(
            "Gift card %(code)s was already used (%(left)s left of %(sold)s): only an "
            "unused gift card can be refunded.",
            code=card.code,
            left=money.from_minor(wallet._core_balances().available, digits),
            sold=money.from_minor(sum(issue.mapped("amount_minor")), digits),
        )

    @api.model
    def gift_card_cancel_check(self, code):
        """'' when the sale of this gift card can be refunded, else why not."""
        self._check_caller()
        card, wallet = self._gift_card_sold(code)
        return self._gift_cancel_refusal(card, wallet)

    @api.model
    def gift_card_cancel(self, payload, idempotency_key):
        """Refund the sale of an unused gift card: reverse it and block the card."""
        self._check_caller()
        key = (idempotency_key or "").strip()
        if not key:
            raise UserError(self.env._("A gift-card refund needs an idempotency key."))
        card, wallet = self._gift_card_sold(payload.get("code"))
        Ledger = self.env["loyalty.club.ledger"].sudo()
        if Ledger.search_count([("idempotency_key", "=", f"{key}:cancel")]):
            return dict(self._gift_card_dict(card), replayed=True)
        program = self._program(payload)
        if wallet.program_id != program:
            raise UserError(
                self.env._(
                    "Gift card %(code)s belongs to another program.", code=card.code
                )
            )
        wallet._lock()
        if Ledger.search_count([("idempotency_key", "=", f"{key}:cancel")]):
            return dict(self._gift_card_dict(card), replayed=True)
        refusal = self._gift_cancel_refusal(card, wallet)
        if refusal:
            raise UserError(refusal)
        today, now = self._today(payload), self._now(payload)
        issue = wallet.ledger_ids.filtered(lambda line: line.kind == "issue")
        try:
            allocations = core_ledger.allocate_debit(
                wallet._core_lots()[1], issue.amount_minor, today
            )
        except core_errors.DomainError as exc:
            self._raise(exc, program)
        self._debit(
            wallet,
            "reversal",
            allocations,
            f"{key}:cancel",
            now,
            reversed_id=issue.id,
            store_id=payload.get("store_id") or None,
            channel=payload.get("channel") or "backoffice",
            reason=payload.get("ref") or None,
        )
        card.write({"state": "blocked"})
        wallet._refresh_balances(today)
        return dict(self._gift_card_dict(card), replayed=False)
