"""Gift-card breakage in proportion to the pattern of rights exercised.

IFRS 15 B46: when an entity expects a part of its gift cards never to be
used (the expected breakage rate ``r``), it recognises that part as revenue in
proportion to the uses, instead of waiting for the expiry. Every unit spent
brings ``r / (1 - r)`` units of breakage with it: when the holders spend the
``(1 - r)`` share they were expected to, the ``r`` share is recognised.

The breakage recognised ahead of the expiry (the *advance*) is a function of
the card's state only, so it never drifts:

    advance = min(floor(spent * r / (1 - r)), unspent)

with ``spent`` the net amount used (spends less spends refunded) and
``unspent`` what the card still holds. It never exceeds what the card can
still release (the liability never turns into an asset); it falls back when
a card is used more than expected (a change of estimate) and to 0 when the
card is used up or expires, the expiry releasing the rest. A refund of a
spend lowers ``spent``, and so takes back its share.

A line's breakage is the change of the advance it causes (``step``); an
expiry's breakage income is its amount plus that change. Over a card's life
spent + breakage = what was credited to the card, exactly, in minor units.

Rates are exact ``(numerator, denominator)`` pairs (``money.ratio``), with
``0 <= r < 1``. Amounts are integer minor units.
"""

from dataclasses import dataclass, replace

from . import money

CREDIT = "credit"  # issue, top-up, opening balance, positive adjustment, transfer in
DEBIT = "debit"  # negative adjustment, transfer out: leaves neither spent nor expired
SPEND = "spend"
SPEND_REFUND = "spend_refund"
EXPIRE = "expire"
EXPIRE_REVERSAL = "expire_reversal"
MOVEMENTS = (CREDIT, DEBIT, SPEND, SPEND_REFUND, EXPIRE, EXPIRE_REVERSAL)


def check_rate(rate):
    """``rate`` as an exact (num, den) with 0 <= num/den < 1."""
    num, den = rate
    money.check_int(num, "rate numerator")
    money.check_int(den, "rate denominator")
    if den <= 0 or not 0 <= num < den:
        raise ValueError("the expected breakage rate lies in [0, 1)")
    return num, den


def rate_from_percent(percent):
    """(num, den) of a percentage given as Decimal, int or str."""
    num, den = money.ratio(percent)
    return check_rate((num, den * 100))


@dataclass(frozen=True)
class Card:
    """What a gift card went through, in minor units (all >= 0 in practice)."""

    credited: int = 0
    spent: int = 0
    expired: int = 0

    @property
    def unspent(self):
        return self.credited - self.spent - self.expired

    def move(self, movement, amount):
        """The card after a movement of ``amount`` (> 0) minor units."""
        money.check_int(amount)
        if amount < 0:
            raise ValueError("a movement's amount is positive; the kind says how")
        if movement == CREDIT:
            return replace(self, credited=self.credited + amount)
        if movement == DEBIT:
            return replace(self, credited=self.credited - amount)
        if movement == SPEND:
            return replace(self, spent=self.spent + amount)
        if movement == SPEND_REFUND:
            return replace(self, spent=self.spent - amount)
        if movement == EXPIRE:
            return replace(self, expired=self.expired + amount)
        if movement == EXPIRE_REVERSAL:
            return replace(self, expired=self.expired - amount)
        raise ValueError(f"unknown movement {movement!r}")


def advance(card, rate):
    """Breakage recognised ahead of the expiry for a card in this state."""
    num, den = check_rate(rate)
    if num == 0 or card.spent <= 0 or card.unspent <= 0:
        return 0
    expected = card.spent * num // (den - num)
    return min(expected, card.unspent)


def step(card, movement, amount, rate, booked):
    """(card after, breakage to book now): the breakage brings the advance
    booked so far (``booked``) to what the card's new state calls for, so a
    change of rate or a missing earlier line is caught up, never doubled."""
    after = card.move(movement, amount)
    return after, advance(after, rate) - booked


def schedule(movements, rate, card=None, booked=0):
    """[(movement, amount, breakage)] over a card's movements, in order."""
    card = card or Card()
    out = []
    for movement, amount in movements:
        card, breakage = step(card, movement, amount, rate, booked)
        booked += breakage
        out.append((movement, amount, breakage))
    return out


def income(movement, amount, breakage):
    """Breakage income a line brings: its breakage, plus the amount it expires."""
    if movement == EXPIRE:
        return amount + breakage
    if movement == EXPIRE_REVERSAL:
        return breakage - amount
    return breakage
