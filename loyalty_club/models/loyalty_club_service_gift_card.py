"""The service's gift cards: issued by the back office, sold at a till or on
the web (a card with its money, once per idempotency key), looked up (a sale
paid with them finds them here: ``_confirm_gift_cards``) and cancelled while
nobody has used them yet.

Split from ``loyalty_club_service``, the same ``loyalty.club.service``: the
channels call it as before.
"""

from datetime import timedelta

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import float_repr

from ..domain import cards as core_cards
from ..domain import errors as core_errors
from ..domain import ledger as core_ledger


class LoyaltyClubService(models.AbstractModel):
    _inherit = "loyalty.club.service"

    def _gift_card(self, code, for_update=False):
        """The gift card behind a typed/scanned code, usable and with its wallet."""
        code = core_cards.normalize_code(code or "")
        card = (
            self.env["loyalty.club.card"].sudo().search([("code", "=", code)], limit=1)
        )
        if not card or card.kind != "gift":
            raise UserError(
                self.env._("%(code)s is not a gift card.", code=code or "?")
            )
        card._check_usable()
        wallet = card.wallet_id
        if not wallet:
            raise UserError(self.env._("Gift card %(code)s was never sold.", code=code))
        if for_update:
            wallet._lock()
        return card, wallet

    @api.model
    def gift_card_info(self, code):
        """Balance and validity of a gift card (back office, till, API)."""
        self._check_caller()
        card = self._gift_card(code)[0]
        return card._gift_card_dict()

    @api.model
    def gift_card_issue(self, payload, idempotency_key):
        """Sell a gift card: a card from stock (scanned) or a new electronic code.

        Steps: idempotency -> amount -> the card (from stock or new) -> its wallet
        -> the sale as an ``issue`` credit -> answer kept for replays.
        """
        key, replay = self._operation_start(
            idempotency_key,
            payload,
            self.env._("A gift-card sale needs an idempotency key."),
        )
        if replay is not None:
            return replay
        program = self._program(payload)
        today, now = self._today(payload), self._now(payload)
        program._check_running(today)
        amount = self._amount(
            payload.get("amount"),
            program.currency_id.decimal_places,
            self.env._("Gift-card amount"),
        )
        if amount <= 0:
            raise UserError(self.env._("A gift card is sold for a positive amount."))
        card = (
            self.env["loyalty.club.card"]
            .sudo()
            ._gift_card_to_sell(payload.get("code"), program, today)
        )
        wallet = (
            self.env["loyalty.club.wallet"]
            .sudo()
            .create({"card_id": card.id, "program_id": program.id, "kind": "gift_card"})
        )
        validity = payload.get("validity_days") or program.gift_card_validity_days
        wallet._credit(
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
        self.env["loyalty.club.message"]._queue_gift_card(wallet, payload)
        return self._remember(key, payload, card._gift_card_dict())

    @api.model
    def gift_card_sell(self, payload, idempotency_key):
        """Sell a gift-card product: ``product_id``, ``amount`` (free amounts),
        ``code`` (physical cards), ``buyer_id`` or ``email`` (electronic ones);
        an electronic card is e-mailed to its buyer."""
        self._check_caller()
        try:
            product_id = int(payload.get("product_id") or 0)
        except (TypeError, ValueError) as exc:
            raise UserError(self.env._("A product must be given by its id.")) from exc
        product = self.env["product.product"].sudo().browse(product_id).exists()
        if not product or not product.club_gift_card:
            raise UserError(self.env._("This product is not a club gift card."))
        program = product.club_gift_program_id or self._program({})
        if product.club_gift_amount == "fixed":
            if product.lst_price <= 0:
                raise UserError(
                    self.env._(
                        "A fixed-amount gift card is sold at its positive sales price."
                    )
                )
            amount = float_repr(product.lst_price, program.currency_id.decimal_places)
        else:
            amount = payload.get("amount")
            if amount in (None, "", False):
                raise UserError(self.env._("Give the amount of this gift card."))
        code = (payload.get("code") or "").strip()
        email = (payload.get("email") or "").strip()
        buyer = product.product_tmpl_id._club_gift_check_sale(
            code, payload.get("buyer_id"), email
        )
        sold = self.gift_card_issue(
            {
                "program_id": program.id,
                "amount": amount,
                "code": code,
                "store_id": payload.get("store_id"),
                "channel": payload.get("channel") or "backoffice",
                "ref": payload.get("ref") or product.display_name,
                # the buyer hears of the card (messages on consent)
                **({"customer_id": buyer.id} if buyer else {}),
            },
            idempotency_key,
        )
        if product.club_gift_medium == "electronic" and not sold.get("replayed"):
            card = (
                self.env["loyalty.club.card"]
                .sudo()
                .search([("code", "=", sold["code"])], limit=1)
            )
            card._send_gift_email(partner=buyer, email=email)
            sold["emailed"] = True
        return sold

    @api.model
    def gift_card_cancel_check(self, code):
        """'' when the sale of this gift card can be refunded, else why not."""
        self._check_caller()
        card = self.env["loyalty.club.card"].sudo()._gift_card_sold(code)
        return card._gift_cancel_refusal()

    @api.model
    def gift_card_cancel(self, payload, idempotency_key):
        """Refund the sale of an unused gift card: reverse it and block the card.

        Only a card nobody used yet: the money spent with it paid for goods, so
        the customer would be refunded twice.
        """
        key, replay = self._operation_start(
            idempotency_key,
            payload,
            self.env._("A gift-card refund needs an idempotency key."),
        )
        if replay is not None:
            return replay
        card = self.env["loyalty.club.card"].sudo()._gift_card_sold(payload.get("code"))
        wallet = card.wallet_id
        program = self._program(payload)
        if wallet.program_id != program:
            raise UserError(
                self.env._(
                    "Gift card %(code)s belongs to another program.", code=card.code
                )
            )
        wallet._lock()
        replay = self._operation_replay(key, payload)
        if replay is not None:
            return replay
        refusal = card._gift_cancel_refusal()
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
        wallet._debit(
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
        return self._remember(key, payload, card._gift_card_dict())
