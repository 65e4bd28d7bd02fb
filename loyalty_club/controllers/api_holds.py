"""Holds of an order: reserve bonuses, then capture (the order is paid) or
release (it is cancelled). An order is the API key's own (its external_ref)."""

from odoo import _, fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from .api_common import (
    API,
    ROUTE,
    ApiError,
    bad,
    endpoint,
    from_user_error,
    int_param,
    json_body,
    json_response,
    number,
    text,
)
from .api_member_data import identify, iso, member_wallet, program_of
from .api_order_data import (
    ORIGIN_MODEL,
    find_sale,
    find_store,
    is_phone,
    parse_gift_cards,
    parse_lines,
    parse_strings,
)

# refusals that are about the hold's state, not the request: 409 Conflict
CONFLICTS = {"hold_captured", "hold_released", "hold_expired", "hold_exists"}


def holds():
    return request.env["loyalty.club.hold"].sudo()


def hold_idempotency(key, payload):
    """The service's key for the Idempotency-Key header and whether this very
    request was made before; 409 when the header was used for another one."""
    value = (request.httprequest.headers.get("Idempotency-Key") or "").strip()
    if not value or len(value) > 128:
        raise bad(
            "missing_idempotency_key",
            _("An Idempotency-Key header (at most 128 characters) is required."),
        )
    svc_key = f"api:{key.id}:{value}"
    try:
        done = (
            request.env["loyalty.club.service"]
            .sudo()
            ._idempotent(svc_key, payload, receipts="loyalty.club.request")[1]
        )
    except ValidationError as exc:
        raise ApiError(
            409,
            "idempotency_conflict",
            _("This Idempotency-Key was already used for another request."),
        ) from exc
    return svc_key, done


def run(operation, payload, svc_key):
    """A hold operation of the service, its refusals as API errors."""
    try:
        return getattr(holds(), operation)(payload, svc_key)
    except UserError as exc:
        err = from_user_error(exc)
        if err.code in CONFLICTS:
            err.status = 409
        raise err from exc


def base_payload(key, body, ref, program):
    ref = (ref or "").strip()
    if not ref or len(ref) > 128:
        raise bad(
            "invalid_field",
            _("%(field)s must be 1 to 128 characters.", field="external_ref"),
        )
    return {
        "program_id": program.id,
        "api_key_id": key.id,
        "order_ref": ref,
        "channel": "api",
        "store_id": find_store(key, body).id or False,
        "origin": {"model": ORIGIN_MODEL, "id": key.id},
    }


def existing_hold(key, ref):
    """The order's open hold, else its latest one; 404 when it has none."""
    domain = [("order_ref", "=", ref), ("api_key_id", "=", key.id)]
    hold = holds().search(domain + [("state", "=", "held")], limit=1) or holds().search(
        domain, limit=1
    )
    if not hold:
        raise ApiError(
            404, "hold_not_found", _("No hold for the order %(ref)s.", ref=ref)
        )
    return hold


def hold_answer(result):
    """The service's answer as the API shows it."""
    answer = {
        name: result.get(name)
        for name in (
            "hold_id",
            "order_ref",
            "state",
            "member_id",
            "unit",
            "amount",
            "captured",
            "released",
            "transaction_id",
        )
    }
    answer["external_ref"] = answer.pop("order_ref")
    answer["expires_at"] = iso(fields.Datetime.to_datetime(result.get("expires_at")))
    answer["balance"] = {
        "available": result.get("available"),
        "held": result.get("held"),
    }
    if "earn" in result:
        answer.update(
            earn=result.get("earn"),
            burn_money=result.get("burn_money"),
            to_pay=result.get("to_pay"),
        )
    return answer


def replayed(result):
    return {"Idempotent-Replayed": "true"} if result.get("replayed") else {}


class LoyaltyClubApiHolds(http.Controller):
    @http.route(
        f"{API}/orders/<string:external_ref>/holds",
        **ROUTE,
        methods=["POST"],
        readonly=False,
    )
    @endpoint("confirm", write=True)
    def reserve(self, key, external_ref, **params):
        """Hold a member's bonuses for an order until it is paid or cancelled."""
        body = json_body()
        program = program_of(key)
        payload = base_payload(key, body, external_ref, program)
        payload["amount"] = str(number(body.get("amount"), "amount", minimum=0))
        identifier = body.get("identifier")
        if body.get("member_id") is not None:
            member_id = int_param(body["member_id"], "member_id", None, 1, 2**31 - 1)
            payload["wallet_id"] = member_wallet(key, member_id).id
        elif isinstance(identifier, str) and identifier.strip():
            payload["wallet_id"] = identify(key, identifier).id
            if key.phone_spend == "code" and is_phone(identifier):
                # the channel did not authenticate its customer: the member
                # proves the phone with the code sent to it
                payload["entry_method"] = "phone"
        else:
            raise bad(
                "missing_field",
                _("The field %(field)s is required.", field="identifier"),
            )
        if body.get("lines") is not None:
            payload["lines"] = parse_lines(body, program.currency_id.decimal_places)
        expires_at = text(body, "expires_at", max_len=40)
        if expires_at:
            payload["expires_at"] = expires_at.replace("T", " ").rstrip("Z")[:19]
        if body.get("hold_days") is not None:
            payload["hold_days"] = int_param(body["hold_days"], "hold_days", 7, 1, 90)
        code = text(body, "code", max_len=6)
        if code:
            payload["code"] = code
        svc_key, _done = hold_idempotency(key, payload)
        result = run("reserve", payload, svc_key)
        return json_response(hold_answer(result), status=201, headers=replayed(result))

    @http.route(
        f"{API}/orders/<string:external_ref>/holds/capture",
        **ROUTE,
        methods=["POST"],
        readonly=False,
    )
    @endpoint("confirm", write=True)
    def capture(self, key, external_ref, **params):
        """The order is paid: book it as a sale spending (part of) its hold."""
        body = json_body()
        program = program_of(key)
        digits = program.currency_id.decimal_places
        payload = base_payload(key, body, external_ref, program)
        payload["lines"] = parse_lines(body, digits)
        if body.get("amount") is not None:
            payload["amount"] = str(number(body["amount"], "amount", minimum=0))
        payload["gift_cards"] = parse_gift_cards(body, digits)
        payload["coupon_codes"] = parse_strings(body, "coupon_codes")
        svc_key, done = hold_idempotency(key, payload)
        if not done:
            hold = existing_hold(key, payload["order_ref"])
            if hold.state == "held" and find_sale(key, payload["order_ref"]):
                # booked by POST /orders meanwhile: it earned and spent already
                raise ApiError(
                    409,
                    "duplicate_external_ref",
                    _(
                        "The order %(ref)s was already confirmed.",
                        ref=payload["order_ref"],
                    ),
                )
        result = run("capture", payload, svc_key)
        return json_response(hold_answer(result), status=201, headers=replayed(result))

    @http.route(
        f"{API}/orders/<string:external_ref>/holds/release",
        **ROUTE,
        methods=["POST"],
        readonly=False,
    )
    @endpoint("confirm", write=True)
    def release(self, key, external_ref, **params):
        """The order is cancelled: give its hold back."""
        body = json_body()
        payload = base_payload(key, body, external_ref, program_of(key))
        svc_key, done = hold_idempotency(key, payload)
        if not done:
            existing_hold(key, payload["order_ref"])
        result = run("release", payload, svc_key)
        return json_response(hold_answer(result), headers=replayed(result))

    @http.route(
        f"{API}/orders/<string:external_ref>/holds",
        **ROUTE,
        methods=["GET"],
        readonly=True,
    )
    @endpoint("read")
    def list_holds(self, key, external_ref, **params):
        """The holds of an order, the latest first."""
        found = holds().search(
            [("order_ref", "=", external_ref), ("api_key_id", "=", key.id)],
            limit=100,
        )
        return json_response(
            {
                "external_ref": external_ref,
                "holds": [hold_answer(item) for item in found._holds_dict()],
            }
        )
