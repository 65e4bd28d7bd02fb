"""Members: register, look up, read, update, erase, ledger history."""

from datetime import datetime, time, timedelta

from odoo import _, http
from odoo.http import request

from ..domain import cards as core_cards
from ..selections import CONSENT_CHANNELS
from .api_common import (
    API,
    ROUTE,
    ApiError,
    bad,
    endpoint,
    int_param,
    json_body,
    json_response,
    text,
)
from .api_member_data import (
    PROFILE_FIELDS,
    cursor_decode,
    cursor_encode,
    identify,
    iso,
    member_dict,
    member_wallet,
    parse_attributes,
    parse_consents,
    parse_date,
    parse_phone,
    program_of,
    service,
    set_attributes,
)


class LoyaltyClubApiMembers(http.Controller):
    @http.route(
        f"{API}/members",
        **ROUTE,
        methods=["POST"],
        readonly=False,
    )
    @endpoint("register", write=True)
    def register(self, key, **params):
        body = json_body()
        name = text(body, "name", required=True)
        phone, e164 = parse_phone(body)
        card_number = text(body, "card_number", max_len=64)
        if not phone and not card_number:
            raise bad(
                "missing_field", _("A member needs a phone number or a card number.")
            )
        Partner = request.env["res.partner"].sudo()
        existed = bool(
            e164
            and Partner.search_count(
                [("club_phone", "=", e164), ("club_status", "!=", False)], limit=1
            )
        )
        if card_number:
            code = core_cards.normalize_code(card_number)
            card = request.env["loyalty.club.card"].sudo().search([("code", "=", code)])
            if not card:
                raise ApiError(
                    404, "card_not_found", _("No club card %(code)s.", code=code)
                )
            if card.state != "stock":
                raise ApiError(
                    422,
                    "card_not_available",
                    _("Card %(code)s is not in stock.", code=code),
                )
        vals = {
            "name": name,
            "phone": phone,
            "email": text(body, "email"),
            "birthday": parse_date(body, "birthday"),
            "card_number": card_number,
            "consents": parse_consents(body),
            "attributes": parse_attributes(body),
            "store_id": key.store_id.id,
        }
        summary = service().register_member(
            vals, source="api", program_id=program_of(key).id
        )
        wallet = request.env["loyalty.club.wallet"].sudo().browse(summary["wallet_id"])
        return json_response(member_dict(wallet), status=200 if existed else 201)

    @http.route(
        f"{API}/members/lookup",
        **ROUTE,
        methods=["GET"],
        readonly=True,
    )
    @endpoint("lookup")
    def lookup(self, key, **params):
        identifier = request.httprequest.args.get("identifier")
        return json_response(member_dict(identify(key, identifier)))

    @http.route(
        f"{API}/members/<int:member_id>",
        **ROUTE,
        methods=["GET"],
        readonly=True,
    )
    @endpoint("read")
    def read_member(self, key, member_id, **params):
        return json_response(member_dict(member_wallet(key, member_id)))

    @http.route(
        f"{API}/members/<int:member_id>",
        **ROUTE,
        methods=["PATCH"],
        readonly=False,
    )
    @endpoint("register", write=True)
    def update(self, key, member_id, **params):
        wallet = member_wallet(key, member_id)
        partner = wallet.partner_id.sudo()
        body = json_body()
        unknown = sorted(set(body) - PROFILE_FIELDS)
        if unknown:
            raise bad(
                "unknown_field",
                _("Unknown field(s): %(fields)s.", fields=", ".join(unknown)),
            )
        vals = {}
        if "name" in body:
            vals["name"] = text(body, "name", required=True)
        if "email" in body:
            vals["email"] = text(body, "email") or False
        if "preferences" in body:
            vals["club_preferences"] = text(body, "preferences", max_len=2000) or False
        if "birthday" in body:
            vals["club_birthday"] = parse_date(body, "birthday") or False
        if "phone" in body:
            phone, e164 = parse_phone(body)
            if not phone:
                raise bad(
                    "missing_field",
                    _("The field %(field)s is required.", field="phone"),
                )
            taken = partner.search_count(
                [
                    ("club_phone", "=", e164),
                    ("club_status", "!=", False),
                    ("id", "!=", partner.id),
                ],
                limit=1,
            )
            if taken:
                raise ApiError(
                    409,
                    "phone_taken",
                    _("Another member has the phone %(phone)s.", phone=e164),
                )
            vals["mobile"] = phone
        consents, attributes = parse_consents(body), parse_attributes(body)
        if vals:
            partner.write(vals)
        if consents:
            partner.club_set_consents(consents, "api")
        set_attributes(partner, attributes)
        return json_response(member_dict(wallet))

    @http.route(
        f"{API}/members/<int:member_id>",
        **ROUTE,
        methods=["DELETE"],
        readonly=False,
    )
    @endpoint("register", write=True)
    def erase(self, key, member_id, **params):
        """Erasure on request: personal data anonymised, the ledger kept."""
        partner = member_wallet(key, member_id).partner_id
        partner.club_set_consents({c: False for c, _label in CONSENT_CHANNELS}, "api")
        partner.action_club_erase()
        return json_response({"id": member_id, "erased": True})

    @http.route(
        f"{API}/members/<int:member_id>/codes",
        **ROUTE,
        methods=["POST"],
        readonly=False,
    )
    @endpoint("confirm", write=True)
    def send_code(self, key, member_id, **params):
        """Send the member a one-time code by SMS: ``spend`` confirms spending on a
        phone identifier, ``verify_phone`` proves the phone is the member's."""
        wallet = member_wallet(key, member_id)
        body = json_body()
        purpose = text(body, "purpose") or "spend"
        if purpose not in ("spend", "verify_phone"):
            raise bad(
                "invalid_field",
                _("%(field)s must be spend or verify_phone.", field="purpose"),
            )
        sent = service().send_code(
            {
                "program_id": wallet.program_id.id,
                "wallet_id": wallet.id,
                "purpose": purpose,
                "channel": "api",
            }
        )
        return json_response(sent, status=202)

    @http.route(
        f"{API}/members/<int:member_id>/phone/verify",
        **ROUTE,
        methods=["POST"],
        readonly=False,
    )
    @endpoint("register", write=True)
    def verify_phone(self, key, member_id, **params):
        """The member's phone proved with the code sent for ``verify_phone``."""
        wallet = member_wallet(key, member_id)
        code = text(json_body(), "code", required=True, max_len=12)
        return json_response(
            service().verify_phone(
                {
                    "program_id": wallet.program_id.id,
                    "wallet_id": wallet.id,
                    "code": code,
                }
            )
        )

    @http.route(
        f"{API}/members/<int:member_id>/transactions",
        **ROUTE,
        methods=["GET"],
        readonly=True,
    )
    @endpoint("read")
    def transactions(self, key, member_id, **params):
        wallet = member_wallet(key, member_id)
        args = request.httprequest.args
        limit = int_param(args.get("limit"), "limit", 50, 1, 200)
        domain = [("wallet_id", "=", wallet.id)]
        for name, op, shift in (("date_from", ">=", 0), ("date_to", "<", 1)):
            day = parse_date(args, name)
            if day:
                moment = datetime.combine(day + timedelta(days=shift), time.min)
                domain.append(("date", op, moment))
        if args.get("cursor"):
            date, line_id = cursor_decode(args["cursor"])
            domain += ["|", ("date", "<", date), "&", ("date", "=", date)]
            domain.append(("id", "<", line_id))
        lines = (
            request.env["loyalty.club.ledger"]
            .sudo()
            .search(domain, limit=limit + 1, order="date desc, id desc")
        )
        program = wallet.program_id
        items = [
            {
                "id": line.id,
                "date": iso(line.date),
                "kind": line.kind,
                "amount": float(program.from_minor(line.amount_minor)),
                "unit": program.unit_name or "",
                "store": line.store_id.code or None,
                "channel": line.channel,
                "order_ref": line.transaction_id.ref or None,
                "reason": line.reason or None,
                "expires_on": iso(line.lot_id.expires_on),
            }
            for line in lines[:limit]
        ]
        more = len(lines) > limit
        return json_response(
            {
                "items": items,
                "next_cursor": cursor_encode(lines[limit - 1]) if more else None,
            }
        )
