"""Integer minor-unit money and points; Decimal only for rates. No floats."""

from decimal import Decimal, InvalidOperation

from .errors import InvalidAmount

ROUNDINGS = ("down", "half_up")


def check_int(value, name="amount"):
    """Return ``value`` if it is a plain int; floats and others raise TypeError."""
    if isinstance(value, bool) or not isinstance(value, int):
        kind = type(value).__name__
        raise TypeError(f"{name} must be an int in minor units, not {kind}")
    return value


def _check_digits(digits):
    check_int(digits, "digits")
    if digits < 0:
        raise ValueError("digits must be >= 0")
    return digits


def _check_rounding(rounding):
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be one of {ROUNDINGS}, not {rounding!r}")
    return rounding


def _not_a_number(value):
    return InvalidAmount("invalid_amount", "'%(value)s' is not a number.", value=value)


def to_decimal(value, name="rate"):
    """A rate as a finite Decimal: Decimal, int or str; float raises TypeError."""
    if isinstance(value, float):
        raise TypeError(f"{name} must not be a float; pass a Decimal or a str")
    if isinstance(value, bool):
        raise TypeError(f"{name} must not be a bool")
    if isinstance(value, Decimal):
        dec = value
    elif isinstance(value, int):
        dec = Decimal(value)
    elif isinstance(value, str):
        try:
            dec = Decimal(value.strip())
        except InvalidOperation:
            raise _not_a_number(value) from None
    else:
        kind = type(value).__name__
        raise TypeError(f"{name} must be a Decimal, int or str, not {kind}")
    if not dec.is_finite():
        raise _not_a_number(value)
    return dec


def ratio(value):
    """An exact ``(numerator, denominator)`` pair for a Decimal/int/str; den > 0."""
    sign, digits, exponent = to_decimal(value).as_tuple()
    num = int("".join(map(str, digits)) or "0")
    if sign:
        num = -num
    if exponent >= 0:
        return num * 10**exponent, 1
    return num, 10**-exponent


def div_round(num, den, rounding="down"):
    """``num / den`` as an int: "down" toward zero, "half_up" half away from zero."""
    _check_rounding(rounding)
    if den == 0:
        raise ZeroDivisionError("division by zero")
    if den < 0:
        num, den = -num, -den
    quotient, remainder = divmod(abs(num), den)
    if rounding == "half_up" and 2 * remainder >= den:
        quotient += 1
    return quotient if num >= 0 else -quotient


def to_minor(value, digits):
    """Units (Decimal, int or str) as integer minor units, ROUND_HALF_UP."""
    _check_digits(digits)
    if isinstance(value, int) and not isinstance(value, bool):
        return value * 10**digits
    try:
        num, den = ratio(value)
    except TypeError:
        raise TypeError(
            f"amount must be a Decimal, int or str, not {type(value).__name__}"
        ) from None
    return div_round(num * 10**digits, den, "half_up")


def from_minor(minor, digits):
    """Integer minor units as a Decimal with exactly ``digits`` decimals."""
    check_int(minor, "minor")
    _check_digits(digits)
    sign = 1 if minor < 0 else 0
    return Decimal((sign, tuple(int(c) for c in str(abs(minor))), -digits))


def apply_rate(minor, percent, rounding="down"):
    """``minor * percent / 100`` rounded "down" (toward zero) or "half_up"."""
    check_int(minor)
    num, den = ratio(to_decimal(percent, "percent"))
    return div_round(minor * num, den * 100, rounding)


def scale(minor, num, den, rounding="down"):
    """``minor * num / den`` for an exact integer ratio."""
    check_int(minor)
    return div_round(minor * num, den, rounding)


def convert(minor, from_digits, to_digits, rate=Decimal(1), rounding="down"):
    """Minor units of one unit into minor units of another at ``rate`` (to per from)."""
    check_int(minor)
    _check_digits(from_digits)
    _check_digits(to_digits)
    num, den = ratio(to_decimal(rate))
    return div_round(minor * num * 10**to_digits, den * 10**from_digits, rounding)


def allocate(total, weights):
    """Split ``total`` proportionally to ``weights`` by largest remainder.

    The parts always sum to ``total``; ties go to the earlier index; a zero
    weight gets 0; a negative total is split like its absolute value, negated.
    """
    check_int(total, "total")
    weights = [check_int(w, "weight") for w in weights]
    if any(w < 0 for w in weights):
        raise InvalidAmount("negative_weight", "Allocation weights must be >= 0.")
    weight_sum = sum(weights)
    if weight_sum == 0:
        if total == 0:
            return [0] * len(weights)
        raise InvalidAmount(
            "nothing_to_allocate",
            "Cannot allocate %(total)s over zero weights.",
            total=total,
        )
    sign, magnitude = (-1, -total) if total < 0 else (1, total)
    parts = []
    remainders = []
    for index, weight in enumerate(weights):
        part, remainder = divmod(magnitude * weight, weight_sum)
        parts.append(part)
        if weight:
            remainders.append((-remainder, index))
    leftover = magnitude - sum(parts)
    for _, index in sorted(remainders)[:leftover]:
        parts[index] += 1
    return [sign * part for part in parts]
