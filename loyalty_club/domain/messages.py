"""Decisions about a member's transactional messages (SMS and e-mail).

When a message may leave (quiet hours in the member's local time), when a
failed one is tried again (back-off), and what a gateway's answer means for it.
Plain Python: the Odoo side converts time zones and writes the states.
"""

import datetime as dt

# 1, 2, 4, 8, 16 ... minutes between attempts, never more than six hours
BACKOFF_SECONDS = 60
MAX_BACKOFF_SECONDS = 6 * 3600
MAX_ATTEMPTS = 6

DEFAULT_QUIET_START = 21.0
DEFAULT_QUIET_END = 9.0


def _at(day, hours):
    """``day`` at ``hours`` (a float such as 21.5 for 21:30)."""
    minutes = round(hours * 60)
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)


def quiet_until(local, start=DEFAULT_QUIET_START, end=DEFAULT_QUIET_END):
    """The local time a message may leave at, when ``local`` falls in the quiet
    hours from ``start`` to ``end`` (hours of the day, 0-24; a range may wrap
    past midnight, 21 -> 9); ``None`` when it may leave now. Equal bounds mean no
    quiet hours."""
    if start is None or end is None or start == end:
        return None
    day = local.date()
    today_start, today_end = _at(day, start), _at(day, end)
    if start < end:  # e.g. 0:00 -> 7:00, inside one day
        return today_end if today_start <= local < today_end else None
    if local < today_end:  # after midnight, before the morning
        return today_end
    if local >= today_start:  # in the evening: tomorrow morning
        return _at(day + dt.timedelta(days=1), end)
    return None


def backoff(attempts, base=BACKOFF_SECONDS, cap=MAX_BACKOFF_SECONDS):
    """Seconds to wait after the ``attempts``-th failed attempt (1, 2, 4 ...
    minutes)."""
    return min(base * 2 ** max(attempts - 1, 0), cap)


def after_failure(attempts, permanent, max_attempts=MAX_ATTEMPTS):
    """``"retry"`` or ``"failed"`` after the ``attempts``-th attempt failed; a
    permanent failure (a number or address the gateway refuses) is not retried."""
    if permanent or attempts >= max_attempts:
        return "failed"
    return "retry"


def valid_hours(hours):
    """An hour of the day as the quiet-hours fields take it (0 to 24)."""
    return hours is not None and 0 <= hours <= 24
