"""Lots of points (or money) with availability and expiry; pure FEFO ledger math.

A lot is what remains open of one credit. It is expired from its ``expires_on``
day included, and pending (not yet spendable) while ``available_from > today``.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from .errors import InsufficientBalance, InvalidAmount
from .money import check_int, div_round


@dataclass(frozen=True)
class Lot:
    """Open remainder of one credit, in minor units (>= 0)."""

    key: object
    amount: int
    available_from: date
    expires_on: date | None = None

    def __post_init__(self):
        check_int(self.amount)
        if self.amount < 0:
            raise InvalidAmount(
                "negative_lot",
                "Lot %(key)s has a negative amount %(amount)s.",
                key=self.key,
                amount=self.amount,
            )

    def is_expired(self, today):
        return self.expires_on is not None and self.expires_on <= today

    def is_pending(self, today):
        return self.available_from > today


@dataclass(frozen=True)
class Balances:
    """What the open lots add up to on a given day."""

    available: int
    pending: int
    expiring_soon: int
    next_expiry: date | None
    next_expiry_amount: int

    @property
    def total(self):
        return self.available + self.pending


def balances(lots, today, soon_days=30):
    """Available, pending and soon-expiring totals; expired lots are left out."""
    horizon = today + timedelta(days=soon_days)
    available = pending = expiring_soon = 0
    expiry_amounts = {}
    for lot in lots:
        if lot.is_expired(today) or not lot.amount:
            continue
        if lot.is_pending(today):
            pending += lot.amount
        else:
            available += lot.amount
        if lot.expires_on is not None:
            expiry_amounts[lot.expires_on] = (
                expiry_amounts.get(lot.expires_on, 0) + lot.amount
            )
            if lot.expires_on <= horizon:
                expiring_soon += lot.amount
    next_expiry = min(expiry_amounts) if expiry_amounts else None
    return Balances(
        available=available,
        pending=pending,
        expiring_soon=expiring_soon,
        next_expiry=next_expiry,
        next_expiry_amount=expiry_amounts.get(next_expiry, 0),
    )


def _check_positive(amount):
    check_int(amount)
    if amount <= 0:
        raise InvalidAmount(
            "invalid_amount",
            "The amount must be positive, got %(amount)s.",
            amount=amount,
        )


def debit_order(lots, today, prefer_keys=(), include_pending=False):
    """Open lots in the order a debit consumes them.

    Lots whose key is in ``prefer_keys`` come first, in that order; then
    first-expiring-first (no expiry last), ties by ``available_from`` then by
    the given order. Expired, empty and (unless ``include_pending``) pending
    lots are skipped, preferred or not.
    """
    lots = list(lots)
    rank = {}
    for position, key in enumerate(prefer_keys):
        rank.setdefault(key, position)
    candidates = [
        (index, lot)
        for index, lot in enumerate(lots)
        if lot.amount > 0
        and not lot.is_expired(today)
        and (include_pending or not lot.is_pending(today))
    ]

    def sort_key(item):
        index, lot = item
        position = rank.get(lot.key, len(rank))
        return (
            position,
            lot.expires_on is None,
            lot.expires_on or date.max,
            lot.available_from,
            index,
        )

    return [lot for _, lot in sorted(candidates, key=sort_key)]


def allocate_debit_partial(lots, amount, today, prefer_keys=(), include_pending=False):
    """Like :func:`allocate_debit` but returns ``(allocations, shortfall)``."""
    _check_positive(amount)
    allocations = []
    remaining = amount
    for lot in debit_order(lots, today, prefer_keys, include_pending):
        if not remaining:
            break
        take = min(lot.amount, remaining)
        allocations.append((lot.key, take))
        remaining -= take
    return allocations, remaining


def allocate_debit(lots, amount, today, prefer_keys=(), include_pending=False):
    """``[(key, taken)]`` covering ``amount``; raises InsufficientBalance."""
    allocations, shortfall = allocate_debit_partial(
        lots, amount, today, prefer_keys, include_pending
    )
    if shortfall:
        raise InsufficientBalance(
            "insufficient_balance",
            "Insufficient balance: %(available)s available, %(requested)s requested.",
            available=amount - shortfall,
            requested=amount,
        )
    return allocations


def expire(lots, today):
    """``[(key, amount)]`` of every expired lot that still has an amount."""
    return [
        (lot.key, lot.amount) for lot in lots if lot.amount and lot.is_expired(today)
    ]


def _per_key(allocations):
    totals = {}
    for key, value in allocations:
        check_int(value)
        if value < 0:
            raise InvalidAmount(
                "negative_allocation",
                "Allocation of %(amount)s on lot %(key)s is negative.",
                key=key,
                amount=value,
            )
        totals[key] = totals.get(key, 0) + value
    return totals


def _shift(lots, allocations, sign):
    lots = list(lots)
    totals = _per_key(allocations)
    keys = [lot.key for lot in lots]
    if len(set(keys)) != len(keys):
        raise ValueError("lot keys must be unique")
    unknown = set(totals) - set(keys)
    if unknown:
        raise KeyError(f"allocations on unknown lots: {sorted(map(repr, unknown))}")
    result = []
    for lot in lots:
        change = totals.get(lot.key, 0)
        if not change:
            result.append(lot)
            continue
        new_amount = lot.amount + sign * change
        if new_amount < 0:
            raise InsufficientBalance(
                "lot_overdrawn",
                "Lot %(key)s holds %(available)s, %(requested)s requested.",
                key=lot.key,
                available=lot.amount,
                requested=change,
            )
        result.append(Lot(lot.key, new_amount, lot.available_from, lot.expires_on))
    return result


def apply(lots, allocations):
    """New lots with the allocated amounts taken out (pure); never negative."""
    return _shift(lots, allocations, -1)


def restore(lots, allocations):
    """New lots with the allocated amounts put back (reversal of a debit)."""
    return _shift(lots, allocations, 1)


def reversal_amount(total_effect, whole, refunded_before, refund_now, reversed_before):
    """Part of ``total_effect`` to reverse now for a refund of ``refund_now``.

    Cumulative and proportional, so partial refunds adding up to ``whole``
    reverse exactly ``total_effect``: round_half_up(total_effect *
    (refunded_before + refund_now) / whole) - reversed_before, clamped to
    [0, total_effect - reversed_before].
    """
    for value in (total_effect, whole, refunded_before, refund_now, reversed_before):
        check_int(value)
    if whole <= 0:
        raise InvalidAmount(
            "invalid_amount",
            "The whole amount must be positive, got %(amount)s.",
            amount=whole,
        )
    if refund_now < 0:
        raise InvalidAmount(
            "invalid_amount",
            "A refund must not be negative, got %(amount)s.",
            amount=refund_now,
        )
    if total_effect < 0 or refunded_before < 0 or reversed_before < 0:
        raise InvalidAmount(
            "invalid_amount", "Effects and past refunds must not be negative."
        )
    target = div_round(total_effect * (refunded_before + refund_now), whole, "half_up")
    return max(0, min(target - reversed_before, total_effect - reversed_before))
