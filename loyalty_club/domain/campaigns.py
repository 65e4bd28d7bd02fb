"""Decisions of marketing campaigns and trigger chains (plain Python).

Who is drawn and who is held out
    A member's place in a campaign is ``md5("<seed>:<purpose>:<partner id>")``
    in hex, lowest first; the database orders by the very same expression
    (``md5(seed || ':' || purpose || ':' || partner_id)``), so a draw or a
    control group is re-run from the recorded seed anywhere, and :func:`split`
    is its reference. A draw of N takes the N lowest ``draw`` places; the
    control group is the first :func:`control_count` members by their
    ``control`` place among those drawn; the rest is the target group.

Caps
    Marketing messages are capped per member and channel (at most N in the
    last seven days, counting what is already queued or sent) and per day for
    the whole club; a campaign's budget caps what its messages cost. The
    messages of one launch are decided in the members' place order:
    :func:`plan` is the rule, the database applies it with window functions.

Uplift
    The difference of the target's and the control's means of a figure per
    member (revenue, checks, a 0/1 "bought" ...) with a 95 % confidence
    interval by the normal approximation with unpooled variances (Welch):
    ``d +- 1.96 * sqrt(s_t^2 / n_t + s_c^2 / n_c)``. Figures come in as
    integers (minor units, counts) aggregated by the database as
    :class:`Stats` (count, sum, sum of squares): no member is read one by one.
"""

import hashlib
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .errors import DomainError, InvalidAmount

Z95 = Decimal("1.96")
SEED_CHARS = frozenset(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"
)
MAX_SEED = 64
REASONS = ("cap_member", "cap_global", "budget")
# the placeholders a marketer's text may use
PLACEHOLDERS = (
    "name",
    "coupon",
    "offer",
    "valid_until",
    "program",
    "expiring",
    "expiry_date",
)


def new_seed():
    """A fresh seed to record on a campaign (16 hex characters)."""
    return secrets.token_hex(8)


def check_seed(seed):
    """``seed`` when it is 1-64 letters, digits, ``_`` or ``-``; else an error
    (the database concatenates it, so nothing else may be in it)."""
    if (
        not isinstance(seed, str)
        or not 0 < len(seed) <= MAX_SEED
        or not set(seed) <= SEED_CHARS
    ):
        raise DomainError(
            "bad_seed",
            "A seed is 1 to %(max)s letters, digits, '_' or '-'.",
            max=MAX_SEED,
        )
    return seed


def place(seed, purpose, partner_id):
    """The member's place for ``purpose`` (``draw`` or ``control``): the hex MD5
    the database orders by."""
    return hashlib.md5(
        f"{seed}:{purpose}:{int(partner_id)}".encode(), usedforsecurity=False
    ).hexdigest()


def _percent(percent):
    value = Decimal(str(percent))
    if not value.is_finite() or not 0 <= value < 100:
        raise InvalidAmount(
            "bad_percent",
            "A control group is 0 to under 100 percent, not %(value)s.",
            value=percent,
        )
    return value


def control_count(total, percent):
    """How many of ``total`` members are held out for a ``percent`` control
    group: rounded half up, never all of them when ``total`` > 0."""
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise InvalidAmount("bad_count", "A member count is a whole number.")
    share = _percent(percent)
    count = int((Decimal(total) * share / 100).to_integral_value(ROUND_HALF_UP))
    return min(count, max(total - 1, 0))


def split(seed, partner_ids, percent, draw=0):
    """The reference split: (target ids, control ids), each in place order.

    ``draw`` > 0 first keeps the ``draw`` members of lowest draw place.
    """
    check_seed(seed)
    if isinstance(draw, bool) or not isinstance(draw, int) or draw < 0:
        raise InvalidAmount("bad_draw", "A draw is a whole number of members.")
    members = sorted(set(partner_ids), key=lambda p: place(seed, "draw", p))
    if draw:
        members = members[:draw]
    members.sort(key=lambda p: place(seed, "control", p))
    held = control_count(len(members), percent)
    return members[held:], members[:held]


def cap_reason(sent_this_week, week_cap, place_today, day_left):
    """Why one message may not be queued now, or ``None``.

    ``sent_this_week``: the member's marketing messages by this channel in the
    last seven days; ``week_cap`` 0 means no cap. ``place_today``: the message's
    place (1-based) among this launch's messages that passed the member cap;
    ``day_left``: how many more the club may send today (``None``: no cap).
    """
    if week_cap and sent_this_week >= week_cap:
        return "cap_member"
    if day_left is not None and place_today > day_left:
        return "cap_global"
    return None


def member_cap(club_cap, own_cap):
    """The weekly cap for one member and channel: the club's, or the member's
    own choice where it is lower (0 = no cap, for either)."""
    if own_cap and (not club_cap or own_cap < club_cap):
        return own_cap
    return club_cap


def plan(
    messages, sent, week_caps, day_left=None, budget=None, costs=None, own_caps=None
):
    """The reference of a launch's caps: a reason (or ``None``) per message.

    ``messages``: (partner id, channel) in place order; ``sent``: {(partner id,
    channel): marketing messages in the last seven days}; ``week_caps``:
    {channel: cap, 0 = none}; ``day_left``: messages the club may still send
    today (``None``: no cap); ``budget``: what the launch may spend in minor
    units (``None``: no budget) with ``costs`` {channel: minor units a message};
    ``own_caps``: {partner id: the member's own weekly cap, 0 = none}.
    The messages that passed the caps are taken in order until their running
    cost passes the budget; from there on none is sent.
    """
    reasons, passed, running = [], 0, 0
    costs, own_caps = costs or {}, own_caps or {}
    for partner, channel in messages:
        count = sent.get((partner, channel), 0)
        cap = member_cap(week_caps.get(channel, 0), own_caps.get(partner, 0))
        member_ok = not (cap and count >= cap)
        reason = cap_reason(count, cap, passed + 1 if member_ok else 0, day_left)
        if reason is None:
            passed += 1
            running += costs.get(channel, 0)
            if budget is not None and running > budget:
                reason = "budget"
        reasons.append(reason)
    return reasons


@dataclass(frozen=True)
class Stats:
    """A group's figure aggregated: members, sum and sum of squares (integers)."""

    count: int
    total: int
    squares: int

    @classmethod
    def of(cls, values):
        values = [int(v) for v in values]
        return cls(len(values), sum(values), sum(v * v for v in values))

    @property
    def mean(self):
        return Decimal(self.total) / self.count if self.count else None

    @property
    def variance(self):
        """The sample variance (``None`` under two members)."""
        if self.count < 2:
            return None
        n = Decimal(self.count)
        return (Decimal(self.squares) - Decimal(self.total) ** 2 / n) / (n - 1)


@dataclass(frozen=True)
class Uplift:
    target_mean: Decimal
    control_mean: Decimal
    difference: Decimal
    low: Decimal  # None when a group is too small for an interval
    high: Decimal

    @property
    def significant(self):
        """The interval leaves out zero: the difference is not chance at 95 %."""
        return self.low is not None and (self.low > 0 or self.high < 0)


def uplift(target, control, z=Z95):
    """Target mean - control mean with its confidence interval (``z`` = 1.96:
    95 %); ``None`` when a group is empty."""
    if not target.count or not control.count:
        return None
    with localcontext() as ctx:
        ctx.prec = 28
        diff = target.mean - control.mean
        low = high = None
        if target.variance is not None and control.variance is not None:
            spread = target.variance / target.count + control.variance / control.count
            margin = z * max(spread, Decimal(0)).sqrt()
            low, high = diff - margin, diff + margin
        return Uplift(target.mean, control.mean, diff, low, high)


def fill(text, values):
    """The marketer's ``text`` with ``{name}``, ``{coupon}`` ... replaced by
    ``values``; anything else in braces is left as written (no format language,
    so a text can never read anything but these values)."""
    text = text or ""
    for key in PLACEHOLDERS:
        text = text.replace("{" + key + "}", str(values.get(key) or ""))
    return text


# replies that withdraw SMS consent (first word, any case, punctuation ignored)
STOP_WORDS = frozenset(
    {
        "STOP",
        "UNSUBSCRIBE",
        "СТОП",
        "ОТПИСКА",
        "ОТПИСАТЬСЯ",
        "ВІДПИСКА",
        "ВІДПИСАТИСЯ",
    }
)


def is_stop(text):
    """Whether an SMS reply asks to stop the club's SMS ("STOP", "stop.",
    "Стоп please", "ОТПИСКА"): its first word, in any case."""
    words = str(text or "").split()
    if not words:
        return False
    first = "".join(ch for ch in words[0] if ch.isalnum()).upper()
    return first in STOP_WORDS
