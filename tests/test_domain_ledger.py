from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import ledger
from loyalty_club.domain.errors import InsufficientBalance, InvalidAmount
from loyalty_club.domain.ledger import Lot

TODAY = date(2025, 6, 15)


def day(offset):
    return TODAY + timedelta(days=offset)


def test_lot_rejects_negative_and_float():
    with pytest.raises(InvalidAmount):
        Lot("a", -1, TODAY)
    with pytest.raises(TypeError):
        Lot("a", 1.0, TODAY)


def test_balances_split_available_pending_expiring():
    lots = [
        Lot("avail", 1000, day(-10), day(100)),
        Lot("soon", 200, day(-10), day(30)),
        Lot("later", 300, day(-10), day(31)),
        Lot("pending", 50, day(5), day(20)),
        Lot("forever", 7, day(-1)),
        Lot("expired", 400, day(-40), TODAY),
        Lot("empty", 0, day(-1), day(1)),
    ]
    bal = ledger.balances(lots, TODAY)
    assert bal.available == 1000 + 200 + 300 + 7
    assert bal.pending == 50
    assert bal.total == 1557
    assert bal.expiring_soon == 200 + 50
    assert bal.next_expiry == day(20)
    assert bal.next_expiry_amount == 50
    assert ledger.balances(lots, TODAY, soon_days=31).expiring_soon == 550


def test_expiry_boundary_day():
    lot = Lot("a", 100, day(-5), day(1))
    assert ledger.balances([lot], TODAY).available == 100
    # On its expiry day the lot no longer counts and is expired.
    on_day = ledger.balances([lot], day(1))
    assert (on_day.available, on_day.total, on_day.next_expiry) == (0, 0, None)
    assert ledger.expire([lot], TODAY) == []
    assert ledger.expire([lot], day(1)) == [("a", 100)]
    with pytest.raises(InsufficientBalance):
        ledger.allocate_debit([lot], 1, day(1))


def test_available_from_boundary_day():
    lot = Lot("a", 100, day(1))
    assert ledger.balances([lot], TODAY).pending == 100
    assert ledger.balances([lot], day(1)).available == 100


def test_next_expiry_sums_lots_of_that_day():
    lots = [
        Lot("a", 10, day(-1), day(3)),
        Lot("b", 5, day(-2), day(3)),
        Lot("c", 1, day(-1), day(9)),
    ]
    bal = ledger.balances(lots, TODAY)
    assert (bal.next_expiry, bal.next_expiry_amount) == (day(3), 15)


def test_fefo_order():
    lots = [
        Lot("none", 100, day(-30)),
        Lot("late", 100, day(-30), day(60)),
        Lot("early_b", 100, day(-10), day(10)),
        Lot("early_a", 100, day(-20), day(10)),
        Lot("first", 100, day(-1), day(2)),
    ]
    allocations = ledger.allocate_debit(lots, 450, TODAY)
    assert allocations == [
        ("first", 100),
        ("early_a", 100),
        ("early_b", 100),
        ("late", 100),
        ("none", 50),
    ]


def test_ties_keep_given_order():
    lots = [Lot("x", 10, day(-1), day(5)), Lot("y", 10, day(-1), day(5))]
    assert ledger.allocate_debit(lots, 15, TODAY) == [("x", 10), ("y", 5)]


def test_prefer_keys_come_first_in_their_order():
    lots = [
        Lot("a", 100, day(-5), day(5)),
        Lot("b", 100, day(-5), day(50)),
        Lot("c", 100, day(-5)),
        Lot("d", 100, day(-5), day(1)),
    ]
    allocations = ledger.allocate_debit(lots, 250, TODAY, prefer_keys=("c", "b"))
    assert allocations == [("c", 100), ("b", 100), ("d", 50)]


def test_pending_lots_excluded_unless_asked():
    lots = [Lot("ok", 100, day(-1)), Lot("pending", 500, day(3), day(20))]
    with pytest.raises(InsufficientBalance) as info:
        ledger.allocate_debit(lots, 300, TODAY)
    assert info.value.code == "insufficient_balance"
    assert info.value.params == {"available": 100, "requested": 300}
    # A preferred pending lot is still skipped without include_pending.
    assert ledger.allocate_debit(lots, 50, TODAY, prefer_keys=["pending"]) == [
        ("ok", 50)
    ]
    assert ledger.allocate_debit(lots, 300, TODAY, include_pending=True) == [
        ("pending", 300)
    ]


def test_allocate_debit_rejects_non_positive():
    lots = [Lot("a", 10, day(-1))]
    for amount in (0, -5):
        with pytest.raises(InvalidAmount):
            ledger.allocate_debit(lots, amount, TODAY)
        with pytest.raises(InvalidAmount):
            ledger.allocate_debit_partial(lots, amount, TODAY)
    with pytest.raises(TypeError):
        ledger.allocate_debit(lots, 5.0, TODAY)


def test_allocate_debit_partial_reports_shortfall():
    lots = [
        Lot("a", 30, day(-1)),
        Lot("b", 20, day(-1), day(3)),
        Lot("gone", 99, day(-9), TODAY),
    ]
    assert ledger.allocate_debit_partial(lots, 80, TODAY) == (
        [("b", 20), ("a", 30)],
        30,
    )
    assert ledger.allocate_debit_partial(lots, 40, TODAY) == ([("b", 20), ("a", 20)], 0)


def test_apply_and_restore():
    lots = [Lot("a", 30, day(-1)), Lot("b", 20, day(-1), day(3))]
    after = ledger.apply(lots, [("a", 10), ("b", 20), ("a", 5)])
    assert [(lot.key, lot.amount) for lot in after] == [("a", 15), ("b", 0)]
    assert after[1].expires_on == day(3)
    assert [lot.amount for lot in lots] == [30, 20]  # pure
    assert ledger.restore(after, [("a", 15), ("b", 20)]) == lots
    with pytest.raises(InsufficientBalance) as info:
        ledger.apply(lots, [("a", 31)])
    assert info.value.code == "lot_overdrawn"
    with pytest.raises(InvalidAmount):
        ledger.apply(lots, [("a", -1)])
    with pytest.raises(KeyError):
        ledger.apply(lots, [("zzz", 1)])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((100, 3, 0, 1, 0), 33),
        ((100, 3, 1, 1, 33), 34),
        ((100, 3, 2, 1, 67), 33),
        ((350, 5000, 0, 5000, 0), 350),
        ((350, 5000, 0, 2500, 0), 175),
        ((1, 2, 0, 1, 0), 1),
        ((1, 2, 1, 1, 1), 0),
        ((100, 10, 0, 20, 0), 100),  # refund above the whole is clamped
        ((100, 10, 5, 5, 90), 10),
        ((100, 10, 0, 1, 60), 0),  # already reversed more: nothing, never negative
        ((100, 10, 0, 0, 0), 0),
    ],
)
def test_reversal_amount_examples(args, expected):
    assert ledger.reversal_amount(*args) == expected


def test_reversal_amount_errors():
    with pytest.raises(InvalidAmount):
        ledger.reversal_amount(100, 0, 0, 1, 0)
    with pytest.raises(InvalidAmount):
        ledger.reversal_amount(100, 10, 0, -1, 0)


@given(
    st.integers(0, 10**9),
    st.lists(st.integers(1, 10**6), min_size=1, max_size=15),
)
def test_partial_reversals_sum_to_total_effect(total_effect, refunds):
    whole = sum(refunds)
    refunded = reversed_ = 0
    for refund in refunds:
        step = ledger.reversal_amount(total_effect, whole, refunded, refund, reversed_)
        assert 0 <= step <= total_effect - reversed_
        refunded += refund
        reversed_ += step
    assert reversed_ == total_effect


def lot_strategy(index):
    return st.builds(
        Lot,
        key=st.just(index),
        amount=st.integers(0, 10_000),
        available_from=st.integers(-20, 20).map(day),
        expires_on=st.one_of(st.none(), st.integers(-20, 60).map(day)),
    )


lots_strategy = st.integers(0, 12).flatmap(
    lambda n: st.tuples(*[lot_strategy(i) for i in range(n)]).map(list)
)


def open_sum(lots, today, include_pending=False):
    return sum(
        lot.amount
        for lot in lots
        if not (lot.expires_on is not None and lot.expires_on <= today)
        and (include_pending or lot.available_from <= today)
    )


@given(
    lots_strategy,
    st.lists(st.integers(1, 20_000), max_size=8),
    st.booleans(),
    st.lists(st.integers(0, 11), max_size=4),
)
def test_debits_keep_ledger_invariants(lots, debits, include_pending, prefer):
    for amount in debits:
        before = ledger.balances(lots, TODAY)
        spendable = open_sum(lots, TODAY, include_pending)
        assert before.total == open_sum(lots, TODAY, include_pending=True)
        assert before.available == open_sum(lots, TODAY)
        if amount > spendable:
            with pytest.raises(InsufficientBalance) as info:
                ledger.allocate_debit(
                    lots, amount, TODAY, prefer, include_pending=include_pending
                )
            assert info.value.params["available"] == spendable
            allocations, shortfall = ledger.allocate_debit_partial(
                lots, amount, TODAY, prefer, include_pending=include_pending
            )
            assert shortfall == amount - spendable
        else:
            allocations = ledger.allocate_debit(
                lots, amount, TODAY, prefer, include_pending=include_pending
            )
            assert sum(take for _, take in allocations) == amount
        by_key = {lot.key: lot for lot in lots}
        for key, take in allocations:
            lot = by_key[key]
            assert 0 < take <= lot.amount
            assert not lot.is_expired(TODAY)
            assert include_pending or not lot.is_pending(TODAY)
        after = ledger.apply(lots, allocations)
        assert all(lot.amount >= 0 for lot in after)
        taken = sum(take for _, take in allocations)
        assert ledger.balances(after, TODAY).total == before.total - taken
        assert ledger.restore(after, allocations) == lots
        assert ledger.balances(ledger.restore(after, allocations), TODAY) == before
        lots = after


@given(lots_strategy, st.integers(-30, 70))
def test_balances_match_open_lots_on_any_day(lots, offset):
    today = day(offset)
    bal = ledger.balances(lots, today)
    assert bal.total == open_sum(lots, today, include_pending=True)
    assert bal.available >= 0 and bal.pending >= 0
    assert 0 <= bal.expiring_soon <= bal.total
    assert 0 <= bal.next_expiry_amount <= bal.total
    expired = dict(ledger.expire(lots, today))
    all_amounts = sum(lot.amount for lot in lots)
    assert bal.total + sum(expired.values()) == all_amounts
    if bal.next_expiry is not None:
        assert bal.next_expiry > today
