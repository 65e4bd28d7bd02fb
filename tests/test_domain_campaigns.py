"""Campaign decisions: reproducible splits, caps and the uplift's interval."""

import hashlib
import math
import random
import statistics
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import campaigns
from loyalty_club.domain.errors import DomainError

SEED = "5eed"


def test_place_is_the_md5_the_database_orders_by():
    expected = hashlib.md5(b"5eed:control:42").hexdigest()
    assert campaigns.place(SEED, "control", 42) == expected
    assert campaigns.place(SEED, "draw", 42) != expected


def test_new_seeds_are_fresh_and_valid():
    seeds = {campaigns.new_seed() for _i in range(50)}
    assert len(seeds) == 50
    for seed in seeds:
        assert campaigns.check_seed(seed) == seed


@pytest.mark.parametrize("bad", ["", "a'b", "x" * 65, "a b", None, 12, "a:b"])
def test_bad_seeds_are_refused(bad):
    with pytest.raises(DomainError):
        campaigns.check_seed(bad)


@pytest.mark.parametrize(
    ("total", "percent", "held"),
    [(100, 10, 10), (15, 10, 2), (14, 10, 1), (1, 50, 0), (2, 50, 1), (0, 10, 0)],
)
def test_control_count_rounds_half_up(total, percent, held):
    assert campaigns.control_count(total, percent) == held


def test_control_never_takes_everyone():
    assert campaigns.control_count(3, Decimal("99.9")) == 2


@pytest.mark.parametrize("percent", [-1, 100, 150, "nan"])
def test_bad_control_share_is_refused(percent):
    with pytest.raises(DomainError):
        campaigns.control_count(10, percent)


def test_same_seed_same_split_other_seed_other_split():
    ids = list(range(1, 1001))
    target, control = campaigns.split(SEED, ids, 10)
    assert len(control) == 100 and len(target) == 900
    assert set(target) | set(control) == set(ids)
    assert not set(target) & set(control)
    shuffled = ids[:]
    random.Random(3).shuffle(shuffled)
    assert campaigns.split(SEED, shuffled, 10) == (target, control)
    assert campaigns.split("other", ids, 10)[1] != control


def test_draw_keeps_the_lowest_draw_places_then_splits():
    ids = list(range(1, 501))
    target, control = campaigns.split(SEED, ids, 20, draw=50)
    drawn = sorted(ids, key=lambda p: campaigns.place(SEED, "draw", p))[:50]
    assert sorted(target + control) == sorted(drawn)
    assert len(control) == 10
    ranked = sorted(drawn, key=lambda p: campaigns.place(SEED, "control", p))
    assert control == ranked[:10]


@given(
    st.lists(st.integers(1, 10**6), unique=True, max_size=60),
    st.integers(0, 99),
)
def test_split_partitions_and_holds_out_the_share(ids, percent):
    target, control = campaigns.split(SEED, ids, percent)
    assert sorted(target + control) == sorted(ids)
    assert len(control) == campaigns.control_count(len(ids), percent)


def test_member_cap_counts_what_was_sent_this_week():
    assert campaigns.cap_reason(2, 2, 1, None) == "cap_member"
    assert campaigns.cap_reason(1, 2, 1, None) is None
    assert campaigns.cap_reason(9, 0, 1, None) is None, "0 means no cap"


def test_global_cap_keeps_the_first_places_of_the_day():
    assert campaigns.cap_reason(0, 2, 3, 3) is None
    assert campaigns.cap_reason(0, 2, 4, 3) == "cap_global"
    assert campaigns.cap_reason(0, 2, 4, None) is None


def test_plan_applies_member_cap_then_global_then_budget():
    messages = [(1, "sms"), (1, "email"), (2, "sms"), (3, "sms"), (4, "sms")]
    sent = {(1, "sms"): 3}
    reasons = campaigns.plan(messages, sent, {"sms": 3, "email": 0}, day_left=3)
    # member 1's SMS is capped and takes no place of the day
    assert reasons == ["cap_member", None, None, None, "cap_global"]
    budgeted = campaigns.plan(
        messages, sent, {"sms": 3}, budget=150, costs={"sms": 100, "email": 0}
    )
    assert budgeted == ["cap_member", None, None, "budget", "budget"]


def test_uplift_of_known_groups():
    target = campaigns.Stats.of([10, 12, 14, 16])
    control = campaigns.Stats.of([8, 10, 12])
    result = campaigns.uplift(target, control)
    assert result.target_mean == 13
    assert result.control_mean == 10
    assert result.difference == 3
    margin = 1.96 * math.sqrt(
        statistics.variance([10, 12, 14, 16]) / 4 + statistics.variance([8, 10, 12]) / 3
    )
    assert float(result.high - result.difference) == pytest.approx(margin, rel=1e-12)
    assert float(result.difference - result.low) == pytest.approx(margin, rel=1e-12)
    assert not result.significant


def test_a_clear_uplift_is_significant_and_equal_groups_are_not():
    buyers = campaigns.Stats.of([1] * 60 + [0] * 40)
    rest = campaigns.Stats.of([1] * 20 + [0] * 80)
    assert campaigns.uplift(buyers, rest).significant
    assert not campaigns.uplift(buyers, buyers).significant
    assert campaigns.uplift(buyers, buyers).difference == 0


def test_uplift_needs_both_groups_and_two_members_for_an_interval():
    one = campaigns.Stats.of([5])
    many = campaigns.Stats.of([1, 2, 3])
    assert campaigns.uplift(campaigns.Stats.of([]), many) is None
    result = campaigns.uplift(one, many)
    assert result.difference == 3
    assert result.low is None and not result.significant


@given(st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=40))
def test_stats_match_the_statistics_module(values):
    stats = campaigns.Stats.of(values)
    assert stats.mean == Decimal(sum(values)) / len(values)
    if len(values) > 1:
        assert float(stats.variance) == pytest.approx(
            statistics.variance(values), rel=1e-9, abs=1e-6
        )


def test_fill_replaces_only_the_known_placeholders():
    text = "{name}, your code {coupon} for {offer} until {valid_until}. {x} {{name}}"
    filled = campaigns.fill(
        text, {"name": "Anna", "coupon": "K7Q2", "offer": "10 off", "valid_until": ""}
    )
    assert filled == "Anna, your code K7Q2 for 10 off until . {x} {Anna}"
    assert campaigns.fill(None, {}) == ""
    assert campaigns.fill("{name.__class__}", {"name": "A"}) == "{name.__class__}"


@pytest.mark.parametrize(
    "text", ["STOP", "stop", " Stop. ", "СТОП", "стоп пожалуйста", "Відписка", "STOP!"]
)
def test_stop_replies_are_recognised(text):
    assert campaigns.is_stop(text)


@pytest.mark.parametrize("text", ["", None, "thanks", "don't stop", "STOPPED", "1"])
def test_other_replies_are_not_stop(text):
    assert not campaigns.is_stop(text)


def test_a_members_own_cap_lowers_the_clubs_never_raises_it():
    assert campaigns.member_cap(3, 1) == 1
    assert campaigns.member_cap(3, 5) == 3
    assert campaigns.member_cap(0, 2) == 2, "no club cap: the member's own"
    assert campaigns.member_cap(2, 0) == 2
    sent = {(1, "sms"): 1, (2, "sms"): 1}
    reasons = campaigns.plan(
        [(1, "sms"), (2, "sms")], sent, {"sms": 3}, own_caps={1: 1}
    )
    assert reasons == ["cap_member", None]
