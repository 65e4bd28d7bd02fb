"""What every SMS gateway adapter shares: plain Python, no Odoo import.

An adapter turns a list of :class:`Message` into one :class:`Result` per message
(accepted with the provider's message id, or refused with one of Odoo's
``sms.sms`` failure types), reads delivery reports into :class:`Status` and
asks for the account's :class:`Balance`. It never raises for what a gateway
does: a timeout, a refused connection, an HTTP error page or an answer that is
not the provider's format all become results with failure type ``sms_server``
and a reason the caller can put into words. Once a gateway is unreachable
(timeout or connection refused) or refuses the account (credentials, credit),
the rest of the batch is not attempted: it fails as ``skipped`` with the same
failure type, so a slow gateway holds a batch for one timeout only.
"""

import dataclasses
import re
from collections import OrderedDict

import requests

# Odoo's sms.sms failure types (sms/models/sms_sms.py), plus the delivery
# errors Odoo keeps on mail.notification and that loyalty_club adds to sms.sms.
UNKNOWN = "unknown"
NUMBER_MISSING = "sms_number_missing"
NUMBER_FORMAT = "sms_number_format"
COUNTRY = "sms_country_not_supported"
REGISTRATION = "sms_registration_needed"
CREDIT = "sms_credit"
SERVER = "sms_server"
ACCOUNT = "sms_acc"
BLACKLIST = "sms_blacklist"
DUPLICATE = "sms_duplicate"
EXPIRED = "sms_expired"
NOT_DELIVERED = "sms_not_delivered"
INVALID_DESTINATION = "sms_invalid_destination"
NOT_ALLOWED = "sms_not_allowed"
REJECTED = "sms_rejected"

SEND_FAILURES = (
    UNKNOWN,
    NUMBER_MISSING,
    NUMBER_FORMAT,
    COUNTRY,
    REGISTRATION,
    CREDIT,
    SERVER,
    ACCOUNT,
    BLACKLIST,
    DUPLICATE,
)
DELIVERY_FAILURES = (EXPIRED, NOT_DELIVERED, INVALID_DESTINATION, NOT_ALLOWED, REJECTED)

# Why a message failed, for the caller's wording.
REASON_PROVIDER = "provider"  # the provider answered with an error code
REASON_NUMBER = "number"  # refused before sending: not a phone number
REASON_TIMEOUT = "timeout"  # no answer in time (the provider may still send)
REASON_CONNECTION = "connection"  # nothing listens / network error
REASON_HTTP = "http"  # an HTTP error page instead of the provider's answer
REASON_GARBAGE = "garbage"  # an answer that is not the provider's format
REASON_SKIPPED = "skipped"  # not attempted: the gateway was unreachable
REASON_UNSUPPORTED = "unsupported"  # the provider has no such function

# Delivery states as sms.sms names them.
PENDING = "pending"  # handed to the operator, no final report yet
DELIVERED = "sent"  # sms.sms "Delivered"
FAILED = "error"

_NUMBER_JUNK = re.compile(r"[\s\-().]")
_NUMBER = re.compile(r"[0-9]{8,15}")


def normalize_number(number):
    """International number as digits only (``79251234567``), or ``""``.

    Accepts ``+7 (925) 123-45-67`` or ``0079251234567``; refuses letters and
    numbers too short or too long for E.164. Numbers in a national format
    (``8 925 ...``) are the caller's to make international first.
    """
    cleaned = _NUMBER_JUNK.sub("", number or "")
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    elif cleaned.startswith("00"):
        cleaned = cleaned[2:]
    return cleaned if _NUMBER.fullmatch(cleaned) else ""


def to_float(value):
    """A provider's amount (``"1.50"``, ``1.5``, ``"1,50"``) or None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(str(value).replace(",", ".").strip())
    except ValueError:
        return None


def to_int(value):
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def excerpt(text, size=200):
    """The start of an answer, on one line, for a readable error."""
    text = " ".join(str(text or "").split())
    return text if len(text) <= size else text[: size - 1] + "…"


@dataclasses.dataclass(frozen=True)
class Config:
    """A gateway's settings; the fields an adapter does not use stay empty."""

    base_url: str = ""
    sender: str = ""
    api_id: str = ""
    login: str = ""
    password: str = ""
    token: str = ""
    timeout: float = 10.0
    # generic HTTP gateway
    method: str = "POST"
    auth: str = "none"  # none | basic | bearer | param
    auth_param: str = "token"
    phone_param: str = "phone"
    text_param: str = "text"
    sender_param: str = "sender"
    success_regex: str = ""
    message_id_regex: str = ""
    status_url: str = ""
    status_id_param: str = "id"
    delivered_regex: str = ""
    failed_regex: str = ""


@dataclasses.dataclass(frozen=True)
class Message:
    key: object  # the caller's identifier (an sms.sms id)
    number: str
    text: str


@dataclasses.dataclass
class Result:
    key: object
    number: str
    ok: bool
    provider_id: str = ""
    failure: str = ""  # an Odoo failure type when not ok
    cost: float | None = None  # what the provider says the message cost
    reason: str = ""
    detail: str = ""  # the provider's code and text, or the transport error
    raw: str = ""


@dataclasses.dataclass
class Status:
    provider_id: str
    state: str  # PENDING | DELIVERED | FAILED
    failure: str = ""  # a delivery failure type when FAILED
    cost: float | None = None
    detail: str = ""
    raw: str = ""


@dataclasses.dataclass
class Balance:
    ok: bool
    amount: float | None = None
    currency: str = ""
    reason: str = ""
    detail: str = ""


class GatewayError(Exception):
    """A whole request failed; ``send`` turns it into results, never lets it out."""

    def __init__(self, reason, detail, failure=SERVER, raw=""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.failure = failure
        self.raw = raw

    @property
    def stops_batch(self):
        """The next requests would fail the same way: do not make them."""
        return self.reason in (REASON_TIMEOUT, REASON_CONNECTION) or self.failure in (
            ACCOUNT,
            CREDIT,
        )


class Adapter:
    """One provider's wire format. Subclasses fill ``_send_chunk``, ``status``,
    ``balance`` and, where the provider calls back, ``parse_callback``."""

    provider = ""
    label = ""
    default_url = ""
    currency = ""
    max_numbers = 1  # numbers one request may carry (same text)
    # provider error code -> Odoo failure type (anything else: "unknown")
    failure_codes = {}
    descriptions = {}

    def __init__(self, config, session=None):
        self.config = config
        self.session = session or requests.Session()

    # ------------------------------------------------------------------ sending

    def send(self, messages):
        """One :class:`Result` per message, in the order given; never raises."""
        results = {}
        valid = []
        for message in messages:
            number = normalize_number(message.number)
            if number:
                valid.append(dataclasses.replace(message, number=number))
                continue
            missing = not (message.number or "").strip()
            results[message.key] = Result(
                message.key,
                message.number or "",
                False,
                failure=NUMBER_MISSING if missing else NUMBER_FORMAT,
                reason=REASON_NUMBER,
                detail=message.number or "",
            )
        stopped = None
        for chunk in self._chunks(valid):
            if stopped is not None:
                for message in chunk:
                    results[message.key] = self._failed(
                        message, REASON_SKIPPED, stopped.detail, stopped.failure
                    )
                continue
            try:
                for result in self._send_chunk(chunk):
                    results[result.key] = result
            except GatewayError as error:
                for message in chunk:
                    results[message.key] = self._failed(
                        message, error.reason, error.detail, error.failure, error.raw
                    )
                if error.stops_batch:
                    stopped = error
            except Exception as error:  # noqa: BLE001 - an answer of a new shape
                for message in chunk:
                    results[message.key] = self._failed(
                        message, REASON_GARBAGE, excerpt(repr(error))
                    )
        return [
            results.get(message.key)
            or self._failed(message, REASON_GARBAGE, "no answer for this message")
            for message in messages
        ]

    def _send_chunk(self, chunk):
        """Send messages of one text (at most ``max_numbers``, distinct numbers)."""
        raise NotImplementedError

    def _chunks(self, messages):
        """Messages grouped by text, then cut to ``max_numbers`` distinct numbers."""
        by_text = OrderedDict()
        for message in messages:
            by_text.setdefault(message.text, []).append(message)
        for group in by_text.values():
            pending = list(group)
            while pending:
                chunk, numbers, rest = [], set(), []
                for message in pending:
                    if message.number in numbers or len(chunk) >= self.max_numbers:
                        rest.append(message)
                    else:
                        chunk.append(message)
                        numbers.add(message.number)
                yield chunk
                pending = rest

    @staticmethod
    def _failed(message, reason, detail, failure=SERVER, raw=""):
        return Result(
            message.key,
            message.number,
            False,
            failure=failure,
            reason=reason,
            detail=detail,
            raw=raw,
        )

    def _refused(self, message, code, text="", raw=""):
        """A message the provider refused with ``code``."""
        return Result(
            message.key,
            message.number,
            False,
            failure=self.failure_for(code),
            reason=REASON_PROVIDER,
            detail=self.describe(code, text),
            raw=raw,
        )

    def failure_for(self, code):
        return self.failure_codes.get(code, UNKNOWN)

    def describe(self, code, text=""):
        text = text or self.descriptions.get(code, "")
        return f"{code}: {excerpt(text)}" if text else str(code)

    # ----------------------------------------------------------------- reports

    def status(self, items):
        """Delivery states of ``[(provider_id, number), ...]`` (may raise
        :class:`GatewayError`: polling just tries again later)."""
        return []

    def parse_callback(self, pairs):
        """Delivery states from a callback's form ``[(name, value), ...]``."""
        return []

    def balance(self):
        return Balance(False, reason=REASON_UNSUPPORTED)

    def balance_safely(self):
        try:
            return self.balance()
        except GatewayError as error:
            return Balance(False, reason=error.reason, detail=error.detail)
        except Exception as error:  # noqa: BLE001 - an answer of a new shape
            return Balance(False, reason=REASON_GARBAGE, detail=excerpt(repr(error)))

    # -------------------------------------------------------------------- HTTP

    def url(self, path):
        return self.config.base_url.rstrip("/") + path

    def http(self, method, url, **kwargs):
        """The provider's response, or :class:`GatewayError` (timeout, refused)."""
        try:
            return self.session.request(
                method, url, timeout=self.config.timeout or 10.0, **kwargs
            )
        except requests.Timeout as error:
            raise GatewayError(
                REASON_TIMEOUT, f"{self.config.timeout:g} s", raw=repr(error)
            ) from error
        except requests.RequestException as error:
            raise GatewayError(
                REASON_CONNECTION, excerpt(str(error) or repr(error)), raw=repr(error)
            ) from error

    @staticmethod
    def json(response):
        """The JSON object of a response, or :class:`GatewayError`."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict | list):
            return body
        if response.status_code >= 400:
            raise GatewayError(
                REASON_HTTP,
                f"HTTP {response.status_code}: {excerpt(response.text, 120)}",
                raw=response.text[:2000],
            )
        raise GatewayError(
            REASON_GARBAGE, excerpt(response.text) or "empty", raw=response.text[:2000]
        )
