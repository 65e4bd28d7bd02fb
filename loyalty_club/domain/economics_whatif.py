"""What if the rules had been others: replay a past period's checks.

Every member's checks of the period are replayed in order through the same
engine that confirms a sale (:func:`rules.quote` for earn and burn,
:func:`ledger.allocate_debit` for first-expiring-first spending, :class:`Lot`
for pending and expiry), from the member's open lots at the start of the
period. The other movements of the period (gifts, adjustments, transfers)
happen as they did. Members are independent, so any batch of members replays
on its own and the totals add up.

The spending assumption, stated: a member asks to pay with bonuses what they
paid with them on that check (the same points); the rules replayed may lower
it (a lower cap, a smaller balance), never raise it. Tiers: with
``requalify``, a member starts the period in the tier the scenario's
thresholds give for what they paid in the rolling period before it and moves
up at once when a check reaches a higher one (as at the till; the periodic
review's moves down are not replayed); without, each check keeps the tier it
had. Refunds are not replayed. Amounts are integer minor units.
"""

import dataclasses
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import ledger, money, rules
from .errors import InvalidAmount
from .money import check_int


@dataclass(frozen=True)
class Scenario:
    """The rules to replay with."""

    policy: rules.Policy
    tiers: tuple = ()  # rules.TierSpec: thresholds and earn rates
    requalify: bool = False
    tier_period_days: int = 365
    pending_days: int = 0
    expiry_days: int = 0  # 0: bonuses do not expire

    def __post_init__(self):
        for name in ("tier_period_days", "pending_days", "expiry_days"):
            if check_int(getattr(self, name), name) < 0:
                raise InvalidAmount(
                    "invalid_period",
                    "A number of days must not be negative, got %(days)s.",
                    days=getattr(self, name),
                )
        for tier in self.tiers:
            if check_int(tier.threshold, "threshold") < 0:
                raise InvalidAmount(
                    "invalid_threshold",
                    "A tier's threshold must not be negative, got %(amount)s.",
                    amount=tier.threshold,
                )
            if money.to_decimal(tier.earn_percent, "earn_percent") < 0:
                raise InvalidAmount(
                    "invalid_rate", "The earn rate must not be negative."
                )

    def tier_rate(self, tier):
        for spec in self.tiers:
            if spec.key == tier:
                return spec.earn_percent
        return None

    def threshold(self, tier):
        for spec in self.tiers:
            if spec.key == tier:
                return spec.threshold
        return -1


@dataclass(frozen=True)
class Check:
    """A member's sale as the engine received it: its lines after the
    promotions' discounts, the points spent on it, the tier it had."""

    key: object
    at: object  # sortable moment (datetime)
    day: date
    lines: tuple
    burn: int = 0
    tier: object = None
    store: object = None


@dataclass(frozen=True)
class Credit:
    """A credit that was not a check's earn (gift, adjustment, transfer in)."""

    key: object
    at: object
    day: date
    amount: int
    available_from: date
    expires_on: date | None = None


@dataclass(frozen=True)
class Debit:
    """A debit that was not a check's spend (adjustment, transfer out)."""

    key: object
    at: object
    day: date
    amount: int


@dataclass(frozen=True)
class Member:
    """A wallet at the start of the period and what happened to it."""

    wallet: object
    lots: tuple = ()  # ledger.Lot open at the start
    tier: object = None  # tier at the start
    paid_before: tuple = ()  # (day, paid) within the tier period before start
    events: tuple = ()  # Check, Credit and Debit of the period
    tier_end: object = None  # the tier recorded at the end (kept without requalify)


@dataclass
class Flow:
    """What the checks of one group earned and spent."""

    checks: int = 0
    sales: int = 0
    earned: int = 0
    spent: int = 0
    spent_money: int = 0

    def add(self, other):
        for name in ("checks", "sales", "earned", "spent", "spent_money"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Result:
    """Totals of a replay: flows per (store, tier), expiry and what is held
    at the end (per tier at the end), each member's tier at the end and
    each check's earn and burn."""

    flows: dict = field(default_factory=dict)
    expired: int = 0
    liability: dict = field(default_factory=dict)
    members: int = 0
    tier_end: dict = field(default_factory=dict)
    per_check: dict = field(default_factory=dict)

    def total(self):
        flow = Flow()
        for part in self.flows.values():
            flow.add(part)
        return flow

    def merge(self, other):
        for key, part in other.flows.items():
            self.flows.setdefault(key, Flow()).add(part)
        for key, amount in other.liability.items():
            self.liability[key] = self.liability.get(key, 0) + amount
        self.expired += other.expired
        self.members += other.members
        self.tier_end.update(other.tier_end)
        self.per_check.update(other.per_check)


def _sort_key(event):
    # the same moment: credits first, then checks, then other debits
    rank = {Credit: 0, Check: 1, Debit: 2}[type(event)]
    return (event.at, rank, str(event.key))


class _Wallet:
    """One member's lots and tier while the replay runs."""

    def __init__(self, member, scenario):
        self.scenario = scenario
        self.lots = list(member.lots)
        self.expired = 0
        self.paid = list(member.paid_before)
        self.tier = member.tier
        if scenario.requalify:
            self.tier = None
            self._upgrade(None)

    def expire_until(self, day):
        keep = []
        for lot in self.lots:
            if lot.amount and lot.is_expired(day):
                self.expired += lot.amount
            elif lot.amount:
                keep.append(lot)
        self.lots = keep

    def _upgrade(self, day):
        scenario = self.scenario
        if not scenario.tiers:
            return
        since = day - timedelta(days=scenario.tier_period_days) if day else None
        paid = sum(a for d, a in self.paid if since is None or d >= since)
        key = rules.qualify(paid, scenario.tiers)
        if key is not None and (
            self.tier is None or scenario.threshold(key) > scenario.threshold(self.tier)
        ):
            self.tier = key

    def check(self, check):
        scenario = self.scenario
        tier = self.tier if scenario.requalify else check.tier
        available = ledger.balances(self.lots, check.day).available
        quote = rules.quote(
            check.lines,
            scenario.policy,
            available,
            check.burn,
            strict=False,
            earn_percent=scenario.tier_rate(tier) if tier is not None else None,
        )
        if quote.burn:
            allocations = ledger.allocate_debit(self.lots, quote.burn, check.day)
            self.lots = ledger.apply(self.lots, allocations)
        if quote.earn:
            expires = (
                check.day + timedelta(days=scenario.expiry_days)
                if scenario.expiry_days
                else None
            )
            self.lots.append(
                ledger.Lot(
                    ("earn", check.key),
                    quote.earn,
                    check.day + timedelta(days=scenario.pending_days),
                    expires,
                )
            )
        if scenario.requalify:
            self.paid.append((check.day, quote.to_pay))
            self._upgrade(check.day)
        return quote, tier

    def credit(self, credit):
        self.lots.append(
            ledger.Lot(
                ("credit", credit.key),
                credit.amount,
                credit.available_from,
                credit.expires_on,
            )
        )

    def debit(self, debit):
        allocations, _short = ledger.allocate_debit_partial(
            self.lots, debit.amount, debit.day, include_pending=True
        )
        self.lots = ledger.apply(self.lots, allocations)


def replay_member(member, scenario, end_day, keep_checks=False):
    """One member's period under ``scenario``, as a :class:`Result`."""
    result = Result(members=1)
    wallet = _Wallet(member, scenario)
    for event in sorted(member.events, key=_sort_key):
        wallet.expire_until(event.day)
        if isinstance(event, Credit):
            wallet.credit(event)
            continue
        if isinstance(event, Debit):
            wallet.debit(event)
            continue
        quote, tier = wallet.check(event)
        flow = result.flows.setdefault((event.store, tier), Flow())
        flow.checks += 1
        flow.sales += quote.lines_amount
        flow.earned += quote.earn
        flow.spent += quote.burn
        flow.spent_money += quote.burn_money
        if keep_checks:
            result.per_check[event.key] = (quote.earn, quote.burn)
    wallet.expire_until(end_day)
    result.expired = wallet.expired
    tier = wallet.tier if scenario.requalify else member.tier_end
    result.liability[tier] = sum(lot.amount for lot in wallet.lots)
    result.tier_end[member.wallet] = tier
    return result


def replay(members, scenario, end_day, keep_checks=False):
    """The period of every member under ``scenario``: one :class:`Result`."""
    total = Result()
    for member in members:
        total.merge(replay_member(member, scenario, end_day, keep_checks))
    return total


def check_lines(amounts, total=None):
    """Engine lines of a check from ``(key, amount, earn, burn)`` rows.

    Negative rows (a discount on the whole order) lower the positive ones in
    proportion, as the service does before quoting; when ``total`` is given
    and the rows do not add up to it (the promotions lowered the check), the
    check is one line of ``total`` that earns and may be paid with points.
    """
    rows = list(amounts)
    if total is not None and (not rows or sum(r[1] for r in rows) != total):
        return (rules.Line("check", total),)
    lines = [rules.Line(key, amount, earn, burn) for key, amount, earn, burn in rows]
    discount = -sum(line.amount for line in lines if line.amount < 0)
    weights = [max(line.amount, 0) for line in lines]
    if not discount or sum(weights) < discount:
        return tuple(lines)
    shares = money.allocate(discount, weights)
    return tuple(
        dataclasses.replace(line, amount=max(line.amount, 0) - share)
        for line, share in zip(lines, shares, strict=True)
    )
