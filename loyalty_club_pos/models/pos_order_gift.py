"""Gift cards at the till: sold as order lines, taken as payments."""

from odoo import _, models
from odoo.exceptions import UserError, ValidationError


class PosOrder(models.Model):
    _inherit = "pos.order"

    def _club_gift_sale_lines(self):
        """Lines selling a gift card, in the order they were rung up."""
        return self.lines.filtered(
            lambda line: line.product_id.club_gift_card
            and not line.refunded_orderline_id
        ).sorted("id")

    def _club_issue_gift_cards(self, program):
        """Issue the gift cards this order sells (once: keyed by the order)."""
        service = self._club_service()
        for n, line in enumerate(self._club_gift_sale_lines(), start=1):
            amount = self.currency_id.round(line.price_subtotal_incl)
            code = (line.club_gift_code or "").strip()
            if line.qty != 1 or amount <= 0:
                self._club_flag(
                    _(
                        "Gift card line %(n)s was not issued: a gift card line sells "
                        "one card for a positive amount.",
                        n=n,
                    )
                )
                continue
            payload = dict(self._club_payload_base(program), amount=amount)
            if code:
                payload["code"] = code
            try:
                with self.env.cr.savepoint():
                    card = service.gift_card_issue(
                        payload, f"{self._club_key()}:gift:{n}"
                    )
            except (UserError, ValidationError) as exc:
                self._club_flag(
                    _(
                        "The gift card %(code)s (%(amount)s) was not issued: "
                        "%(reason)s",
                        code=code or _("to be made by the club"),
                        amount=self._club_money(amount),
                        reason=self._club_reason(exc),
                    )
                )
                continue
            line.write(
                {
                    "club_gift_code": card["code"],
                    "club_gift_expires_on": card.get("expires_on") or False,
                }
            )

    def _club_gift_payments(self):
        return self.payment_ids.filtered(
            lambda p: p.payment_method_id.club_kind == "gift_card"
        )

    def _club_gift_payment_totals(self):
        """{card number: money paid with it} over the gift card payment lines."""
        totals = {}
        for payment in self._club_gift_payments():
            code = (payment.club_gift_code or "").strip().upper()
            totals[code] = totals.get(code, 0.0) + payment.amount
        return {code: self.currency_id.round(amount) for code, amount in totals.items()}

    def _club_gift_cards_paid(self):
        """The ``gift_cards`` of the confirm payload: [{code, amount}]."""
        return [
            {"code": code, "amount": amount}
            for code, amount in self._club_gift_payment_totals().items()
            if code and amount > 0
        ]

    def _club_check_gift_payments(self):
        """Flag gift card payments the club cannot book as rung up."""
        for code, amount in self._club_gift_payment_totals().items():
            if not code and amount:
                self._club_flag(
                    _(
                        "%(amount)s was paid with the gift card method without a "
                        "card number; please review this order.",
                        amount=self._club_money(amount),
                    )
                )
            elif amount < 0:
                self._club_flag(
                    _(
                        "%(amount)s was given back to gift card %(code)s at the "
                        "till; the club did not credit the card: please review "
                        "this order.",
                        amount=self._club_money(-amount),
                        code=code,
                    )
                )

    def _club_store_gift_balances(self, cards):
        """Write what each gift card holds after this order (for the receipt)."""
        balances = {card["code"]: card.get("balance", 0.0) for card in cards}
        for payment in self._club_gift_payments():
            code = (payment.club_gift_code or "").strip().upper()
            if code in balances:
                payment.club_gift_balance = balances[code]
