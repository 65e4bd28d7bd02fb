"""OpenAPI 3.1 description of /api/loyalty/v1 (served as openapi.json and /docs).

Keep it in step with the routes: a test checks that every route is described
and that every $ref resolves.
"""

from .openapi_schemas import (
    DATE,
    ERROR_CODES,
    INT,
    SCHEMAS,
    B,
    S,
    obj,
    ref,
)


def body(name, description=""):
    return {
        "required": True,
        "description": description,
        "content": {"application/json": {"schema": ref(name)}},
    }


def answer(description, schema=None):
    out = {"description": description}
    if schema:
        out["content"] = {"application/json": {"schema": schema}}
    return out


def op(summary, operation, ok, errors, params=(), request=None, readonly=False, **kw):
    """One operation: its key permission, its answers and the common errors."""
    description = kw.pop("description", "")
    responses = dict(ok)
    if request:
        errors = [*errors, "415"]
    for status in ("400", "401", "403", "429", *errors):
        responses[status] = {"$ref": f"#/components/responses/E{status}"}
    result = {
        "summary": summary,
        "description": (
            f"{description}\n\nAPI key permission: `{operation}`."
            + (" Read-only (may be served by a replica)." if readonly else "")
        ).strip(),
        "parameters": [{"$ref": "#/components/parameters/AcceptLanguage"}]
        + list(params),
        "responses": responses,
    }
    if request:
        result["requestBody"] = request
    result.update(kw)
    return result


def path_param(name, schema, description):
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema,
        "description": description,
    }


def query(name, schema, description, required=False):
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": description,
    }


MEMBER_ID = path_param("id", INT, "Member id (as returned by register or lookup).")
CARD_CODE = path_param("code", S, "A card number of the member (see its cards).")
IDEMPOTENCY = {"$ref": "#/components/parameters/IdempotencyKey"}
MEMBER_OK = {"200": answer("The member.", ref("Member"))}

RESPONSES = {
    f"E{status}": answer(text, ref("Error")) for status, text in ERROR_CODES.items()
}
RESPONSES["E429"]["headers"] = {
    "Retry-After": {"schema": INT, "description": "Seconds to wait."}
}

PATHS = {
    "/members": {
        "post": op(
            "Register a member",
            "register",
            {
                "201": answer("Registered.", ref("Member")),
                "200": answer("Already a member (found by phone).", ref("Member")),
            },
            ["404", "422"],
            request=body("RegisterRequest"),
            description="Consents are recorded with the source `api`.",
        )
    },
    "/members/lookup": {
        "get": op(
            "Find a member",
            "lookup",
            MEMBER_OK,
            ["404", "422"],
            [
                query(
                    "identifier",
                    S,
                    "Card number, phone in any spelling or virtual-card QR payload.",
                    required=True,
                )
            ],
            readonly=True,
        )
    },
    "/members/{id}": {
        "get": op(
            "Read a member", "read", MEMBER_OK, ["404"], [MEMBER_ID], readonly=True
        ),
        "patch": op(
            "Update profile, questionnaire and consents",
            "register",
            MEMBER_OK,
            ["404", "409", "422"],
            [MEMBER_ID],
            request=body("UpdateRequest"),
            description="Consent changes go to the history with the source `api`.",
        ),
        "delete": op(
            "Erase a member's personal data",
            "register",
            {"200": answer("Erased.", obj(id=INT, erased=B))},
            ["404"],
            [MEMBER_ID],
            description="Personal data is anonymised; the ledger and checks stay.",
        ),
    },
    "/members/{id}/codes": {
        "post": op(
            "Send the member a one-time code by SMS",
            "confirm",
            {"202": answer("Queued; it leaves after commit.", ref("CodeSent"))},
            ["404", "422"],
            [MEMBER_ID],
            request=body("CodeRequest"),
            description="`spend`: the code confirms spending on a phone identifier "
            "(give it as `code` on the order); `verify_phone`: proves the phone is "
            "the member's. A new code voids the previous one; codes expire and "
            "allow a few attempts.",
        )
    },
    "/members/{id}/phone/verify": {
        "post": op(
            "Prove the member's phone with a verify_phone code",
            "register",
            {"200": answer("The phone is verified.", ref("PhoneVerified"))},
            ["404", "422"],
            [MEMBER_ID],
            request=body("CodeCheck"),
            description="Send the code first with POST /members/{id}/codes "
            "(purpose verify_phone). A wrong, expired or used code is 403.",
        )
    },
    "/members/{id}/cards/{code}/replace": {
        "post": op(
            "Replace a lost or damaged card",
            "register",
            {"201": answer("The old card and the new one.", ref("CardReplaced"))},
            ["404", "422"],
            [MEMBER_ID, CARD_CODE],
            request=body("CardReplace"),
            description="The old card is marked replaced and stops identifying the "
            "member; the new card is a card from stock (`new_card`) or, without "
            "one, a new virtual card. The balance stays with the member. The "
            "reason is kept in the card's history.",
        )
    },
    "/members/{id}/cards/{code}/block": {
        "post": op(
            "Block a card",
            "register",
            {"200": answer("The card, blocked.", ref("MemberCard"))},
            ["404", "409"],
            [MEMBER_ID, CARD_CODE],
            request=body("CardReason"),
            description="A blocked card identifies nobody until it is unblocked; "
            "the reason is kept in the card's history.",
        )
    },
    "/members/{id}/cards/{code}/unblock": {
        "post": op(
            "Unblock a card",
            "register",
            {"200": answer("The card, active again.", ref("MemberCard"))},
            ["404", "409"],
            [MEMBER_ID, CARD_CODE],
            request=body("CardReason"),
        )
    },
    "/members/{id}/transactions": {
        "get": op(
            "Ledger history, newest first",
            "read",
            {"200": answer("A page.", ref("TransactionsPage"))},
            ["404"],
            [
                MEMBER_ID,
                query("date_from", DATE, "From this day (UTC), inclusive."),
                query("date_to", DATE, "Up to this day (UTC), inclusive."),
                query(
                    "limit", {**INT, "minimum": 1, "maximum": 200, "default": 50}, ""
                ),
                query("cursor", S, "next_cursor of the previous page."),
            ],
            readonly=True,
        )
    },
    "/orders/quote": {
        "post": op(
            "Quote an order",
            "quote",
            {"200": answer("Earn per line, the most to spend, totals.", ref("Quote"))},
            ["404", "422"],
            request=body("OrderRequest"),
            readonly=True,
            description="Records nothing. Line amount = qty x unit_price x "
            "(1 - discount / 100). The product (barcode or sku) decides what a "
            "line earns and whether bonuses may pay for it: the program may "
            "exclude products, categories and discounted lines (each line's "
            "earns and payable_with_bonuses say so), and a program earning per "
            "item counts the qty of its chosen products.",
        )
    },
    "/orders": {
        "post": op(
            "Confirm an order",
            "confirm",
            {"201": answer("Earned and spent.", ref("Confirmation"))},
            ["404", "409", "422"],
            [IDEMPOTENCY],
            request=body("ConfirmRequest"),
            description="The same Idempotency-Key and body answer the same again "
            "(header Idempotent-Replayed: true) and change nothing; another "
            "body is 409.",
        )
    },
    "/orders/{external_ref}/refunds": {
        "post": op(
            "Refund (part of) an order",
            "refund",
            {"201": answer("Reversed in proportion.", ref("Refund"))},
            ["404", "409", "422"],
            [path_param("external_ref", S, "external_ref of the order."), IDEMPOTENCY],
            request=body("RefundRequest"),
        )
    },
    "/orders/{external_ref}/holds": {
        "post": op(
            "Hold bonuses for an order",
            "confirm",
            {"201": answer("Held.", ref("Hold"))},
            ["404", "409", "422"],
            [path_param("external_ref", S, "external_ref of the order."), IDEMPOTENCY],
            request=body("HoldRequest"),
            description="Sets bonuses aside for an order paid later (collected "
            "in a store): they leave the member's available balance (shown as "
            "held) until the hold is captured, released or expires. One open "
            "hold per order (409 hold_exists); above what may be spent is 422 "
            "insufficient_balance, never a negative balance.",
        ),
        "get": op(
            "Holds of an order",
            "read",
            {"200": answer("The order's holds, the latest first.", ref("HoldList"))},
            [],
            [path_param("external_ref", S, "external_ref of the order.")],
            readonly=True,
        ),
    },
    "/orders/{external_ref}/holds/capture": {
        "post": op(
            "Capture an order's hold (the order is paid)",
            "confirm",
            {"201": answer("The order booked, spending the hold.", ref("Hold"))},
            ["404", "409", "422"],
            [path_param("external_ref", S, "external_ref of the order."), IDEMPOTENCY],
            request=body("HoldCaptureRequest"),
            description="Books the order (earning on what is paid in money) as "
            "POST /orders would, with this external_ref, spending amount of the "
            "hold (default: all of it); the rest is given back. Above the hold "
            "is 422 capture_exceeds_hold; a hold released, expired or captured "
            "is 409. Refund it with POST /orders/{external_ref}/refunds.",
        )
    },
    "/orders/{external_ref}/holds/release": {
        "post": op(
            "Release an order's hold (the order is cancelled)",
            "confirm",
            {"200": answer("Given back.", ref("Hold"))},
            ["404", "409", "422"],
            [path_param("external_ref", S, "external_ref of the order."), IDEMPOTENCY],
            request=body("HoldReleaseRequest"),
        )
    },
    "/gift-cards/{code}": {
        "get": op(
            "Gift card balance",
            "read",
            {"200": answer("The gift card.", ref("GiftCard"))},
            ["404", "422"],
            [path_param("code", S, "Gift card code.")],
            readonly=True,
        )
    },
    "/coupons/{code}": {
        "get": op(
            "One-time coupon: state, validity and promotion",
            "read",
            {"200": answer("The coupon.", ref("Coupon"))},
            ["404"],
            [path_param("code", S, "Coupon code.")],
            readonly=True,
            description="Answers 404 coupon_not_found for every code.",
        )
    },
    "/openapi.json": {
        "get": {
            "summary": "This description",
            "security": [],
            "responses": {"200": answer("OpenAPI 3.1", {"type": "object"})},
        }
    },
    "/docs": {
        "get": {
            "summary": "This description as a web page",
            "security": [],
            "responses": {"200": {"description": "HTML"}},
        }
    },
}

DESCRIPTION = """Open API of the loyalty club for e-shops, apps and kiosks.

Authenticate with `Authorization: Bearer <key>` (or `X-Api-Key: <key>`); a
manager creates keys per channel in Loyalty Club > Configuration > API keys.
Errors are JSON `{"code", "message"}`: `code` is stable, `message` follows
`Accept-Language` (en, ru, uk). Each key has a limit of requests per minute
(429 with Retry-After).

Webhooks: each event is POSTed as JSON with `X-Loyalty-Event`,
`X-Loyalty-Delivery` (the event id), `X-Loyalty-Timestamp` (Unix seconds) and
`X-Loyalty-Signature: sha256=<hex HMAC-SHA256 of the raw body with the webhook's
secret>`. Answer 2xx; anything else is retried with exponential back-off (1, 2,
4 ... minutes, 8 attempts). Delivery is at least once: deduplicate on `id`."""


def spec(server_url="/api/loyalty/v1"):
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Loyalty Club API",
            "version": "1.0.0",
            "description": DESCRIPTION,
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}, {"apiKey": []}],
        "paths": PATHS,
        "webhooks": {
            event: {
                "post": {
                    "summary": f"Event {event}",
                    "requestBody": {
                        "content": {"application/json": {"schema": ref("WebhookEvent")}}
                    },
                    "responses": {"200": {"description": "Received."}},
                }
            }
            for event in ("earned", "spent", "tier_changed", "bonuses_expiring")
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
            },
            "parameters": {
                "AcceptLanguage": {
                    "name": "Accept-Language",
                    "in": "header",
                    "schema": {"type": "string", "example": "ru"},
                    "description": "Language of messages: en, ru or uk.",
                },
                "IdempotencyKey": {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string", "maxLength": 128},
                    "description": "Unique per operation; retry with the same.",
                },
            },
            "responses": RESPONSES,
            "schemas": SCHEMAS,
        },
    }
