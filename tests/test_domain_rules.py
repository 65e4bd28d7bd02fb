from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import rules
from loyalty_club.domain.errors import CapExceeded, InvalidAmount
from loyalty_club.domain.rules import Line, Policy, TierSpec

SOKOLOV = Policy(earn_percent=Decimal(10), burn_cap_percent=Decimal(30))


def test_sokolov_example():
    q = rules.quote(
        [Line("l1", 500000)], SOKOLOV, available=300000, requested_burn=200000
    )
    assert q.lines_amount == 500000
    assert q.burn_max == 150000
    assert q.burn == 150000
    assert q.burn_money == 150000
    assert q.to_pay == 350000
    assert q.earn == 35000
    assert q.capped is True
    assert q.cap_reason == "cap"
    assert q.burn_per_line == {"l1": 150000}
    assert q.earn_per_line == {"l1": 35000}


def test_sokolov_strict_raises_with_params():
    with pytest.raises(CapExceeded) as info:
        rules.quote([Line("l1", 500000)], SOKOLOV, 300000, 200000, strict=True)
    expected = {"requested": 200000, "maximum": 150000, "reason": "cap"}
    assert info.value.params == expected
    assert info.value.code == "cap_exceeded"


def test_balance_is_the_limit():
    q = rules.quote(
        [Line("l1", 500000)], SOKOLOV, available=100000, requested_burn=120000
    )
    assert (q.burn_max, q.burn, q.capped) == (100000, 100000, True)
    assert q.cap_reason == "balance"
    assert q.earn == 40000
    with pytest.raises(CapExceeded) as info:
        rules.quote([Line("l1", 500000)], SOKOLOV, 100000, 120000, strict=True)
    assert info.value.params["reason"] == "balance"


def test_no_burn_earns_on_everything():
    q = rules.quote([Line("a", 1999), Line("b", 1001)], SOKOLOV, available=0)
    assert (q.burn, q.burn_money, q.capped, q.cap_reason) == (0, 0, False, None)
    assert q.earn_per_line == {"a": 199, "b": 100}
    assert q.earn == 299
    assert q.to_pay == 3000


def test_half_up_rounding_and_override_percent():
    policy = Policy(Decimal(10), Decimal(30), earn_rounding="half_up")
    q = rules.quote([Line("a", 1995), Line("b", 1994)], policy, 0)
    assert q.earn_per_line == {"a": 200, "b": 199}
    q = rules.quote([Line("a", 1000)], policy, 0, earn_percent=Decimal("12.5"))
    assert q.earn == 125


def test_burn_spread_over_eligible_lines_only():
    lines = [
        Line("food", 300000),
        Line("tobacco", 100000, earn=False, burn=False),
        Line("drink", 200000),
    ]
    q = rules.quote(lines, SOKOLOV, available=10**9, requested_burn=150000)
    # cap: 30% of the 5,000.00 eligible
    assert q.burn_max == 150000 and q.burn == 150000 and not q.capped
    assert q.burn_per_line == {"food": 90000, "tobacco": 0, "drink": 60000}
    assert q.earn_per_line == {"food": 21000, "tobacco": 0, "drink": 14000}
    assert q.to_pay == 450000


def test_quote_names_the_lines_that_earn_or_burn_nothing():
    lines = [
        Line("food", 10000),
        Line("tobacco", 5000, earn=False, burn=False),
        Line("sale_price", 2000, earn=False),
    ]
    q = rules.quote(lines, SOKOLOV, available=10**9, requested_burn=10**6)
    assert q.no_earn == ("tobacco", "sale_price")
    assert q.no_burn == ("tobacco",)
    # the cap is 30% of the 120.00 that may be paid with points, not of 170.00
    assert q.burn_max == 3600
    assert q.burn_per_line == {"food": 3000, "tobacco": 0, "sale_price": 600}


def test_points_per_item_earn_the_share_paid_in_money():
    # a coffee program: a cup (50.00) earns one stamp; a stamp pays 10.00
    policy = Policy(Decimal(0), Decimal(100), point_digits=0, point_value=10)
    cup = Line("cup", 5000, earn_points=1)
    q = rules.quote([cup, Line("bun", 3000, earn=False)], policy, available=0)
    assert q.earn_per_line == {"cup": 1, "bun": 0}
    # the sixth cup paid with five stamps earns nothing
    q = rules.quote([cup], policy, available=5, requested_burn=5)
    assert (q.burn, q.burn_money, q.to_pay, q.earn) == (5, 5000, 0, 0)
    # three cups, half paid with stamps: half of three stamps, rounded down
    q = rules.quote([Line("cups", 15000, earn_points=3)], policy, 10, 7)
    assert (q.burn, q.to_pay, q.earn) == (7, 8000, 1)
    with pytest.raises(ValueError):
        Line("bad", 100, earn_points=-1)


def test_returned_line_gives_no_earn_and_no_burn_share():
    lines = [Line("sale", 10000), Line("return", -4000)]
    q = rules.quote(lines, SOKOLOV, available=10**9, requested_burn=10**6)
    # net eligible 60.00 -> cap 18.00
    assert q.burn_max == 1800
    assert q.burn_per_line == {"sale": 1800, "return": 0}
    assert q.earn_per_line == {"sale": 820, "return": 0}
    assert q.to_pay == 6000 - 1800


def test_burn_never_exceeds_a_net_negative_order():
    lines = [Line("sale", 1000), Line("return", -5000, burn=False)]
    q = rules.quote(lines, SOKOLOV, available=10**9, requested_burn=500)
    assert (q.burn_max, q.burn, q.burn_money, q.to_pay) == (0, 0, 0, -4000)


def test_max_earn_per_order():
    policy = Policy(Decimal(10), Decimal(0), max_earn_per_order=1000)
    q = rules.quote([Line("a", 30000), Line("b", 10000)], policy, 0)
    assert q.earn == 1000
    assert q.earn_per_line == {"a": 750, "b": 250}
    with pytest.raises(CapExceeded):
        rules.quote([Line("a", 30000)], policy, 500, 1, strict=True)


def test_point_value_and_digits():
    # 1 point = 0.50 currency; points without decimals.
    policy = Policy(
        Decimal(10), Decimal(50), point_digits=0, point_value=Decimal("0.5")
    )
    q = rules.quote([Line("a", 1001)], policy, available=100, requested_burn=100)
    # cap 5.00 currency = 10 points
    assert (q.burn_max, q.burn, q.burn_money, q.cap_reason) == (10, 10, 500, "cap")
    # earn: 10% of 5.01 = 0.501 currency = 1.002 points -> 1
    assert q.earn == 1


def test_burn_points_are_the_fewest_that_pay_the_money():
    # 1 point = 0.003 currency: 1.50 points are worth 0.45 cents -> 0 cents.
    policy = Policy(Decimal(0), Decimal(100), point_value=Decimal("0.003"))
    q = rules.quote([Line("a", 100000)], policy, available=10**9, requested_burn=150)
    assert (q.burn, q.burn_money) == (0, 0)
    q = rules.quote([Line("a", 100000)], policy, available=10**9, requested_burn=1000)
    # 10.00 points = 3 cents; 3 cents need only 1000 point minor units
    assert (q.burn, q.burn_money) == (1000, 3)


def test_min_burn():
    policy = Policy(Decimal(10), Decimal(30), min_burn=10000)
    with pytest.raises(InvalidAmount) as info:
        rules.quote([Line("a", 500000)], policy, 300000, 5000, strict=True)
    assert info.value.code == "burn_below_minimum"
    q = rules.quote([Line("a", 500000)], policy, 300000, 5000)
    assert (q.burn, q.burn_money, q.capped, q.cap_reason) == (0, 0, True, "min_burn")
    assert q.earn == 50000
    lines = [Line("a", 500000)]
    assert rules.quote(lines, policy, 300000, 10000, strict=True).burn == 10000
    assert rules.quote(lines, policy, 300000, 0, strict=True).burn == 0


def test_quote_input_errors():
    with pytest.raises(InvalidAmount):
        rules.quote([Line("a", 100)], SOKOLOV, 100, -1)
    with pytest.raises(TypeError):
        Line("a", 10.5)
    with pytest.raises(TypeError):
        Policy(earn_percent=10.0, burn_cap_percent=Decimal(30))
    with pytest.raises(InvalidAmount):
        Policy(Decimal(10), Decimal(101))
    with pytest.raises(ValueError):
        rules.quote([Line("a", 1), Line("a", 2)], SOKOLOV, 0)


@given(
    st.lists(
        st.tuples(st.integers(-50_000, 500_000), st.booleans(), st.booleans()),
        min_size=1,
        max_size=8,
    ),
    st.integers(0, 10**7),
    st.integers(0, 10**7),
    st.decimals(0, 100, places=2),
    st.decimals(0, 25, places=1),
    st.one_of(st.none(), st.integers(0, 50_000)),
)
def test_quote_invariants(rows, available, requested, cap, earn, max_earn):
    policy = Policy(earn, cap, max_earn_per_order=max_earn)
    lines = [Line(i, amount, e, b) for i, (amount, e, b) in enumerate(rows)]
    q = rules.quote(lines, policy, available, requested)
    assert 0 <= q.burn <= min(requested, q.burn_max, available)
    assert q.capped == (requested > q.burn_max)
    assert sum(q.burn_per_line.values()) == q.burn_money
    assert q.to_pay == q.lines_amount - q.burn_money
    assert q.burn_money <= max(0, q.lines_amount)
    assert sum(q.earn_per_line.values()) == q.earn >= 0
    if max_earn is not None:
        assert q.earn <= max_earn
    for line in lines:
        share = q.burn_per_line[line.key]
        assert share == 0 or (line.burn and 0 < share <= line.amount)
        assert line.earn or q.earn_per_line[line.key] == 0
        assert q.earn_per_line[line.key] >= 0


def test_qualify():
    tiers = [
        TierSpec("silver", 1000000, Decimal(5)),
        TierSpec("base", 0, Decimal(3)),
        TierSpec("gold", 5000000, Decimal(7)),
        TierSpec("gold_promo", 5000000, Decimal(8), sequence=-1),
    ]
    assert rules.qualify(0, tiers) == "base"
    assert rules.qualify(999999, tiers) == "base"
    assert rules.qualify(1000000, tiers) == "silver"
    assert rules.qualify(7000000, tiers) == "gold_promo"
    assert rules.qualify(-1, tiers) is None
    assert rules.qualify(10, []) is None
