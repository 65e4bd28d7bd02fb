"""What every route of the open API shares: API-key authentication, the rate
limit, the language of messages, JSON bodies and JSON errors with stable codes.
"""

import functools
import json
import logging
from decimal import Decimal, InvalidOperation

from psycopg2 import IntegrityError, OperationalError
from psycopg2.pool import PoolError
from werkzeug.wrappers import Response

from odoo import SUPERUSER_ID, _
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import HttpDispatcher, request
from odoo.tools.translate import LazyTranslate

from ..domain import errors as core_errors
from ..edge import core_message

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

API = "/api/loyalty/v1"
LANGS = {"ru": "ru_RU", "uk": "uk_UA", "en": "en_US"}
AUTH_DONE = "loyalty_club.api_auth"
# every API route: no session (no cookie, no session file per call), no CSRF
ROUTE = {"type": "http", "auth": "none", "csrf": False, "save_session": False}
# core error codes that mean the caller sent bad input (the rest are refusals)
# the largest number (quantity, price, amount) the API takes: far above any
# real order, far below what Decimal precision and bigint minor units hold
MAX_NUMBER = Decimal(10) ** 12
# refusals of a one-time code: the caller may not do this without the code
CODE_ERRORS = {
    "code_required": 403,
    "invalid_code": 403,
    "code_expired": 403,
    "code_locked": 403,
    "code_used": 403,
    "no_phone": 422,
    "code_rate_limited": 429,
}
BAD_INPUT_CODES = {
    "invalid_identifier",
    "bad_check_digit",
    "invalid_amount",
    "invalid_count",
    "bad_length",
}


class ApiError(Exception):
    """An answer other than 2xx: HTTP status, stable code, translated message."""

    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


def json_response(data, status=200, headers=None):
    headers = dict(headers or {})
    headers.setdefault("Content-Language", (request.env.lang or "en_US")[:2])
    headers.setdefault("Cache-Control", "no-store")
    return request.make_json_response(
        data, headers=list(headers.items()), status=status
    )


# no database connection free: the channel retries after this many seconds
UNAVAILABLE_RETRY_AFTER = "2"
UNAVAILABLE_MESSAGE = _lt("The service is busy: no database connection is free; retry.")


def unavailable_response(httprequest):
    """503 with the API's JSON error body, built without the database (there
    may be no connection to read the installed languages or anything else
    from): the message in the Accept-Language's language, from the addon's
    translation files."""
    lang = "en_US"
    for value, _quality in httprequest.accept_languages:
        lang = LANGS.get(value.replace("_", "-").split("-")[0].lower())
        if lang:
            break
    body = {
        "code": "service_unavailable",
        "message": UNAVAILABLE_MESSAGE._translate(lang or "en_US"),
    }
    return Response(
        json.dumps(body),
        status=503,
        headers=[
            ("Content-Type", "application/json; charset=utf-8"),
            ("Cache-Control", "no-store"),
            ("Retry-After", UNAVAILABLE_RETRY_AFTER),
        ],
    )


def _api_handle_error(handle_error):
    """Odoo opens the request's cursor before any route runs: a full pool there
    would answer an HTML 500. The API's paths answer a JSON 503 instead."""

    @functools.wraps(handle_error)
    def wrapper(self, exc):
        path = self.request.httprequest.path or ""
        if isinstance(exc, PoolError) and path.startswith(API + "/"):
            return unavailable_response(self.request.httprequest)
        return handle_error(self, exc)

    wrapper.loyalty_club_api = True
    return wrapper


if not getattr(HttpDispatcher.handle_error, "loyalty_club_api", False):
    HttpDispatcher.handle_error = _api_handle_error(HttpDispatcher.handle_error)


def error_response(exc):
    return json_response(
        {"code": exc.code, "message": exc.message},
        status=exc.status,
        headers=exc.headers,
    )


def request_lang():
    """ru_RU, uk_UA or en_US from Accept-Language, among the installed ones."""
    langs = request.env(su=True)["res.lang"]
    installed = {code for code, _name in langs.get_installed()}
    for value, _quality in request.httprequest.accept_languages:
        code = LANGS.get(value.replace("_", "-").split("-")[0].lower())
        if code and code in installed:
            return code
    return "en_US"


def json_body():
    httprequest = request.httprequest
    if httprequest.mimetype != "application/json" and (
        httprequest.content_length or httprequest.form
    ):
        raise ApiError(
            415,
            "unsupported_media_type",
            _("Send the body as JSON with Content-Type: application/json."),
        )
    raw = httprequest.get_data(cache=True)
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise ApiError(400, "invalid_json", _("The body is not valid JSON.")) from exc
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", _("The body must be a JSON object."))
    check_no_nul(body)
    return body


def check_no_nul(*values):
    """Refuse NUL characters (PostgreSQL cannot store nor compare them) anywhere
    in texts, keys, lists and objects."""
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise bad("invalid_field", _("Texts must not contain NUL characters."))
        elif isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)


def _secret():
    headers = request.httprequest.headers
    auth = headers.get("Authorization") or ""
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return (headers.get("X-Api-Key") or "").strip()


def authenticate(operation):
    """The API key of this request, counted against its rate limit.

    The counter is written on a cursor of the primary database of its own,
    committed at once (see ``loyalty_club_api_key``). A read-only request cursor
    (a replica, or a read-only transaction) is rolled back first: nothing was
    read on it yet, and Odoo's test cursors require it.
    """
    secret = _secret()
    if not secret:
        raise ApiError(
            401,
            "missing_api_key",
            _("An API key is required (Authorization: Bearer <key>)."),
            {"WWW-Authenticate": "Bearer"},
        )
    env = request.env
    environ = request.httprequest.environ
    if AUTH_DONE in environ:
        # Odoo retries a request after a serialization failure: count it once
        found = environ[AUTH_DONE]
    else:
        if env.cr.readonly:
            env.cr.rollback()
        with env.registry.cursor() as cr:
            found = env["loyalty.club.api.key"]._authenticate(secret, cr)
        environ[AUTH_DONE] = found
    key = env["loyalty.club.api.key"].browse(found and found[0]).exists()
    if not key:
        raise ApiError(
            401,
            "invalid_api_key",
            _("This API key is unknown or revoked."),
            {"WWW-Authenticate": "Bearer"},
        )
    _key_id, limit, count, retry_after = found
    if limit and count > limit:
        raise ApiError(
            429,
            "rate_limited",
            _(
                "Too many requests: at most %(limit)s a minute for this key.",
                limit=limit,
            ),
            {"Retry-After": str(retry_after)},
        )
    if operation and not key.allows(operation):
        raise ApiError(
            403,
            "operation_not_allowed",
            _("This API key may not %(operation)s.", operation=operation),
        )
    return key


def from_user_error(exc):
    """A service refusal: the core's stable code when it has one."""
    cause = exc.__cause__
    message = exc.args[0] if exc.args else str(exc)
    if isinstance(cause, core_errors.DomainError):
        code = cause.code
        if code == "cap_exceeded" and cause.params.get("reason") == "balance":
            code = "insufficient_balance"
        if code in CODE_ERRORS:
            return ApiError(CODE_ERRORS[code], code, message)
        return ApiError(400 if code in BAD_INPUT_CODES else 422, code, message)
    return ApiError(422, "refused", message)


def endpoint(operation=None, write=False):
    """Wrap a route: language, key, rate limit, JSON errors; ``write`` routes run
    in a savepoint so that a refusal leaves nothing half-written."""

    def decorator(func):
        @functools.wraps(func)
        def wrapper(self, *args, **params):
            request.update_env(
                user=SUPERUSER_ID,
                context=dict(request.env.context, lang=request_lang()),
            )
            try:
                key = authenticate(operation)
                check_no_nul(params, dict(request.httprequest.args.lists()))
                request.update_env(
                    context=dict(
                        request.env.context, allowed_company_ids=key.company_id.ids
                    )
                )
                key = key.with_env(request.env)
                if not write:
                    return func(self, key, *args, **params)
                with request.env.cr.savepoint():
                    return func(self, key, *args, **params)
            except ApiError as exc:
                return error_response(exc)
            except (UserError, ValidationError) as exc:
                return error_response(from_user_error(exc))
            except AccessError as exc:
                return error_response(ApiError(403, "forbidden", str(exc)))
            except MissingError as exc:
                return error_response(ApiError(404, "not_found", str(exc)))
            except IntegrityError:
                # a concurrent twin (same idempotency key) committed first
                return error_response(
                    ApiError(
                        409,
                        "concurrent_request",
                        _("The same request is being processed; retry later."),
                        {"Retry-After": "1"},
                    )
                )
            except PoolError:
                # no connection for the key's counter or the work: nothing of
                # this request is kept (a write route's savepoint is gone)
                _logger.warning("Loyalty API: the database connection pool is full")
                request.env.cr.rollback()
                return unavailable_response(request.httprequest)
            except OperationalError:
                raise  # serialization failure: Odoo retries the whole request
            except Exception:  # noqa: BLE001 - the API never answers a traceback
                _logger.exception("Loyalty API: unexpected error")
                return error_response(
                    ApiError(500, "internal_error", _("Internal error."))
                )

        return wrapper

    return decorator


# ------------------------------------------------------------------ input
def bad(code, message):
    return ApiError(400, code, message)


def number(value, what, minimum=None, maximum=MAX_NUMBER):
    """A JSON number (or numeric string) as an exact Decimal, at most
    ``MAX_NUMBER`` unless told otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise bad("invalid_number", _("%(what)s must be a number.", what=what))
    try:
        dec = Decimal(str(value))
    except InvalidOperation as exc:
        raise bad("invalid_number", _("%(what)s must be a number.", what=what)) from exc
    if not dec.is_finite():
        raise bad("invalid_number", _("%(what)s must be a number.", what=what))
    if (minimum is not None and dec < minimum) or (
        maximum is not None and dec > maximum
    ):
        raise bad(
            "out_of_range",
            _(
                "%(what)s must lie between %(minimum)s and %(maximum)s.",
                what=what,
                minimum=minimum if minimum is not None else "-",
                maximum=maximum if maximum is not None else "-",
            ),
        )
    return dec


def text(body, name, required=False, max_len=256):
    value = body.get(name)
    if value in (None, ""):
        if required:
            raise bad(
                "missing_field", _("The field %(field)s is required.", field=name)
            )
        return None
    if not isinstance(value, str) or len(value) > max_len:
        raise bad(
            "invalid_field",
            _(
                "The field %(field)s must be text of at most %(max)s characters.",
                field=name,
                max=max_len,
            ),
        )
    return value.strip()


def int_param(value, name, default, minimum, maximum):
    if value in (None, ""):
        return default
    try:
        result = int(value)
    except (TypeError, ValueError) as exc:
        raise bad(
            "invalid_parameter", _("%(name)s must be an integer.", name=name)
        ) from exc
    if not minimum <= result <= maximum:
        raise bad(
            "out_of_range",
            _(
                "%(what)s must lie between %(minimum)s and %(maximum)s.",
                what=name,
                minimum=minimum,
                maximum=maximum,
            ),
        )
    return result


def domain_error(exc):
    """A core error raised straight from the domain (not through the service)."""
    return ApiError(
        400 if exc.code in BAD_INPUT_CODES else 422,
        exc.code,
        core_message(request.env, exc),
    )
