from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import nps
from loyalty_club.domain.errors import InvalidAmount

scores = st.lists(st.integers(min_value=0, max_value=10), max_size=200)


def test_groups_at_their_edges():
    assert [nps.group(s) for s in (0, 6, 7, 8, 9, 10)] == [
        "detractor",
        "detractor",
        "passive",
        "passive",
        "promoter",
        "promoter",
    ]


def test_worked_example():
    # 5 promoters, 3 passives, 2 detractors of 10: 50 % - 20 % = 30
    assert nps.nps([10, 9, 9, 10, 9, 8, 7, 7, 3, 0]) == Decimal("30.0")
    assert nps.nps([6, 9, 9]) == Decimal("33.3")
    assert nps.nps([]) is None


@pytest.mark.parametrize("bad", [-1, 11, 5.5, "7", None, True])
def test_a_score_outside_the_scale_is_refused(bad):
    with pytest.raises(InvalidAmount):
        nps.group(bad)


@given(scores)
def test_nps_is_the_mean_of_the_contributions(values):
    result = nps.nps(values, places=6)
    if not values:
        assert result is None
        return
    mean = Decimal(sum(nps.contribution(s) for s in values)) / len(values)
    assert abs(result - mean) < Decimal("0.000001")
    assert Decimal(-100) <= result <= Decimal(100)


@given(scores, st.integers(min_value=9, max_value=10))
def test_one_more_promoter_never_lowers_the_nps(values, promoter):
    before = nps.nps(values, places=6)
    after = nps.nps([*values, promoter], places=6)
    assert before is None or after >= before


def test_asked_at_most_once_every_n_days():
    now = datetime(2026, 12, 4, 12, 0)
    assert nps.is_due(None, now, 30)
    assert not nps.is_due(now - timedelta(days=29, hours=23), now, 30)
    assert nps.is_due(now - timedelta(days=30), now, 30)
    assert nps.is_due(now, now, 0)
