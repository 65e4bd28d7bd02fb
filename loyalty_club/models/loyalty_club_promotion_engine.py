"""Promotions and coupons in the service's quote and confirm.

The adapter between ``loyalty.club.service`` and the core's promotion engine
(``domain/promo.py``): it gathers the candidates, the lines with their products,
the coupons and the context, lets the core decide, and consumes coupons, budgets
and limits when a sale is booked.

Lines of the payload carry the amounts before promotions (with ``product_id``
and ``qty`` for product conditions); ``coupon_codes`` lists the coupons shown.
Discounts reduce the amounts the member earns on and pays; extra bonuses are
credited as their own ``earn`` lines (key ``<key>:earn:promo:<id>``) and count
in the check's earn, so refunds take them back in proportion.

Every channel gets price discounts, the till too (it shows them as lines and
sends the amounts before promotions); ``skip_promotions`` is for a POS sale
rung up without a member, where the till applied none. Each applied promotion
carries its ``message`` (the promotion's receipt message) for the receipt.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import edge
from ..domain import errors as core_errors
from ..domain import money, rules
from ..domain import promo as core_promo


@dataclass(frozen=True)
class PromoQuote(rules.Quote):
    """A core quote with the promotions that shaped it."""

    promo: core_promo.Result | None = None
    coupons: tuple = ()
    before_promotions: int = 0
    core_promotions: tuple = ()


@dataclass(frozen=True)
class Evaluation:
    """The promotions' verdict on an order, before its earn and spend."""

    result: core_promo.Result
    discounted: dict
    coupons: tuple
    before_promotions: int
    core: list


class LoyaltyClubPromotionEngine(models.AbstractModel):
    _name = "loyalty.club.promotion.engine"
    _description = "Club Promotions in Quotes and Sales"

    def _promo_candidates(self, program, today):
        return (
            self.env["loyalty.club.promotion"]
            .sudo()
            .search(
                [
                    ("program_id", "=", program.id),
                    "|",
                    ("date_from", "=", False),
                    ("date_from", "<=", today),
                    "|",
                    ("date_to", "=", False),
                    ("date_to", ">=", today),
                ]
            )
        )

    def _promo_lines(self, payload, lines):
        out = []
        for raw, line in zip(payload["lines"], lines, strict=True):
            product = self._promo_product(raw)
            qty = self._promo_qty(raw.get("qty", 1))
            categs = product.categ_id
            if categs.parent_path:
                categs = categs.browse(
                    int(i) for i in categs.parent_path.split("/") if i
                )
            out.append(
                core_promo.PromoLine(
                    key=line.key,
                    amount=line.amount,
                    qty=qty,
                    product_id=product.id or None,
                    category_ids=frozenset(categs.ids),
                    attribute_value_ids=frozenset(
                        product.product_template_attribute_value_ids.product_attribute_value_id.ids
                    ),
                )
            )
        return out

    @api.model
    def _offers_for(self, wallet):
        """Promotions aimed at this member's tier or segments, and their coupons."""
        offers = []
        if not wallet:
            return offers
        today = edge.club_today(self)
        partner = wallet.partner_id
        segments = self.env["loyalty.club.segment"].sudo().search([])
        mine = segments._match(partner, today)
        for promo in self._promo_candidates(wallet.program_id, today):
            if promo.requires_coupon or not (promo.tier_ids or promo.segment_ids):
                continue
            if promo.tier_ids and wallet.tier_id not in promo.tier_ids:
                continue
            if promo.segment_ids and not promo.segment_ids & mine:
                continue
            offers.append({"kind": "promotion", "id": promo.id, "name": promo.name})
        coupons = (
            self.env["loyalty.club.coupon"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("state", "=", "valid")])
        )
        for coupon in coupons:
            if not coupon._problem(partner, today, wallet.program_id):
                offers.append(
                    {
                        "kind": "coupon",
                        "id": coupon.promotion_id.id,
                        "code": coupon.code,
                        "name": coupon.promotion_id.name,
                    }
                )
        return offers

    def _promo_product(self, raw):
        """The line's product: ``product_id``, else its barcode or SKU."""
        Product = self.env["product.product"].sudo()
        try:
            product_id = int(raw.get("product_id") or 0)
        except (TypeError, ValueError) as exc:
            raise UserError(self.env._("A product must be given by its id.")) from exc
        if product_id:
            return Product.browse(product_id).exists()
        for field, value in (
            ("barcode", raw.get("barcode")),
            ("default_code", raw.get("sku")),
        ):
            if value:
                product = Product.search([(field, "=", value)], limit=1)
                if product:
                    return product
        return Product

    def _promo_qty(self, value):
        """Whole items of a line: 2.0 is 2, a weighed 0.5 kg is one item."""
        try:
            qty = Decimal(repr(value) if isinstance(value, float) else str(value))
        except (InvalidOperation, ValueError) as exc:
            raise UserError(self.env._("A quantity must be a number.")) from exc
        if not qty.is_finite() or qty <= 0:
            return 0
        return max(1, int(qty))

    def _promo_coupons(self, payload, program, wallet, today, strict):
        codes = payload.get("coupon_codes") or []
        if not isinstance(codes, list):
            raise UserError(self.env._("Coupon codes must be a list."))
        Coupon = self.env["loyalty.club.coupon"].sudo()
        valid, report = Coupon, []
        for code in codes:
            code = str(code).strip().upper()
            coupon = Coupon.search([("code", "=", code)], limit=1)
            problem = (
                coupon._problem(wallet.partner_id, today, program)
                if coupon
                else self.env._("There is no coupon %(code)s.", code=code)
            )
            if problem and strict:
                raise UserError(problem)
            if not problem:
                valid |= coupon
            report.append({"code": code, "valid": not problem, "reason": problem or ""})
        return valid, report

    def _promo_context(self, payload, program, wallet, today, coupons):
        partner = wallet.partner_id if wallet else self.env["res.partner"]
        segments = self.env["loyalty.club.segment"].sudo().search([])
        first = bool(wallet) and not self.env[
            "loyalty.club.transaction"
        ].sudo().search_count(
            [("wallet_id", "=", wallet.id), ("kind", "=", "sale")], limit=1
        )
        store = payload.get("store_id")
        return core_promo.Context(
            when=fields.Datetime.context_timestamp(
                self, self.env["loyalty.club.service"]._now(payload)
            ),
            store_id=int(store) if store else None,
            channel=payload.get("channel") or "backoffice",
            member=bool(wallet),
            tier_id=wallet.tier_id.id if wallet else None,
            segment_ids=frozenset(segments._match(partner, today).ids),
            first_purchase=first,
            coupon_keys=frozenset(coupons.promotion_id.ids),
        )

    @api.model
    def _evaluate_order(self, payload, program, wallet, today, confirming=False):
        """The promotions' verdict on the order, or None when none can apply.

        ``confirming``: the sale will be booked, so a coupon that is not valid
        is refused and the promotions with budgets or limits are locked.
        """
        if payload.get("skip_promotions"):
            # a POS sale rung up without a member: the till quoted no promotion,
            # so none was given and no budget or coupon may be spent on it
            return None
        promotions = self._promo_candidates(program, today)
        if not promotions and not payload.get("coupon_codes"):
            return None
        service = self.env["loyalty.club.service"]
        lines = service._core_lines(payload, program)
        coupons, report = self._promo_coupons(
            payload, program, wallet, today, confirming
        )
        partner = wallet.partner_id if wallet else self.env["res.partner"]
        if confirming:
            promotions.filtered(
                lambda p: p.budget or p.limit_per_member or p.limit_per_day
            )._lock()
        core = [p._core(partner, today) for p in promotions]
        ctx = self._promo_context(payload, program, wallet, today, coupons)
        try:
            result = core_promo.evaluate(self._promo_lines(payload, lines), core, ctx)
        except (core_errors.DomainError, ValueError, TypeError) as exc:
            raise UserError(self.env._("Invalid promotion input: %s", exc)) from exc
        amounts = result.amounts()
        digits = program.currency_id.decimal_places
        discounted = dict(
            payload,
            lines=[
                dict(raw, amount=str(money.from_minor(amounts[line.key], digits)))
                for raw, line in zip(payload["lines"], lines, strict=True)
            ],
        )
        return Evaluation(
            result=result,
            discounted=discounted,
            coupons=tuple(report),
            before_promotions=sum(line.amount for line in lines),
            core=core,
        )

    @api.model
    def _with_promotions(self, base, evaluation):
        """The core quote of the discounted order, with the promotions' bonuses."""
        result = core_promo.with_bonuses(
            evaluation.result, evaluation.core, base.earn_per_line
        )
        return PromoQuote(
            **base.__dict__,
            promo=result,
            coupons=evaluation.coupons,
            before_promotions=evaluation.before_promotions,
            core_promotions=tuple(evaluation.core),
        )

    @api.model
    def _quote_fields(self, quote, program, wallet):
        """The promotions' part of a quote's answer (and the earn they add)."""
        units = lambda minor: float(program.from_minor(minor))  # noqa: E731
        cash = lambda minor: float(program.money_from_minor(minor))  # noqa: E731
        promo = getattr(quote, "promo", None)
        result = dict(
            promotions=[],
            near_misses=[],
            coupons=[],
            discount=0.0,
            bonus_promotions=0.0,
            total_before_promotions=cash(quote.lines_amount),
        )
        if promo is None:
            return result
        records = (
            self.env["loyalty.club.promotion"]
            .sudo()
            .browse([a.key for a in promo.applied] + [m.key for m in promo.near_misses])
        )
        names = {p.id: p.name for p in records}
        messages = {p.id: p.receipt_message or "" for p in records}
        bonus = promo.bonus if wallet else 0
        result.update(
            total_before_promotions=cash(quote.before_promotions),
            discount=cash(promo.discount),
            earn=units(quote.earn + bonus) if wallet else 0.0,
            earn_if_member=units(quote.earn + promo.bonus),
            # the line's own earn and its share of the bonus promotions: the
            # lines add up to the check's earn
            earn_per_line=self._earn_per_line(quote, promo, wallet, units),
            bonus_promotions=units(bonus),
            coupons=list(quote.coupons),
            promotions=[
                {
                    "id": a.key,
                    "name": names.get(a.key, a.name),
                    "effect": a.effect,
                    "discount": cash(a.discount),
                    "discount_per_line": {
                        str(k): cash(v) for k, v in a.discount_per_line.items()
                    },
                    "bonus": units(a.bonus),
                    "message": messages.get(a.key, ""),
                }
                for a in promo.applied
            ],
            near_misses=[
                self._near_miss_dict(m, program, names) for m in promo.near_misses
            ],
        )
        return result

    def _earn_per_line(self, quote, promo, wallet, units):
        if not wallet:
            return {str(k): 0.0 for k in quote.earn_per_line}
        extra = core_promo.bonus_per_line(
            promo, quote.core_promotions, quote.earn_per_line
        )
        return {
            str(k): units(v + extra.get(k, 0)) for k, v in quote.earn_per_line.items()
        }

    def _near_miss_dict(self, miss, program, names):
        if miss.code == "min_amount":
            message = self.env._(
                "Spend %(amount)s more to get %(promotion)s.",
                amount=program.money_from_minor(miss.missing),
                promotion=names.get(miss.key, miss.name),
            )
        elif miss.code == "bundle":
            product = self.env["product.product"].sudo().browse(miss.product_id)
            message = self.env._(
                "Add %(product)s to get %(promotion)s.",
                product=product.display_name,
                promotion=names.get(miss.key, miss.name),
            )
        else:
            message = self.env._(
                "Add %(count)s more item(s) to get %(promotion)s.",
                count=miss.missing,
                promotion=names.get(miss.key, miss.name),
            )
        return {
            "id": miss.key,
            "name": names.get(miss.key, miss.name),
            "reason": miss.code,
            "missing": float(program.money_from_minor(miss.missing))
            if miss.code == "min_amount"
            else miss.missing,
            "message": message,
        }

    @api.model
    def _consume(self, quote, txn, wallet, key, now, today):
        """Consume coupons, budgets and limits; credit the extra bonuses."""
        promo = getattr(quote, "promo", None)
        if promo is None or not promo.applied:
            return
        Promotion = self.env["loyalty.club.promotion"].sudo()
        applied_ids = [a.key for a in promo.applied]
        codes = [c["code"] for c in quote.coupons if c["valid"]]
        coupons = (
            self.env["loyalty.club.coupon"]
            .sudo()
            .search([("code", "in", codes), ("promotion_id", "in", applied_ids)])
        )
        coupons._consume(txn, now)
        env = self.env["loyalty.club.service"]._env()
        bonus_total = 0
        for applied in promo.applied:
            promotion = Promotion.browse(applied.key)
            bonus = applied.bonus if wallet else 0
            used = bonus if promotion._is_bonus() else applied.discount
            if promotion.budget and used:
                env.cr.execute(
                    "UPDATE loyalty_club_promotion SET budget_used_minor = "
                    "COALESCE(budget_used_minor, 0) + %s WHERE id = %s",
                    [used, promotion.id],
                )
            env["loyalty.club.promotion.usage"].create(
                {
                    "promotion_id": promotion.id,
                    "partner_id": txn.partner_id.id,
                    "transaction_id": txn.id,
                    "date": today,
                    "discount": float(
                        txn.program_id.money_from_minor(applied.discount)
                    ),
                    "bonus": float(txn.program_id.from_minor(bonus)),
                }
            )
            if bonus:
                bonus_total += bonus
                wallet._credit(
                    "earn",
                    bonus,
                    f"{key}:earn:promo:{promotion.id}",
                    now,
                    today,
                    **txn._ledger_refs(),
                )
        Promotion.invalidate_model(["budget_used_minor"])
        if bonus_total:
            txn.write(
                {
                    "earn_minor": txn.earn_minor + bonus_total,
                    "earned": float(
                        txn.program_id.from_minor(txn.earn_minor + bonus_total)
                    ),
                }
            )
