"""Program economics: breakage per accrual cohort, redemption and expiry curves
by months since accrual, a forecast of liability, redemption and breakage, and
its backtest on the history.

A *cohort* is what a program credited in one calendar month (``month`` is a
month index, :func:`month_index`), with what left it later by age (months
since the accrual month, 0 = the same month): ``redeemed`` (spent), ``expired``
(breakage) and ``withdrawn`` (reversed or adjusted out: neither spent nor
expired). Amounts are integer minor units of the program's unit.

The curves are hazards per age: of what a cohort still holds at the start of
age ``k``, the share redeemed (expired, withdrawn) during age ``k``, pooled
over every cohort whose age ``k`` is a complete month (exposure-weighted, the
actuarial estimate). The spread of the per-cohort hazards around the pooled one
(one weighted standard deviation, clipped to [0, 1]) gives the band.

The forecast applies the hazards month by month to what each cohort still
holds and to the expected new accruals (a least-squares linear trend of the
last months, never negative); ages beyond the curves reuse the last estimated
age. Rates are Decimal; forecast amounts are rounded to integer minor units.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from .errors import InvalidAmount
from .money import check_int

FLOWS = ("redeemed", "expired", "withdrawn")
ZERO = Decimal(0)
ONE = Decimal(1)


def month_index(day):
    """A month as one integer (months since year 0), for ``date`` arithmetic."""
    return day.year * 12 + day.month - 1


def month_start(index):
    """The first day of the month ``index``."""
    return date(index // 12, index % 12 + 1, 1)


def _round(value):
    return int(Decimal(value).to_integral_value(rounding=ROUND_HALF_UP))


def _rate(part, whole):
    """``part / whole`` as a Decimal (0 when nothing is exposed)."""
    if not whole:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = 28
        return Decimal(part) / Decimal(whole)


@dataclass(frozen=True)
class Cohort:
    """One month's accruals and what left them, by age in months."""

    month: int
    accrued: int
    redeemed: dict = field(default_factory=dict)
    expired: dict = field(default_factory=dict)
    withdrawn: dict = field(default_factory=dict)

    def __post_init__(self):
        check_int(self.month, "month")
        check_int(self.accrued, "accrued")
        if self.accrued < 0:
            raise InvalidAmount(
                "invalid_amount",
                "A cohort's accruals must not be negative, got %(amount)s.",
                amount=self.accrued,
            )
        for name in FLOWS:
            for age, amount in getattr(self, name).items():
                check_int(age, "age")
                check_int(amount, name)
                if age < 0:
                    raise ValueError(f"{name}: an age must be >= 0, got {age}")

    def out(self, age):
        """Everything that left the cohort during ``age``."""
        return sum(getattr(self, name).get(age, 0) for name in FLOWS)

    def open_at(self, age):
        """What the cohort still held at the start of ``age``."""
        return self.accrued - sum(
            amount
            for name in FLOWS
            for flow_age, amount in getattr(self, name).items()
            if flow_age < age
        )

    def total(self, name):
        return sum(getattr(self, name).values())

    def until(self, end_month):
        """The cohort as it was seen before ``end_month`` (flows after dropped)."""
        last = end_month - self.month
        return Cohort(
            self.month,
            self.accrued,
            *({a: v for a, v in getattr(self, n).items() if a < last} for n in FLOWS),
        )


# ================================================================ breakage
@dataclass(frozen=True)
class CohortBreakage:
    """A cohort's realised breakage: the share of its accruals that expired."""

    month: int
    accrued: int
    redeemed: int
    expired: int
    withdrawn: int
    open: int
    rate: Decimal
    settled: bool  # nothing of it is open any more: the rate is final


def breakage(cohorts):
    """Realised breakage per cohort, oldest first."""
    rows = []
    for cohort in sorted(cohorts, key=lambda c: c.month):
        redeemed, expired, withdrawn = (cohort.total(n) for n in FLOWS)
        still = cohort.accrued - redeemed - expired - withdrawn
        rows.append(
            CohortBreakage(
                month=cohort.month,
                accrued=cohort.accrued,
                redeemed=redeemed,
                expired=expired,
                withdrawn=withdrawn,
                open=still,
                rate=_rate(expired, cohort.accrued),
                settled=still <= 0,
            )
        )
    return rows


def mean_redemption_age(cohorts):
    """Average months from accrual to spend, weighted by the amounts spent
    (None when nothing was spent)."""
    spent = weighted = 0
    for cohort in cohorts:
        for age, amount in cohort.redeemed.items():
            spent += amount
            weighted += age * amount
    return _rate(weighted, spent) if spent else None


# ================================================================== curves
@dataclass(frozen=True)
class AgeRates:
    """Hazards at one age: central, low and high (the band)."""

    age: int
    exposure: int
    cohorts: int
    redeem: Decimal
    expire: Decimal
    withdraw: Decimal
    redeem_low: Decimal
    redeem_high: Decimal
    expire_low: Decimal
    expire_high: Decimal


@dataclass(frozen=True)
class Curves:
    ages: tuple

    def at(self, age):
        """The rates of ``age``; past the last estimated age, the last one."""
        if not self.ages:
            return None
        return self.ages[min(age, len(self.ages) - 1)]

    def survival(self, flow=None):
        """Share still held at the end of each age (all flows), or the
        cumulative share of the accruals that left by ``flow``."""
        held, result, gone = ONE, [], ZERO
        for rates in self.ages:
            if flow is None:
                held *= ONE - rates.redeem - rates.expire - rates.withdraw
                result.append(max(held, ZERO))
                continue
            gone += held * getattr(rates, flow)
            held *= ONE - rates.redeem - rates.expire - rates.withdraw
            result.append(gone)
        return result


def _spread(pairs, pooled):
    """Exposure-weighted standard deviation of per-cohort hazards."""
    weight = sum(w for w, _ in pairs)
    if not weight or len(pairs) < 2:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = 28
        var = sum(Decimal(w) * (r - pooled) ** 2 for w, r in pairs) / Decimal(weight)
        return var.sqrt()


def _clip(value):
    return min(max(value, ZERO), ONE)


def estimate_curves(cohorts, as_of_month, max_age=None):
    """Hazards per age from the cohorts' complete months before ``as_of_month``.

    Age ``k`` of a cohort counts when ``month + k < as_of_month`` and the
    cohort still held something at its start. Ages no cohort reached are left
    out (the forecast reuses the last one).
    """
    cohorts = [c for c in cohorts if c.month < as_of_month and c.accrued > 0]
    if not cohorts:
        return Curves(())
    oldest = as_of_month - min(c.month for c in cohorts) - 1
    last_age = oldest if max_age is None else min(oldest, max_age)
    ages = []
    for age in range(last_age + 1):
        exposure, sums, per = 0, dict.fromkeys(FLOWS, 0), []
        for cohort in cohorts:
            if cohort.month + age >= as_of_month:
                continue
            held = cohort.open_at(age)
            if held <= 0:
                continue
            exposure += held
            for name in FLOWS:
                sums[name] += getattr(cohort, name).get(age, 0)
            per.append((cohort, held))
        if not exposure:
            break
        redeem = _rate(sums["redeemed"], exposure)
        expire = _rate(sums["expired"], exposure)
        r_spread = _spread(
            [(h, _rate(c.redeemed.get(age, 0), h)) for c, h in per], redeem
        )
        e_spread = _spread(
            [(h, _rate(c.expired.get(age, 0), h)) for c, h in per], expire
        )
        ages.append(
            AgeRates(
                age=age,
                exposure=exposure,
                cohorts=len(per),
                redeem=redeem,
                expire=expire,
                withdraw=_rate(sums["withdrawn"], exposure),
                redeem_low=_clip(redeem - r_spread),
                redeem_high=_clip(redeem + r_spread),
                expire_low=_clip(expire - e_spread),
                expire_high=_clip(expire + e_spread),
            )
        )
    return Curves(tuple(ages))


# ================================================================ forecast
def trend(history, start_month, months, window=6):
    """Expected accruals of ``months`` months from ``start_month``: the
    least-squares line through the last ``window`` months before it (months
    with no accrual count as 0), never below 0; a single month repeats."""
    first = start_month - window
    points = [(m, history.get(m, 0)) for m in range(first, start_month)]
    seen = [m for m in history if first <= m < start_month]
    if not seen:
        return [0] * months
    points = [(m, v) for m, v in points if m >= min(seen)]
    n = len(points)
    mean_x = Fraction(sum(m for m, _ in points), n)
    mean_y = Fraction(sum(v for _, v in points), n)
    den = sum((m - mean_x) ** 2 for m, _ in points)
    slope = sum((m - mean_x) * (v - mean_y) for m, v in points) / den if den else 0
    result = []
    for month in range(start_month, start_month + months):
        value = mean_y + slope * (month - mean_x)
        result.append(max(0, _round(Decimal(value.numerator) / value.denominator)))
    return result


@dataclass(frozen=True)
class ForecastMonth:
    month: int
    accrual: int
    redemption: int
    expiry: int
    liability: int  # what is still held at the end of the month
    redemption_low: int
    redemption_high: int
    expiry_low: int
    expiry_high: int
    liability_low: int
    liability_high: int


def _project(curves, held, accruals, start_month, variant):
    """Month by month flows of one variant ("", "_low", "_high")."""
    held = dict(held)  # cohort month -> amount
    rows = []
    for offset, accrual in enumerate(accruals):
        month = start_month + offset
        if accrual:
            held[month] = held.get(month, 0) + accrual
        redeemed = expired = 0
        for cohort_month, amount in list(held.items()):
            rates = curves.at(month - cohort_month)
            if rates is None or amount <= 0:
                continue
            r = getattr(rates, "redeem" + variant)
            e = getattr(rates, "expire" + variant)
            w = rates.withdraw
            if r + e + w > ONE:  # the band's edge cannot take more than all
                r = ONE - e - w if ONE - e - w > ZERO else ZERO
            out_r = min(amount, _round(amount * r))
            out_e = min(amount - out_r, _round(amount * e))
            out_w = min(amount - out_r - out_e, _round(amount * w))
            redeemed += out_r
            expired += out_e
            held[cohort_month] = amount - out_r - out_e - out_w
        rows.append((month, accrual, redeemed, expired, sum(held.values())))
    return rows


def forecast(curves, held, history, start_month, months=12, window=6):
    """Forecast from ``start_month`` for ``months`` months.

    ``held``: cohort month -> what it still holds at the start of
    ``start_month`` (the open lots); ``history``: month -> accruals of the
    past months (the trend of the last ``window`` gives the new accruals).
    The band: the same with the low and the high hazards (more redeemed and
    expired gives the lower liability).
    """
    accruals = trend(history, start_month, months, window)
    mid = _project(curves, held, accruals, start_month, "")
    low = _project(curves, held, accruals, start_month, "_low")
    high = _project(curves, held, accruals, start_month, "_high")
    return [
        ForecastMonth(
            month=m,
            accrual=a,
            redemption=r,
            expiry=e,
            liability=li,
            redemption_low=min(lo[2], hi[2]),
            redemption_high=max(lo[2], hi[2]),
            expiry_low=min(lo[3], hi[3]),
            expiry_high=max(lo[3], hi[3]),
            liability_low=min(lo[4], hi[4]),
            liability_high=max(lo[4], hi[4]),
        )
        for (m, a, r, e, li), lo, hi in zip(mid, low, high, strict=True)
    ]


def held_at(cohorts, month):
    """Cohort month -> what each cohort held at the start of ``month``."""
    return {
        c.month: c.open_at(month - c.month)
        for c in cohorts
        if c.month < month and c.open_at(month - c.month) > 0
    }


def actuals(cohorts, start_month, months):
    """What happened: month -> (accrual, redeemed, expired, liability at the
    end of the month), from the cohorts' flows."""
    result = {}
    for month in range(start_month, start_month + months):
        accrual = sum(c.accrued for c in cohorts if c.month == month)
        redeemed = sum(c.redeemed.get(month - c.month, 0) for c in cohorts)
        expired = sum(c.expired.get(month - c.month, 0) for c in cohorts)
        liability = sum(
            c.open_at(month - c.month + 1) for c in cohorts if c.month <= month
        )
        result[month] = (accrual, redeemed, expired, liability)
    return result


# ================================================================ backtest
@dataclass(frozen=True)
class BacktestRow:
    origin: int  # the month the forecast was made at (history before it)
    month: int
    forecast_redemption: int
    actual_redemption: int
    forecast_expiry: int
    actual_expiry: int
    forecast_liability: int
    actual_liability: int


@dataclass(frozen=True)
class Backtest:
    rows: tuple
    redemption_error: Decimal | None  # weighted absolute percentage error
    expiry_error: Decimal | None
    liability_error: Decimal | None


def _wape(pairs):
    actual = sum(abs(a) for _, a in pairs)
    if not actual:
        return None
    return _rate(sum(abs(f - a) for f, a in pairs), actual)


def backtest(cohorts, as_of_month, horizon=3, origins=6, window=6):
    """Forecasts made at each of the last ``origins`` months whose ``horizon``
    months are complete before ``as_of_month``, from the history before each
    origin only, against what happened; errors as WAPE (sum of absolute
    errors over sum of actuals)."""
    cohorts = list(cohorts)
    rows = []
    last_origin = as_of_month - horizon
    for origin in range(last_origin - origins + 1, last_origin + 1):
        past = [c.until(origin) for c in cohorts if c.month < origin]
        if not past:
            continue
        curves = estimate_curves(past, origin)
        history = {c.month: c.accrued for c in past}
        predicted = forecast(
            curves, held_at(past, origin), history, origin, horizon, window
        )
        happened = actuals(cohorts, origin, horizon)
        for row in predicted:
            _acc, redeemed, expired, liability = happened[row.month]
            rows.append(
                BacktestRow(
                    origin=origin,
                    month=row.month,
                    forecast_redemption=row.redemption,
                    actual_redemption=redeemed,
                    forecast_expiry=row.expiry,
                    actual_expiry=expired,
                    forecast_liability=row.liability,
                    actual_liability=liability,
                )
            )
    return Backtest(
        rows=tuple(rows),
        redemption_error=_wape(
            [(r.forecast_redemption, r.actual_redemption) for r in rows]
        ),
        expiry_error=_wape([(r.forecast_expiry, r.actual_expiry) for r in rows]),
        liability_error=_wape(
            [(r.forecast_liability, r.actual_liability) for r in rows]
        ),
    )
