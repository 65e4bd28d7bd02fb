"""Card numbers (EAN-13), QR payloads and parsing of scanned or typed input."""

import secrets

from .errors import InvalidAmount, InvalidCardNumber, InvalidIdentifier

QR_PREFIX = "LCLUB:"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_MIN_LEN = 4
CODE_MAX_LEN = 32
PHONE_MIN_DIGITS = 10
PHONE_MAX_DIGITS = 15

_DIGITS = frozenset("0123456789")
_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_PHONE_SEPARATORS = " \t-().\u2010\u2011\u2012\u2013\u2014"
_CHECK_CHAR = "0987654321"  # _CHECK_CHAR[weighted_sum % 10]


def _is_digits(text):
    return bool(text) and all(c in _DIGITS for c in text)


def _weight(index):
    """EAN-13 weight of body position ``index`` (0-based from the left)."""
    return 3 if index % 2 else 1


def _weighted_sum(digits, first_index=0):
    return sum(int(c) * _weight(first_index + i) for i, c in enumerate(digits))


def ean13_check_digit(body):
    """Check digit of a 12-digit EAN-13 body."""
    if not isinstance(body, str) or len(body) != 12 or not _is_digits(body):
        raise InvalidCardNumber(
            "bad_length", "An EAN-13 body must be 12 digits, got '%(body)s'.", body=body
        )
    return (10 - _weighted_sum(body) % 10) % 10


def is_valid_ean13(code):
    """True for 13 ASCII digits whose last digit is the right check digit."""
    if not isinstance(code, str) or len(code) != 13 or not _is_digits(code):
        return False
    return ean13_check_digit(code[:12]) == int(code[12])


def _check_prefix(prefix):
    if not (isinstance(prefix, str) and 1 <= len(prefix) <= 11 and _is_digits(prefix)):
        raise InvalidCardNumber(
            "bad_prefix",
            "A card prefix must be 1 to 11 digits, got '%(prefix)s'.",
            prefix=prefix,
        )
    return 12 - len(prefix)


def _range_overflow(prefix, seq, width):
    return InvalidCardNumber(
        "range_overflow",
        "Sequence %(seq)s does not fit the %(width)s digits left after prefix "
        "%(prefix)s.",
        prefix=prefix,
        seq=seq,
        width=width,
    )


def make_ean13(prefix, seq):
    """Prefix + zero-padded ``seq`` (12 digits) + check digit."""
    width = _check_prefix(prefix)
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise TypeError("seq must be an int")
    if seq < 0 or seq >= 10**width:
        raise _range_overflow(prefix, seq, width)
    body = f"{prefix}{seq:0{width}d}"
    return body + str(ean13_check_digit(body))


def emission_numbers(prefix, start, count):
    """``count`` consecutive EAN-13 numbers from sequence ``start`` (fast)."""
    width = _check_prefix(prefix)
    for name, value in (("start", start), ("count", count)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int")
    if count <= 0:
        raise InvalidAmount(
            "invalid_count",
            "The number of cards must be positive, got %(count)s.",
            count=count,
        )
    end = start + count
    if start < 0:
        raise _range_overflow(prefix, start, width)
    if end - 1 >= 10**width:
        raise _range_overflow(prefix, end - 1, width)
    # Precompute the last `low` digits and their weighted sums once; per number
    # only a table lookup and a concatenation remain.
    low = min(3, width)
    block = 10**low
    low_strs = [f"{v:0{low}d}" for v in range(block)]
    low_sums = [_weighted_sum(s, 12 - low) for s in low_strs]
    high_width = width - low
    prefix_sum = _weighted_sum(prefix)
    result = []
    seq = start
    while seq < end:
        high, first = divmod(seq, block)
        high_str = f"{high:0{high_width}d}" if high_width else ""
        head = prefix + high_str
        base = prefix_sum + _weighted_sum(high_str, len(prefix))
        stop = min(end - high * block, block)
        result.extend(
            [
                head + low_strs[i] + _CHECK_CHAR[(base + low_sums[i]) % 10]
                for i in range(first, stop)
            ]
        )
        seq = high * block + stop
    return result


def normalize_code(raw):
    """Remove whitespace and dashes, upper-case."""
    text = "".join(str(raw).split())
    for dash in _DASHES:
        text = text.replace(dash, "")
    return text.upper()


def virtual_card_payload(code):
    """QR payload of a virtual card."""
    return QR_PREFIX + code


def _invalid(raw):
    return InvalidIdentifier(
        "invalid_identifier",
        "'%(value)s' is not a card number, a phone number or a code.",
        value=raw,
    )


def _card(code):
    if not is_valid_ean13(code):
        raise InvalidCardNumber(
            "bad_check_digit",
            "Card number %(code)s has a wrong check digit.",
            code=code,
        )
    return ("card", code)


def _is_code(text):
    return CODE_MIN_LEN <= len(text) <= CODE_MAX_LEN and all(
        c in _CODE_CHARS for c in text
    )


def parse_identifier(raw):
    """Classify input as ("card", code), ("phone", stripped) or ("code", code).

    13 digits (separators allowed, no "+") are always an EAN-13 card, never a
    phone; a wrong check digit raises InvalidCardNumber("bad_check_digit").
    A "LCLUB:" QR payload is a card. A phone starts with "+", 8, 7 or 0 and has
    10-15 digits once spaces, dashes, parentheses and dots are removed; it is
    returned as typed, only trimmed. Other 4-32 char [A-Z0-9-] input is a code.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise _invalid("" if raw is None else raw)
    stripped = raw.strip()
    if stripped.upper().startswith(QR_PREFIX):
        code = normalize_code(stripped[len(QR_PREFIX) :])
        if len(code) == 13 and _is_digits(code):
            return _card(code)
        if _is_code(code):
            return ("card", code)
        raise _invalid(raw)
    compact = stripped
    for separator in _PHONE_SEPARATORS:
        compact = compact.replace(separator, "")
    if compact.startswith("+"):
        if _is_digits(compact[1:]) and (
            PHONE_MIN_DIGITS <= len(compact) - 1 <= PHONE_MAX_DIGITS
        ):
            return ("phone", stripped)
        raise _invalid(raw)
    if _is_digits(compact):
        if len(compact) == 13:
            return _card(compact)
        if compact[0] in "870" and PHONE_MIN_DIGITS <= len(compact) <= PHONE_MAX_DIGITS:
            return ("phone", stripped)
    code = normalize_code(stripped)
    if _is_code(code):
        return ("code", code)
    raise _invalid(raw)


def random_code(length=12, alphabet=CODE_ALPHABET):
    """A random code from ``alphabet`` (no 0/O/1/I by default), via ``secrets``."""
    if isinstance(length, bool) or not isinstance(length, int) or length <= 0:
        raise ValueError("length must be a positive int")
    if not alphabet:
        raise ValueError("alphabet must not be empty")
    return "".join(secrets.choice(alphabet) for _ in range(length))


def mask_phone(phone):
    """A phone shown to a cashier or a caller: the country code and the last two
    digits stay, the rest is hidden: "+380501234567" -> "+38********67"."""
    phone = str(phone or "")
    digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
    if len(digits) <= 4:
        return phone
    keep = set(digits[:2] + digits[-2:])
    return "".join(
        ch if (i in keep or not ch.isdigit()) else "*" for i, ch in enumerate(phone)
    )
