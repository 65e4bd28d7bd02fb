"""Program economics: curves, breakage, forecast and backtest recover what a
synthetic history was generated from.

Tolerances, stated: a history generated from known hazards with amounts
rounded to the minor unit (accruals of 10,000,000 minor units or more a month)
gives hazards back within 0.001 (0.1 percentage point); a history of whole
lots each redeemed or not at random (Bernoulli) gives them back within 0.05;
the 12-month forecast on the generated history is within 0.5 % of the
generated future, and the backtest's errors stay below 0.5 %.
"""

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty_club.domain import economics as eco
from loyalty_club.domain.economics import Cohort

EXACT_TOLERANCE = Decimal("0.001")
SAMPLED_TOLERANCE = Decimal("0.05")
FORECAST_TOLERANCE = Decimal("0.005")
START = eco.month_index(eco.date(2024, 1, 1))


def _round(value):
    return int(Decimal(value).to_integral_value(rounding="ROUND_HALF_UP"))


def generate(redeem, expire, accruals, start=START, until=None):
    """Cohorts from known hazards: each age takes round(held * rate)."""
    cohorts = []
    until = start + len(accruals) if until is None else until
    for offset, accrued in enumerate(accruals):
        month = start + offset
        held, flows = accrued, {"redeemed": {}, "expired": {}}
        for age in range(min(len(redeem), until - month)):
            out_r = min(held, _round(held * redeem[age]))
            out_e = min(held - out_r, _round(held * expire[age]))
            if out_r:
                flows["redeemed"][age] = out_r
            if out_e:
                flows["expired"][age] = out_e
            held -= out_r + out_e
        cohorts.append(Cohort(month, accrued, flows["redeemed"], flows["expired"]))
    return cohorts


rate = st.integers(0, 40).map(lambda n: Decimal(n) / 100)
small_rate = st.integers(0, 20).map(lambda n: Decimal(n) / 100)


@st.composite
def curves(draw):
    ages = draw(st.integers(2, 8))
    redeem = draw(st.lists(rate, min_size=ages, max_size=ages))
    expire = draw(st.lists(small_rate, min_size=ages, max_size=ages))
    if draw(st.booleans()):  # an expiry period: whatever is left expires at last
        expire[-1] = 1 - redeem[-1]
    return redeem, expire


@given(
    curves(),
    st.lists(st.integers(10**7, 10**9), min_size=9, max_size=20),
)
def test_curves_recovered_from_generated_history(known, accruals):
    redeem, expire = known
    cohorts = generate(redeem, expire, accruals)
    as_of = START + len(accruals)
    estimated = eco.estimate_curves(cohorts, as_of)
    reached = min(len(redeem), len(accruals))
    assert len(estimated.ages) >= min(reached, len(redeem))
    for rates in estimated.ages[: len(redeem)]:
        assert abs(rates.redeem - redeem[rates.age]) <= EXACT_TOLERANCE
        assert abs(rates.expire - expire[rates.age]) <= EXACT_TOLERANCE
        assert rates.redeem_low <= rates.redeem <= rates.redeem_high
        assert rates.expire_low <= rates.expire <= rates.expire_high


@settings(max_examples=10)
@given(st.integers(0, 2**32), curves())
def test_curves_recovered_from_sampled_lots(seed, known):
    """Whole lots, each leaving at an age drawn from the known hazards."""
    redeem, expire = known
    rng = random.Random(seed)
    cohorts = []
    months = 12
    for offset in range(months):
        flows = {"redeemed": {}, "expired": {}}
        lots = 800
        for _lot in range(lots):
            for age in range(min(len(redeem), months - offset)):
                draw = Decimal(rng.random())
                if draw < redeem[age]:
                    flows["redeemed"][age] = flows["redeemed"].get(age, 0) + 100
                    break
                if draw < redeem[age] + expire[age]:
                    flows["expired"][age] = flows["expired"].get(age, 0) + 100
                    break
        cohorts.append(
            Cohort(START + offset, lots * 100, flows["redeemed"], flows["expired"])
        )
    estimated = eco.estimate_curves(cohorts, START + months)
    for rates in estimated.ages[: len(redeem)]:
        if rates.exposure < 100 * 500:  # too few lots left to say anything
            continue
        assert abs(rates.redeem - redeem[rates.age]) <= SAMPLED_TOLERANCE
        assert abs(rates.expire - expire[rates.age]) <= SAMPLED_TOLERANCE


@given(curves(), st.integers(10**7, 10**9), st.integers(10, 18))
def test_forecast_matches_generated_future(known, accrual, months):
    """Flat accruals: the forecast of the next 12 months is the generated
    future within the tolerance, and the band holds the central line."""
    redeem, expire = known
    future = 12
    everything = generate(redeem, expire, [accrual] * (months + future))
    as_of = START + months
    past = [c.until(as_of) for c in everything if c.month < as_of]
    curves_ = eco.estimate_curves(past, as_of)
    history = {c.month: c.accrued for c in past}
    rows = eco.forecast(curves_, eco.held_at(past, as_of), history, as_of, future)
    happened = eco.actuals(everything, as_of, future)
    assert [r.month for r in rows] == list(range(as_of, as_of + future))
    for row in rows:
        acc, redeemed, expired, liability = happened[row.month]
        assert row.accrual == acc
        assert abs(row.redemption - redeemed) <= FORECAST_TOLERANCE * max(acc, 1)
        assert abs(row.expiry - expired) <= FORECAST_TOLERANCE * max(acc, 1)
        assert abs(row.liability - liability) <= FORECAST_TOLERANCE * max(
            liability, acc
        )
        assert row.redemption_low <= row.redemption <= row.redemption_high
        assert row.liability_low <= row.liability <= row.liability_high


@given(curves(), st.integers(10**7, 10**9))
def test_backtest_of_a_stable_history_is_accurate(known, accrual):
    redeem, expire = known
    cohorts = generate(redeem, expire, [accrual] * 20)
    result = eco.backtest(cohorts, START + 20, horizon=3, origins=6)
    assert len(result.rows) == 18
    assert result.liability_error <= FORECAST_TOLERANCE
    if result.redemption_error is not None:
        assert result.redemption_error <= FORECAST_TOLERANCE


def test_backtest_shows_a_change_of_behaviour():
    """Members start spending three times as fast: the backtest made before the
    change misses it and says so."""
    before = generate([Decimal("0.1")] * 6, [Decimal(0)] * 6, [10**8] * 12)
    after = generate(
        [Decimal("0.3")] * 6,
        [Decimal(0)] * 6,
        [10**8] * 6,
        start=START + 12,
    )
    stable = eco.backtest(before, START + 12, horizon=3, origins=3)
    changed = eco.backtest(
        [c.until(START + 12) for c in before] + after,
        START + 18,
        horizon=3,
        origins=3,
    )
    assert stable.redemption_error < Decimal("0.01")
    assert changed.redemption_error > Decimal("0.2")


def test_trend_follows_a_line_and_never_goes_negative():
    history = {START + n: 1000 + 100 * n for n in range(6)}
    assert eco.trend(history, START + 6, 3) == [1600, 1700, 1800]
    falling = {START + n: 500 - 200 * n for n in range(3)}
    assert eco.trend(falling, START + 3, 3) == [0, 0, 0]
    assert eco.trend({}, START, 2) == [0, 0]
    assert eco.trend({START: 700}, START + 1, 2) == [700, 700]


def test_breakage_per_cohort():
    rows = eco.breakage(
        [
            Cohort(START, 1000, {0: 300, 1: 200}, {6: 500}),
            Cohort(START + 1, 400, {0: 100}, {}, {0: 100}),
        ]
    )
    assert [(r.rate, r.settled, r.open) for r in rows] == [
        (Decimal("0.5"), True, 0),
        (Decimal(0), False, 200),
    ]
    assert eco.mean_redemption_age([Cohort(START, 1000, {0: 300, 2: 100})]) == Decimal(
        "0.5"
    )


def test_no_history_gives_empty_curves_and_a_flat_forecast():
    curves_ = eco.estimate_curves([], START)
    assert curves_.ages == ()
    rows = eco.forecast(curves_, {}, {}, START, 12)
    assert len(rows) == 12
    assert all(r.liability == r.redemption == r.accrual == 0 for r in rows)


def test_survival_adds_up():
    cohorts = generate(
        [Decimal("0.2"), Decimal("0.5")],
        [Decimal(0), Decimal("0.5")],
        [10**8] * 4,
    )
    curves_ = eco.estimate_curves(cohorts, START + 4)
    survival = curves_.survival()
    spent = curves_.survival("redeem")
    expired = curves_.survival("expire")
    assert survival[-1] == 0
    assert spent[-1] + expired[-1] == 1
    assert expired[-1] == Decimal("0.4")


def test_negative_accruals_are_refused():
    with pytest.raises(Exception, match="negative"):
        Cohort(START, -1)
