"""Holds: an amount of a wallet set aside for an order, then captured or released.

A hold is not a movement of the ledger: the lots stay as they are, and what a
member may spend is the ledger's available balance less the holds still active.
Capturing a hold spends (part of) it through the ordinary sale, releasing it (or
its expiry) gives it back. Amounts are integer minor units of the wallet's unit.
"""

from dataclasses import dataclass, fields

from .errors import DomainError, InsufficientBalance, InvalidAmount
from .ledger import Balances
from .money import check_int

HELD, CAPTURED, RELEASED, EXPIRED = "held", "captured", "released", "expired"
STATES = (HELD, CAPTURED, RELEASED, EXPIRED)


class HoldClosed(DomainError):
    """The hold was captured, released or has expired: nothing is held any more."""


class CaptureExceedsHold(DomainError):
    """A capture asks for more than the hold keeps."""


@dataclass(frozen=True)
class HeldBalances(Balances):
    """The balances a member sees: ``available`` net of the active holds, which
    are shown apart as ``held``."""

    held: int = 0


def spendable(available, held):
    """What may still be spent: the ledger's available less the active holds,
    never below zero (lots that expired under a hold leave less, not a debt)."""
    check_int(available, "available")
    check_int(held, "held")
    return max(available - held, 0)


def net_of_holds(balances, held):
    """``balances`` of the ledger with the active holds set apart."""
    values = {f.name: getattr(balances, f.name) for f in fields(Balances)}
    values["available"] = spendable(balances.available, held)
    return HeldBalances(**values, held=held)


def check_reserve(amount, available, held):
    """Refuse a hold that is not positive or above what may still be spent."""
    check_int(amount, "amount")
    if amount <= 0:
        raise InvalidAmount(
            "invalid_amount", "A hold must be positive, got %(amount)s.", amount=amount
        )
    free = spendable(available, held)
    if amount > free:
        raise InsufficientBalance(
            "insufficient_balance",
            "Only %(available)s available, %(requested)s asked.",
            available=free,
            requested=amount,
        )
    return amount


def is_active(state, expires_at, now):
    """Does the hold still keep its amount at ``now``?"""
    return state == HELD and expires_at > now


def check_open(state, expires_at, now):
    """Refuse to capture or release a hold that no longer holds anything."""
    if state not in STATES:
        raise ValueError(f"unknown hold state {state!r}")
    if state == CAPTURED:
        raise HoldClosed("hold_captured", "This hold was already captured.")
    if state == RELEASED:
        raise HoldClosed("hold_released", "This hold was released.")
    if state == EXPIRED or expires_at <= now:
        raise HoldClosed("hold_expired", "This hold has expired.")


def split_capture(amount_held, amount=None):
    """(captured, released) when ``amount`` of a hold of ``amount_held`` is
    captured: the whole hold when ``amount`` is None, the rest released."""
    check_int(amount_held, "amount_held")
    if amount is None:
        amount = amount_held
    check_int(amount, "amount")
    if amount < 0:
        raise InvalidAmount(
            "invalid_amount",
            "A capture must not be negative, got %(amount)s.",
            amount=amount,
        )
    if amount > amount_held:
        raise CaptureExceedsHold(
            "capture_exceeds_hold",
            "At most %(maximum)s can be captured, %(requested)s asked.",
            maximum=amount_held,
            requested=amount,
        )
    return amount, amount_held - amount
