"""The anti-fraud rules and scores of the domain core, without Odoo."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import fraud
from loyalty_club.domain.fraud import CashierStats, Threshold


def signal(rule, **stats):
    (result,) = [s for s in fraud.evaluate(CashierStats(**stats)) if s.rule == rule]
    return result


def test_the_rules_are_listed_once():
    """One table: each rule's label, check and default follow the same order,
    and each check names its signal after its rule."""
    assert len(set(fraud.RULES)) == len(fraud.RULES) == 8
    assert tuple(fraud.RULE_LABELS) == fraud.RULES
    assert tuple(fraud.RULE_FUNCTIONS) == fraud.RULES
    assert tuple(fraud.DEFAULT_THRESHOLDS) == fraud.RULES
    for rule, check in fraud.RULE_FUNCTIONS.items():
        assert check(CashierStats(), fraud.DEFAULT_THRESHOLDS[rule]).rule == rule


def test_quiet_cashier_fires_nothing():
    stats = CashierStats(
        checks=300,
        own_card_checks=1,
        top_card_checks=8,
        bursts=1,
        max_accruals_hour=4,
        quick_burns=1,
        typed_checks=20,
        burn_checks=40,
        refunds_after_burn=2,
        all_checks=320,
        off_hours_checks=2,
        phones_many_cards=0,
        max_cards_phone=2,
        codes=14,
        failed_codes=1,
        locked_codes=1,
        wrong_code_attempts=6,
    )
    signals = fraud.evaluate(stats)
    assert [s.rule for s in signals] == list(fraud.RULES)
    assert not any(s.fired for s in signals)
    assert fraud.cashier_score(signals) == (0, [])
    assert not fraud.verdict(signals).case


@pytest.mark.parametrize(
    ("stats", "fired"),
    [
        ({"own_card_checks": 2, "top_card_checks": 19}, False),
        ({"own_card_checks": 3, "top_card_checks": 3}, True),
        ({"own_card_checks": 0, "top_card_checks": 20}, True),
        # a busy cashier's regular: 30 of 2,000 checks is 1.5 %, under 3 %
        ({"checks": 2000, "top_card_checks": 30}, False),
        # ... but one card at 60 checks is many whatever the volume
        ({"checks": 2000, "top_card_checks": 60}, True),
    ],
)
def test_card_reuse(stats, fired):
    stats = {"checks": 100, **stats}
    result = signal("card_reuse", top_card_ref="2000000000015", **stats)
    assert result.fired is fired
    assert result.evidence["top_card"] == "2000000000015"


@pytest.mark.parametrize(
    ("bursts", "max_hour", "max_day", "fired"),
    [
        (1, 6, 6, True),  # six within a day: the day's window
        (1, 6, 5, False),
        (2, 4, 4, True),
        (2, 3, 5, False),
        (5, 9, 9, True),
        (0, 3, 7, True),  # a slow drip: never four in an hour
    ],
)
def test_accrual_burst(bursts, max_hour, max_day, fired):
    result = signal(
        "accrual_burst",
        bursts=bursts,
        max_accruals_hour=max_hour,
        max_accruals_day=max_day,
    )
    assert result.fired is fired


@pytest.mark.parametrize(("count", "fired"), [(0, False), (2, False), (3, True)])
def test_quick_burn(count, fired):
    result = signal("quick_burn", quick_burns=count, quick_burn_ref="S/42")
    assert result.fired is fired
    assert result.evidence["within_minutes"] == 30


@pytest.mark.parametrize(
    ("typed", "checks", "fired"),
    [(9, 10, False), (10, 40, False), (12, 40, True), (30, 300, False)],
)
def test_typed_cards(typed, checks, fired):
    result = signal("typed_cards", typed_checks=typed, checks=checks)
    assert result.fired is fired
    assert result.value == (Decimal(typed) / checks).quantize(Decimal("0.0001"))


@pytest.mark.parametrize(
    ("refunds", "burns", "fired"),
    [(2, 3, False), (3, 10, True), (3, 20, False), (3, 0, False), (10, 400, True)],
)
def test_refund_after_burn(refunds, burns, fired):
    result = signal("refund_after_burn", refunds_after_burn=refunds, burn_checks=burns)
    assert result.fired is fired


@pytest.mark.parametrize(
    ("off", "checks", "fired"),
    [
        (2, 10, False),
        (3, 100, True),
        (3, 200, False),
        (10, 400, True),
        # a busy cashier: 7 of 2,000 checks is a small share, but 7 checks
        (5, 2000, False),
        (7, 2000, True),
    ],
)
def test_off_hours(off, checks, fired):
    result = signal("off_hours", off_hours_checks=off, all_checks=checks)
    assert result.fired is fired
    assert result.evidence["grace_minutes"] == 15


@pytest.mark.parametrize(
    ("phones", "most", "fired"), [(0, 2, False), (1, 3, True), (2, 7, True)]
)
def test_phone_cards(phones, most, fired):
    result = signal(
        "phone_cards", phones_many_cards=phones, max_cards_phone=most, phone_ref="+7"
    )
    assert result.fired is fired


@pytest.mark.parametrize(
    ("failed", "codes", "fired"),
    # three failed is below the minimum whatever the share; four need at
    # least a quarter of the codes asked
    [(3, 3, False), (4, 16, True), (4, 17, False), (9, 10, True), (4, 0, False)],
)
def test_failed_codes(failed, codes, fired):
    result = signal(
        "failed_codes",
        failed_codes=failed,
        codes=codes,
        locked_codes=2,
        wrong_code_attempts=7,
        failed_code_ref="2026-11-03 10:12 +79035550001",
    )
    assert result.fired is fired
    assert result.count == failed
    assert result.evidence == {
        "failed_codes": failed,
        "codes_asked": codes,
        "locked_codes": 2,
        "wrong_attempts": 7,
        "share": str(result.value),
        "example": "2026-11-03 10:12 +79035550001",
    }


def test_failed_codes_severity_and_weight():
    # 8 failed of 16: twice the minimum (excess 1) and twice the share: the
    # whole weight, 25; 4 of 16, just at both thresholds: half of it
    strong = fraud.evaluate(CashierStats(codes=16, failed_codes=8))
    assert fraud.cashier_score(strong) == (25, ["failed_codes"])
    weak = fraud.evaluate(CashierStats(codes=16, failed_codes=4))
    assert fraud.cashier_score(weak) == (13, ["failed_codes"])


def test_thresholds_are_configurable_and_inactive_rules_skipped():
    stats = CashierStats(checks=50, typed_checks=10)
    assert signal("typed_cards", checks=50, typed_checks=10).fired is False
    config = {"typed_cards": {"limit": Decimal("0.2")}, "off_hours": {"active": False}}
    signals = fraud.evaluate(stats, config)
    assert "off_hours" not in [s.rule for s in signals]
    typed = [s for s in signals if s.rule == "typed_cards"][0]
    assert typed.fired
    # just at the threshold: half the weight
    assert typed.severity == Decimal("0.5")
    assert fraud.cashier_score(signals, config) == (10, ["typed_cards"])
    with pytest.raises(ValueError):
        fraud.thresholds({"nope": {}})
    with pytest.raises(TypeError):
        Threshold(0.2, 1, 10)
    with pytest.raises(ValueError):
        Threshold(Decimal(1), -1, 10)


def test_score_weights_severity_and_cap():
    # own card twice the threshold: full weight 30; typed share 0.45 vs 0.3:
    # severity 0.75 x 20 = 15
    stats = CashierStats(checks=100, own_card_checks=6, typed_checks=45)
    score, fired = fraud.cashier_score(fraud.evaluate(stats))
    assert (score, fired) == (45, ["card_reuse", "typed_cards"])
    everything = CashierStats(
        checks=100,
        own_card_checks=50,
        bursts=9,
        max_accruals_day=20,
        max_accruals_hour=20,
        quick_burns=30,
        typed_checks=90,
        burn_checks=10,
        refunds_after_burn=10,
        all_checks=100,
        off_hours_checks=50,
        phones_many_cards=3,
        max_cards_phone=10,
        codes=10,
        failed_codes=8,
    )
    score, fired = fraud.cashier_score(fraud.evaluate(everything))
    assert score == 100
    assert fired == list(fraud.RULES)


def test_store_score():
    assert fraud.store_score([]) == 0
    assert fraud.store_score([0, 0]) == 0
    assert fraud.store_score([0, 40]) == 40
    assert fraud.store_score([15, 40, 20]) == 60
    assert fraud.store_score([95, 90]) == 100


counts = st.integers(min_value=0, max_value=400)
STAT_FIELDS = [
    name for name, kind in CashierStats.__annotations__.items() if kind in (int, "int")
]
stats_strategy = st.builds(CashierStats, **{name: counts for name in STAT_FIELDS})
# evidence that makes a signal stronger: more of the suspicious count with the
# same (or smaller) denominator
SUSPICIOUS = [
    "own_card_checks",
    "top_card_checks",
    "bursts",
    "max_accruals_hour",
    "max_accruals_day",
    "quick_burns",
    "typed_checks",
    "refunds_after_burn",
    "off_hours_checks",
    "phones_many_cards",
    "max_cards_phone",
    "failed_codes",
    "locked_codes",
    "wrong_code_attempts",
]


@given(stats_strategy, st.sampled_from(SUSPICIOUS), st.integers(1, 50))
def test_score_monotonic_in_evidence(stats, name, extra):
    before = fraud.cashier_score(fraud.evaluate(stats))
    setattr(stats, name, getattr(stats, name) + extra)
    after = fraud.cashier_score(fraud.evaluate(stats))
    assert after[0] >= before[0]
    assert set(before[1]) <= set(after[1])


@given(st.integers(0, 200), st.integers(0, 200), st.integers(1, 50))
def test_failed_codes_score_never_falls_with_more_failed_codes(ok, failed, extra):
    """More codes ending wrong, each also one more code asked (so the share
    rises too, as it does in the database): the signal never weakens."""

    def failed_codes(stats):
        (result,) = [s for s in fraud.evaluate(stats) if s.rule == "failed_codes"]
        return result, fraud.cashier_score([result])

    before = failed_codes(CashierStats(codes=ok + failed, failed_codes=failed))
    after = failed_codes(
        CashierStats(codes=ok + failed + extra, failed_codes=failed + extra)
    )
    assert after[1][0] >= before[1][0]
    assert after[0].severity >= before[0].severity
    assert after[0].fired or not before[0].fired


@given(stats_strategy)
def test_score_bounded_and_severity_between_half_and_one(stats):
    signals = fraud.evaluate(stats)
    result = fraud.verdict(signals)
    assert 0 <= result.score <= 100
    assert (result.score > 0) == result.case
    assert set(result.fired) <= set(result.contributing)
    if result.fired:
        assert result.case
    for s in signals:
        if s.fired:
            assert Decimal("0.5") <= s.severity <= 1
        elif s.contributes:
            assert Decimal("0.25") <= s.severity < Decimal("0.5")
        else:
            assert s.severity == 0


@given(st.lists(st.integers(0, 100), max_size=8), st.integers(0, 100))
def test_store_score_monotonic(scores, more):
    base = fraud.store_score(scores)
    assert 0 <= base <= 100
    assert fraud.store_score([*scores, more]) >= base
    assert base >= max(scores, default=0)


def test_two_half_thresholds_make_a_case():
    """Neither signal fires alone; at half their thresholds they add up to a
    case listing both, scored by their weights."""
    # 2 spends right after earning (3 fire) and 3 off-hours checks of 2,000
    # (6 fire): levels 0.67 and 0.5
    stats = CashierStats(quick_burns=2, all_checks=2000, off_hours_checks=3)
    signals = fraud.evaluate(stats)
    assert not any(s.fired for s in signals)
    result = fraud.verdict(signals)
    assert result.case
    assert result.fired == []
    assert result.contributing == ["quick_burn", "off_hours"]
    # 25 x 0.6667 / 2 + 20 x 0.5 / 2 = 8.33 + 5
    assert result.score == 13
    # one of them alone is no case
    alone = fraud.verdict(fraud.evaluate(CashierStats(quick_burns=2)))
    assert (alone.case, alone.score, alone.contributing) == (False, 0, ["quick_burn"])
    # below half a threshold, evidence does not count
    faint = CashierStats(quick_burns=1, all_checks=2000, off_hours_checks=2)
    assert fraud.verdict(fraud.evaluate(faint)).contributing == []


@given(stats_strategy, st.sampled_from(SUSPICIOUS), st.integers(1, 50))
def test_verdict_monotonic_in_evidence(stats, name, extra):
    """More evidence never closes a case, drops a contributing signal nor
    lowers the score."""
    before = fraud.verdict(fraud.evaluate(stats))
    setattr(stats, name, getattr(stats, name) + extra)
    after = fraud.verdict(fraud.evaluate(stats))
    assert after.score >= before.score
    assert after.case or not before.case
    assert set(before.contributing) <= set(after.contributing)


def _is_normal(stats):
    return not fraud.verdict(fraud.evaluate(stats)).case


keys = st.tuples(st.integers(1, 30), st.integers(1, 4))


@given(
    st.dictionaries(keys, stats_strategy, max_size=6),
    keys,
    stats_strategy.filter(_is_normal),
)
def test_unrelated_normal_cashier_changes_no_score(population, key, normal):
    """Adding a normal cashier (no case) to a store changes neither another
    cashier's score nor any store's score."""
    key = (key[0] + 100, key[1])  # a new cashier
    before, stores_before = fraud.score_population(population)
    after, stores_after = fraud.score_population({**population, key: normal})
    assert after[key].score == 0
    for other, result in before.items():
        assert after[other] == result
    for store, store_score in stores_before.items():
        assert stores_after[store] == store_score
    assert stores_after.get(key[1], 0) == stores_before.get(key[1], 0)


def test_a_share_without_its_minimum_count_is_no_evidence():
    """Two failed codes of three asked are a large share but too little
    evidence (four at least): only the absolute count speaks, 2 of 10."""
    (failed,) = [
        s
        for s in fraud.evaluate(CashierStats(codes=3, failed_codes=2))
        if s.rule == "failed_codes"
    ]
    assert failed.level == Decimal("0.2")
    assert not failed.contributes


def test_one_cards_windows_count_once():
    """A regular's card at 12 of 300 checks (card_reuse at 0.6) and 5 times
    within 24 hours (accrual_burst at 2 of 3) is one piece of evidence: no
    case; with a half-threshold signal of another rule, a case."""
    regular = CashierStats(checks=300, top_card_checks=12, max_accruals_day=5)
    signals = fraud.evaluate(regular)
    levels = {s.rule: s.level for s in signals if s.contributes}
    assert levels == {"card_reuse": Decimal("0.6"), "accrual_burst": Decimal("0.6667")}
    assert not fraud.verdict(signals).case
    regular.quick_burns = 2
    result = fraud.verdict(fraud.evaluate(regular))
    assert result.case
    assert result.contributing == ["card_reuse", "accrual_burst", "quick_burn"]


@pytest.mark.parametrize(("day", "level"), [(3, "0"), (4, "0.3333"), (6, "1")])
def test_a_members_own_accruals_in_a_day_are_no_evidence(day, level):
    """A visit, a return within the hour and a return to spend: three
    accruals in a day are a member's; the repeats after them count."""
    (burst,) = [
        s
        for s in fraud.evaluate(CashierStats(max_accruals_day=day))
        if s.rule == "accrual_burst"
    ]
    assert burst.level == Decimal(level)
