"""The club on a web shop's cart, built on the sales order's club interface
(loyalty_club_sale: ``_club_wallet``, ``_club_quote``, ``_club_apply_bonuses``,
``_club_remove_bonuses``, ``_club_confirm_paid``, ``_club_release``).

What the web shop adds:

- the cart's club panel (``_club_website_panel``): balance, held, the most the
  cart may spend and what it earns, the promotions, all from the service's
  quote;
- gift cards paying part of the cart: a line of the product "Gift card
  payment" (no tax) per card, its amount fitted to what is left to pay after
  every change of the cart; the card is debited by the sale's ``confirm``
  (its ``gift_cards``) when the order is paid;
- a guest identified by card or phone and the one-time code sent to the
  member's phone (the order's ``club_card_code``);
- the paid order booked with the club (``_club_website_book``), from the
  payment transaction or from the confirmation of a cart paid in full by the
  club; the web channel ``website`` on every request of a web order.
"""

from odoo import Command, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero
from odoo.tools.misc import format_amount, formatLang

# a guest's proof of the phone: the code of this purpose, used up once
CODE_PURPOSE = "spend"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ============================================================== payloads
    def _club_goods_lines(self):
        """A gift card pays for the goods: it is not one of them."""
        return (
            super()
            ._club_goods_lines()
            .filtered(lambda line: not line.club_gift_card_code)
        )

    def _club_payload(self, program, wallet, burn=0.0, **extra):
        """A web order speaks to the club as the web shop, and the sale it books
        is paid in part with its gift cards."""
        payload = super()._club_payload(program, wallet, burn, **extra)
        if self.website_id:
            payload["channel"] = "website"
        gift_cards = self._club_website_gift_payments()
        if gift_cards:
            payload["gift_cards"] = gift_cards
        return payload

    def _club_website_gift_payments(self):
        """The gift cards of the order as the service's ``confirm`` takes them."""
        return [
            {
                "code": line.club_gift_card_code,
                "amount": self.currency_id.round(-line.price_total),
            }
            for line in self._club_website_gift_lines()
        ]

    # ================================================================= panel
    def _club_website_program(self):
        """The member's program, else the one the service picks for the
        order's company."""
        self.ensure_one()
        return self._club_wallet().program_id or self._club_programs()[:1]

    def _club_website_club_products(self):
        """The products of the lines the club writes on an order."""
        return self._club_bonus_product() | self._club_promotion_product()

    def _club_website_promotion_lines(self):
        return self._club_promotion_lines()

    def _club_website_gift_lines(self):
        return self.order_line.filtered("club_gift_card_code").sorted("id")

    def _club_website_money(self, amount):
        return format_amount(self.env, amount, self.currency_id)

    def _club_website_panel(self):
        """What the cart shows of the club; every figure is the service's."""
        self.ensure_one()
        program = self._club_website_program()
        if not program:
            return {}
        values = {
            "member": False,
            "unit": program.unit_name or "",
            "gift_cards": [
                {
                    "code": line.club_gift_card_code,
                    "text": self.env._(
                        "Gift card %(code)s pays %(amount)s.",
                        code=line.club_gift_card_code,
                        amount=self._club_website_money(-line.price_total),
                    ),
                }
                for line in self._club_website_gift_lines()
            ],
            "bonus_money": self._club_website_money(self.club_bonus_money)
            if self.club_bonus_applied
            else "",
        }
        wallet = self._club_wallet()
        if not wallet:
            return values
        try:
            quote = self._club_quote() if self._club_goods_lines() else {}
        except (UserError, ValidationError) as exc:
            quote, values["quote_error"] = {}, exc.args[0]
        bal = wallet._spend_balances()

        def units(value):
            return formatLang(self.env, value, digits=program.digits)

        unit = program.unit_name or ""
        available = units(float(program.from_minor(bal.available)))
        values.update(
            member=True,
            name=wallet.partner_id.name or "",
            tier=wallet.tier_id.name or "",
            available=available,
            balance_text=self.env._(
                "Available: %(available)s %(unit)s.", available=available, unit=unit
            ),
            held_text=self.env._(
                "Held for orders: %(held)s %(unit)s.",
                held=units(float(program.from_minor(bal.held))),
                unit=unit,
            )
            if bal.held
            else "",
            applied=units(self.club_bonus_applied) if self.club_bonus_applied else "",
            applied_text=self.env._(
                "Spent on this order: %(points)s %(unit)s (%(money)s).",
                points=units(self.club_bonus_applied),
                unit=unit,
                money=self._club_website_money(self.club_bonus_money),
            )
            if self.club_bonus_applied
            else "",
        )
        if quote:
            values.update(
                max_spend=units(quote["burn_max"]),
                max_spend_value=quote["burn_max"],
                max_text=self.env._(
                    "This cart may spend up to %(points)s %(unit)s (%(money)s).",
                    points=units(quote["burn_max"]),
                    unit=unit,
                    money=self._club_website_money(quote["burn_max_money"]),
                ),
                earn=units(quote["earn"]) if quote["earn"] else "",
                earn_text=self.env._(
                    "Paid, this order earns %(points)s %(unit)s.",
                    points=units(quote["earn"]),
                    unit=unit,
                )
                if quote["earn"]
                else "",
                promotions=[
                    self._club_website_promotion_text(promo, units, unit)
                    for promo in quote.get("promotions") or []
                ],
                near_misses=[m["message"] for m in quote.get("near_misses") or []],
                limits=[hit["message"] for hit in quote.get("limits") or []],
            )
        return values

    def _club_website_promotion_text(self, promo, units, unit):
        """A promotion of the quote as the cart says it: its effect and the
        message it shows at the till."""
        if promo.get("discount") and promo.get("bonus"):
            text = self.env._(
                "%(promotion)s: %(discount)s off and %(bonus)s %(unit)s more.",
                promotion=promo["name"],
                discount=self._club_website_money(promo["discount"]),
                bonus=units(promo["bonus"]),
                unit=unit,
            )
        elif promo.get("discount"):
            text = self.env._(
                "%(promotion)s: %(discount)s off.",
                promotion=promo["name"],
                discount=self._club_website_money(promo["discount"]),
            )
        elif promo.get("bonus"):
            text = self.env._(
                "%(promotion)s: %(bonus)s %(unit)s more.",
                promotion=promo["name"],
                bonus=units(promo["bonus"]),
                unit=unit,
            )
        else:
            text = promo["name"]
        return {"text": text, "message": promo.get("message") or ""}

    # =============================================================== bonuses
    def _club_website_apply_bonuses(self, amount):
        """The member spends ``amount`` bonuses (typed in the cart) on the cart,
        within the quote's maximum; the answer is the cart's message."""
        self.ensure_one()
        wallet = self._club_wallet()
        if not wallet:
            raise UserError(
                self.env._("Sign in or identify yourself as a member to spend bonuses.")
            )
        program = wallet.program_id
        service = self._club_service()
        text = "".join(str(amount or "").split())
        # "1,000.50" and "1000,50" alike: a comma is a decimal mark only alone
        text = text.replace(",", "") if "." in text else text.replace(",", ".")
        points = service._amount(text, program.digits, self.env._("Bonuses to spend"))
        if points <= 0:
            raise UserError(self.env._("Give the number of bonuses to spend."))
        quote = self._club_quote()
        maximum = program.to_minor(quote.get("burn_max") or 0)
        if points > maximum:
            raise UserError(
                self.env._(
                    "This cart may spend at most %(maximum)s %(unit)s: %(asked)s "
                    "%(unit)s is more.",
                    maximum=formatLang(
                        self.env, quote.get("burn_max") or 0, digits=program.digits
                    ),
                    asked=formatLang(
                        self.env,
                        float(program.from_minor(points)),
                        digits=program.digits,
                    ),
                    unit=program.unit_name or "",
                )
            )
        self._club_apply_bonuses(float(program.from_minor(points)))
        self._club_website_fit_gift_cards()
        return self.env._(
            "%(points)s %(unit)s pay %(money)s of this order. They are held for it "
            "and spent when it is paid.",
            points=formatLang(self.env, self.club_bonus_applied, digits=program.digits),
            unit=program.unit_name or "",
            money=self._club_website_money(self.club_bonus_money),
        )

    def _club_website_remove_bonuses(self):
        self.ensure_one()
        self._club_remove_bonuses()
        self._club_website_fit_gift_cards()
        return True

    # ============================================================ gift cards
    def _club_website_gift_product(self):
        return self.env.ref("loyalty_club_website.product_club_gift_card_payment")

    def _club_website_apply_gift_card(self, code):
        """Pay what is left of the cart with a gift card (up to its balance)."""
        self.ensure_one()
        if not code:
            raise UserError(self.env._("Give the code of the gift card."))
        service = self._club_service()
        info = service.gift_card_info(code)
        code = info["code"]
        if code in self._club_website_gift_lines().mapped("club_gift_card_code"):
            raise UserError(
                self.env._("Gift card %(code)s already pays for this order.", code=code)
            )
        program = self._club_website_program()
        if info["program_id"] != program.id or info["currency"] != (
            self.currency_id.name
        ):
            raise UserError(
                self.env._(
                    "Gift card %(code)s cannot pay in this shop.",
                    code=code,
                )
            )
        if info["state"] != "active" or info["balance"] <= 0:
            raise UserError(
                self.env._("Gift card %(code)s has nothing left to spend.", code=code)
            )
        due = self._club_website_due()
        if float_compare(due, 0.0, precision_rounding=self.currency_id.rounding) <= 0:
            raise UserError(self.env._("Nothing is left to pay on this order."))
        amount = min(info["balance"], due)
        self.with_context(club_skip_cap_check=True).write(
            {
                "order_line": [
                    Command.create(
                        {
                            "product_id": self._club_website_gift_product().id,
                            "name": self.env._("Gift card %(code)s", code=code),
                            "product_uom_qty": 1.0,
                            "price_unit": -amount,
                            "tax_id": [Command.clear()],
                            "club_gift_card_code": code,
                            "sequence": max(self.order_line.mapped("sequence") or [10])
                            + 2,
                        }
                    )
                ]
            }
        )
        return self.env._(
            "Gift card %(code)s pays %(amount)s of this order (it holds %(balance)s); "
            "it is debited when the order is paid.",
            code=code,
            amount=self._club_website_money(amount),
            balance=self._club_website_money(info["balance"]),
        )

    def _club_website_remove_gift_card(self, code):
        self.ensure_one()
        lines = self._club_website_gift_lines().filtered(
            lambda line: line.club_gift_card_code == code
        )
        lines.with_context(club_skip_cap_check=True).unlink()
        return True

    def _club_website_due(self, gift_lines=None):
        """What is left to pay once the bonuses have paid, before gift cards."""
        gift_lines = (
            self._club_website_gift_lines() if gift_lines is None else gift_lines
        )
        return self.currency_id.round(
            sum((self.order_line - gift_lines).mapped("price_total"))
        )

    def _club_website_fit_gift_cards(self):
        """After a change of the cart: each gift card pays what is left, up to
        its balance now; a card with nothing left to pay (or no longer
        usable) leaves the cart."""
        self.ensure_one()
        lines = self._club_website_gift_lines()
        if not lines or self.state not in ("draft", "sent"):
            return
        due = self._club_website_due(lines)
        service = self._club_service()
        dropped = self.env["sale.order.line"]
        for line in lines:
            try:
                with self.env.cr.savepoint():
                    balance = service.gift_card_info(line.club_gift_card_code)[
                        "balance"
                    ]
            except (UserError, ValidationError):
                balance = 0.0
            amount = max(min(balance, due), 0.0)
            if float_is_zero(amount, precision_rounding=self.currency_id.rounding):
                dropped |= line
                continue
            if self.currency_id.compare_amounts(-line.price_unit, amount):
                line.with_context(club_skip_cap_check=True).price_unit = -amount
            due -= amount
        dropped.with_context(club_skip_cap_check=True).unlink()

    def _club_website_check_payable(self):
        """Before payment: the gift cards still hold what they pay, and the
        bonuses applied are still held for this order."""
        self.ensure_one()
        service = self._club_service()
        for line in self._club_website_gift_lines():
            info = service.gift_card_info(line.club_gift_card_code)
            if (
                info["state"] != "active"
                or self.currency_id.compare_amounts(info["balance"], -line.price_total)
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "Gift card %(code)s now holds only %(balance)s: go back to "
                        "the cart and apply it again.",
                        code=line.club_gift_card_code,
                        balance=self._club_website_money(info["balance"]),
                    )
                )
        if self.club_bonus_applied and not self._club_open_hold():
            raise ValidationError(
                self.env._(
                    "The bonuses applied to this order are no longer held for it: "
                    "go back to the cart and apply them again."
                )
            )

    # ================================================================= guest
    def _club_website_send_code(self, identifier):
        """Send the member behind a card number or phone a code to prove it
        is theirs; the member's wallet, or nothing (the caller answers the same
        either way)."""
        self.ensure_one()
        Wallet = self.env["loyalty.club.wallet"].sudo()
        program = self._club_website_program()
        if not program:
            return Wallet
        service = self._club_service()
        try:
            with self.env.cr.savepoint():
                wallet = service._wallet_for({"identifier": identifier}, program)
                service.send_code(
                    {
                        "program_id": program.id,
                        "wallet_id": wallet.id,
                        "purpose": CODE_PURPOSE,
                        "channel": "website",
                    }
                )
        except (UserError, ValidationError):
            return Wallet
        return wallet

    def _club_website_link_wallet(self, wallet_id, code):
        """The code proves the member's phone: the cart becomes the member's
        (the order's club card is the member's card)."""
        self.ensure_one()
        wallet = self.env["loyalty.club.wallet"].sudo().browse(wallet_id or 0).exists()
        if not wallet or not code:
            raise UserError(self.env._("Wrong code: check it, or ask for a new one."))
        partner = wallet.partner_id
        self.env["loyalty.club.code"].sudo()._consume(
            partner, CODE_PURPOSE, f"website:{self.id}:identify", code=code
        )
        card = partner.club_card_ids.filtered(
            lambda c: c.state == "active"
            and c.kind != "gift"
            and c.program_id == wallet.program_id
        ).sorted(lambda c: c.kind != "physical")[:1]
        identifier = card.code or partner.club_phone
        self.with_context(club_skip_cap_check=True).sudo().write(
            {"club_card_code": identifier}
        )
        if self._club_wallet() != wallet:
            raise UserError(self.env._("This membership cannot be used here."))
        # the member's promotions now apply to the cart
        self._club_website_refit()
        return self.env._(
            "Welcome, %(name)s: this order earns and spends with your club card.",
            name=partner.name,
        )

    # ============================================================ the shop
    def _cart_update(self, product_id, line_id=None, add_qty=0, set_qty=0, **kwargs):
        """A cart changed after its bonuses were applied spends at most its new
        maximum (the hold is made again for it), and its gift cards pay what
        is left."""
        res = super(
            SaleOrder, self.with_context(club_skip_cap_check=True)
        )._cart_update(
            product_id, line_id=line_id, add_qty=add_qty, set_qty=set_qty, **kwargs
        )
        self._club_website_refit()
        return res

    def _club_website_refit(self):
        """The club's lines follow the cart: its promotions, its bonuses (at
        most the cart's new maximum), its gift cards (what is left to pay). A
        refusal of the club gives the bonuses back rather than block the cart."""
        self.ensure_one()
        self._club_sync_promotions()
        if self.club_bonus_applied:
            try:
                with self.env.cr.savepoint():
                    self._club_website_refit_bonuses()
            except (UserError, ValidationError):
                self._club_remove_bonuses()
                self.shop_warning = self.env._(
                    "Your cart changed: the bonuses are back in your balance."
                )
        self._club_website_fit_gift_cards()

    def _club_website_refit_bonuses(self):
        quote = self._club_quote() if self._club_goods_lines() else {}
        maximum = quote.get("burn_max") or 0.0
        if maximum <= 0:
            self._club_remove_bonuses()
            self.shop_warning = self.env._(
                "Your cart changed: the bonuses are back in your balance."
            )
        elif float_compare(maximum, self.club_bonus_applied, precision_digits=6) < 0:
            self._club_apply_bonuses(maximum)
            self.shop_warning = self.env._(
                "Your cart changed: it now spends %(points)s bonuses, the most it may.",
                points=formatLang(
                    self.env, maximum, digits=self._club_wallet().program_id.digits
                ),
            )

    def _remove_delivery_line(self):
        res = super()._remove_delivery_line()
        for order in self.filtered("website_id"):
            order._club_website_fit_gift_cards()
        return res

    def _set_delivery_method(self, delivery_method, rate=None):
        res = super()._set_delivery_method(delivery_method, rate=rate)
        for order in self.filtered("website_id"):
            order._club_website_fit_gift_cards()
        return res

    def _get_update_prices_lines(self):
        """The shop prices its carts again at checkout: the club's lines keep
        the amounts the club gave them."""
        return (
            super()
            ._get_update_prices_lines()
            .filtered(lambda line: not line._club_website_is_club_line())
        )

    def _get_no_effect_on_threshold_lines(self):
        """Odoo's own loyalty programs (sale_loyalty, which alone calls this):
        the club's lines neither reach their thresholds nor are discounted by
        their order-wide rewards."""
        return super()._get_no_effect_on_threshold_lines() | self.order_line.filtered(
            lambda line: line._club_website_is_club_line()
        )

    def _discountable_order(self, reward):
        """Odoo's order-wide rewards (sale_loyalty, which alone calls this)
        count the untaxed lines of an order whatever the threshold lines say:
        what the club's bonuses and gift cards pay stays discountable, as if
        they were not there (Odoo's gift cards and eWallet, which pay what is
        left, still see them)."""
        discountable, per_tax = super()._discountable_order(reward)
        if reward.program_id.is_payment_program:
            return discountable, per_tax
        club = self.order_line.filtered(
            lambda line: line._club_website_is_club_line() and not line.tax_id
        )
        if club:
            amount = sum(club.mapped("price_total"))
            discountable -= amount
            per_tax[self.env["account.tax"]] -= amount
        return discountable, per_tax

    def _check_cart_is_ready_to_be_paid(self):
        res = super()._check_cart_is_ready_to_be_paid()
        self._club_website_check_payable()
        return res

    def write(self, vals):
        """A guest's checkout names the customer after the cart was linked to
        the member by a card: the membership stays the card's."""
        if (
            "partner_id" in vals
            and "club_card_code" not in vals
            and all(order.website_id and order.club_card_code for order in self)
        ):
            self = self.with_context(club_skip_cap_check=True)
        return super().write(vals)

    # ================================================================== paid
    def _club_website_paid_in_full(self):
        """Paid: the done transactions cover the order (or the club's bonuses
        and gift cards left nothing to pay)."""
        self.ensure_one()
        paid = sum(
            self.transaction_ids.filtered(lambda tx: tx.state == "done").mapped(
                "amount"
            )
        )
        return self.currency_id.compare_amounts(paid, self.amount_total) >= 0

    def _club_website_book(self):
        """Book the paid web orders with the club (earn now, the hold captured,
        the gift cards debited), once; a refusal is noted on the order for
        review and never undoes the payment."""
        for order in self:
            if (
                order.state != "sale"
                or not order.website_id
                or order.sudo().club_transaction_id
                or not order._club_website_paid_in_full()
            ):
                continue
            if not (order._club_wallet() or order._club_website_gift_lines()):
                continue
            try:
                with self.env.cr.savepoint():
                    order._club_confirm_paid()
            except (UserError, ValidationError) as exc:
                order._club_flag(
                    self.env._(
                        "The club did not book this paid order: %(reason)s",
                        reason=exc.args[0] if exc.args else str(exc),
                    )
                )

    def _club_confirm_paid(self):
        """A customer who is not a member may pay with a gift card: the sale is
        booked without a member, to debit the card."""
        txn = super()._club_confirm_paid()
        if txn or not self._club_website_gift_lines() or self._club_wallet():
            return txn
        program = self._club_website_program()
        payload = self._club_payload(program, self._club_wallet(), 0, strict=True)
        response = self._club_service().confirm(payload, self._club_paid_key())
        txn = txn.browse(response["transaction_id"])
        self._club_store_check(txn)
        return txn

    def _validate_order(self):
        """A cart the club's bonuses and gift cards paid in full is confirmed
        without a payment: that is its payment."""
        res = super()._validate_order()
        for order in self.filtered(lambda o: o.website_id and o.state == "sale"):
            if order.currency_id.is_zero(order.amount_total):
                order._club_website_book()
        return res
