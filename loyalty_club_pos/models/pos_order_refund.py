"""Refunds at the till: each refunded order gives back its share of the club.

A refund of one order is reversed with the key ``pos:<refund uuid>``. An order
that refunds several orders, or that also sells new goods (an exchange), keys
each reversal ``pos:<refund uuid>:refund:<refunded order uuid>``; its new goods
are a sale of their own (see ``_club_confirm``).
"""

from odoo import _, models
from odoo.exceptions import UserError, ValidationError


class PosOrder(models.Model):
    _inherit = "pos.order"

    def _club_refund_groups(self):
        """[(refunded order, lines of this order refunding it)], oldest first."""
        groups = {}
        for line in self.lines.filtered("refunded_orderline_id"):
            original = line.refunded_orderline_id.order_id
            groups[original] = groups.get(original, line.browse()) | line
        return sorted(groups.items(), key=lambda item: item[0].id)

    def _club_sale_check(self):
        """The club check of this order's sale, if the club saw it."""
        txn = self._club_done()
        if not txn and self.club_transaction_id.kind == "sale":
            txn = self.club_transaction_id
        return txn.sudo() if txn.kind == "sale" else txn.browse()

    def _club_reverse_refunds(self):
        groups = self._club_refund_groups()
        single = len(groups) == 1 and not self._club_sale_lines()
        for original, lines in groups:
            gift = lines.filtered(lambda line: line.product_id.club_gift_card)
            if gift:
                self._club_cancel_gift_cards(original, gift)
            key = self._club_key()
            if not single:
                key = f"{key}:refund:{original.uuid}"
            if lines - gift:
                self._club_reverse(original, lines - gift, key)

    def _club_cancel_gift_cards(self, original, lines):
        """A gift card sold and refunded: its sale is reversed and the card blocked
        (only an unused card; the till asks the club before the refund is paid)."""
        program = self.config_id.club_program_id
        for line in lines:
            sold = line.refunded_orderline_id
            code = sold.club_gift_code
            if not code:
                continue  # never issued: the sale was flagged, nothing to take back
            payload = dict(self._club_payload_base(program), code=code)
            try:
                with self.env.cr.savepoint():
                    self._club_service().gift_card_cancel(
                        payload, f"{self._club_key()}:gift-refund:{sold.id}"
                    )
            except (UserError, ValidationError) as exc:
                self._club_flag(
                    _(
                        "The gift card %(code)s sold with %(order)s was refunded at "
                        "the till but keeps its money: %(reason)s Please review "
                        "this order.",
                        code=code,
                        order=original.pos_reference or original.name,
                        reason=self._club_reason(exc),
                    )
                )
                continue
            line.write({"club_gift_code": code})

    def _club_reverse(self, original, lines, key):
        """Give back the refunded share of the original check's earn and burn."""
        txn = original._club_sale_check()
        if not txn:
            return
        done = self._club_check(key)
        if done:
            return self._club_store_reversal(done, done.response or {}, original)
        program = txn.program_id
        refund_minor = program.money_to_minor(
            self.currency_id.round(-sum(lines.mapped("price_subtotal_incl")))
        )
        total_minor = program.money_to_minor(
            original.currency_id.round(
                sum(original._club_sale_lines().mapped("price_subtotal_incl"))
            )
        )
        if refund_minor <= 0 or total_minor <= 0:
            return
        # the club saw txn.amount_minor of this order (less after an earn-only review)
        share = min(
            refund_minor * txn.amount_minor // total_minor,
            txn.amount_minor - txn.refunded_minor,
        )
        if share <= 0:
            return
        payload = dict(
            self._club_payload_base(program),
            original_key=txn.idempotency_key,
            amount=str(program.money_from_minor(share)),
            origin={"model": "pos.order", "id": self.id},
        )
        payload.pop("program_id")
        try:
            with self.env.cr.savepoint():
                response = self._club_service().reverse(payload, key)
        except (UserError, ValidationError) as exc:
            return self._club_flag(
                _(
                    "The club refund was not recorded: %(reason)s",
                    reason=self._club_reason(exc),
                )
            )
        self._club_store_reversal(self._club_check(key), response, original)

    def _club_store_reversal(self, txn, response, original):
        vals = {
            "club_earned": self.club_earned - response.get("earn_reversed", 0.0),
            "club_spent": self.club_spent - response.get("burn_returned", 0.0),
            "club_balance": response.get("available", 0.0),
        }
        if not self.club_transaction_id:
            vals["club_transaction_id"] = txn.id
        wallet = original.club_wallet_id or txn.wallet_id
        if not self.club_wallet_id and wallet:
            vals["club_wallet_id"] = wallet.id
        self.write(vals)
        if response.get("shortfall"):
            self._club_flag(
                _(
                    "%(amount)s earned on the refunded order was already spent.",
                    amount=response["shortfall"],
                )
            )


class PosConfig(models.Model):
    _inherit = "pos.config"

    def club_gift_card_refund_check(self, line_ids):
        """Before a refund is paid: may the gift cards these sold lines issued be
        refunded (unused)? The club answers; the till only shows the refusal."""
        service = self._club_service()
        lines = (
            self.env["pos.order.line"]
            .sudo()
            .browse([int(line_id) for line_id in line_ids or []])
            .exists()
            .filtered(
                lambda line: line.product_id.club_gift_card
                and line.company_id == self.company_id
            )
        )
        try:
            for line in lines:
                if not line.club_gift_code:
                    continue
                refusal = service.gift_card_cancel_check(line.club_gift_code)
                if refusal:
                    raise UserError(refusal)
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)
        return {"status": "ok"}
