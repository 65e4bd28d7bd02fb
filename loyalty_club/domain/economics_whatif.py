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

Promotions: a check carries the promotions that applied to it (:class:`Used`:
their discount and bonus as booked). They stay as they were unless the
scenario changes them (:class:`PromoChange`): a changed or switched-off
promotion's booked discount goes back onto the lines it matched and its booked
bonus is not given; the promotion as tried is applied by the promotion engine
that confirms a sale (:func:`promo.evaluate`, :func:`promo.with_bonuses`) on
what the other promotions left, before the earn and spend; a new promotion
likewise. Conditions the replay cannot check (segments, coupons, first
purchase, channels, limits, budgets) hold where the promotion applied
(``where_used``); a new promotion has none of them.
"""

import dataclasses
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import ledger, money, promo, rules
from .errors import InvalidAmount
from .money import check_int


@dataclass(frozen=True)
class PromoChange:
    """A promotion the scenario has otherwise than it was: ``old`` as it was
    (None: a new one), ``new`` as tried (None: switched off), both
    :class:`promo.Promotion`. ``where_used``: the promotion as tried applies
    only to the checks it applied to (the conditions the replay cannot check
    held there)."""

    key: object
    old: object = None
    new: object = None
    where_used: bool = False


@dataclass(frozen=True)
class Scenario:
    """The rules to replay with."""

    policy: rules.Policy
    tiers: tuple = ()  # rules.TierSpec: thresholds and earn rates
    requalify: bool = False
    tier_period_days: int = 365
    pending_days: int = 0
    expiry_days: int = 0  # 0: bonuses do not expire
    promotions: tuple = ()  # PromoChange: the promotions changed, off or new

    def __post_init__(self):
        keys = [change.key for change in self.promotions]
        if len(set(keys)) != len(keys):
            raise ValueError("a promotion is changed once in a scenario")
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
class Used:
    """A promotion as it applied to a check: its discount (currency minor
    units) and its bonus (point minor units), as booked."""

    key: object
    discount: int = 0
    bonus: int = 0


@dataclass(frozen=True)
class Check:
    """A member's sale as the engine received it: its lines after the
    promotions' discounts, the points spent on it, the tier it had, the
    promotions that applied (:class:`Used`) and, for the promotions' product
    conditions, the lines' products (``items``: :class:`promo.PromoLine` by
    the lines' keys; their amounts are not read)."""

    key: object
    at: object  # sortable moment (datetime)
    day: date
    lines: tuple
    burn: int = 0
    tier: object = None
    store: object = None
    promotions: tuple = ()
    items: tuple = ()
    when: object = None  # the local moment, for the promotions' hours


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
    earned: int = 0  # the check's earn and its promotions' bonuses
    spent: int = 0
    spent_money: int = 0
    discount: int = 0  # the promotions' discounts
    bonus: int = 0  # the promotions' bonuses (in earned)

    def add(self, other):
        for name in FLOW_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


FLOW_FIELDS = tuple(f.name for f in dataclasses.fields(Flow))


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


@dataclass(frozen=True)
class _ReplayPolicy(rules.Policy):
    """The scenario's policy with its point ratio worked out once: the replay
    quotes every check of a period with it."""

    def point_ratio(self):
        cached = self.__dict__.get("_point_ratio")
        if cached is None:
            cached = super().point_ratio()
            object.__setattr__(self, "_point_ratio", cached)
        return cached


def _for_replay(scenario):
    policy = scenario.policy
    if isinstance(policy, _ReplayPolicy):
        return scenario
    fast = _ReplayPolicy(
        **{f.name: getattr(policy, f.name) for f in dataclasses.fields(policy)}
    )
    return dataclasses.replace(scenario, policy=fast)


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
        lines, promoted, discount, kept_bonus = _promotions(check, scenario, tier)
        # what ledger.balances() calls available: the lots expired before the
        # check's day are gone already (replay_member expires them first)
        day = check.day
        available = sum(lot.amount for lot in self.lots if lot.available_from <= day)
        quote = rules.quote(
            lines,
            scenario.policy,
            available,
            check.burn,
            strict=False,
            earn_percent=scenario.tier_rate(tier) if tier is not None else None,
        )
        bonus = kept_bonus
        if promoted is not None:
            news = [c.new for c in scenario.promotions if c.new is not None]
            with_bonus = promo.with_bonuses(promoted, news, quote.earn_per_line)
            bonus += sum(a.bonus for a in with_bonus.applied)
        if quote.burn:
            allocations = ledger.allocate_debit(self.lots, quote.burn, check.day)
            self.lots = ledger.apply(self.lots, allocations)
        available_from = check.day + timedelta(days=scenario.pending_days)
        expires = (
            check.day + timedelta(days=scenario.expiry_days)
            if scenario.expiry_days
            else None
        )
        if quote.earn:
            self.lots.append(
                ledger.Lot(("earn", check.key), quote.earn, available_from, expires)
            )
        if bonus:
            # the promotions' bonuses are booked as earn on the check
            self.lots.append(
                ledger.Lot(("bonus", check.key), bonus, available_from, expires)
            )
        if scenario.requalify:
            self.paid.append((check.day, quote.to_pay))
            self._upgrade(check.day)
        return quote, tier, discount, bonus

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
    scenario = _for_replay(scenario)
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
        quote, tier, discount, bonus = wallet.check(event)
        flow = result.flows.setdefault((event.store, tier), Flow())
        flow.checks += 1
        flow.sales += quote.lines_amount
        flow.earned += quote.earn + bonus
        flow.spent += quote.burn
        flow.spent_money += quote.burn_money
        flow.discount += discount
        flow.bonus += bonus
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
    scenario = _for_replay(scenario)
    for member in members:
        total.merge(replay_member(member, scenario, end_day, keep_checks))
    return total


def _promotions(check, scenario, tier):
    """The check's lines under the scenario's promotions.

    Returns ``(lines, result, discount, kept_bonus)``: the engine lines, the
    promotion engine's result of the promotions tried (None when the scenario
    changes none of this check's), the discounts of the check (kept and tried)
    and the bonuses kept as booked; the tried promotions' bonuses follow from
    the earn per line (:func:`promo.with_bonuses`).
    """
    if not scenario.promotions:
        return (
            check.lines,
            None,
            sum(u.discount for u in check.promotions),
            sum(u.bonus for u in check.promotions),
        )
    used = {u.key: u for u in check.promotions}
    changed = {c.key: c for c in scenario.promotions}
    kept = [u for u in check.promotions if u.key not in changed]
    tried = [
        c.new
        for c in scenario.promotions
        if c.new is not None and (not c.where_used or c.key in used)
    ]
    undone = [(changed[k], u) for k, u in used.items() if k in changed]
    if not tried and not undone:
        return (
            check.lines,
            None,
            sum(u.discount for u in kept),
            sum(u.bonus for u in kept),
        )
    items = {item.key: item for item in check.items}
    amounts = {line.key: line.amount for line in check.lines}
    for change, usage in undone:
        # the booked discount goes back onto the lines the promotion matched
        if usage.discount:
            _give_back(check.lines, items, amounts, change.old, usage.discount)
    promo_lines = [
        dataclasses.replace(
            items.get(line.key, promo.PromoLine(line.key, 0)),
            key=line.key,
            amount=amounts[line.key],
        )
        for line in check.lines
    ]
    context = promo.Context(
        when=check.when or check.at,
        store_id=check.store,
        member=True,
        tier_id=tier,
        segment_ids=frozenset().union(*(p.segment_ids for p in tried)),
        first_purchase=True,
        coupon_keys=frozenset(p.key for p in tried),
    )
    result = promo.evaluate(promo_lines, tried, context)
    after = result.amounts()
    lines = tuple(
        dataclasses.replace(line, amount=after[line.key]) for line in check.lines
    )
    return (
        lines,
        result,
        sum(u.discount for u in kept) + result.discount,
        sum(u.bonus for u in kept),
    )


def _give_back(lines, items, amounts, old, discount):
    """Spread a booked discount back over the lines ``old`` matches (every
    line when it matched none or applied to the whole order), by amount."""
    keys = [
        line.key
        for line in lines
        if old is None
        or old.scope == "order"
        or promo.matches(old, items.get(line.key, promo.PromoLine(line.key, 0)))
    ] or [line.key for line in lines]
    weights = [max(0, amounts[key]) for key in keys]
    if not sum(weights):
        weights = [1] * len(keys)
    for key, part in zip(keys, money.allocate(discount, weights), strict=True):
        amounts[key] += part


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
