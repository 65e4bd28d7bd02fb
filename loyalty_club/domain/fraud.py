"""Anti-fraud on cashiers: explainable rules and a combined score over a period.

The database sums a period's checks, card activations and one-time codes per
cashier and store (one set-based query per rule, see ``loyalty_club_reports``),
each act counted against whoever did it: a card against the user who activated
it, a refund against the cashier who sold the refunded check, an own card
through the cashier's identity (user, contacts, phones). The rules below turn
those aggregates into :class:`Signal`\\ s with their evidence and a ``level``:
the evidence as a fraction of the rule's threshold (1 = just at it).

Every rule has a :class:`Threshold`: ``limit``, ``min_count``, ``count_limit``
(an absolute count that fires on its own, beside a share; 0 = off), ``grace``
(minutes; the off-hours grace period) and a ``weight``:

=====================  ==================================================  =====
rule                   fires when (defaults)                              weight
=====================  ==================================================  =====
``card_reuse``         the cashier's own card (by the cashier's user,         30
                       contacts or phones) at >= ``min_count`` (3) checks;
                       or one card at >= ``limit`` (20) of the cashier's
                       checks making >= 3 % of them (``TOP_CARD_SHARE``: a
                       busy cashier's regulars stay quiet); or one card at
                       >= ``count_limit`` (60) checks whatever the volume
``accrual_burst``      accruals to one card by one cashier over sliding       30
                       windows: >= ``min_count`` (2) card-days with >=
                       ``limit`` (4) accruals within an hour, or >=
                       ``count_limit`` (6) within 24 hours (a slow drip);
                       the period's window is ``card_reuse``'s
``quick_burn``         >= ``min_count`` (3) spends within ``limit`` (30)      25
                       minutes after an earn on the same card by the same
                       cashier or at the same till
``typed_cards``        typed-by-hand share >= ``limit`` (0.3) with >=         20
                       ``min_count`` (10) typed checks, or >=
                       ``count_limit`` (400) typed checks
``refund_after_burn``  refunds of the cashier's own checks paid with          30
                       bonuses (whoever processed the refund): >=
                       ``min_count`` (3) making >= ``limit`` (0.2) of those
                       checks, or >= ``count_limit`` (10)
``off_hours``          checks more than ``grace`` (15) minutes outside the    20
                       store's hours of that weekday (none for a 24-hour
                       store): >= ``min_count`` (3) making >= ``limit``
                       (0.02) of the checks, or >= ``count_limit`` (6)
``phone_cards``        >= ``min_count`` (1) phones holding >= ``limit`` (3)   25
                       cards the cashier activated in the period
``failed_codes``       one-time codes asked by the cashier ending wrong:      25
                       >= ``min_count`` (4) making >= ``limit`` (0.25) of
                       the codes asked, or >= ``count_limit`` (10)
=====================  ==================================================  =====

A criterion's level is its evidence over its threshold (the day's window of
accruals counts the repeats after the first three, a member's visit, return
within the hour and return to spend: 5 accruals in 24 hours are 2 of 3);
criteria that must hold together take the smallest level, alternatives the
largest; a rule fires at level 1. A share with too little
evidence behind it (fewer than ``min_count``) is no evidence: its level is 0.

**Combined score.** A signal at half its threshold or more (``WEAK_LEVEL``)
contributes ``weight x severity`` points, its severity being ``level / 2``
capped at 1 (just at the threshold: half the weight; twice the threshold: the
whole weight; half-way: a quarter of it). A cashier has a case when a rule
fires, or when the levels of the contributing signals add up to at least 1
(``CASE_LEVEL``): two signals at half their thresholds make a case. Rules that
read the same evidence count once in that sum, with the higher level
(``FAMILIES``: ``card_reuse``'s one card at many checks and ``accrual_burst``'s
windows are the windows of one card's accruals). The score
of a cashier with a case is the sum of the points, capped at 100 (at least 1);
without a case it is 0. The case lists every contributing signal. Score of a
store: its highest cashier score plus 10 for each other cashier with a case,
capped at 100. Scores never fall when the evidence grows, and depend on the
cashier's own evidence only.

Integers and Decimals only: scores are reproducible to the unit.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from .money import to_decimal

STORE_EXTRA_CASHIER = 10
# a signal contributes to the combined score from half its threshold on; the
# contributing levels adding up to CASE_LEVEL make a case
WEAK_LEVEL = Decimal("0.5")
CASE_LEVEL = Decimal(1)
# rules reading the same evidence: the combined sum takes the family's highest
FAMILIES = {"card_reuse": "one_card", "accrual_burst": "one_card"}
# accruals to one card within 24 hours that a member makes alone
DAY_VISITS = 3
# one card's share of the cashier's member checks before its count is evidence
TOP_CARD_SHARE = Decimal("0.03")
_HALF = Decimal("0.5")
_ONE = Decimal(1)
_ZERO = Decimal(0)
_LEVEL_CAP = Decimal(10)


@dataclass(frozen=True)
class Threshold:
    """A rule's configuration: ``limit`` (a count, minutes or a share, see the
    table above), ``min_count`` (how much evidence at least), ``weight``,
    ``count_limit`` (an absolute count that fires alone, 0: none) and ``grace``
    (minutes)."""

    limit: Decimal
    min_count: int
    weight: int
    active: bool = True
    count_limit: int = 0
    grace: int = 0

    def __post_init__(self):
        object.__setattr__(self, "limit", to_decimal(self.limit, "limit"))
        for name in ("min_count", "weight", "count_limit", "grace"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int")
            if value < 0:
                raise ValueError(f"{name} must be >= 0")
        if self.limit < 0:
            raise ValueError("limit must be >= 0")


@dataclass
class CashierStats:
    """What the database summed for one cashier (and store) over the period.

    Counts are of member checks (sales with a card) unless said otherwise; the
    ``*_ref`` fields name the evidence (a card, an hour, a phone) for the case.
    """

    checks: int = 0
    own_card_checks: int = 0
    own_card_ref: str = ""
    top_card_checks: int = 0
    top_card_ref: str = ""
    bursts: int = 0
    max_accruals_hour: int = 0
    max_accruals_day: int = 0
    burst_ref: str = ""
    quick_burns: int = 0
    quick_burn_ref: str = ""
    typed_checks: int = 0
    burn_checks: int = 0
    refunds_after_burn: int = 0
    refund_ref: str = ""
    all_checks: int = 0
    off_hours_checks: int = 0
    off_hours_ref: str = ""
    phones_many_cards: int = 0
    max_cards_phone: int = 0
    phone_ref: str = ""
    codes: int = 0
    failed_codes: int = 0
    locked_codes: int = 0
    wrong_code_attempts: int = 0
    failed_code_ref: str = ""


@dataclass(frozen=True)
class Signal:
    """One rule's verdict on one cashier, with what a reviewer needs to check
    it: ``level`` is the evidence as a fraction of the threshold (fired at 1),
    ``severity`` the share of the rule's weight it scores (0 below
    ``WEAK_LEVEL``)."""

    rule: str
    fired: bool
    value: Decimal
    count: int
    severity: Decimal
    evidence: dict = field(default_factory=dict)
    level: Decimal = _ZERO

    @property
    def contributes(self):
        return self.level >= WEAK_LEVEL


def _ratio(part, whole):
    return (
        (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))
        if whole
        else Decimal(0)
    )


def _level(value, threshold):
    """``value`` as a fraction of ``threshold`` (0 when the threshold is off)."""
    value, threshold = Decimal(value), Decimal(threshold)
    if threshold <= 0:
        return _ZERO
    return min(_LEVEL_CAP, value / threshold).quantize(Decimal("0.0001"))


def _severity(level):
    if level < WEAK_LEVEL:
        return _ZERO
    return min(_ONE, level * _HALF)


def _signal(rule, level, value, count, evidence):
    level = Decimal(level)
    return Signal(
        rule,
        level >= _ONE,
        Decimal(value),
        int(count),
        _severity(level),
        evidence,
        level,
    )


def _share_level(count, share, t):
    """A share rule: a large enough share (``limit``) with enough evidence
    behind it (``min_count``: below it, the share is no evidence), or the
    absolute ``count_limit`` alone."""
    together = _level(share, t.limit) if count >= t.min_count > 0 else _ZERO
    return max(together, _level(count, t.count_limit))


def rule_card_reuse(stats, t):
    """The cashier's own card (any card of the cashier's user, contacts or
    phones), or one card at many of the cashier's checks: many for this
    cashier's volume (``TOP_CARD_SHARE``), or many whatever the volume."""
    own = _level(stats.own_card_checks, t.min_count)
    share = _ratio(stats.top_card_checks, stats.checks)
    many = (
        min(_level(stats.top_card_checks, t.limit), _level(share, TOP_CARD_SHARE))
        if t.limit > 0
        else _ZERO
    )
    level = max(own, many, _level(stats.top_card_checks, t.count_limit))
    return _signal(
        "card_reuse",
        level,
        stats.top_card_checks,
        stats.own_card_checks,
        {
            "own_card_checks": stats.own_card_checks,
            "own_card": stats.own_card_ref,
            "top_card_checks": stats.top_card_checks,
            "top_card": stats.top_card_ref,
            "top_card_share": str(share),
            "checks": stats.checks,
        },
    )


def rule_accrual_burst(stats, t):
    """Accruals to one card by one cashier over sliding windows: ``bursts``
    counts card-days with at least ``limit`` accruals within an hour (counted
    by the database with this limit); ``max_accruals_day`` is the most
    accruals to one card within 24 hours (a slow drip, ``count_limit``)."""
    hour = min(
        _level(stats.bursts, max(t.min_count, 1)),
        _level(stats.max_accruals_hour, t.limit),
    )
    # up to three accruals a day are a member's (a visit, back within the
    # hour, back to spend): the level of the day's window counts the repeats
    # after them
    base = DAY_VISITS if t.count_limit > DAY_VISITS else 0
    day = _level(max(stats.max_accruals_day - base, 0), t.count_limit - base)
    level = max(hour, day)
    return _signal(
        "accrual_burst",
        level,
        stats.max_accruals_hour,
        stats.bursts,
        {
            "bursts": stats.bursts,
            "max_accruals_in_an_hour": stats.max_accruals_hour,
            "max_accruals_in_a_day": stats.max_accruals_day,
            "example": stats.burst_ref,
        },
    )


def rule_quick_burn(stats, t):
    """Spending right after earning: ``quick_burns`` counts spends within
    ``limit`` minutes of an earn on the same card by the same cashier or at the
    same till (counted by the database)."""
    return _signal(
        "quick_burn",
        _level(stats.quick_burns, t.min_count),
        stats.quick_burns,
        stats.quick_burns,
        {
            "spends_right_after_earning": stats.quick_burns,
            "within_minutes": int(t.limit),
            "example": stats.quick_burn_ref,
        },
    )


def rule_typed_cards(stats, t):
    """Card numbers typed by hand instead of scanned."""
    share = _ratio(stats.typed_checks, stats.checks)
    return _signal(
        "typed_cards",
        _share_level(stats.typed_checks, share, t),
        share,
        stats.typed_checks,
        {
            "typed_checks": stats.typed_checks,
            "checks": stats.checks,
            "share": str(share),
        },
    )


def _share_signal(rule, count, base, t, evidence, example):
    """At least ``min_count`` suspicious checks (never fired by a zero minimum)
    making at least ``limit`` of their base, or ``count_limit`` of them
    whatever the base; the evidence ends with the share and an example."""
    share = _ratio(count, base)
    return _signal(
        rule,
        _share_level(count, share, t),
        share,
        count,
        {**evidence, "share": str(share), "example": example},
    )


def rule_refund_after_burn(stats, t):
    """Refunds of the cashier's checks paid with bonuses (bonuses spent, money
    taken back), counted against the cashier who sold the check."""
    return _share_signal(
        "refund_after_burn",
        stats.refunds_after_burn,
        stats.burn_checks,
        t,
        {
            "refunds_after_spending": stats.refunds_after_burn,
            "checks_paid_with_bonuses": stats.burn_checks,
        },
        stats.refund_ref,
    )


def rule_off_hours(stats, t):
    """Checks outside the store's opening hours of the day, beyond the grace
    period (counted by the database with ``grace``)."""
    return _share_signal(
        "off_hours",
        stats.off_hours_checks,
        stats.all_checks,
        t,
        {
            "checks_outside_hours": stats.off_hours_checks,
            "checks": stats.all_checks,
            "grace_minutes": t.grace,
        },
        stats.off_hours_ref,
    )


def rule_phone_cards(stats, t):
    """Many cards on one phone: ``phones_many_cards`` counts phones holding at
    least ``limit`` cards the cashier activated in the period."""
    return _signal(
        "phone_cards",
        min(
            _level(stats.phones_many_cards, max(t.min_count, 1)),
            _level(stats.max_cards_phone, t.limit),
        ),
        stats.max_cards_phone,
        stats.phones_many_cards,
        {
            "phones": stats.phones_many_cards,
            "most_cards_on_one_phone": stats.max_cards_phone,
            "phone": stats.phone_ref,
        },
    )


def rule_failed_codes(stats, t):
    """One-time codes ending wrong: of the ``codes`` the cashier asked (to
    confirm spending on a member found by a typed phone, or to verify a phone),
    ``failed_codes`` were locked after too many wrong attempts, or had a wrong
    code typed and were never used (expired, or replaced by a new code). A
    cashier guessing codes on members' phones leaves many; a member's typo
    followed by the right code does not count."""
    return _share_signal(
        "failed_codes",
        stats.failed_codes,
        stats.codes,
        t,
        {
            "failed_codes": stats.failed_codes,
            "codes_asked": stats.codes,
            "locked_codes": stats.locked_codes,
            "wrong_attempts": stats.wrong_code_attempts,
        },
        stats.failed_code_ref,
    )


class Rule(NamedTuple):
    """One anti-fraud rule: its code, its label (the Odoo selection's), the
    function that turns a cashier's stats into its :class:`Signal` and its
    default :class:`Threshold`."""

    code: str
    label: str
    check: Callable
    default: Threshold


# The eight rules, listed once: the Odoo selections and the benchmarks read
# ``RULES`` and ``RULE_LABELS``, the analysis ``RULE_FUNCTIONS`` and
# ``DEFAULT_THRESHOLDS`` (the table in the module's docstring explains them).
RULE_TABLE = (
    Rule(
        "card_reuse",
        "Own card or one card at many checks",
        rule_card_reuse,
        Threshold(Decimal(20), 3, 30, count_limit=60),
    ),
    Rule(
        "accrual_burst",
        "Accrual bursts on one card",
        rule_accrual_burst,
        Threshold(Decimal(4), 2, 30, count_limit=6),
    ),
    Rule(
        "quick_burn",
        "Spending right after earning",
        rule_quick_burn,
        Threshold(Decimal(30), 3, 25),
    ),
    Rule(
        "typed_cards",
        "Card numbers typed by hand",
        rule_typed_cards,
        Threshold(Decimal("0.3"), 10, 20, count_limit=400),
    ),
    Rule(
        "refund_after_burn",
        "Refunds after bonus spending",
        rule_refund_after_burn,
        Threshold(Decimal("0.2"), 3, 30, count_limit=10),
    ),
    Rule(
        "off_hours",
        "Activity outside opening hours",
        rule_off_hours,
        Threshold(Decimal("0.02"), 3, 20, count_limit=6, grace=15),
    ),
    Rule(
        "phone_cards",
        "Many cards on one phone",
        rule_phone_cards,
        Threshold(Decimal(3), 1, 25),
    ),
    Rule(
        "failed_codes",
        "Failed one-time codes",
        rule_failed_codes,
        Threshold(Decimal("0.25"), 4, 25, count_limit=10),
    ),
)
RULES = tuple(rule.code for rule in RULE_TABLE)
RULE_LABELS = {rule.code: rule.label for rule in RULE_TABLE}
RULE_FUNCTIONS = {rule.code: rule.check for rule in RULE_TABLE}
DEFAULT_THRESHOLDS = {rule.code: rule.default for rule in RULE_TABLE}
_THRESHOLD_FIELDS = ("limit", "min_count", "weight", "active", "count_limit", "grace")


def thresholds(overrides=None):
    """The defaults with ``overrides`` (rule -> :class:`Threshold` or a mapping
    of its fields) applied."""
    result = dict(DEFAULT_THRESHOLDS)
    for rule, value in (overrides or {}).items():
        if rule not in RULE_FUNCTIONS:
            raise ValueError(f"unknown fraud rule {rule!r}")
        if not isinstance(value, Threshold):
            base = result[rule]
            value = Threshold(
                **{
                    **{name: getattr(base, name) for name in _THRESHOLD_FIELDS},
                    **value,
                }
            )
        result[rule] = value
    return result


def evaluate(stats, config=None):
    """Every active rule's :class:`Signal` for one cashier's ``stats``."""
    config = thresholds(config)
    return [RULE_FUNCTIONS[rule](stats, t) for rule, t in config.items() if t.active]


class Verdict(NamedTuple):
    """A cashier's combined verdict: ``score`` (0..100, 0 without a case),
    ``fired`` (rules at their threshold), ``contributing`` (every signal at
    ``WEAK_LEVEL`` or more, fired ones included) and ``case``."""

    score: int
    fired: list
    contributing: list
    case: bool


def verdict(signals, config=None):
    """The combined score of one cashier's signals (see the module's docstring)."""
    config = thresholds(config)
    contributing = [s for s in signals if s.contributes]
    fired = [s.rule for s in contributing if s.fired]
    families = {}
    for s in contributing:
        family = FAMILIES.get(s.rule, s.rule)
        families[family] = max(families.get(family, _ZERO), s.level)
    case = bool(fired) or sum(families.values(), _ZERO) >= CASE_LEVEL
    if not case:
        return Verdict(0, [], [s.rule for s in contributing], False)
    total = sum((config[s.rule].weight * s.severity for s in contributing), _ZERO)
    score = max(1, int(total.quantize(_ONE, rounding=ROUND_HALF_UP)))
    return Verdict(min(score, 100), fired, [s.rule for s in contributing], True)


def points(signal, config=None):
    """The points one signal adds to its cashier's score."""
    weight = thresholds(config)[signal.rule].weight
    return int((weight * signal.severity).quantize(_ONE, rounding=ROUND_HALF_UP))


def cashier_score(signals, config=None):
    """``(score 0..100, fired rule names)`` of one cashier's signals."""
    result = verdict(signals, config)
    return result.score, result.fired


def store_score(cashier_scores):
    """A store's score from its cashiers' scores (see the module's docstring)."""
    flagged = sorted((s for s in cashier_scores if s > 0), reverse=True)
    if not flagged:
        return 0
    return min(100, flagged[0] + STORE_EXTRA_CASHIER * (len(flagged) - 1))


def score_population(stats_by_key, config=None):
    """Verdicts of many cashiers and their stores' scores at once:
    ``stats_by_key`` maps ``(cashier, store)`` to :class:`CashierStats`;
    returns ``({key: Verdict}, {store: score})``."""
    config = thresholds(config)
    verdicts = {
        key: verdict(evaluate(stats, config), config)
        for key, stats in stats_by_key.items()
    }
    by_store = {}
    for (_cashier, store), result in verdicts.items():
        by_store.setdefault(store, []).append(result.score)
    return verdicts, {store: store_score(s) for store, s in by_store.items()}


# The first, card-level quick score (four signals, weights summing to 100),
# kept for its callers: manual entries 25, accruals on one card in a day 30,
# refunds ratio 25, burns on other people's cards 20.
WEIGHTS = {
    "manual_entries": 25,
    "accruals_same_card_day": 30,
    "refunds_ratio": 25,
    "burns_on_others_cards": 20,
}


@dataclass
class Signals:
    """Counts observed over the period under review."""

    manual_entries: int
    accruals_same_card_day: int
    refunds_ratio: Decimal
    burns_on_others_cards: int


@dataclass(frozen=True)
class Limits:
    """Highest normal value of each signal (above it, the signal fires)."""

    manual_entries: int = 5
    accruals_same_card_day: int = 3
    refunds_ratio: Decimal = Decimal("0.3")
    burns_on_others_cards: int = 0


def score(signals, limits=None):
    """``(score 0..100, reasons)``; reasons are the names of the fired signals.

    ``limits`` is a :class:`Limits` or a mapping with the same names (missing
    names take the defaults).
    """
    if limits is None:
        limits = Limits()
    elif isinstance(limits, dict):
        limits = Limits(**limits)
    total = 0
    reasons = []
    for name, weight in WEIGHTS.items():
        value = getattr(signals, name)
        limit = getattr(limits, name)
        if name == "refunds_ratio":
            value, limit = to_decimal(value, name), to_decimal(limit, name)
        if value > limit:
            total += weight
            reasons.append(name)
    return min(total, 100), reasons
