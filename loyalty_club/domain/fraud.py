"""A small, explainable fraud score for a card or cashier over a period.

Each signal above its limit adds its weight; weights sum to 100:
manual entries 25, accruals on one card in a day 30, refunds ratio 25,
burns on other people's cards 20.
"""

from dataclasses import dataclass
from decimal import Decimal

from .money import to_decimal

WEIGHTS = {
    "manual_entries": 25,
    "accruals_same_card_day": 30,
    "refunds_ratio": 25,
    "burns_on_others_cards": 20,
}


@dataclass
class Signals:
    """Counts observed over the period under review."""

    manual_entries: int
    accruals_same_card_day: int
    refunds_ratio: Decimal
    burns_on_others_cards: int


@dataclass(frozen=True)
class Limits:
    """Highest normal value of each signal (above it, the signal fires)."""

    manual_entries: int = 5
    accruals_same_card_day: int = 3
    refunds_ratio: Decimal = Decimal("0.3")
    burns_on_others_cards: int = 0


def score(signals, limits=None):
    """``(score 0..100, reasons)``; reasons are the names of the fired signals.

    ``limits`` is a :class:`Limits` or a mapping with the same names (missing
    names take the defaults).
    """
    if limits is None:
        limits = Limits()
    elif isinstance(limits, dict):
        limits = Limits(**limits)
    total = 0
    reasons = []
    for name, weight in WEIGHTS.items():
        value = getattr(signals, name)
        limit = getattr(limits, name)
        if name == "refunds_ratio":
            value, limit = to_decimal(value, name), to_decimal(limit, name)
        if value > limit:
            total += weight
            reasons.append(name)
    return min(total, 100), reasons
