"""Promotions: which apply to an order, what each gives, and near-misses.

Money in currency minor units, points in point minor units, rates Decimal.

Order of application (documented and tested):

1. Every promotion is checked against the order (store, dates, weekday, hour,
   channel, tier, segments, first purchase, coupon, limits, budget, then the
   minimum amount and quantity of its matching lines). Promotions failing only
   on the minimum amount, quantity or a missing bundle item become near-misses.
2. The eligible ones are sorted by priority (higher first), then by key. If the
   first one is exclusive it applies alone; otherwise every eligible
   combinable promotion applies and the exclusive ones are skipped.
3. Discounts apply in that order, each on what previous discounts left of a
   line, so a line never goes below 0. Budgets cap the money given.
4. The caller computes the base earn on the discounted lines, then
   :func:`with_bonuses` adds the extra bonuses (multiplier of the base earn of
   matching lines, fixed points per matching item, gift points per order),
   capped by each promotion's remaining budget in points.

Limits per member and per day are passed in as remaining uses; 0 means used up
(``None``: unlimited), as is the remaining budget.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from .money import allocate, apply_rate, check_int, div_round, ratio, to_decimal

DISCOUNTS = ("discount_percent", "discount_fixed", "bundle", "nth_item")
BONUSES = ("bonus_multiplier", "bonus_fixed", "gift_bonus")
EFFECTS = DISCOUNTS + BONUSES


@dataclass(frozen=True)
class PromoLine:
    """An order line before promotions; ``qty`` in whole items."""

    key: object
    amount: int
    qty: int = 1
    product_id: object = None
    category_ids: frozenset = frozenset()
    attribute_value_ids: frozenset = frozenset()

    def __post_init__(self):
        check_int(self.amount)
        check_int(self.qty, "qty")


@dataclass(frozen=True)
class Context:
    """Who buys where and when; ``coupon_keys``: promotions a valid coupon unlocks."""

    when: datetime
    store_id: object = None
    channel: str | None = None
    member: bool = False
    tier_id: object = None
    segment_ids: frozenset = frozenset()
    first_purchase: bool = False
    coupon_keys: frozenset = frozenset()


@dataclass(frozen=True)
class Promotion:
    key: object
    effect: str
    value: Decimal = Decimal(0)
    name: str = ""
    priority: int = 10
    exclusive: bool = False
    scope: str = "lines"
    product_ids: frozenset = frozenset()
    category_ids: frozenset = frozenset()
    attribute_value_ids: frozenset = frozenset()
    store_ids: frozenset = frozenset()
    channels: frozenset = frozenset()
    tier_ids: frozenset = frozenset()
    segment_ids: frozenset = frozenset()
    date_from: object = None
    date_to: object = None
    weekdays: frozenset = frozenset()
    hour_from: int | None = None
    hour_to: int | None = None
    first_purchase: bool = False
    members_only: bool = False
    requires_coupon: bool = False
    min_amount: int = 0
    min_qty: int = 0
    bundle_product_ids: frozenset = frozenset()
    bundle_price: int = 0
    nth: int = 0
    budget_remaining: int | None = None
    member_remaining: int | None = None
    day_remaining: int | None = None

    def __post_init__(self):
        if self.effect not in EFFECTS:
            raise ValueError(f"effect must be one of {EFFECTS}")
        if self.scope not in ("lines", "order"):
            raise ValueError("scope must be 'lines' or 'order'")
        if to_decimal(self.value, "value") < 0:
            raise ValueError("value must be >= 0")
        for name in ("min_amount", "min_qty", "bundle_price", "nth", "priority"):
            check_int(getattr(self, name), name)
        if self.effect == "nth_item" and self.nth < 1:
            raise ValueError("nth_item needs nth >= 1")
        if self.effect == "bundle" and not self.bundle_product_ids:
            raise ValueError("bundle needs bundle_product_ids")


@dataclass(frozen=True)
class NearMiss:
    """``code``: min_amount (missing money), min_qty or bundle (missing items)."""

    key: object
    name: str
    code: str
    missing: int
    product_id: object = None

    @property
    def message(self):
        if self.code == "min_amount":
            return "Spend %(missing)s more." % {"missing": self.missing}
        return "Add %(missing)s more item(s)." % {"missing": self.missing}


@dataclass(frozen=True)
class Applied:
    key: object
    name: str
    effect: str
    discount_per_line: dict = field(default_factory=dict)
    bonus: int = 0

    @property
    def discount(self):
        return sum(self.discount_per_line.values())


@dataclass(frozen=True)
class Result:
    lines: tuple
    applied: tuple
    near_misses: tuple

    @property
    def discount(self):
        return sum(a.discount for a in self.applied)

    @property
    def bonus(self):
        return sum(a.bonus for a in self.applied)

    def amounts(self):
        """Line key -> amount after discounts."""
        return {line.key: line.amount for line in self.lines}


def sort_key(promotion):
    return (-promotion.priority, str(promotion.key))


def matches(promotion, line):
    """A line matches when it is in the product/category filter (if any) and
    has one of the attribute values (if any)."""
    p = promotion
    if p.product_ids or p.category_ids:
        if line.product_id not in p.product_ids and not (
            p.category_ids & frozenset(line.category_ids)
        ):
            return False
    if p.attribute_value_ids and not (
        p.attribute_value_ids & frozenset(line.attribute_value_ids)
    ):
        return False
    return True


def _context_ok(p, ctx):
    """The conditions that no extra purchase can change."""
    when = ctx.when
    checks = (
        not p.store_ids or ctx.store_id in p.store_ids,
        not p.channels or ctx.channel in p.channels,
        not p.date_from or when.date() >= p.date_from,
        not p.date_to or when.date() <= p.date_to,
        not p.weekdays or when.weekday() in p.weekdays,
        p.hour_from is None or when.hour >= p.hour_from,
        p.hour_to is None or when.hour < p.hour_to,
        not (p.members_only or p.tier_ids or p.segment_ids) or ctx.member,
        not p.tier_ids or ctx.tier_id in p.tier_ids,
        not p.segment_ids or bool(p.segment_ids & frozenset(ctx.segment_ids)),
        not p.first_purchase or ctx.first_purchase,
        not p.requires_coupon or p.key in ctx.coupon_keys,
        p.member_remaining is None or p.member_remaining > 0,
        p.day_remaining is None or p.day_remaining > 0,
        p.budget_remaining is None or p.budget_remaining > 0,
        p.effect not in BONUSES or ctx.member,
    )
    return all(checks)


def _missing(p, lines):
    """The near-miss of a promotion whose context is met, or None if it is met."""
    matching = [line for line in lines if matches(p, line)]
    amount = sum(line.amount for line in matching)
    qty = sum(line.qty for line in matching)
    if p.effect == "bundle":
        have = {line.product_id for line in lines if line.qty > 0}
        lacking = sorted(p.bundle_product_ids - have, key=str)
        if lacking:
            return NearMiss(p.key, p.name, "bundle", len(lacking), lacking[0])
    if p.effect == "nth_item" and qty < p.nth:
        return NearMiss(p.key, p.name, "min_qty", p.nth - qty)
    if qty < p.min_qty:
        return NearMiss(p.key, p.name, "min_qty", p.min_qty - qty)
    if amount < p.min_amount:
        return NearMiss(p.key, p.name, "min_amount", p.min_amount - amount)
    return None


def _cap(parts, budget):
    """Scale a {key: amount} down to ``budget`` (None: no cap)."""
    total = sum(parts.values())
    if budget is None or total <= budget:
        return parts
    keys = list(parts)
    return dict(zip(keys, allocate(budget, [parts[k] for k in keys]), strict=True))


def _spread(total, keys, left):
    """``total`` over ``keys`` by what is left on them, never more than left."""
    keys = [k for k in keys if left[k] > 0]
    total = min(total, sum(left[k] for k in keys))
    if not keys or total <= 0:
        return {}
    return dict(zip(keys, allocate(total, [left[k] for k in keys]), strict=True))


def _discount(p, lines, left):
    """{line key: money off} of one discount promotion, given what is left."""
    matching = [ln.key for ln in lines if matches(p, ln)]
    target = matching if p.scope == "lines" else [ln.key for ln in lines]
    if p.effect == "discount_percent":
        base = sum(max(0, left[k]) for k in target)
        return _spread(apply_rate(base, p.value), target, left)
    if p.effect == "discount_fixed":
        return _spread(check_int(int(p.value), "value"), target, left)
    by_key = {ln.key: ln for ln in lines}
    if p.effect == "bundle":
        groups = {
            pid: [ln.key for ln in lines if ln.product_id == pid and ln.qty > 0]
            for pid in p.bundle_product_ids
        }
        count = min(sum(by_key[k].qty for k in keys) for keys in groups.values())
        unit_total = sum(
            div_round(sum(left[k] for k in keys), sum(by_key[k].qty for k in keys))
            for keys in groups.values()
        )
        off = count * max(0, unit_total - p.bundle_price)
        return _spread(off, [k for keys in groups.values() for k in keys], left)
    # nth_item: every nth matching item, the cheapest ones, value percent off
    units = sorted(
        (div_round(left[k], by_key[k].qty), str(k), k)
        for k in matching
        if by_key[k].qty > 0 and left[k] > 0
    )
    free = sum(by_key[k].qty for _p, _s, k in units) // p.nth
    parts = {}
    for price, _s, k in units:
        take = min(free, by_key[k].qty)
        if take <= 0:
            break
        parts[k] = min(left[k], apply_rate(price * take, p.value))
        free -= take
    return parts


def evaluate(lines, promotions, ctx):
    """Select and apply the discounts; bonuses follow via :func:`with_bonuses`."""
    lines = tuple(lines)
    keys = [line.key for line in lines]
    if len(set(keys)) != len(keys):
        raise ValueError("line keys must be unique")
    promo_keys = [p.key for p in promotions]
    if len(set(promo_keys)) != len(promo_keys):
        raise ValueError("promotion keys must be unique")
    eligible, near = [], []
    for p in sorted(promotions, key=sort_key):
        if not _context_ok(p, ctx):
            continue
        miss = _missing(p, lines)
        if miss is None:
            eligible.append(p)
        else:
            near.append(miss)
    if eligible and eligible[0].exclusive:
        eligible = eligible[:1]
    else:
        eligible = [p for p in eligible if not p.exclusive]
    left = {line.key: line.amount for line in lines}
    applied = []
    for p in eligible:
        parts = {}
        if p.effect in DISCOUNTS:
            parts = _cap(_discount(p, lines, left), p.budget_remaining)
            parts = {k: v for k, v in parts.items() if v > 0}
            if not parts:
                continue
            for k, v in parts.items():
                left[k] -= v
        applied.append(Applied(p.key, p.name, p.effect, parts))
    new_lines = tuple(replace(line, amount=left[line.key]) for line in lines)
    return Result(new_lines, tuple(applied), tuple(near))


def with_bonuses(result, promotions, earn_per_line):
    """``result`` with the extra bonus points of its bonus promotions."""
    by_key = {p.key: p for p in promotions}
    applied = []
    for a in result.applied:
        p = by_key[a.key]
        if p.effect not in BONUSES:
            applied.append(a)
            continue
        matching = [ln for ln in result.lines if matches(p, ln)]
        if p.effect == "bonus_multiplier":
            num, den = ratio(to_decimal(p.value) - 1)
            base = sum(earn_per_line.get(ln.key, 0) for ln in matching)
            bonus = max(0, div_round(base * num, den))
        elif p.effect == "bonus_fixed":
            bonus = int(p.value) * sum(max(0, ln.qty) for ln in matching)
        else:
            bonus = int(p.value)
        if p.budget_remaining is not None:
            bonus = min(bonus, p.budget_remaining)
        if bonus > 0:
            applied.append(replace(a, bonus=bonus))
    return replace(result, applied=tuple(applied))


def bonus_per_line(result, promotions, earn_per_line):
    """Each applied bonus promotion's points spread over the lines it matched
    (``{line key: extra points}``): a multiplier by the lines' base earn, a
    fixed bonus by their items, a gift per check by their amounts; the parts of
    a promotion always sum to its bonus, so a till that shows the earn per line
    shows what the check earns."""
    by_key = {p.key: p for p in promotions}
    extra = {}
    for a in result.applied:
        p = by_key.get(a.key)
        if p is None or p.effect not in BONUSES or not a.bonus:
            continue
        matching = [ln for ln in result.lines if matches(p, ln)]
        if p.effect == "bonus_multiplier":
            weights = [max(0, earn_per_line.get(ln.key, 0)) for ln in matching]
        elif p.effect == "bonus_fixed":
            weights = [max(0, ln.qty) for ln in matching]
        else:
            weights = [max(0, ln.amount) for ln in matching]
        if not matching or not sum(weights):
            weights = [1] * len(matching)
        if not matching:
            continue
        for ln, part in zip(matching, allocate(a.bonus, weights), strict=True):
            extra[ln.key] = extra.get(ln.key, 0) + part
    return extra
