"""Club promotions at the till: discount lines, coupon codes, the server's check.

The till shows the discounts of the club's quote as lines of the "Club
promotion" product, one per promotion and set of taxes, carrying the taxes of
the lines they discount: the discount lowers each tax's base, as pos_loyalty's
reward lines do. The goods lines keep their full price, so the club is sent the
amounts before promotions (with product and quantity) and recomputes the
promotions itself when the order is confirmed. A till that gave more (or less)
than the club grants (a stale quote, a budget just spent, a coupon used at
another till) keeps its sale: the order is saved and flagged for review.
"""

from odoo import _, api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    club_promotion = fields.Boolean(
        help="The till shows the club's promotion discounts as lines of this product."
    )


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model
    def _load_pos_data_fields(self, config_id):
        fields_list = super()._load_pos_data_fields(config_id)
        return fields_list + ["club_promotion"] if fields_list else fields_list


class PosConfig(models.Model):
    _inherit = "pos.config"

    @api.model
    def _get_special_products(self):
        """Every till loads the promotion discount product (never in the grid)."""
        products = super()._get_special_products()
        promo = self.env.ref(
            "loyalty_club_pos.product_club_promotion", raise_if_not_found=False
        )
        return products | promo if promo else products


class PosOrder(models.Model):
    _inherit = "pos.order"

    club_coupon_codes = fields.Char(
        string="Club Coupons",
        readonly=True,
        copy=False,
        help="Coupon codes the cashier entered (comma-separated).",
    )

    def _club_promo_lines(self):
        return self.lines.filtered(
            lambda line: line.product_id.club_promotion
            and not line.refunded_orderline_id
        )

    def _club_sale_lines(self):
        """The goods only: the promotion lines are the club's to compute."""
        return (
            super()
            ._club_sale_lines()
            .filtered(lambda line: not line.product_id.club_promotion)
        )

    def _club_reverse(self, original, lines, key):
        # refunding a promotion line with the goods is the money the till gives
        # back; the club reverses its share of the goods refunded
        goods = lines.filtered(lambda line: not line.product_id.club_promotion)
        return super()._club_reverse(original, goods, key)

    def _club_coupon_list(self):
        return [c.strip() for c in (self.club_coupon_codes or "").split(",") if c]

    def _club_promo_applied(self):
        """Discount the till gave on the sale (positive money)."""
        return self.currency_id.round(
            -sum(self._club_promo_lines().mapped("price_subtotal_incl"))
        )

    def _club_attempts(self, payload, bonus_money):
        """The goods with product and quantity and the coupons shown; when the
        club refuses a coupon (used at another till meanwhile), the sale is still
        recorded without it."""
        by_key = {line.uuid or str(line.id): line for line in self._club_sale_lines()}
        payload = dict(
            payload,
            # the till applies promotions to identified members only
            skip_promotions=not payload.get("wallet_id"),
            lines=[
                dict(
                    raw,
                    product_id=by_key[raw["key"]].product_id.id,
                    qty=abs(by_key[raw["key"]].qty),
                )
                if raw.get("key") in by_key
                else raw
                for raw in payload["lines"]
            ],
        )
        applied = self._club_promo_applied()
        attempts = []
        for attempt, dropped in super()._club_attempts(payload, bonus_money):
            if "burn" in dropped and applied:
                # the earn-only fallback: what was paid after the till's discounts
                paid = self.currency_id.round(attempt["lines"][0]["amount"] - applied)
                if paid <= 0:
                    continue
                attempt = dict(attempt, lines=[{"key": "paid", "amount": paid}])
            attempts.append((attempt, dropped))
        codes = self._club_coupon_list()
        if not codes:
            return attempts
        with_codes = [(dict(a, coupon_codes=codes), d) for a, d in attempts]
        return with_codes + [(a, d + ("coupon",)) for a, d in attempts]

    def _club_dropped_message(self, dropped, bonus_money, reason):
        message = super()._club_dropped_message(dropped, bonus_money, reason)
        if "coupon" in dropped:
            message = " ".join(
                m
                for m in (
                    message,
                    _(
                        "The coupon %(codes)s was refused by the club: %(reason)s "
                        "Please review this order.",
                        codes=", ".join(self._club_coupon_list()),
                        reason=reason,
                    ),
                )
                if m
            )
        return message

    def _club_apply(self):
        todo = self.filtered(
            lambda o: o.config_id.club_program_id and not o.club_transaction_id
        )
        res = super()._club_apply()
        for order in todo:
            order._club_check_promotions()
        return res

    def _club_check_promotions(self):
        """Compare the discounts the till gave with those the club granted."""
        applied = self._club_promo_applied()
        txn = self._club_done()
        granted = (txn.response or {}).get("discount", 0.0) if txn else 0.0
        # each promotion line may round its share by one cent
        tolerance = self.currency_id.rounding * max(len(self._club_promo_lines()), 1)
        if abs(applied - granted) <= tolerance + 1e-9:
            return
        if applied > granted:
            message = _(
                "The till gave %(applied)s of club promotions, the club granted "
                "%(granted)s; please review this order.",
                applied=self._club_money(applied),
                granted=self._club_money(granted),
            )
        else:
            message = _(
                "The club granted %(granted)s of promotions, the till gave only "
                "%(applied)s; please review this order.",
                applied=self._club_money(applied),
                granted=self._club_money(granted),
            )
        self._club_flag(message, txn or None)
