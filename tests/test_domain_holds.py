from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import holds, ledger
from loyalty_club.domain.errors import InsufficientBalance, InvalidAmount
from loyalty_club.domain.ledger import Lot

TODAY = date(2025, 6, 15)
NOW = datetime(2025, 6, 15, 12, 0)


def test_spendable_is_available_less_holds_never_negative():
    assert holds.spendable(1000, 300) == 700
    assert holds.spendable(1000, 0) == 1000
    # lots expired under a hold: less to spend, not a debt
    assert holds.spendable(200, 300) == 0
    with pytest.raises(TypeError):
        holds.spendable(10.0, 0)


def test_net_of_holds_keeps_the_other_balances():
    lots = [
        Lot("a", 1000, TODAY - timedelta(days=1), TODAY + timedelta(days=10)),
        Lot("b", 500, TODAY + timedelta(days=3)),
    ]
    bal = holds.net_of_holds(ledger.balances(lots, TODAY), 400)
    assert (bal.available, bal.held, bal.pending) == (600, 400, 500)
    assert bal.expiring_soon == 1000
    assert bal.next_expiry == TODAY + timedelta(days=10)


def test_reserve_refuses_above_what_is_free_and_non_positive():
    assert holds.check_reserve(700, 1000, 300) == 700
    with pytest.raises(InsufficientBalance) as err:
        holds.check_reserve(701, 1000, 300)
    assert err.value.params == {"available": 700, "requested": 701}
    for amount in (0, -5):
        with pytest.raises(InvalidAmount):
            holds.check_reserve(amount, 1000, 0)


def test_a_closed_or_expired_hold_cannot_be_captured_or_released():
    later = NOW + timedelta(hours=1)
    holds.check_open(holds.HELD, later, NOW)
    for state, code in (
        (holds.CAPTURED, "hold_captured"),
        (holds.RELEASED, "hold_released"),
        (holds.EXPIRED, "hold_expired"),
    ):
        with pytest.raises(holds.HoldClosed) as err:
            holds.check_open(state, later, NOW)
        assert err.value.code == code
    # past its time, before the job marked it
    with pytest.raises(holds.HoldClosed) as err:
        holds.check_open(holds.HELD, NOW, NOW)
    assert err.value.code == "hold_expired"
    assert holds.is_active(holds.HELD, later, NOW)
    assert not holds.is_active(holds.HELD, NOW, NOW)
    assert not holds.is_active(holds.RELEASED, later, NOW)


def test_capture_splits_into_captured_and_released():
    assert holds.split_capture(500) == (500, 0)
    assert holds.split_capture(500, 200) == (200, 300)
    assert holds.split_capture(500, 0) == (0, 500)
    with pytest.raises(holds.CaptureExceedsHold) as err:
        holds.split_capture(500, 501)
    assert err.value.params == {"maximum": 500, "requested": 501}
    with pytest.raises(InvalidAmount):
        holds.split_capture(500, -1)


@given(
    available=st.integers(0, 10**9),
    amounts=st.lists(st.integers(1, 10**8), max_size=20),
)
def test_holds_accepted_one_by_one_never_exceed_the_balance(available, amounts):
    held = 0
    for amount in amounts:
        try:
            held += holds.check_reserve(amount, available, held)
        except InsufficientBalance:
            assert amount > available - held
    assert 0 <= held <= available
    assert holds.spendable(available, held) == available - held


@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_a_capture_never_creates_or_loses_units(amount_held, asked):
    try:
        captured, released = holds.split_capture(amount_held, asked)
    except holds.CaptureExceedsHold:
        assert asked > amount_held
        return
    assert captured + released == amount_held
    assert captured == asked
