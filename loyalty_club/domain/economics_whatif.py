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

import collections
import dataclasses
import multiprocessing
import os
import signal
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import ledger, money, promo, rules
from .errors import InsufficientBalance, InvalidAmount
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
    return (event.at, _RANKS[type(event)], str(event.key))


_RANKS = {Credit: 0, Check: 1, Debit: 2}


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


class _Rules:
    """A scenario worked out once for a replay: its policy's ratios as
    integers, each earn rate's ratio, the tiers' rates and thresholds.

    :meth:`quote` is :func:`rules.quote` (not strict) for the replay in plain
    integer math, with the same results: a replay quotes millions of checks
    with the same few rates. A check it does not cover (a line earning per
    item, a request that is not a plain int or is negative) goes to
    :func:`rules.quote`, which says what is wrong with it."""

    def __init__(self, scenario):
        self.scenario = scenario = _for_replay(scenario)
        policy = scenario.policy
        cap_num, cap_den = money.ratio(policy.burn_cap_percent)
        self.cap_num, self.cap_den = cap_num, cap_den * 100
        self.point_num, self.point_den = policy.point_ratio()
        self.half_up = policy.earn_rounding == "half_up"
        self.max_earn = policy.max_earn_per_order
        self.min_burn = policy.min_burn
        self.default_rate = self._ratio(policy.earn_percent)
        # a key given twice: the first wins, as in Scenario.tier_rate/threshold
        self.tier_rates, self.thresholds = {}, {}
        for spec in reversed(scenario.tiers):
            self.tier_rates[spec.key] = self._ratio(spec.earn_percent)
            self.thresholds[spec.key] = spec.threshold

    def _ratio(self, percent):
        """(num, den): a line's earn is its rest * num / den, in points."""
        percent = money.to_decimal(percent, "earn_percent")
        if percent < 0:
            raise InvalidAmount("invalid_rate", "The earn rate must not be negative.")
        num, den = money.ratio(percent)
        return num * self.point_num, den * 100 * self.point_den

    def rate(self, tier):
        if tier is None:
            return self.default_rate
        return self.tier_rates.get(tier, self.default_rate)

    def threshold(self, tier):
        return self.thresholds.get(tier, -1)

    def quote(self, lines, available, requested, rate):
        """``(lines_amount, burn, burn_money, earn)`` as :func:`rules.quote`
        gives them; None when the check is one for :func:`rules.quote`."""
        if type(requested) is not int or requested < 0:
            return None
        total = eligible = 0
        for line in lines:
            if line.earn_points is not None:
                return None
            total += line.amount
            if line.burn:
                eligible += line.amount
        point_num, point_den = self.point_num, self.point_den
        base = max(0, min(eligible, total))
        cap_points = base * self.cap_num // self.cap_den * point_num // point_den
        burn_max = min(max(0, available), cap_points)
        burn = requested if requested <= burn_max else burn_max
        burn_money = burn * point_den // point_num
        burn = -(-burn_money * point_num // point_den)
        if 0 < burn < self.min_burn or 0 < requested < self.min_burn:
            burn = burn_money = 0
        num, den = rate
        half_up = self.half_up
        if len(lines) == 1:
            shares = (burn_money,)
        elif burn_money:
            weights = [max(0, line.amount) if line.burn else 0 for line in lines]
            shares = money.allocate(burn_money, weights)
        else:
            shares = None
        earn = 0
        for index, line in enumerate(lines):
            rest = line.amount - shares[index] if shares else line.amount
            if not line.earn or rest <= 0:
                continue
            if half_up:
                part, remainder = divmod(rest * num, den)
                earn += part + (2 * remainder >= den)
            else:
                earn += rest * num // den
        if self.max_earn is not None and earn > self.max_earn:
            # rules.quote spreads the cap over the lines: they add up to it
            earn = self.max_earn
        return total, burn, burn_money, earn


def _insufficient(amount, shortfall):
    return InsufficientBalance(
        "insufficient_balance",
        "Insufficient balance: %(available)s available, %(requested)s requested.",
        available=amount - shortfall,
        requested=amount,
    )


class _Wallet:
    """One member's lots and tier while the replay runs. A lot is
    ``[amount, available_from, expires_on]``, spent in place, in the order
    the lots were opened (:func:`ledger.debit_order`'s last tie-break)."""

    def __init__(self, member, prepared):
        self.prepared = prepared
        self.scenario = scenario = prepared.scenario
        self.lots = [
            [lot.amount, lot.available_from, lot.expires_on] for lot in member.lots
        ]
        # no lot expires before this day (a lower bound: the expiry pass skips
        # the days before it)
        self.soonest = min(
            (lot.expires_on for lot in member.lots if lot.expires_on is not None),
            default=None,
        )
        self.expired = 0
        self.paid = list(member.paid_before)
        self.tier = member.tier
        if scenario.requalify:
            self.tier = None
            self._upgrade(None)

    def expire_until(self, day):
        soonest = self.soonest
        if soonest is None or day < soonest:
            return
        keep, soonest = [], None
        for lot in self.lots:
            amount, _available_from, expires_on = lot
            if not amount:
                continue
            if expires_on is not None:
                if expires_on <= day:
                    self.expired += amount
                    continue
                if soonest is None or expires_on < soonest:
                    soonest = expires_on
            keep.append(lot)
        self.lots, self.soonest = keep, soonest

    def _open(self, amount, available_from, expires_on):
        self.lots.append([amount, available_from, expires_on])
        if expires_on is not None and (
            self.soonest is None or expires_on < self.soonest
        ):
            self.soonest = expires_on

    def _take(self, amount, day, include_pending):
        """Take ``amount`` first-expiring-first (:func:`ledger.debit_order`:
        no expiry last, then by availability, then in order); the shortfall."""
        order = sorted(
            (
                expires_on is None,
                expires_on or date.max,
                available_from,
                index,
            )
            for index, (held, available_from, expires_on) in enumerate(self.lots)
            if held > 0
            and (expires_on is None or expires_on > day)
            and (include_pending or available_from <= day)
        )
        lots, remaining = self.lots, amount
        for *_order, index in order:
            if not remaining:
                break
            lot = lots[index]
            take = min(lot[0], remaining)
            lot[0] -= take
            remaining -= take
        return remaining

    def _upgrade(self, day):
        scenario = self.scenario
        if not scenario.tiers:
            return
        since = day - timedelta(days=scenario.tier_period_days) if day else None
        paid = sum(a for d, a in self.paid if since is None or d >= since)
        key = rules.qualify(paid, scenario.tiers)
        threshold = self.prepared.threshold
        if key is not None and (
            self.tier is None or threshold(key) > threshold(self.tier)
        ):
            self.tier = key

    def check(self, check):
        """``((lines_amount, burn, burn_money, earn), tier, discount, bonus)``."""
        prepared, scenario = self.prepared, self.scenario
        tier = self.tier if scenario.requalify else check.tier
        if scenario.promotions:
            lines, promoted, discount, bonus = _promotions(check, scenario, tier)
        else:
            lines, promoted, discount, bonus = check.lines, None, 0, 0
            for used in check.promotions:
                discount += used.discount
                bonus += used.bonus
        # what ledger.balances() calls available: the lots expired before the
        # check's day are gone already (the replay expires them first)
        day = check.day
        available = 0
        for amount, available_from, _expires_on in self.lots:
            if available_from <= day:
                available += amount
        figures = None
        if promoted is None:
            figures = prepared.quote(lines, available, check.burn, prepared.rate(tier))
        if figures is None:
            quote = rules.quote(
                lines,
                scenario.policy,
                available,
                check.burn,
                strict=False,
                earn_percent=scenario.tier_rate(tier) if tier is not None else None,
            )
            if promoted is not None:
                news = [c.new for c in scenario.promotions if c.new is not None]
                with_bonus = promo.with_bonuses(promoted, news, quote.earn_per_line)
                bonus += sum(a.bonus for a in with_bonus.applied)
            figures = (quote.lines_amount, quote.burn, quote.burn_money, quote.earn)
        sales, burn, burn_money, earn = figures
        if burn:
            shortfall = self._take(burn, day, False)
            if shortfall:
                raise _insufficient(burn, shortfall)
        if earn or bonus:
            available_from = day + timedelta(days=scenario.pending_days)
            expires = (
                day + timedelta(days=scenario.expiry_days)
                if scenario.expiry_days
                else None
            )
            if earn:
                self._open(earn, available_from, expires)
            if bonus:
                # the promotions' bonuses are booked as earn on the check
                self._open(bonus, available_from, expires)
        if scenario.requalify:
            self.paid.append((day, sales - burn_money))
            self._upgrade(day)
        return figures, tier, discount, bonus

    def credit(self, credit):
        check_int(credit.amount)
        if credit.amount < 0:
            raise InvalidAmount(
                "negative_lot",
                "Lot %(key)s has a negative amount %(amount)s.",
                key=("credit", credit.key),
                amount=credit.amount,
            )
        self._open(credit.amount, credit.available_from, credit.expires_on)

    def debit(self, debit):
        amount = check_int(debit.amount)
        if amount <= 0:
            raise InvalidAmount(
                "invalid_amount",
                "The amount must be positive, got %(amount)s.",
                amount=amount,
            )
        self._take(amount, debit.day, True)


def _replay_into(total, member, prepared, end_day, keep_checks):
    """One member's period replayed, added to the :class:`Result` ``total``."""
    wallet = _Wallet(member, prepared)
    flows, per_check = total.flows, total.per_check
    for event in sorted(member.events, key=_sort_key):
        wallet.expire_until(event.day)
        kind = type(event)
        if kind is Credit:
            wallet.credit(event)
            continue
        if kind is Debit:
            wallet.debit(event)
            continue
        (sales, burn, burn_money, earn), tier, discount, bonus = wallet.check(event)
        group = (event.store, tier)
        flow = flows.get(group)
        if flow is None:
            flow = flows[group] = Flow()
        flow.checks += 1
        flow.sales += sales
        flow.earned += earn + bonus
        flow.spent += burn
        flow.spent_money += burn_money
        flow.discount += discount
        flow.bonus += bonus
        if keep_checks:
            per_check[event.key] = (earn, burn)
    wallet.expire_until(end_day)
    total.members += 1
    total.expired += wallet.expired
    scenario = prepared.scenario
    tier = wallet.tier if scenario.requalify else member.tier_end
    total.liability[tier] = total.liability.get(tier, 0) + sum(
        lot[0] for lot in wallet.lots
    )
    total.tier_end[member.wallet] = tier


def replay_member(member, scenario, end_day, keep_checks=False):
    """One member's period under ``scenario``, as a :class:`Result`."""
    result = Result()
    _replay_into(result, member, _Rules(scenario), end_day, keep_checks)
    return result


def replay(members, scenario, end_day, keep_checks=False):
    """The period of every member under ``scenario``: one :class:`Result`."""
    total = Result()
    prepared = _Rules(scenario)
    for member in members:
        _replay_into(total, member, prepared, end_day, keep_checks)
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


# -- batches in plain form, replayed in worker processes ----------------------
#
# A member in plain form (tuples of ints, dates and strings: cheap to read and
# to send to another process), as ``member_from_row`` reads it:
#
#   (wallet, lots, tier, paid_before, moves, checks, tier_end)
#
# lots: (key, amount, available_from, expires_on) open at the start;
# paid_before: (day, paid); moves: (key, at, day, amount, available_from,
# expires_on), a credit when the amount is positive, else a debit of its
# opposite; checks: (key, at, day, local, store, amount, burn, tier, rows,
# used, items) with ``rows`` the lines as (key, amount, earn, burn) for
# :func:`check_lines`, ``used`` the promotions as (key, discount, bonus) and
# ``items`` None or the lines' products as (key, product, qty, categories).


def member_from_row(row):
    """A :class:`Member` from its plain form."""
    wallet, lots, tier, paid_before, moves, checks, tier_end = row
    events = []
    for key, at, day, amount, available_from, expires_on in moves:
        if amount > 0:
            events.append(
                Credit(key, at, day, amount, available_from or day, expires_on)
            )
        else:
            events.append(Debit(key, at, day, -amount))
    for key, at, day, local, store, amount, burn, tier_, rows, used, items in checks:
        lines = check_lines(rows, total=amount)
        events.append(
            Check(
                key,
                at,
                day,
                lines,
                burn,
                tier_,
                store,
                promotions=tuple(Used(*u) for u in used),
                items=_items(lines, items),
                when=local,
            )
        )
    return Member(
        wallet,
        tuple(ledger.Lot(*lot) for lot in lots),
        tier,
        tuple(paid_before),
        tuple(events),
        tier_end,
    )


def _items(lines, rows):
    """The promotion engine's view of a check's lines (products, items,
    categories), when the check's lines are its own rows."""
    if not rows:
        return ()
    keys = {line.key for line in lines}
    return tuple(
        promo.PromoLine(
            key=key,
            amount=0,
            qty=max(1, int(qty or 1)),
            product_id=product or None,
            category_ids=categories,
        )
        for key, product, qty, categories in rows
        if key in keys
    )


def replay_rows(rows, scenarios, end_day):
    """Members in plain form replayed under each scenario: a :class:`Result`
    each, in the scenarios' order."""
    members = [member_from_row(row) for row in rows]
    return [replay(members, scenario, end_day) for scenario in scenarios]


def _worker_start():
    # the replay yields to the club's own work; the parent stops the workers
    os.nice(10)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def replay_batches(batches, scenarios, end_day, processes=1):
    """Batches of members in plain form, ``(rows, tag)`` each, replayed under
    each scenario: yields ``(results, tag)`` per batch, in the batches' order.

    With ``processes`` > 1 the batches are replayed in that many worker
    processes (forked: they need nothing but this module; at a lower
    priority) while the next ones are read: members are independent, so the
    results are those of one process. Where processes cannot be forked the
    batches are replayed in this one."""
    if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for rows, tag in batches:
            yield replay_rows(rows, scenarios, end_day), tag
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_worker_start) as pool:
        pending = collections.deque()
        for rows, tag in batches:
            task = pool.apply_async(replay_rows, (rows, scenarios, end_day))
            pending.append((task, tag))
            if len(pending) > processes:
                task, tag = pending.popleft()
                yield task.get(), tag
        while pending:
            task, tag = pending.popleft()
            yield task.get(), tag
