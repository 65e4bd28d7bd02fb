from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import money
from loyalty_club.domain.errors import DomainError, InvalidAmount


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (Decimal("12.345"), 2, 1235),
        (Decimal("12.344"), 2, 1234),
        (Decimal("-12.345"), 2, -1235),
        ("0.005", 2, 1),
        (" 7.5 ", 0, 8),
        (3, 2, 300),
        (Decimal("1E+2"), 2, 10000),
        ("1.2", 3, 1200),
        (Decimal("0.0049"), 2, 0),
    ],
)
def test_to_minor_rounds_half_up(value, digits, expected):
    assert money.to_minor(value, digits) == expected


@pytest.mark.parametrize("value", [1.5, 0.0, True])
def test_to_minor_rejects_float_and_bool(value):
    with pytest.raises(TypeError):
        money.to_minor(value, 2)


@pytest.mark.parametrize("value", ["", "abc", "1,5", "NaN", "Infinity"])
def test_to_minor_rejects_bad_strings(value):
    with pytest.raises(InvalidAmount) as info:
        money.to_minor(value, 2)
    assert info.value.code == "invalid_amount"


def test_from_minor_is_quantized():
    assert str(money.from_minor(123456, 2)) == "1234.56"
    assert str(money.from_minor(-5, 2)) == "-0.05"
    assert str(money.from_minor(0, 3)) == "0.000"
    assert str(money.from_minor(42, 0)) == "42"
    with pytest.raises(TypeError):
        money.from_minor(1.0, 2)


@given(st.integers(-(10**15), 10**15), st.integers(0, 6))
def test_from_minor_round_trips(minor, digits):
    assert money.to_minor(money.from_minor(minor, digits), digits) == minor


@pytest.mark.parametrize(
    ("minor", "percent", "rounding", "expected"),
    [
        (1999, Decimal("10"), "down", 199),
        (1999, Decimal("10"), "half_up", 200),
        (1994, Decimal("10"), "half_up", 199),
        (1995, Decimal("10"), "half_up", 200),
        (-1999, Decimal("10"), "down", -199),
        (-1995, Decimal("10"), "half_up", -200),
        (100000, Decimal("2.5"), "down", 2500),
        (333, Decimal("33.333"), "down", 110),
        (12345, 100, "down", 12345),
    ],
)
def test_apply_rate(minor, percent, rounding, expected):
    assert money.apply_rate(minor, percent, rounding) == expected


def test_apply_rate_rejects_float_and_unknown_rounding():
    with pytest.raises(TypeError):
        money.apply_rate(1000, 10.0)
    with pytest.raises(TypeError):
        money.apply_rate(1000.0, Decimal(10))
    with pytest.raises(ValueError):
        money.apply_rate(1000, Decimal(10), "ceiling")


def test_convert_between_units():
    # 12.34 currency (2 digits) into points with 0 digits, 1 point per unit.
    assert money.convert(1234, 2, 0) == 12
    assert money.convert(1234, 2, 0, rounding="half_up") == 12
    assert money.convert(1250, 2, 0, rounding="half_up") == 13
    # 5.00 at 3 points per unit, points with 2 digits.
    assert money.convert(500, 2, 2, Decimal(3)) == 1500
    # 1 point = 0.5 currency: points(2 digits) -> currency(2 digits)
    assert money.convert(101, 2, 2, Decimal("0.5")) == 50
    assert money.convert(101, 2, 2, Decimal("0.5"), "half_up") == 51
    assert money.convert(-101, 2, 2, Decimal("0.5")) == -50
    with pytest.raises(TypeError):
        money.convert(100, 2, 2, 1.5)


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (10, [0, 5, 0, 5], [0, 5, 0, 5]),
        (1, [1, 1], [1, 0]),
        (7, [1, 2, 4], [1, 2, 4]),
        (5, [3, 7], [2, 3]),
        (0, [0, 0], [0, 0]),
        (0, [], []),
        (150000, [300000, 200000], [90000, 60000]),
    ],
)
def test_allocate_examples(total, weights, expected):
    assert money.allocate(total, weights) == expected


def test_allocate_errors():
    with pytest.raises(InvalidAmount):
        money.allocate(5, [0, 0])
    with pytest.raises(InvalidAmount):
        money.allocate(5, [])
    with pytest.raises(InvalidAmount):
        money.allocate(5, [1, -1])
    with pytest.raises(TypeError):
        money.allocate(5.0, [1])


@given(
    st.integers(-(10**12), 10**12),
    st.lists(st.integers(0, 10**9), min_size=1, max_size=20).filter(any),
)
def test_allocate_properties(total, weights):
    parts = money.allocate(total, weights)
    assert sum(parts) == total
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=False):
        if weight == 0:
            assert part == 0
        # each part is within one unit of its exact share
        assert abs(part * weight_sum - total * weight) < weight_sum
        assert part == 0 or (part > 0) == (total > 0)


def test_domain_error_formats_and_keeps_template():
    err = InvalidAmount("bad_thing", "Bad %(what)s: %(n)s.", what="amount", n=3)
    assert str(err) == "Bad amount: 3."
    assert err.template == "Bad %(what)s: %(n)s."
    assert err.params == {"what": "amount", "n": 3}
    assert err.code == "bad_thing"
    assert isinstance(err, DomainError)


def test_domain_error_pickles():
    import pickle

    err = pickle.loads(pickle.dumps(InvalidAmount("x_y", "N=%(n)s", n=2)))
    assert (type(err), err.code, str(err)) == (InvalidAmount, "x_y", "N=2")
