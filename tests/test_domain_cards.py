import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import cards
from loyalty_club.domain.errors import (
    InvalidAmount,
    InvalidCardNumber,
    InvalidIdentifier,
)


def test_known_ean13_codes():
    assert cards.ean13_check_digit("400638133393") == 1
    assert cards.ean13_check_digit("590123412345") == 7
    assert cards.ean13_check_digit("000000000000") == 0
    assert cards.is_valid_ean13("4006381333931")
    assert cards.is_valid_ean13("5901234123457")
    assert not cards.is_valid_ean13("4006381333932")
    assert not cards.is_valid_ean13("400638133393")
    assert not cards.is_valid_ean13("40063813339311")
    assert not cards.is_valid_ean13("400638133393A")


def test_check_digit_rejects_bad_body():
    with pytest.raises(InvalidCardNumber):
        cards.ean13_check_digit("12345")
    with pytest.raises(InvalidCardNumber):
        cards.ean13_check_digit("4006381333a3")


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_single_digit_errors_are_detected(body):
    code = body + str(cards.ean13_check_digit(body))
    assert cards.is_valid_ean13(code)
    for position in range(13):
        for digit in "0123456789":
            if digit != code[position]:
                changed = code[:position] + digit + code[position + 1 :]
                assert not cards.is_valid_ean13(changed)


def test_make_ean13():
    assert cards.make_ean13("400638133", 393) == "4006381333931"
    assert cards.make_ean13("2", 5) == "2000000000053"
    assert cards.make_ean13("29", 0) == "2900000000001"
    assert len(cards.make_ean13("12345678901", 9)) == 13
    with pytest.raises(InvalidCardNumber) as info:
        cards.make_ean13("12345678901", 10)
    assert info.value.code == "range_overflow"
    with pytest.raises(InvalidCardNumber):
        cards.make_ean13("12345678901", -1)
    with pytest.raises(InvalidCardNumber) as info:
        cards.make_ean13("", 1)
    assert info.value.code == "bad_prefix"
    with pytest.raises(InvalidCardNumber):
        cards.make_ean13("123456789012", 1)


@given(
    st.text(alphabet="0123456789", min_size=1, max_size=9),
    st.integers(0, 5000),
    st.integers(1, 2500),
)
def test_emission_matches_make_ean13(prefix, start, count):
    if start + count > 10 ** (12 - len(prefix)):
        with pytest.raises(InvalidCardNumber):
            cards.emission_numbers(prefix, start, count)
        return
    numbers = cards.emission_numbers(prefix, start, count)
    assert numbers == [cards.make_ean13(prefix, s) for s in range(start, start + count)]


def test_emission_small_widths_and_block_edges():
    assert cards.emission_numbers("1234567890", 98, 2) == [
        cards.make_ean13("1234567890", 98),
        cards.make_ean13("1234567890", 99),
    ]
    assert cards.emission_numbers("12345678901", 0, 10) == [
        cards.make_ean13("12345678901", s) for s in range(10)
    ]
    numbers = cards.emission_numbers("77", 998, 5)
    assert numbers == [cards.make_ean13("77", s) for s in range(998, 1003)]


def test_emission_errors():
    with pytest.raises(InvalidAmount):
        cards.emission_numbers("29", 0, 0)
    with pytest.raises(InvalidAmount):
        cards.emission_numbers("29", 0, -3)
    with pytest.raises(InvalidCardNumber) as info:
        cards.emission_numbers("1234567890", 95, 6)
    assert info.value.code == "range_overflow"
    assert len(cards.emission_numbers("1234567890", 95, 5)) == 5


def test_emission_of_a_million_is_fast():
    began = time.perf_counter()
    numbers = cards.emission_numbers("2901", 0, 1_000_000)
    elapsed = time.perf_counter() - began
    assert elapsed < 10
    assert len(numbers) == 1_000_000
    assert len(set(numbers)) == 1_000_000
    assert numbers[0] == cards.make_ean13("2901", 0)
    assert numbers[-1] == cards.make_ean13("2901", 999_999)
    assert numbers[123_457] == cards.make_ean13("2901", 123_457)
    assert all(cards.is_valid_ean13(n) for n in numbers[::9973])


def test_normalize_code():
    assert cards.normalize_code(" ab-cd  ef\t12 ") == "ABCDEF12"
    assert cards.normalize_code("x\u2013y") == "XY"


def test_virtual_card_payload_round_trip():
    payload = cards.virtual_card_payload("4006381333931")
    assert payload == "LCLUB:4006381333931"
    assert cards.parse_identifier(payload) == ("card", "4006381333931")
    assert cards.parse_identifier("lclub:abcd-2345") == ("card", "ABCD2345")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4006381333931", ("card", "4006381333931")),
        (" 4 006381 333931 ", ("card", "4006381333931")),
        ("8 (912) 345-67-89", ("phone", "8 (912) 345-67-89")),
        ("+7 912 345 67 89", ("phone", "+7 912 345 67 89")),
        ("79123456789", ("phone", "79123456789")),
        ("0441234567", ("phone", "0441234567")),
        ("+44.20.7946.0958", ("phone", "+44.20.7946.0958")),
        ("gift-ab12-cd34", ("code", "GIFTAB12CD34")),
        ("ABCD", ("code", "ABCD")),
        ("123456", ("code", "123456")),
        ("5123456789", ("code", "5123456789")),
        ("8123", ("code", "8123")),
    ],
)
def test_parse_identifier(raw, expected):
    assert cards.parse_identifier(raw) == expected


def test_thirteen_digits_are_cards_not_phones():
    # Starts with 8 and has 13 digits: a phone pattern, but a card by rule.
    code = cards.make_ean13("8", 1234)
    assert cards.parse_identifier(code) == ("card", code)
    wrong = code[:12] + str((int(code[12]) + 1) % 10)
    with pytest.raises(InvalidCardNumber) as info:
        cards.parse_identifier(wrong)
    assert info.value.code == "bad_check_digit"
    # With a leading "+" it is a phone number.
    assert cards.parse_identifier("+" + wrong)[0] == "phone"


def test_parse_identifier_bad_check_digit():
    with pytest.raises(InvalidCardNumber) as info:
        cards.parse_identifier("4006381333932")
    assert info.value.code == "bad_check_digit"
    with pytest.raises(InvalidCardNumber):
        cards.parse_identifier("LCLUB:4006381333932")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        None,
        "ab",
        "hello world!",
        "+12",
        "+7 912 abc",
        "LCLUB:",
        "x" * 33,
        "\u041f\u0420\u0418\u0412\u0415\u042212",
        "----",
    ],
)
def test_parse_identifier_rejects_garbage(raw):
    with pytest.raises(InvalidIdentifier) as info:
        cards.parse_identifier(raw)
    assert info.value.code == "invalid_identifier"
    assert "value" in info.value.params


def test_random_code():
    code = cards.random_code()
    assert len(code) == 12
    assert set(code) <= set(cards.CODE_ALPHABET)
    assert not set("01IO") & set(code)
    assert len(cards.random_code(4, "AB")) == 4
    assert set(cards.random_code(40, "AB")) <= {"A", "B"}
    assert len({cards.random_code() for _ in range(50)}) == 50
    with pytest.raises(ValueError):
        cards.random_code(0)


def test_mask_phone_keeps_country_code_and_last_digits():
    assert cards.mask_phone("+380501234567") == "+38********67"
    assert cards.mask_phone("+79161112233") == "+79*******33"
    assert cards.mask_phone("123") == "123"
    assert cards.mask_phone("") == ""
