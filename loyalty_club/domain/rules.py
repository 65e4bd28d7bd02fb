"""Earn and burn on an order, and tier qualification.

Money is in currency minor units, points in point minor units, rates are
Decimal percents. Worked example (SOKOLOV): earn 10%, burn cap 30%, a
5,000.00 purchase, 2,000 points requested, 3,000 available: the cap allows
1,500.00, so 1,500 points are burnt, 3,500.00 is paid and 350 points earned.
"""

from dataclasses import dataclass
from decimal import Decimal

from .errors import CapExceeded, InvalidAmount
from .money import (
    ROUNDINGS,
    allocate,
    apply_rate,
    check_int,
    div_round,
    ratio,
    to_decimal,
)


@dataclass(frozen=True)
class Policy:
    """How a program earns and burns; ``point_value`` is currency units per point."""

    earn_percent: Decimal
    burn_cap_percent: Decimal
    currency_digits: int = 2
    point_digits: int = 2
    point_value: Decimal = Decimal(1)
    earn_rounding: str = "down"
    max_earn_per_order: int | None = None
    min_burn: int = 0

    def __post_init__(self):
        earn = to_decimal(self.earn_percent, "earn_percent")
        cap = to_decimal(self.burn_cap_percent, "burn_cap_percent")
        if earn < 0:
            raise InvalidAmount("invalid_rate", "The earn rate must not be negative.")
        if not 0 <= cap <= 100:
            raise InvalidAmount(
                "invalid_rate", "The burn cap must be between 0 and 100 percent."
            )
        if to_decimal(self.point_value, "point_value") <= 0:
            raise InvalidAmount("invalid_rate", "A point must be worth more than 0.")
        for name in ("currency_digits", "point_digits", "min_burn"):
            if check_int(getattr(self, name), name) < 0:
                raise ValueError(f"{name} must be >= 0")
        cap = self.max_earn_per_order
        if cap is not None and check_int(cap, "max_earn_per_order") < 0:
            raise ValueError("max_earn_per_order must be >= 0")
        if self.earn_rounding not in ROUNDINGS:
            raise ValueError(f"earn_rounding must be one of {ROUNDINGS}")

    def point_ratio(self):
        """(num, den) with points_minor = money_minor * num / den."""
        value_num, value_den = ratio(self.point_value)
        return (
            value_den * 10**self.point_digits,
            value_num * 10**self.currency_digits,
        )

    def money_to_points(self, money_minor, rounding="down"):
        """Currency minor units as point minor units."""
        num, den = self.point_ratio()
        return div_round(check_int(money_minor) * num, den, rounding)

    def points_to_money(self, points_minor, rounding="down"):
        """Point minor units as currency minor units."""
        num, den = self.point_ratio()
        return div_round(check_int(points_minor) * den, num, rounding)

    def points_for_money(self, money_minor):
        """Fewest point minor units worth at least ``money_minor``."""
        num, den = self.point_ratio()
        return -((-check_int(money_minor) * num) // den)


@dataclass(frozen=True)
class Line:
    """An order line: currency minor units after discounts, tax included.

    ``earn``: the line earns at all; ``burn``: it may be paid with points.
    ``earn_points``: what the line earns when paid in full, in point minor
    units, instead of the rate (programs earning per item: a cup, a litre);
    paid partly with points, it earns the share paid in money.
    """

    key: object
    amount: int
    earn: bool = True
    burn: bool = True
    earn_points: int | None = None

    def __post_init__(self):
        check_int(self.amount)
        if self.earn_points is not None and check_int(self.earn_points) < 0:
            raise ValueError("earn_points must be >= 0")


@dataclass(frozen=True)
class Quote:
    """Result of :func:`quote`; points and money in their minor units."""

    lines_amount: int
    burn_max: int
    burn: int
    burn_money: int
    burn_per_line: dict
    earn: int
    earn_per_line: dict
    to_pay: int
    capped: bool
    cap_reason: str | None
    no_earn: tuple = ()
    no_burn: tuple = ()


def quote(lines, policy, available, requested_burn=0, strict=False, earn_percent=None):
    """Burn and earn for ``lines``.

    burn_max = min(available, points worth floor(burn_cap_percent of the
    burn-eligible amount)); the burn-eligible amount is the net sum of the
    burn-eligible lines, never more than the whole order, never below 0.
    A request above burn_max raises CapExceeded when ``strict``, else it is
    reduced (cap_reason "cap" or "balance", whichever binds). The burnt money
    is floored to the currency and the points are the fewest that pay it.
    A burn below ``policy.min_burn`` raises InvalidAmount when ``strict``,
    else becomes 0 (cap_reason "min_burn" unless already capped).
    Burn money is spread over positive burn-eligible lines by amount; each
    earn-eligible line earns ``earn_percent`` of what is left to pay on it,
    never negative, in one rounding; a line with ``earn_points`` earns them
    in the share of its amount paid in money instead; ``max_earn_per_order``
    scales it down. ``no_earn`` and ``no_burn`` list the keys of the lines
    that may not earn or be paid with points.
    """
    lines = list(lines)
    keys = [line.key for line in lines]
    if len(set(keys)) != len(keys):
        raise ValueError("line keys must be unique")
    check_int(available, "available")
    check_int(requested_burn, "requested_burn")
    if requested_burn < 0:
        raise InvalidAmount(
            "invalid_amount",
            "The burn must not be negative, got %(amount)s.",
            amount=requested_burn,
        )
    percent = policy.earn_percent if earn_percent is None else earn_percent
    percent = to_decimal(percent, "earn_percent")
    if percent < 0:
        raise InvalidAmount("invalid_rate", "The earn rate must not be negative.")

    lines_amount = sum(line.amount for line in lines)
    eligible = sum(line.amount for line in lines if line.burn)
    burn_base = max(0, min(eligible, lines_amount))
    cap_points = policy.money_to_points(apply_rate(burn_base, policy.burn_cap_percent))
    balance = max(0, available)
    burn_max = min(balance, cap_points)
    reason = "balance" if balance < cap_points else "cap"

    burn, capped, cap_reason = requested_burn, False, None
    if requested_burn > burn_max:
        if strict:
            raise CapExceeded(
                "cap_exceeded",
                "At most %(maximum)s can be used on this order, %(requested)s "
                "requested (%(reason)s).",
                requested=requested_burn,
                maximum=burn_max,
                reason=reason,
            )
        burn, capped, cap_reason = burn_max, True, reason
    burn_money = policy.points_to_money(burn)
    burn = policy.points_for_money(burn_money)
    if 0 < burn < policy.min_burn or 0 < requested_burn < policy.min_burn:
        if strict:
            raise InvalidAmount(
                "burn_below_minimum",
                "At least %(minimum)s must be used, %(requested)s requested.",
                minimum=policy.min_burn,
                requested=requested_burn,
            )
        burn = burn_money = 0
        capped, cap_reason = True, cap_reason or "min_burn"

    weights = [max(0, line.amount) if line.burn else 0 for line in lines]
    burn_shares = allocate(burn_money, weights) if burn_money else [0] * len(lines)

    num, den = ratio(percent)
    point_num, point_den = policy.point_ratio()
    earns = []
    for line, share in zip(lines, burn_shares, strict=False):
        rest = line.amount - share
        if not line.earn or rest <= 0:
            earns.append(0)
            continue
        if line.earn_points is not None:
            paid = min(rest, line.amount)
            earns.append(
                div_round(line.earn_points * paid, line.amount, policy.earn_rounding)
            )
            continue
        earned = div_round(
            rest * num * point_num, den * 100 * point_den, policy.earn_rounding
        )
        earns.append(earned)
    cap = policy.max_earn_per_order
    if cap is not None and sum(earns) > cap:
        earns = allocate(cap, earns)

    return Quote(
        lines_amount=lines_amount,
        burn_max=burn_max,
        burn=burn,
        burn_money=burn_money,
        burn_per_line=dict(zip(keys, burn_shares, strict=False)),
        earn=sum(earns),
        earn_per_line=dict(zip(keys, earns, strict=False)),
        to_pay=lines_amount - burn_money,
        capped=capped,
        cap_reason=cap_reason,
        no_earn=tuple(line.key for line in lines if not line.earn),
        no_burn=tuple(line.key for line in lines if not line.burn),
    )


@dataclass(frozen=True)
class TierSpec:
    """A tier reached from ``threshold`` (currency minor units)."""

    key: object
    threshold: int
    earn_percent: Decimal
    sequence: int = 0


def qualify(amount, tiers):
    """Key of the tier with the highest threshold <= ``amount`` (None if none).

    Equal thresholds: the lowest ``sequence`` wins, then the first given.
    """
    check_int(amount)
    best = None
    for tier in tiers:
        if tier.threshold > amount:
            continue
        if best is None or (tier.threshold, -tier.sequence) > (
            best.threshold,
            -best.sequence,
        ):
            best = tier
    return None if best is None else best.key
