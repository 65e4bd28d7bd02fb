from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import fraud, rfm


def test_quintiles_of_distinct_values():
    assert rfm.quintile_scores([50, 10, 40, 20, 30]) == [5, 1, 4, 2, 3]
    assert rfm.quintile_scores(list(range(10))) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_quintiles_ties_and_edges():
    assert rfm.quintile_scores([]) == []
    assert rfm.quintile_scores([7]) == [3]
    assert rfm.quintile_scores([4, 4, 4, 4]) == [3, 3, 3, 3]
    scores = rfm.quintile_scores([1, 1, 1, 1, 1, 1, 1, 1, 100, 200])
    assert scores[:8] == [3] * 8 and scores[8:] == [5, 5]
    # recency: fewer days since the last purchase is better, so pass -days
    days = [3, 400, 30, 90, 1]
    assert rfm.quintile_scores([-d for d in days]) == [4, 1, 3, 2, 5]
    assert rfm.quintile_scores([Decimal("1.5"), Decimal("0.5")]) == [4, 2]


@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=60))
def test_quintiles_are_monotonic(values):
    scores = rfm.quintile_scores(values)
    assert all(1 <= s <= 5 for s in scores)
    for a, sa in zip(values, scores, strict=False):
        for b, sb in zip(values, scores, strict=False):
            if a < b:
                assert sa <= sb
            if a == b:
                assert sa == sb


@pytest.mark.parametrize(
    ("r", "f", "expected"),
    [
        (5, 5, "champions"),
        (5, 4, "champions"),
        (4, 5, "loyal"),
        (3, 4, "loyal"),
        (5, 2, "potential"),
        (4, 3, "potential"),
        (5, 1, "new"),
        (4, 1, "promising"),
        (3, 3, "need_attention"),
        (3, 2, "about_to_sleep"),
        (3, 1, "about_to_sleep"),
        (2, 3, "at_risk"),
        (1, 4, "at_risk"),
        (1, 5, "cant_lose"),
        (2, 5, "cant_lose"),
        (2, 2, "hibernating"),
        (1, 2, "hibernating"),
        (2, 1, "hibernating"),
        (1, 1, "lost"),
    ],
)
def test_segment_grid(r, f, expected):
    for m in range(1, 6):
        assert rfm.segment(r, f, m) == expected


def test_segment_covers_every_named_segment_and_validates():
    names = {rfm.segment(r, f, 3) for r in range(1, 6) for f in range(1, 6)}
    assert names == set(rfm.SEGMENTS)
    for bad in ((0, 3, 3), (3, 6, 3), (3, 3, 0), (3.0, 3, 3)):
        with pytest.raises(ValueError):
            rfm.segment(*bad)


def test_fraud_score():
    quiet = fraud.Signals(1, 1, Decimal("0.05"), 0)
    assert fraud.score(quiet) == (0, [])
    noisy = fraud.Signals(9, 4, Decimal("0.5"), 2)
    assert fraud.score(noisy) == (
        100,
        [
            "manual_entries",
            "accruals_same_card_day",
            "refunds_ratio",
            "burns_on_others_cards",
        ],
    )
    some = fraud.Signals(6, 3, Decimal("0.3"), 0)
    assert fraud.score(some) == (25, ["manual_entries"])
    limits = {"accruals_same_card_day": 2, "refunds_ratio": Decimal("0.2")}
    assert fraud.score(some, limits) == (
        80,
        ["manual_entries", "accruals_same_card_day", "refunds_ratio"],
    )
    assert sum(fraud.WEIGHTS.values()) == 100
    with pytest.raises(TypeError):
        fraud.score(fraud.Signals(0, 0, 0.5, 0))
