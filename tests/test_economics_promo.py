"""Promotion effectiveness: extra sales against the members' own baseline and
against a held-out control group, and the cost of each unit of them."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import economics_promo as promo
from loyalty_club.domain.errors import InvalidAmount


def test_a_hand_computed_example():
    # 100 members reached sold 50,000.00 during, 40,000.00 before; 400 held
    # out sold 180,000.00 during, 160,000.00 before: they grew 50.00 a member,
    # so 5,000.00 of the reached members' 10,000.00 would have come anyway
    reached = promo.Group(100, 5_000_000, 4_000_000)
    control = promo.Group(400, 18_000_000, 16_000_000)
    result = promo.effect(reached, 250_000, control)
    assert result.extra_vs_baseline == 1_000_000
    assert result.extra_vs_control == 500_000
    assert result.cost_per_extra == Decimal("0.5")
    alone = promo.effect(reached, 250_000)
    assert alone.extra_vs_control is None
    assert alone.cost_per_extra == Decimal("0.25")


def test_no_extra_sales_no_cost_per_extra():
    flat = promo.Group(10, 1000, 1000)
    assert promo.effect(flat, 500).cost_per_extra is None
    assert promo.effect(promo.Group(10, 900, 1000), 500).cost_per_extra is None


amount = st.integers(0, 10**9)


@given(st.integers(1, 10**4), amount, amount, st.integers(1, 10**4), amount, amount)
def test_a_control_group_like_the_reached_members_leaves_no_extra(
    n, during, before, k, c_during, c_before
):
    """A control group k times as large that changed k times as much shows
    no extra sales; one that did not change shows the whole baseline change."""
    reached = promo.Group(n, during, before)
    same = promo.Group(n * k, during * k, before * k)
    assert promo.effect(reached, 0, same).extra_vs_control == 0
    still = promo.Group(k, c_before, c_before)
    assert promo.effect(reached, 0, still).extra_vs_control == during - before


def test_a_negative_group_is_refused():
    with pytest.raises(InvalidAmount):
        promo.Group(-1, 0, 0)
