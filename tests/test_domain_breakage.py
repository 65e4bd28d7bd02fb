"""Gift-card breakage in proportion to use (IFRS 15 B46), without Odoo."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import breakage as bk

R20 = bk.rate_from_percent(Decimal("20"))


def test_rate_from_percent_is_exact():
    assert bk.rate_from_percent("12.5") == (125, 1000)
    assert bk.rate_from_percent(0) == (0, 100)
    for bad in ("100", "-1", "150"):
        with pytest.raises(ValueError):
            bk.rate_from_percent(bad)
    with pytest.raises(TypeError):
        bk.rate_from_percent(0.2)


def test_card_used_as_expected_recognises_the_expected_breakage():
    """100.00 sold, 20 % expected never used: 80.00 spent brings 20.00."""
    out = bk.schedule(
        [(bk.CREDIT, 10000), (bk.SPEND, 4000), (bk.SPEND, 4000), (bk.EXPIRE, 2000)],
        R20,
    )
    assert [b for _m, _a, b in out] == [0, 1000, 1000, -2000]
    incomes = [bk.income(*line) for line in out]
    assert incomes == [0, 1000, 1000, 0], "the expiry has nothing left to release"


def test_expiry_releases_the_rest():
    out = bk.schedule([(bk.CREDIT, 10000), (bk.SPEND, 2000), (bk.EXPIRE, 8000)], R20)
    assert [bk.income(*line) for line in out] == [0, 500, 7500]


def test_card_used_more_than_expected_gives_back_the_advance():
    out = bk.schedule([(bk.CREDIT, 10000), (bk.SPEND, 8000), (bk.SPEND, 1500)], R20)
    # 8000 x 0.25 = 2000 left 2000 unspent; then only 500 can still be released
    assert [b for _m, _a, b in out] == [0, 2000, -1500]
    out = bk.schedule([(bk.CREDIT, 10000), (bk.SPEND, 8000), (bk.SPEND, 2000)], R20)
    assert sum(b for _m, _a, b in out) == 0, "a card used up broke nothing"


def test_refund_of_a_spend_takes_its_share_back():
    out = bk.schedule(
        [(bk.CREDIT, 10000), (bk.SPEND, 4000), (bk.SPEND_REFUND, 1000)], R20
    )
    assert [b for _m, _a, b in out] == [0, 1000, -250]


def test_rate_zero_is_the_expiry_method():
    out = bk.schedule([(bk.CREDIT, 5000), (bk.SPEND, 3000), (bk.EXPIRE, 2000)], (0, 1))
    assert [bk.income(*line) for line in out] == [0, 0, 2000]


def test_a_rate_change_is_caught_up_once():
    card = bk.Card().move(bk.CREDIT, 10000).move(bk.SPEND, 4000)
    booked = bk.advance(card, R20)  # 1000 at 20 %
    r10 = bk.rate_from_percent(10)
    card, breakage = bk.step(card, bk.SPEND, 900, r10, booked)
    assert booked + breakage == 4900 // 9 == bk.advance(card, r10)


# ------------------------------------------------------------------ properties
rates = st.integers(min_value=0, max_value=99).map(bk.rate_from_percent)


@st.composite
def card_lives(draw):
    """A card's movements that never overdraw it, ending with its expiry."""
    card = bk.Card()
    moves = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from([bk.CREDIT, bk.SPEND, bk.SPEND_REFUND]))
        if kind == bk.CREDIT:
            amount = draw(st.integers(1, 10**7))
        elif kind == bk.SPEND:
            if card.unspent <= 0:
                continue
            amount = draw(st.integers(1, card.unspent))
        else:
            if card.spent <= 0:
                continue
            amount = draw(st.integers(1, card.spent))
        card = card.move(kind, amount)
        moves.append((kind, amount))
    if card.unspent:
        moves.append((bk.EXPIRE, card.unspent))
    return moves


@given(card_lives(), rates)
def test_never_more_breakage_than_the_unspent_amount(moves, rate):
    card, booked = bk.Card(), 0
    for movement, amount in moves:
        card, breakage = bk.step(card, movement, amount, rate, booked)
        booked += breakage
        assert 0 <= booked <= max(card.unspent, 0)
        assert booked == bk.advance(card, rate), "a function of the state only"


@given(card_lives(), rates)
def test_spent_and_breakage_add_up_to_the_card(moves, rate):
    out = bk.schedule(moves, rate)
    credited = sum(a for m, a in moves if m == bk.CREDIT)
    spent = sum(a for m, a in moves if m == bk.SPEND) - sum(
        a for m, a in moves if m == bk.SPEND_REFUND
    )
    recognised = sum(bk.income(*line) for line in out)
    assert spent + recognised == credited
    assert sum(b for _m, _a, b in out) == 0, "the advance ends at 0"


@given(
    st.integers(1, 10**7),
    st.lists(st.integers(1, 10**5), max_size=8),
    rates,
)
def test_breakage_follows_the_pattern_of_use(amount, spends, rate):
    """Before the cap, breakage / spent is the rate's r / (1 - r), rounded down
    once on the total (no creeping rounding per spend)."""
    num, den = rate
    card, booked = bk.Card().move(bk.CREDIT, amount), 0
    for spend in spends:
        if spend > card.unspent:
            break
        card, breakage = bk.step(card, bk.SPEND, spend, rate, booked)
        booked += breakage
        assert booked == min(card.spent * num // (den - num), card.unspent)
