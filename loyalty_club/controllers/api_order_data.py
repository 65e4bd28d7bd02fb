"""Orders as the API sees them: the service payload of a body, and answers."""

import re
from decimal import ROUND_HALF_UP, Decimal

from odoo import _
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..domain import cards as core_cards
from ..domain import errors as core_errors
from ..edge import MAX_LINES
from .api_common import MAX_NUMBER, ApiError, bad, number, text
from .api_member_data import service

ORIGIN_MODEL = "loyalty.club.api.key"


def parse_strings(body, name):
    values = body.get(name) or []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise bad("invalid_field", _("%(field)s must be a list of texts.", field=name))
    return values


def parse_lines(body, digits, name="lines"):
    """Lines as the service wants them: amount = qty * unit_price * (1 - discount
    / 100), in the currency's precision; what identifies the line is kept."""
    lines = body.get(name)
    if not isinstance(lines, list) or not lines or len(lines) > MAX_LINES:
        raise bad(
            "invalid_lines",
            _("%(field)s must list 1 to %(max)s lines.", field=name, max=MAX_LINES),
        )
    quantum = Decimal(1).scaleb(-digits)
    out = []
    for index, line in enumerate(lines):
        where = f"{name}[{index}]"
        if not isinstance(line, dict):
            raise bad("invalid_lines", _("%(field)s must be an object.", field=where))
        qty_field = f"{where}.qty"
        qty = number(line.get("qty"), qty_field)
        if qty <= 0:
            raise bad("out_of_range", _("%(field)s must be positive.", field=qty_field))
        price = number(line.get("unit_price"), f"{where}.unit_price", minimum=0)
        discount = number(line.get("discount") or 0, f"{where}.discount", 0, 100)
        amount = (qty * price * (100 - discount) / 100).quantize(quantum, ROUND_HALF_UP)
        if amount > MAX_NUMBER:
            product = f"{where}.qty x {where}.unit_price"
            raise bad(
                "out_of_range",
                _(
                    "%(what)s must lie between %(minimum)s and %(maximum)s.",
                    what=product,
                    minimum=0,
                    maximum=MAX_NUMBER,
                ),
            )
        out.append(
            {
                "key": index,
                "amount": str(amount),
                "barcode": text(line, "barcode", max_len=64),
                "sku": text(line, "sku", max_len=64),
                "qty": str(qty),
                "unit_price": str(price),
                "discount": str(discount),
            }
        )
    return out


def find_store(key, body):
    code = text(body, "store", max_len=32)
    if not code:
        return key.store_id
    store = (
        request.env["loyalty.club.store"]
        .sudo()
        .search([("code", "=", code), ("company_id", "=", key.company_id.id)])
    )
    if not store:
        raise bad("unknown_store", _("No store with the code %(code)s.", code=code))
    return store


def parse_gift_cards(body, digits):
    items = body.get("gift_cards") or []
    if not isinstance(items, list):
        raise bad("invalid_field", _("%(field)s must be a list.", field="gift_cards"))
    out = []
    for index, item in enumerate(items):
        where = f"gift_cards[{index}]"
        if not isinstance(item, dict):
            raise bad("invalid_field", _("%(field)s must be an object.", field=where))
        amount = number(item.get("amount"), f"{where}.amount", minimum=0)
        out.append(
            {
                "code": text(item, "code", required=True, max_len=64),
                "amount": str(amount.quantize(Decimal(1).scaleb(-digits))),
            }
        )
    return out


def build_payload(key, body, program):
    """The service's order for an API body: a pure function of the body (and the
    key's settings), so that the same body hashes the same."""
    digits = program.currency_id.decimal_places
    burn = number(body.get("burn") or 0, "burn", minimum=0)
    strict = body.get("strict", False)
    if not isinstance(strict, bool):
        raise bad(
            "invalid_field", _("%(field)s must be true or false.", field="strict")
        )
    payload = {
        "program_id": program.id,
        "store_id": find_store(key, body).id or False,
        "channel": "api",
        "lines": parse_lines(body, digits),
        "burn": str(burn) if burn else 0,
        "strict": strict,
        "gift_cards": parse_gift_cards(body, digits),
        "coupon_codes": parse_strings(body, "coupon_codes"),
        "origin": {"model": ORIGIN_MODEL, "id": key.id},
    }
    identifier = body.get("identifier")
    if identifier not in (None, ""):
        if not isinstance(identifier, str):
            raise bad("invalid_field", _("%(field)s must be text.", field="identifier"))
        payload["identifier"] = identifier
        if key.phone_spend == "code" and is_phone(identifier):
            # the channel did not authenticate its customer: a spend on a
            # phone needs the code sent to that phone
            payload["entry_method"] = "phone"
    code = body.get("code")
    if code not in (None, ""):
        if not isinstance(code, str) or not re.fullmatch(r"[0-9]{4,6}", code.strip()):
            raise bad(
                "invalid_field",
                _("%(field)s must be the digits of a one-time code.", field="code"),
            )
        payload["code"] = code.strip()
    return payload


def is_phone(identifier):
    """Is this identifier a phone number (not a card or a QR)?"""
    try:
        return core_cards.parse_identifier(identifier)[0] == "phone"
    except core_errors.DomainError:
        return False


def find_coupon(code, key):
    """The coupon behind a code in the key's company, or a 404."""
    code = (code or "").strip().upper()
    coupon = (
        request.env["loyalty.club.coupon"]
        .sudo()
        .search([("code", "=", code), ("company_id", "in", [key.company_id.id, False])])
    )
    if not coupon:
        raise ApiError(404, "coupon_not_found", _("No coupon %(code)s.", code=code))
    return coupon[:1]


def check_coupons(payload, key):
    """Unknown codes are a 404; whether a known one applies, the service says."""
    for code in payload["coupon_codes"]:
        find_coupon(code, key)


def coupon_dict(coupon):
    return {
        "code": coupon.code,
        "state": coupon.state,
        "personal": bool(coupon.partner_id),
        "promotion": coupon.promotion_id.name or "",
        "valid_from": coupon.date_from.isoformat() if coupon.date_from else None,
        "valid_to": coupon.date_to.isoformat() if coupon.date_to else None,
    }


def gift_card_error(code, exc):
    card = (
        request.env["loyalty.club.card"]
        .sudo()
        .search([("code", "=", core_cards.normalize_code(code)), ("kind", "=", "gift")])
    )
    if not card or not card.wallet_id:
        return ApiError(404, "gift_card_not_found", exc.args[0])
    return ApiError(422, "gift_card_unusable", exc.args[0])


def gift_card_info(code):
    try:
        return service().gift_card_info(code)
    except UserError as exc:
        raise gift_card_error(code, exc) from exc


def order_dict(result, payload):
    """The answer to quote and confirm, from the service's answer and the body."""
    earn, burn = result.get("earn_per_line") or {}, result.get("burn_per_line") or {}
    no_earn = set(result.get("lines_no_earn") or ())
    no_burn = set(result.get("lines_no_burn") or ())
    wallet = request.env["loyalty.club.wallet"].sudo().browse(result.get("wallet_id"))
    return {
        "member_id": wallet.partner_id.id or None,
        "unit": result.get("unit") or "",
        "lines": [
            {
                "line": line["key"],
                "barcode": line["barcode"],
                "sku": line["sku"],
                "amount": float(line["amount"]),
                "earn": earn.get(str(line["key"]), 0.0),
                "burn": burn.get(str(line["key"]), 0.0),
                # the program's goods rules: excluded goods, discounted lines
                "earns": str(line["key"]) not in no_earn,
                "payable_with_bonuses": str(line["key"]) not in no_burn,
            }
            for line in payload["lines"]
        ],
        "totals": {
            name: result.get(name)
            for name in ("total", "burn_max", "burn", "burn_money", "earn", "to_pay")
        },
        "capped": result.get("capped", False),
        # a customer without a card whose purchase reaches the program's
        # threshold: the channel offers a club card
        "offer_card": bool(result.get("offer_card")),
        "cap_reason": result.get("cap_reason") or None,
        "promotions": result.get("promotions") or [],
        "near_misses": result.get("near_misses") or [],
        "coupons": result.get("coupons") or [],
        "discount": result.get("discount", 0.0),
    }


def idempotency(key, payload):
    """The service's key for the Idempotency-Key header, and the stored answer of
    the same request made before (or None); 409 if it was used for another body.
    """
    value = (request.httprequest.headers.get("Idempotency-Key") or "").strip()
    if not value or len(value) > 128:
        raise bad(
            "missing_idempotency_key",
            _("An Idempotency-Key header (at most 128 characters) is required."),
        )
    svc_key = f"api:{key.id}:{value}"
    try:
        done = (
            request.env["loyalty.club.service"].sudo()._idempotent(svc_key, payload)[1]
        )
    except ValidationError as exc:
        raise ApiError(
            409,
            "idempotency_conflict",
            _("This Idempotency-Key was already used for another request."),
        ) from exc
    return svc_key, done


def find_sale(key, external_ref):
    return (
        request.env["loyalty.club.transaction"]
        .sudo()
        .search(
            [
                ("ref", "=", external_ref),
                ("kind", "=", "sale"),
                ("origin_model", "=", ORIGIN_MODEL),
                ("origin_id", "=", key.id),
            ],
            limit=1,
        )
    )
