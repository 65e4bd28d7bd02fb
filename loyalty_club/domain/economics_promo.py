"""Does a promotion pay: extra sales against a baseline, and what each unit of
extra revenue cost.

The members a promotion reached are compared with themselves: their sales in
the promotion's period against their sales in a baseline period of the same
length just before (``during - before``). When a control group was held out
(members like them the promotion did not reach), what the control group's
sales did in the same two periods is what would have happened anyway: the
extra sales are the difference in differences, per member, times the members
reached. Amounts are integer minor units; the cost per extra unit of revenue
is a Decimal (None when there were no extra sales).
"""

from dataclasses import dataclass
from decimal import Decimal, localcontext

from .errors import InvalidAmount
from .money import check_int, div_round


@dataclass(frozen=True)
class Group:
    """Members and their sales in the promotion's period and before it."""

    members: int
    during: int
    before: int

    def __post_init__(self):
        for name in ("members", "during", "before"):
            check_int(getattr(self, name), name)
        if self.members < 0:
            raise InvalidAmount(
                "invalid_amount",
                "A number of members must not be negative, got %(amount)s.",
                amount=self.members,
            )

    @property
    def change(self):
        return self.during - self.before


@dataclass(frozen=True)
class Effect:
    extra_vs_baseline: int
    extra_vs_control: int | None
    cost: int
    cost_per_extra: Decimal | None  # against the control group when there is one


def _per(cost, extra):
    if extra <= 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 28
        return Decimal(cost) / Decimal(extra)


def effect(reached, cost, control=None):
    """The extra sales of the members ``reached`` and the cost of each unit.

    ``control``: the held-out group, or None. Its change per member, scaled to
    the members reached, is taken off the reached members' change (rounded
    half up to the minor unit).
    """
    check_int(cost, "cost")
    extra_baseline = reached.change
    extra_control = None
    if control is not None and control.members:
        expected = div_round(
            control.change * reached.members, control.members, "half_up"
        )
        extra_control = reached.change - expected
    extra = extra_baseline if extra_control is None else extra_control
    return Effect(
        extra_vs_baseline=extra_baseline,
        extra_vs_control=extra_control,
        cost=cost,
        cost_per_extra=_per(cost, extra),
    )
