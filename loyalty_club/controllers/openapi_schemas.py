"""Schemas of the OpenAPI description (see openapi.py)."""

ERROR_CODES = {
    "400": "Bad input: invalid_json, missing_field, invalid_field, invalid_number, "
    "out_of_range, invalid_lines, invalid_identifier, bad_check_digit, "
    "invalid_phone, invalid_date, invalid_consents, unknown_attribute, "
    "invalid_attribute, unknown_field, unknown_store, invalid_cursor, "
    "invalid_parameter, missing_idempotency_key",
    "401": "No key (missing_api_key) or an unknown or revoked one (invalid_api_key)",
    "403": "The key may not do this (operation_not_allowed); a spend on a phone "
    "needs the member's one-time code (code_required, invalid_code, code_expired, "
    "code_locked, code_used)",
    "404": "member_not_found, card_not_found, card_not_registered, order_not_found, "
    "gift_card_not_found, coupon_not_found, hold_not_found, not_found",
    "409": "idempotency_conflict (same Idempotency-Key, another body), "
    "duplicate_external_ref, concurrent_request, phone_taken; a hold that no "
    "longer holds anything (hold_captured, hold_released, hold_expired) or an "
    "order that holds already (hold_exists)",
    "415": "The body is not sent as application/json (unsupported_media_type)",
    "422": "A business refusal: insufficient_balance, cap_exceeded, "
    "burn_below_minimum, card_blocked, card_replaced, member_blocked, "
    "card_not_available, gift_card_unusable, refund_exceeds_order, no_program, "
    "capture_exceeds_hold, "
    "refused (any other rule; the message says which)",
    "429": "Rate limit of the key reached (rate_limited; see Retry-After), or too "
    "many one-time codes for a phone (code_rate_limited)",
}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required=(), **props):
    schema = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    return schema


def arr(items):
    return {"type": "array", "items": items}


def nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


S = {"type": "string"}
N = {"type": "number"}
INT = {"type": "integer"}
B = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
# the API refuses (400 out_of_range) numbers above 10^12 (api_common.MAX_NUMBER)
MAX = 10**12
AMOUNT = {"type": "number", "minimum": 0, "maximum": MAX}


SCHEMAS = {
    "Error": obj(
        ["code", "message"],
        code={**S, "description": "Stable snake_case code for programs."},
        message={**S, "description": "For people, in the Accept-Language language."},
    ),
    "Consents": obj(sms=B, email=B, push=B, personal_data=B),
    "Attributes": {
        "type": "object",
        "description": "Questionnaire answers by attribute code (null clears one).",
        "additionalProperties": {"type": ["string", "number", "null"]},
    },
    "Card": obj(
        code=S,
        kind={"enum": ["physical", "virtual", "gift"]},
        state={"enum": ["active", "blocked", "lost", "replaced"]},
        qr_payload={**S, "description": "Content of the virtual card's QR code."},
    ),
    "Balances": obj(
        unit=S,
        available={
            **N,
            "description": "What may be spent now: the ledger's available "
            "balance less the active holds.",
        },
        held={**N, "description": "Held for orders not paid yet (holds)."},
        pending={**N, "description": "Earned, spendable after the pending period."},
        expiring_soon={**N, "description": "Expiring within 30 days."},
        next_expiry=nullable(DATE),
    ),
    "Member": obj(
        id=INT,
        name=S,
        phone=nullable({**S, "description": "E.164"}),
        phone_verified={
            **B,
            "description": "The member proved this phone with a one-time code.",
        },
        email=nullable(S),
        birthday=nullable(DATE),
        status={"enum": ["applicant", "active", "blocked", "left"]},
        joined_on=nullable(DATE),
        tier=nullable(obj(id=INT, name=S)),
        cards=arr(ref("Card")),
        balances=ref("Balances"),
        consents=ref("Consents"),
        attributes=ref("Attributes"),
    ),
    "RegisterRequest": obj(
        ["name"],
        name=S,
        phone={**S, "description": "Any common spelling; phone or card_number."},
        email=S,
        birthday=DATE,
        consents=ref("Consents"),
        card_number={**S, "description": "A card from stock to bind."},
        attributes=ref("Attributes"),
    ),
    "UpdateRequest": {
        **obj(
            name=S,
            email=nullable(S),
            phone=S,
            birthday=nullable(DATE),
            preferences=nullable(S),
            consents=ref("Consents"),
            attributes=ref("Attributes"),
        ),
        "additionalProperties": False,
        "description": "Only the fields to change; another field is 400 unknown_field.",
    },
    "LedgerLine": obj(
        id=INT,
        date=DATETIME,
        kind={
            "enum": [
                "earn",
                "burn",
                "gift",
                "adjust",
                "expire",
                "reversal",
                "transfer",
                "issue",
                "opening",
            ]
        },
        amount={**N, "description": "Signed: credits > 0, debits < 0."},
        unit=S,
        store=nullable(S),
        channel=S,
        order_ref=nullable(S),
        reason=nullable(S),
        expires_on=nullable(DATE),
    ),
    "TransactionsPage": obj(
        items=arr(ref("LedgerLine")),
        next_cursor=nullable({**S, "description": "Pass as cursor for more."}),
    ),
    "OrderLine": obj(
        ["qty", "unit_price"],
        barcode=S,
        sku={**S, "description": "Internal reference (default code)."},
        qty={"type": "number", "exclusiveMinimum": 0, "maximum": MAX},
        unit_price=AMOUNT,
        discount={
            "type": "number",
            "minimum": 0,
            "maximum": 100,
            "default": 0,
            "description": "Percent. A discounted line earns or is paid with "
            "bonuses only if the program allows it for discounted lines.",
        },
    ),
    "GiftCardPayment": obj(["code", "amount"], code=S, amount=AMOUNT),
    "OrderRequest": obj(
        ["lines"],
        identifier={
            **S,
            "description": "Card number, phone or QR payload; none for a "
            "customer without a card (the check is kept for analytics).",
        },
        store={**S, "description": "Store code; default: the key's store."},
        lines=arr(ref("OrderLine")),
        burn={**AMOUNT, "description": "Bonuses the customer wants to spend."},
        strict={
            "type": "boolean",
            "default": False,
            "description": "Refuse (422) instead of lowering burn to the maximum.",
        },
        coupon_codes={
            **arr(S),
            "description": "One-time coupon codes; an unknown code is 404, "
            "a used or expired one 422.",
        },
        gift_cards=arr(ref("GiftCardPayment")),
        code={
            "type": "string",
            "pattern": "^[0-9]{4,6}$",
            "description": "The one-time code the member received (POST "
            "/members/{id}/codes): needed to spend when the identifier is a phone "
            "and the key is not trusted with phones; used up by the order.",
        },
    ),
    "MemberCard": obj(
        code=S,
        kind={**S, "enum": ["physical", "virtual"]},
        state={**S, "enum": ["active", "blocked", "lost", "replaced"]},
        qr={**S, "description": "The QR payload that identifies the member."},
        replaced_by=nullable(S),
    ),
    "CardReplace": obj(
        ["reason"],
        reason={**S, "maxLength": 250},
        new_card={
            **S,
            "description": "A card from stock; none: a new virtual card.",
        },
    ),
    "CardReplaced": obj(old=ref("MemberCard"), new=ref("MemberCard")),
    "CardReason": obj(["reason"], reason={**S, "maxLength": 250}),
    "CodeRequest": obj(
        purpose={
            "type": "string",
            "enum": ["spend", "verify_phone"],
            "default": "spend",
        },
    ),
    "CodeCheck": obj(["code"], code={"type": "string", "pattern": "^[0-9]{4,6}$"}),
    "PhoneVerified": obj(verified=B, phone=S),
    "CodeSent": obj(
        purpose=S,
        phone={**S, "description": "The phone the code went to, masked."},
        expires_at={**S, "description": "UTC, YYYY-MM-DD HH:MM:SS."},
        expires_in={**INT, "description": "Seconds."},
    ),
    "Coupon": obj(
        code=S,
        state=S,
        personal=B,
        promotion=S,
        valid_from=nullable(S),
        valid_to=nullable(S),
    ),
    "ConfirmRequest": {
        "allOf": [ref("OrderRequest"), obj(["external_ref"], external_ref=S)]
    },
    "OrderLineResult": obj(
        line=INT,
        barcode=nullable(S),
        sku=nullable(S),
        amount=N,
        earn=N,
        burn=N,
        earns={
            **B,
            "description": "False when the program keeps this line from earning "
            "(an excluded product or category, a discounted line); such a line "
            "earns nothing, whatever the request says.",
        },
        payable_with_bonuses={
            **B,
            "description": "False when the program does not let bonuses pay for "
            "this line; the cap of spending (burn_max) is taken only of the lines "
            "that may be paid with bonuses.",
        },
        product_id=nullable({**INT, "description": "Quote only."}),
    ),
    "Totals": obj(total=N, burn_max=N, burn=N, burn_money=N, earn=N, to_pay=N),
    "Quote": obj(
        member_id=nullable(INT),
        unit=S,
        lines=arr(ref("OrderLineResult")),
        totals=ref("Totals"),
        capped=B,
        cap_reason=nullable(S),
        offer_card={
            **B,
            "description": "The customer has no card and the purchase reaches the "
            "program's threshold for offering one.",
        },
        promotions={
            **arr(obj()),
            "description": "Promotions applied: name, discount per line, bonus.",
        },
        near_misses={
            **arr(obj()),
            "description": "Promotions that almost applied, with what is missing.",
        },
        coupons=arr(obj()),
        discount=N,
        gift_cards=arr(ref("GiftCard")),
        available=nullable(N),
        tier=nullable(S),
    ),
    "Confirmation": obj(
        member_id=nullable(INT),
        unit=S,
        lines=arr(ref("OrderLineResult")),
        totals=ref("Totals"),
        capped=B,
        cap_reason=nullable(S),
        promotions=arr(obj()),
        transaction_id=INT,
        external_ref=S,
        gift_cards=arr(ref("GiftCard")),
        balance=nullable(obj(available=N, pending=N)),
    ),
    "RefundRequest": obj(
        amount={**AMOUNT, "description": "Money refunded; or give lines."},
        lines=arr(ref("OrderLine")),
        store=S,
    ),
    "Refund": obj(
        transaction_id=INT,
        external_ref=S,
        refund_ref=S,
        earn_reversed=N,
        burn_returned=N,
        shortfall={**N, "description": "Earned bonuses already spent."},
        balance=nullable(obj(available=N)),
    ),
    "GiftCard": obj(
        code=S,
        state=S,
        balance=N,
        expires_on=S,
        currency=S,
        amount={**N, "description": "In a quote: the amount asked."},
    ),
    "HoldRequest": obj(
        ["amount"],
        identifier={
            **S,
            "description": "Card number, phone or QR payload of the member; "
            "or member_id.",
        },
        member_id=INT,
        amount={**AMOUNT, "description": "Bonuses to hold, in the program's unit."},
        lines={
            **arr(ref("OrderLine")),
            "description": "The order: when given, the hold may not exceed what "
            "the program lets bonuses pay of it.",
        },
        store={**S, "description": "Store code; default: the key's store."},
        expires_at={
            **DATETIME,
            "description": "When the hold ends (UTC); default hold_days from now.",
        },
        hold_days={
            "type": "integer",
            "minimum": 1,
            "maximum": 90,
            "description": "Days the hold lasts when expires_at is not given "
            "(default 7).",
        },
        code={
            "type": "string",
            "pattern": "^[0-9]{4,6}$",
            "description": "The member's one-time code, when the identifier is "
            "a phone and the key is not trusted with phones.",
        },
    ),
    "HoldCaptureRequest": obj(
        ["lines"],
        lines=arr(ref("OrderLine")),
        amount={
            **AMOUNT,
            "description": "Bonuses to spend of the hold (default: all of it); "
            "the rest is given back.",
        },
        store=S,
        coupon_codes=arr(S),
        gift_cards=arr(ref("GiftCardPayment")),
    ),
    "HoldReleaseRequest": obj(store=S),
    "Hold": obj(
        hold_id=INT,
        external_ref=S,
        state={"enum": ["held", "captured", "released", "expired"]},
        member_id=nullable(INT),
        unit=S,
        amount={**N, "description": "Held."},
        captured={**N, "description": "Spent by the capture."},
        released={
            **N,
            "description": "Given back (release, expiry, the rest "
            "of a partial capture).",
        },
        expires_at=DATETIME,
        transaction_id=nullable({**INT, "description": "The sale of the capture."}),
        balance=obj(available=N, held=N),
        earn={**N, "description": "Capture: earned on the order."},
        burn_money={**N, "description": "Capture: money paid with bonuses."},
        to_pay={**N, "description": "Capture: left to pay in money."},
    ),
    "HoldList": obj(external_ref=S, holds=arr(ref("Hold"))),
    "WebhookEvent": obj(
        ["id", "event", "occurred_at", "data"],
        id={**S, "description": "Unique per event: deduplicate on it."},
        event={"enum": ["earned", "spent", "tier_changed", "bonuses_expiring"]},
        occurred_at=DATETIME,
        data=obj(
            member_id=INT,
            wallet_id=INT,
            unit=S,
            available=N,
            pending=N,
            amount={**N, "description": "Negative for a refund."},
            kind={"enum": ["sale", "refund"]},
            transaction_id=INT,
            ref=S,
            channel=S,
            store=nullable(S),
            old_tier=nullable(S),
            new_tier=nullable(S),
            expires_on=DATE,
        ),
    ),
}
