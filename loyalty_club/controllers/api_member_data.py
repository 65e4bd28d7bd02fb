"""Members as the API sees them: identification, JSON form, validated input."""

import base64
from datetime import datetime

from odoo import _, fields
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from .. import edge
from ..domain import cards as core_cards
from ..selections import CONSENT_CHANNELS
from .api_common import ApiError, bad, from_user_error, text

PROFILE_FIELDS = {
    "name",
    "email",
    "phone",
    "birthday",
    "preferences",
    "consents",
    "attributes",
}


def iso(value):
    """A naive UTC datetime as ISO 8601 with Z, a date as YYYY-MM-DD."""
    if not value:
        return None
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    return value.isoformat()


def not_found_member():
    return ApiError(404, "member_not_found", _("No such club member."))


def service():
    return request.env["loyalty.club.service"].sudo()


def program_of(key):
    program = key._program()
    if not program:
        raise ApiError(
            422, "no_program", _("No loyalty program is configured for this company.")
        )
    return program


def _diagnose(identifier, exc):
    """Stable code and status for an identification the service refused."""
    err = from_user_error(exc)
    if err.code != "refused":
        return err
    kind, value = core_cards.parse_identifier(identifier)
    partner = request.env["res.partner"]
    if kind in ("card", "code"):
        card = request.env["loyalty.club.card"].sudo().search([("code", "=", value)])
        if not card:
            return ApiError(404, "card_not_found", err.message)
        if card.state in ("blocked", "lost"):
            return ApiError(422, "card_blocked", err.message)
        if card.state == "replaced":
            return ApiError(422, "card_replaced", err.message)
        partner = card.partner_id
    else:
        try:
            e164 = partner._club_normalize_phone(value)
        except UserError:
            return ApiError(400, "invalid_phone", err.message)
        partner = partner.sudo().search([("club_phone", "=", e164)], limit=1)
    if partner.club_status == "blocked":
        return ApiError(422, "member_blocked", err.message)
    return ApiError(404, "member_not_found", err.message)


def identify(key, identifier):
    """The member wallet behind a card number, QR payload or phone."""
    if not isinstance(identifier, str) or not identifier.strip():
        raise bad(
            "missing_field", _("The field %(field)s is required.", field="identifier")
        )
    try:
        wallet, card = service().find_wallet(identifier, program_of(key).id)
    except UserError as exc:
        raise _diagnose(identifier, exc) from exc
    if not wallet:
        raise ApiError(
            404,
            "card_not_registered",
            _("Card %(code)s is not registered to a member yet.", code=card.code),
        )
    if not wallet.partner_id:
        raise not_found_member()
    return wallet


def member_wallet(key, member_id):
    wallet = (
        request.env["loyalty.club.wallet"]
        .sudo()
        .search(
            [("partner_id", "=", member_id), ("program_id", "=", program_of(key).id)],
            limit=1,
        )
    )
    partner = wallet.partner_id
    partner.fetch(MEMBER_FIELDS)
    if not wallet or not partner.club_status or partner.club_erased:
        raise not_found_member()
    return wallet


def _attribute_value(value):
    kind = value.attribute_id.value_type
    if kind == "number":
        return value.value_number
    if kind == "date":
        return iso(value.value_date)
    return value.display_value


# what a member's answer reads of the contact: only these columns, not the
# contact's hundred (a lookup is the API's most frequent call)
MEMBER_FIELDS = [
    "name",
    "club_phone",
    "club_phone_verified",
    "email",
    "club_birthday",
    "club_status",
    "club_join_date",
    "club_erased",
]


def member_dict(wallet):
    partner, program = wallet.partner_id, wallet.program_id
    partner.fetch(MEMBER_FIELDS)
    bal = wallet._spend_balances(edge.club_today(wallet))
    consents = partner._club_current_consents()
    cards = partner.club_card_ids.filtered(
        lambda c: c.program_id == program and c.state != "stock"
    )
    return {
        "id": partner.id,
        "name": partner.name,
        "phone": partner.club_phone or None,
        "phone_verified": bool(partner.club_phone)
        and partner.club_phone_verified == partner.club_phone,
        "email": partner.email or None,
        "birthday": iso(partner.club_birthday),
        "status": partner.club_status,
        "joined_on": iso(partner.club_join_date),
        "tier": {"id": wallet.tier_id.id, "name": wallet.tier_id.name}
        if wallet.tier_id
        else None,
        "cards": [
            {
                "code": card.code,
                "kind": card.kind,
                "state": card.state,
                "qr_payload": card.qr_payload,
            }
            for card in cards
        ],
        "balances": {
            "unit": program.unit_name or "",
            "available": float(program.from_minor(bal.available)),
            "held": float(program.from_minor(bal.held)),
            "pending": float(program.from_minor(bal.pending)),
            "expiring_soon": float(program.from_minor(bal.expiring_soon)),
            "next_expiry": iso(bal.next_expiry),
        },
        "consents": {c: bool(consents.get(c)) for c, _label in CONSENT_CHANNELS},
        "attributes": {
            v.attribute_id.code: _attribute_value(v)
            for v in partner.club_attribute_value_ids
        },
    }


# ------------------------------------------------------------------ input
def parse_date(source, name):
    """An optional YYYY-MM-DD field of a body or a query string."""
    value = source.get(name)
    if value in (None, ""):
        return None
    try:
        if isinstance(value, str):
            return fields.Date.to_date(value)
    except ValueError as exc:
        raise bad(
            "invalid_date", _("%(field)s must be a date YYYY-MM-DD.", field=name)
        ) from exc
    raise bad("invalid_date", _("%(field)s must be a date YYYY-MM-DD.", field=name))


def parse_consents(body):
    consents = body.get("consents")
    if consents is None:
        return {}
    channels = dict(CONSENT_CHANNELS)
    if not isinstance(consents, dict) or any(
        c not in channels or not isinstance(v, bool) for c, v in consents.items()
    ):
        raise bad(
            "invalid_consents",
            _(
                "consents maps %(channels)s to true or false.",
                channels=", ".join(channels),
            ),
        )
    return consents


def parse_attributes(body):
    attributes = body.get("attributes")
    if attributes is None:
        return {}
    if not isinstance(attributes, dict):
        raise bad("invalid_attributes", _("attributes must be a JSON object."))
    known = set(
        request.env["loyalty.club.attribute"]
        .sudo()
        .search([("code", "in", list(attributes))])
        .mapped("code")
    )
    for code, value in attributes.items():
        if code not in known:
            raise bad(
                "unknown_attribute",
                _("Unknown questionnaire attribute %(code)s.", code=code),
            )
        if value is not None and not isinstance(value, str | int | float):
            raise bad(
                "invalid_attribute",
                _("The answer to %(code)s must be text or a number.", code=code),
            )
    return attributes


def parse_phone(body):
    phone = text(body, "phone", max_len=32)
    if not phone:
        return None, None
    try:
        return phone, request.env["res.partner"]._club_normalize_phone(phone)
    except UserError as exc:
        raise bad("invalid_phone", exc.args[0]) from exc


def set_attributes(partner, attributes):
    Value = request.env["loyalty.club.attribute.value"].sudo()
    for code, raw in attributes.items():
        if raw is None:
            Value.search(
                [("partner_id", "=", partner.id), ("attribute_id.code", "=", code)]
            ).unlink()
            continue
        try:
            partner.sudo()._club_set_attribute(code, raw)
        except (UserError, ValidationError) as exc:
            raise bad("invalid_attribute", exc.args[0]) from exc


def cursor_encode(line):
    raw = f"{line.date.isoformat()}|{line.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        date, line_id = raw.split("|")
        return datetime.fromisoformat(date), int(line_id)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad("invalid_cursor", _("This cursor is not valid.")) from exc
