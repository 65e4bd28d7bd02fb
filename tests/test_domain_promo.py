from datetime import date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain.promo import (
    Context,
    PromoLine,
    Promotion,
    bonus_per_line,
    evaluate,
    with_bonuses,
)

MONDAY_NOON = datetime(2026, 11, 23, 12, 0)
CTX = Context(when=MONDAY_NOON, store_id=1, member=True, tier_id=7)


def line(key, amount, qty=1, product=None, categ=()):
    return PromoLine(key, amount, qty, product, frozenset(categ))


def test_percent_discount_on_category_in_store():
    p = Promotion(
        "p",
        "discount_percent",
        Decimal(10),
        category_ids=frozenset({5}),
        store_ids=frozenset({1}),
    )
    lines = [line("a", 10000, categ=[5]), line("b", 5000, categ=[6])]
    res = evaluate(lines, [p], CTX)
    assert res.amounts() == {"a": 9000, "b": 5000}
    assert res.applied[0].discount_per_line == {"a": 1000}
    other_store = evaluate(lines, [p], Context(when=MONDAY_NOON, store_id=2))
    assert other_store.applied == ()


def test_multiplier_bonus_uses_base_earn_of_matching_lines():
    p = Promotion("x2", "bonus_multiplier", Decimal(2), category_ids=frozenset({5}))
    lines = [line("a", 10000, categ=[5]), line("b", 5000)]
    res = with_bonuses(evaluate(lines, [p], CTX), [p], {"a": 1000, "b": 500})
    assert res.bonus == 1000
    not_member = evaluate(lines, [p], Context(when=MONDAY_NOON))
    assert not_member.applied == ()


def test_bundle_a_plus_b_for_price():
    p = Promotion(
        "combo", "bundle", bundle_product_ids=frozenset({1, 2}), bundle_price=15000
    )
    lines = [line("a", 10000, product=1), line("b", 8000, product=2)]
    res = evaluate(lines, [p], CTX)
    assert res.discount == 3000
    assert sum(res.amounts().values()) == 15000
    miss = evaluate(lines[:1], [p], CTX)
    assert miss.applied == ()
    assert miss.near_misses[0].code == "bundle"
    assert miss.near_misses[0].product_id == 2


def test_nth_item_cheapest_discounted():
    p = Promotion("third", "nth_item", Decimal(100), nth=3)
    lines = [line("a", 3000, qty=2), line("b", 1000)]
    res = evaluate(lines, [p], CTX)
    assert res.amounts() == {"a": 3000, "b": 0}


def test_exclusive_beats_combinable_by_priority():
    excl = Promotion("e", "discount_percent", Decimal(20), priority=20, exclusive=True)
    comb = Promotion("c", "discount_percent", Decimal(10), priority=10)
    gift = Promotion("g", "gift_bonus", Decimal(500), priority=5)
    res = evaluate([line("a", 10000)], [comb, excl, gift], CTX)
    assert [a.key for a in res.applied] == ["e"]
    low = Promotion("e", "discount_percent", Decimal(20), priority=1, exclusive=True)
    res = evaluate([line("a", 10000)], [comb, low, gift], CTX)
    assert [a.key for a in res.applied] == ["c", "g"]


def test_near_miss_min_amount_and_qty():
    spend = Promotion("s", "gift_bonus", Decimal(100), min_amount=50000)
    items = Promotion("q", "discount_percent", Decimal(5), min_qty=3)
    res = evaluate([line("a", 38000, qty=2)], [spend, items], CTX)
    misses = {m.key: m for m in res.near_misses}
    assert misses["s"].missing == 12000
    assert misses["s"].message == "Spend 12000 more."
    assert misses["q"].missing == 1


def test_context_conditions():
    p = Promotion(
        "p",
        "gift_bonus",
        Decimal(100),
        date_from=date(2026, 11, 1),
        date_to=date(2026, 11, 30),
        weekdays=frozenset({0}),
        hour_from=10,
        hour_to=14,
        tier_ids=frozenset({7}),
        channels=frozenset({"pos"}),
        requires_coupon=True,
        first_purchase=True,
    )
    ok = Context(
        when=MONDAY_NOON,
        member=True,
        tier_id=7,
        channel="pos",
        coupon_keys=frozenset({"p"}),
        first_purchase=True,
    )
    assert evaluate([line("a", 100)], [p], ok).applied
    for change in (
        {"when": datetime(2026, 11, 24, 12)},
        {"when": datetime(2026, 11, 23, 15)},
        {"tier_id": 8},
        {"channel": "api"},
        {"coupon_keys": frozenset()},
        {"first_purchase": False},
    ):
        ctx = Context(**{**ok.__dict__, **change})
        assert not evaluate([line("a", 100)], [p], ctx).applied, change


def test_budget_and_limits():
    p = Promotion("p", "discount_fixed", Decimal(5000), budget_remaining=2000)
    assert evaluate([line("a", 10000)], [p], CTX).discount == 2000
    used = Promotion("p", "discount_fixed", Decimal(5000), member_remaining=0)
    assert evaluate([line("a", 10000)], [used], CTX).applied == ()
    bonus = Promotion("b", "gift_bonus", Decimal(500), budget_remaining=300)
    res = with_bonuses(evaluate([line("a", 100)], [bonus], CTX), [bonus], {})
    assert res.bonus == 300


lines_st = st.lists(
    st.tuples(
        st.integers(0, 10**7),
        st.integers(1, 5),
        st.integers(1, 3),
        st.integers(1, 3),
    ),
    min_size=1,
    max_size=6,
)
promo_st = st.lists(
    st.tuples(
        st.sampled_from(["discount_percent", "discount_fixed", "bundle", "nth_item"]),
        st.integers(0, 100),
        st.integers(0, 30),
        st.booleans(),
        st.sampled_from(["lines", "order"]),
        st.integers(0, 10**6),
    ),
    max_size=5,
)


def build(raw_lines, raw_promos):
    lines = [
        PromoLine(i, amount, qty, product, frozenset({categ}))
        for i, (amount, qty, product, categ) in enumerate(raw_lines)
    ]
    promos = [
        Promotion(
            f"p{i}",
            effect,
            Decimal(value) if effect != "discount_fixed" else Decimal(value * 100),
            priority=prio,
            exclusive=excl,
            scope=scope,
            category_ids=frozenset({1}),
            bundle_product_ids=frozenset({1, 2}),
            bundle_price=price,
            nth=2,
        )
        for i, (effect, value, prio, excl, scope, price) in enumerate(raw_promos)
    ]
    return lines, promos


@given(lines_st, promo_st)
def test_discounts_never_exceed_lines(raw_lines, raw_promos):
    lines, promos = build(raw_lines, raw_promos)
    res = evaluate(lines, promos, CTX)
    for before, after in zip(lines, res.lines, strict=True):
        assert 0 <= after.amount <= before.amount
    assert res.discount == sum(ln.amount for ln in lines) - sum(
        ln.amount for ln in res.lines
    )


@given(lines_st, promo_st)
def test_exclusive_never_combines(raw_lines, raw_promos):
    lines, promos = build(raw_lines, raw_promos)
    by_key = {p.key: p for p in promos}
    res = evaluate(lines, promos, CTX)
    if any(by_key[a.key].exclusive for a in res.applied):
        assert len(res.applied) == 1


@given(lines_st, promo_st, st.randoms())
def test_input_order_does_not_matter(raw_lines, raw_promos, rnd):
    lines, promos = build(raw_lines, raw_promos)
    res = evaluate(lines, promos, CTX)
    shuffled = list(promos)
    rnd.shuffle(shuffled)
    again = evaluate(lines, shuffled, CTX)
    assert again.applied == res.applied
    assert again.lines == res.lines


@given(lines_st, st.integers(0, 10**6), st.integers(1, 100))
def test_budget_never_exceeded(raw_lines, budget, percent):
    lines, _promos = build(raw_lines, [])
    p = Promotion(
        "p",
        "discount_percent",
        Decimal(percent),
        scope="order",
        budget_remaining=budget,
    )
    res = evaluate(lines, [p], CTX)
    assert res.discount <= budget


def test_bonus_fixed_per_matching_item():
    p = Promotion("f", "bonus_fixed", Decimal(100), product_ids=frozenset({1}))
    lines = [line("a", 1000, qty=3, product=1), line("b", 1000, qty=2, product=2)]
    res = with_bonuses(evaluate(lines, [p], CTX), [p], {})
    assert res.bonus == 300


def test_bonus_per_line_adds_up_to_the_check():
    """A till that shows each line's earn shows what the check earns: the line's
    base earn plus its share of each bonus promotion."""
    shoes = Promotion("x3", "bonus_multiplier", Decimal(3), category_ids=frozenset({5}))
    gift = Promotion("gift", "gift_bonus", Decimal(100))
    lines = [line("a", 10000, categ=[5]), line("b", 5001, categ=[5]), line("c", 999)]
    base = {"a": 1000, "b": 500, "c": 99}
    res = with_bonuses(evaluate(lines, [shoes, gift], CTX), [shoes, gift], base)
    extra = bonus_per_line(res, [shoes, gift], base)
    assert sum(extra.values()) == res.bonus == 2 * 1500 + 100
    assert extra["c"] == 6  # only its share of the gift, by amount
    assert (extra["a"], extra["b"]) == (2000 + 63, 1000 + 31)  # 62.5 rounds up


@given(
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=8),
    st.integers(min_value=0, max_value=10**5),
)
def test_bonus_per_line_never_loses_a_point(earns, budget):
    p = Promotion("x2", "bonus_multiplier", Decimal(2), budget_remaining=budget)
    lines = [line(i, 100 * (e + 1)) for i, e in enumerate(earns)]
    base = dict(enumerate(earns))
    res = with_bonuses(evaluate(lines, [p], CTX), [p], base)
    extra = bonus_per_line(res, [p], base)
    assert sum(extra.values()) == res.bonus
    assert all(v >= 0 for v in extra.values())
