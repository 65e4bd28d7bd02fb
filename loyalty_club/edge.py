"""The edge between Odoo and the plain-Python core, in one place.

What crosses it: amounts and rates from Odoo float fields, JSON and RPC become
the core's exact types through their text (``repr`` of a float, never float
arithmetic) and ``money.to_decimal`` is the only parser; requests are hashed for
idempotency; the core's error codes become translated sentences. Models and
controllers import these helpers from here, never from one another.
"""

import hashlib
import hmac
import json

from odoo import fields
from odoo.exceptions import UserError

from .domain import errors as core_errors
from .domain import money


def company_contact(env, *field_names):
    """The current company's contact with ``field_names`` read, by two narrow
    reads (none when cached) instead of the company's and the contact's every
    column: the club's day and home country are asked by every channel's call."""
    company = env.company.sudo()
    company.fetch(["partner_id"])
    contact = company.partner_id
    contact.fetch(list(field_names))
    return contact


def club_today(record):
    """The club's business day: today in the time zone of the company's contact
    (UTC without one), whoever acts. A credit's pending period and expiry and
    every balance count in this one day, so a member registered by one user and
    served by another (in another time zone) never sees bonuses move between
    pending and available around midnight."""
    tz = company_contact(record.env, "tz").tz or "UTC"
    return fields.Date.context_today(record.with_context(tz=tz))


# the most lines one order may carry (API, till and back office alike)
MAX_LINES = 500

# parameters of core errors that are amounts in minor units
AMOUNT_PARAMS = ("available", "requested", "maximum", "minimum")


def _text(value):
    """The text of a number as it was written: ``repr`` of a float is the shortest
    string that reads back to the same float (0.1 -> '0.1')."""
    return repr(value) if isinstance(value, float) else str(value)


def decimal(value):
    """An Odoo float field (a rate, a price) as an exact, normalised Decimal;
    an empty field (False, None) is 0."""
    if value is None or value is False:
        return money.to_decimal("0")
    return money.to_decimal(_text(value)).normalize()


def to_minor(value, digits):
    """An amount from JSON, RPC or a float field as integer minor units.

    Raises the core's ``DomainError`` (or ``TypeError``) for anything that is not
    a finite number; ``None`` and booleans are not amounts.
    """
    if value is None or isinstance(value, bool):
        raise TypeError(f"not an amount: {value!r}")
    return money.to_minor(money.to_decimal(_text(value)), digits)


def parse_amount(env, value, digits, what):
    """``to_minor`` for input a user or a channel typed: a clear, translated
    ``UserError`` instead of a traceback."""
    try:
        return to_minor(value, digits)
    except (TypeError, ValueError, ArithmeticError, core_errors.DomainError) as exc:
        raise UserError(
            env._("%(what)s is not an amount: %(value)s", what=what, value=value)
        ) from exc


def request_hash(payload):
    """A stable hash of a request body: the same body gives the same hash."""
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=str).encode()
    ).hexdigest()


def sign(secret, body):
    """The value of the X-Loyalty-Signature header of a webhook body (bytes)."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def core_message(env, exc, program=None):
    """The translated sentence for a core error (the core speaks English only)."""
    p = dict(exc.params)
    if program:
        p.update(
            {
                k: program.from_minor(v)
                for k, v in p.items()
                if k in AMOUNT_PARAMS and isinstance(v, int)
            }
        )
    code = exc.code
    if code == "cap_exceeded" and p.get("reason") == "balance":
        code, p["available"] = "insufficient_balance", p.get("maximum")
    messages = {
        "insufficient_balance": lambda: env._(
            "Not enough bonuses: %(available)s available, %(requested)s asked.",
            available=p.get("available"),
            requested=p.get("requested"),
        ),
        "cap_exceeded": lambda: env._(
            "At most %(maximum)s can be spent on this order (%(requested)s asked).",
            maximum=p.get("maximum"),
            requested=p.get("requested"),
        ),
        "burn_below_minimum": lambda: env._(
            "At least %(minimum)s must be spent (%(requested)s asked).",
            minimum=p.get("minimum"),
            requested=p.get("requested"),
        ),
        "bad_check_digit": lambda: env._(
            "%(code)s is not a valid card number (wrong check digit).",
            code=p.get("code"),
        ),
        "invalid_identifier": lambda: env._(
            "%(value)s is neither a card number nor a phone.", value=p.get("value", "")
        ),
    }
    make = messages.get(code)
    return make() if make else env._("Invalid input: %(detail)s", detail=str(exc))


def raise_core(env, exc, program=None):
    """A core error as a translated ``UserError``."""
    raise UserError(core_message(env, exc, program)) from exc
