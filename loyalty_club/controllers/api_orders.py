"""Orders (quote, confirm, refund), gift cards and coupons."""

from decimal import Decimal

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from ..domain import cards as core_cards
from ..domain import money
from .api_common import (
    API,
    ROUTE,
    ApiError,
    bad,
    endpoint,
    from_user_error,
    json_body,
    json_response,
    number,
    text,
)
from .api_member_data import identify, program_of, service
from .api_order_data import (
    ORIGIN_MODEL,
    build_payload,
    check_coupons,
    coupon_dict,
    find_coupon,
    find_sale,
    find_store,
    gift_card_info,
    idempotency,
    order_dict,
    parse_lines,
)


class LoyaltyClubApiOrders(http.Controller):
    @http.route(
        f"{API}/orders/quote",
        **ROUTE,
        methods=["POST"],
        readonly=True,
    )
    @endpoint("quote")
    def quote(self, key, **params):
        """What the order earns and the most it may spend; records nothing."""
        program = program_of(key)
        payload = build_payload(key, json_body(), program)
        member = (
            identify(key, payload["identifier"]) if "identifier" in payload else None
        )
        check_coupons(payload, key)
        gift_cards = [
            dict(gift_card_info(item["code"]), amount=float(item["amount"]))
            for item in payload["gift_cards"]
        ]
        result = service().quote(payload)
        answer = order_dict(result, payload)
        products = self._products(payload["lines"])
        for line, product in zip(answer["lines"], products, strict=True):
            line["product_id"] = product.id or None
        answer.update(gift_cards=gift_cards, available=result.get("available"))
        if member:
            answer["tier"] = member.tier_id.name or None
        return json_response(answer)

    def _products(self, lines):
        Product = request.env["product.product"].sudo()
        barcodes = {ln["barcode"] for ln in lines if ln["barcode"]}
        skus = {ln["sku"] for ln in lines if ln["sku"]}
        by_barcode = {
            p.barcode: p for p in Product.search([("barcode", "in", list(barcodes))])
        }
        by_sku = {
            p.default_code: p
            for p in Product.search([("default_code", "in", list(skus))])
        }
        return [
            by_barcode.get(ln["barcode"]) or by_sku.get(ln["sku"]) or Product
            for ln in lines
        ]

    @http.route(
        f"{API}/orders",
        **ROUTE,
        methods=["POST"],
        readonly=False,
    )
    @endpoint("confirm", write=True)
    def confirm(self, key, **params):
        """Earn and burn for good; once per Idempotency-Key."""
        body = json_body()
        program = program_of(key)
        payload = build_payload(key, body, program)
        external_ref = text(body, "external_ref", required=True, max_len=128)
        payload["ref"] = external_ref
        svc_key, done = idempotency(key, payload)
        if not done:
            if find_sale(key, external_ref):
                raise ApiError(
                    409,
                    "duplicate_external_ref",
                    _(
                        "The order %(ref)s was already confirmed with another "
                        "Idempotency-Key.",
                        ref=external_ref,
                    ),
                )
            if "identifier" in payload:
                identify(key, payload["identifier"])
            check_coupons(payload, key)
            for item in payload["gift_cards"]:
                gift_card_info(item["code"])
        result = service().confirm(payload, svc_key)
        answer = order_dict(result, payload)
        answer.update(
            transaction_id=result["transaction_id"],
            external_ref=external_ref,
            gift_cards=result.get("gift_cards") or [],
            balance={
                "available": result.get("available"),
                "pending": result.get("pending"),
            }
            if result.get("member")
            else None,
        )
        headers = {"Idempotent-Replayed": "true"} if result.get("replayed") else {}
        return json_response(answer, status=201, headers=headers)

    @http.route(
        f"{API}/orders/<string:external_ref>/refunds",
        **ROUTE,
        methods=["POST"],
        readonly=False,
    )
    @endpoint("refund", write=True)
    def refund(self, key, external_ref, **params):
        """Give back (part of) an order: earn and burn reversed in proportion."""
        body = json_body()
        original = find_sale(key, external_ref)
        if not original:
            raise ApiError(
                404, "order_not_found", _("No order %(ref)s.", ref=external_ref)
            )
        digits = original.currency_id.decimal_places
        payload = {
            "transaction_id": original.id,
            "channel": "api",
            "store_id": find_store(key, body).id or original.store_id.id,
            "origin": {"model": ORIGIN_MODEL, "id": key.id},
        }
        if body.get("lines") is not None:
            payload["refund_lines"] = parse_lines(body, digits)
            total = sum(Decimal(line["amount"]) for line in payload["refund_lines"])
            payload["amount"] = str(total)
        elif body.get("amount") is not None:
            payload["amount"] = str(number(body["amount"], "amount", minimum=0))
        else:
            raise bad("missing_field", _("A refund needs an amount or lines."))
        if Decimal(payload["amount"]) <= 0:
            raise bad("out_of_range", _("%(field)s must be positive.", field="amount"))
        svc_key, _done = idempotency(key, payload)
        try:
            result = service().reverse(payload, svc_key)
        except UserError as exc:
            err = from_user_error(exc)
            left = original.amount_minor - original.refunded_minor
            asked = money.to_minor(Decimal(payload["amount"]), digits)
            if err.code == "refused" and asked > left:
                err.code = "refund_exceeds_order"
            raise err from exc
        answer = {
            "transaction_id": result["transaction_id"],
            "external_ref": external_ref,
            "refund_ref": result.get("ref"),
            "earn_reversed": result.get("earn_reversed"),
            "burn_returned": result.get("burn_returned"),
            "shortfall": result.get("shortfall"),
            "balance": {"available": result.get("available")}
            if original.wallet_id
            else None,
        }
        headers = {"Idempotent-Replayed": "true"} if result.get("replayed") else {}
        return json_response(answer, status=201, headers=headers)

    @http.route(
        f"{API}/gift-cards/<string:code>",
        **ROUTE,
        methods=["GET"],
        readonly=True,
    )
    @endpoint("read")
    def gift_card(self, key, code, **params):
        card = (
            request.env["loyalty.club.card"]
            .sudo()
            .search(
                [
                    ("code", "=", core_cards.normalize_code(code)),
                    ("kind", "=", "gift"),
                    ("company_id", "=", key.company_id.id),
                ]
            )
        )
        if not card or not card.wallet_id:
            raise ApiError(
                404, "gift_card_not_found", _("No gift card %(code)s.", code=code)
            )
        return json_response(gift_card_info(card.code))

    @http.route(
        f"{API}/coupons/<string:code>",
        **ROUTE,
        methods=["GET"],
        readonly=True,
    )
    @endpoint("read")
    def coupon(self, key, code, **params):
        """A one-time coupon: state, validity, promotion."""
        return json_response(coupon_dict(find_coupon(code, key)))
