"""Quiet hours, back-off and retries of members' messages (domain.messages)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import messages

DAY = dt.date(2026, 3, 14)


def at(hour, minute=0, day=DAY):
    return dt.datetime.combine(day, dt.time(hour, minute))


def test_evening_waits_for_tomorrow_morning():
    assert messages.quiet_until(at(22, 30)) == at(9, day=DAY + dt.timedelta(days=1))
    assert messages.quiet_until(at(21)) == at(9, day=DAY + dt.timedelta(days=1))


def test_night_waits_for_this_morning():
    assert messages.quiet_until(at(0, 5)) == at(9)
    assert messages.quiet_until(at(8, 59)) == at(9)


def test_day_goes_now():
    assert messages.quiet_until(at(9)) is None
    assert messages.quiet_until(at(14)) is None
    assert messages.quiet_until(at(20, 59)) is None


def test_quiet_hours_inside_one_day_and_none():
    assert messages.quiet_until(at(3), start=1.5, end=7.25) == at(7, 15)
    assert messages.quiet_until(at(1), start=1.5, end=7.25) is None
    assert messages.quiet_until(at(23), start=1.5, end=7.25) is None
    assert messages.quiet_until(at(23), start=9, end=9) is None, "equal: none"


@given(
    st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1)),
    st.integers(0, 47).map(lambda n: n / 2),
    st.integers(0, 47).map(lambda n: n / 2),
)
def test_a_held_message_leaves_at_the_end_of_the_quiet_hours(local, start, end):
    until = messages.quiet_until(local, start, end)
    if until is None:
        return
    assert local < until <= local + dt.timedelta(days=1)
    assert until.hour + until.minute / 60 == end
    assert messages.quiet_until(until, start, end) is None, "released for good"


def test_backoff_doubles_up_to_a_cap():
    assert [messages.backoff(n) for n in range(1, 6)] == [60, 120, 240, 480, 960]
    assert messages.backoff(30) == messages.MAX_BACKOFF_SECONDS


def test_after_failure():
    assert messages.after_failure(1, permanent=False) == "retry"
    assert messages.after_failure(messages.MAX_ATTEMPTS, permanent=False) == "failed"
    assert messages.after_failure(1, permanent=True) == "failed"


def test_valid_hours():
    assert messages.valid_hours(0) and messages.valid_hours(24)
    assert not messages.valid_hours(-1) and not messages.valid_hours(24.5)
    assert not messages.valid_hours(None)
