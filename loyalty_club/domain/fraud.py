"""Anti-fraud on cashiers: explainable rules and scores over a period.

The database sums a period's checks and one-time codes per cashier and store
(one set-based query per rule, see ``loyalty_club_reports``); the rules below
turn those aggregates into :class:`Signal`\\ s with their evidence, and
:func:`cashier_score` and :func:`store_score` combine them. Every rule has
two configurable thresholds, ``limit`` and ``min_count`` (:class:`Threshold`),
and a ``weight``:

=====================  ===============================================  =====
rule                   fires when (defaults)                           weight
=====================  ===============================================  =====
``card_reuse``         the cashier's own card at >= ``min_count`` (2)      30
                       checks, or one card at >= ``limit`` (20) checks
``accrual_burst``      >= ``min_count`` (2) card-days with >= ``limit``    30
                       (4) accruals on one card within an hour
``quick_burn``         >= ``min_count`` (3) spends within ``limit`` (30)   25
                       minutes after an earn on the same card
``typed_cards``        typed-by-hand share >= ``limit`` (0.3) and          20
                       >= ``min_count`` (10) typed checks
``refund_after_burn``  >= ``min_count`` (3) refunds of checks paid with    30
                       bonuses, >= ``limit`` (0.2) of those checks
``off_hours``          >= ``min_count`` (3) checks outside opening hours,  20
                       >= ``limit`` (0.02) of the checks
``phone_cards``        >= ``min_count`` (1) phones holding >= ``limit``    25
                       (3) cards registered by the cashier in the period
``failed_codes``       >= ``min_count`` (4) one-time codes asked by the     25
                       cashier ending wrong, >= ``limit`` (0.25) of the
                       codes the cashier asked
=====================  ===============================================  =====

Score of a cashier: the sum, over fired signals, of ``weight x severity``,
capped at 100. A fired signal's severity is ``1/2 + 1/2 x excess`` capped at 1,
where ``excess`` is how far the strongest criterion lies above its threshold,
relative to it (just at the threshold: half the weight; twice the threshold:
the whole weight). Score of a store: its highest cashier score plus 10 for each
other flagged cashier (score > 0), capped at 100. Both never fall when the
evidence grows.

Integers and Decimals only: scores are reproducible to the unit.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from .money import to_decimal

STORE_EXTRA_CASHIER = 10
_HALF = Decimal("0.5")
_ONE = Decimal(1)


@dataclass(frozen=True)
class Threshold:
    """A rule's configuration: ``limit`` (a count, minutes or a share, see the
    table above), ``min_count`` (how much evidence at least), ``weight``."""

    limit: Decimal
    min_count: int
    weight: int
    active: bool = True

    def __post_init__(self):
        object.__setattr__(self, "limit", to_decimal(self.limit, "limit"))
        for name in ("min_count", "weight"):
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
    top_card_checks: int = 0
    top_card_ref: str = ""
    bursts: int = 0
    max_accruals_hour: int = 0
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
    """One rule's verdict on one cashier, with what a reviewer needs to check it."""

    rule: str
    fired: bool
    value: Decimal
    count: int
    severity: Decimal
    evidence: dict = field(default_factory=dict)


def _ratio(part, whole):
    return (
        (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))
        if whole
        else Decimal(0)
    )


def _excess(value, limit):
    value, limit = Decimal(value), Decimal(limit)
    if limit <= 0:
        return _ONE
    return (value - limit) / limit


def _severity(fired, *excesses):
    if not fired:
        return Decimal(0)
    return min(_ONE, _HALF + _HALF * max(max(excesses), Decimal(0)))


def _signal(rule, fired, value, count, excesses, evidence):
    return Signal(
        rule,
        bool(fired),
        Decimal(value),
        int(count),
        _severity(fired, *excesses),
        evidence,
    )


def rule_card_reuse(stats, t):
    """The cashier's own card, or one card at many checks (points collected
    on customers' purchases)."""
    own = stats.own_card_checks >= t.min_count > 0
    many = stats.top_card_checks >= t.limit > 0
    excesses = [
        _excess(stats.own_card_checks, t.min_count) if own else Decimal(0),
        _excess(stats.top_card_checks, t.limit) if many else Decimal(0),
    ]
    return _signal(
        "card_reuse",
        own or many,
        stats.top_card_checks,
        stats.own_card_checks,
        excesses,
        {
            "own_card_checks": stats.own_card_checks,
            "top_card_checks": stats.top_card_checks,
            "top_card": stats.top_card_ref,
            "checks": stats.checks,
        },
    )


def rule_accrual_burst(stats, t):
    """Accrual bursts: ``bursts`` counts card-days with at least
    ``limit`` accruals on one card within an hour (counted by the database
    with this limit)."""
    fired = stats.bursts >= t.min_count and stats.max_accruals_hour >= t.limit
    return _signal(
        "accrual_burst",
        fired,
        stats.max_accruals_hour,
        stats.bursts,
        [
            _excess(stats.bursts, max(t.min_count, 1)),
            _excess(stats.max_accruals_hour, t.limit),
        ],
        {
            "bursts": stats.bursts,
            "max_accruals_in_an_hour": stats.max_accruals_hour,
            "example": stats.burst_ref,
        },
    )


def rule_quick_burn(stats, t):
    """Spending right after earning: ``quick_burns`` counts spends within
    ``limit`` minutes of an earn on the same card (counted by the database)."""
    fired = stats.quick_burns >= t.min_count > 0
    return _signal(
        "quick_burn",
        fired,
        stats.quick_burns,
        stats.quick_burns,
        [_excess(stats.quick_burns, t.min_count)],
        {
            "spends_right_after_earning": stats.quick_burns,
            "within_minutes": int(t.limit),
            "example": stats.quick_burn_ref,
        },
    )


def rule_typed_cards(stats, t):
    """Card numbers typed by hand instead of scanned."""
    share = _ratio(stats.typed_checks, stats.checks)
    fired = stats.typed_checks >= t.min_count and share >= t.limit
    return _signal(
        "typed_cards",
        fired,
        share,
        stats.typed_checks,
        [_excess(share, t.limit)],
        {
            "typed_checks": stats.typed_checks,
            "checks": stats.checks,
            "share": str(share),
        },
    )


def _share_signal(rule, count, base, t, evidence, example):
    """At least ``min_count`` suspicious checks (never fired by a zero minimum)
    making at least ``limit`` of their base; the evidence ends with the share
    and an example check."""
    share = _ratio(count, base)
    fired = count >= t.min_count > 0 and share >= t.limit
    return _signal(
        rule,
        fired,
        share,
        count,
        [_excess(count, t.min_count), _excess(share, t.limit)],
        {**evidence, "share": str(share), "example": example},
    )


def rule_refund_after_burn(stats, t):
    """Refunds of checks paid with bonuses (bonuses spent, money taken back)."""
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
    """Checks outside the store's opening hours."""
    return _share_signal(
        "off_hours",
        stats.off_hours_checks,
        stats.all_checks,
        t,
        {
            "checks_outside_hours": stats.off_hours_checks,
            "checks": stats.all_checks,
        },
        stats.off_hours_ref,
    )


def rule_phone_cards(stats, t):
    """Many cards registered to one phone: ``phones_many_cards`` counts phones
    holding at least ``limit`` cards registered by the cashier."""
    fired = (
        stats.phones_many_cards >= max(t.min_count, 1)
        and stats.max_cards_phone >= t.limit
    )
    return _signal(
        "phone_cards",
        fired,
        stats.max_cards_phone,
        stats.phones_many_cards,
        [_excess(stats.max_cards_phone, t.limit)],
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
        Threshold(Decimal(20), 2, 30),
    ),
    Rule(
        "accrual_burst",
        "Accrual bursts on one card",
        rule_accrual_burst,
        Threshold(Decimal(4), 2, 30),
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
        Threshold(Decimal("0.3"), 10, 20),
    ),
    Rule(
        "refund_after_burn",
        "Refunds after bonus spending",
        rule_refund_after_burn,
        Threshold(Decimal("0.2"), 3, 30),
    ),
    Rule(
        "off_hours",
        "Activity outside opening hours",
        rule_off_hours,
        Threshold(Decimal("0.02"), 3, 20),
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
        Threshold(Decimal("0.25"), 4, 25),
    ),
)
RULES = tuple(rule.code for rule in RULE_TABLE)
RULE_LABELS = {rule.code: rule.label for rule in RULE_TABLE}
RULE_FUNCTIONS = {rule.code: rule.check for rule in RULE_TABLE}
DEFAULT_THRESHOLDS = {rule.code: rule.default for rule in RULE_TABLE}


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
                    "limit": base.limit,
                    "min_count": base.min_count,
                    "weight": base.weight,
                    "active": base.active,
                    **value,
                }
            )
        result[rule] = value
    return result


def evaluate(stats, config=None):
    """Every active rule's :class:`Signal` for one cashier's ``stats``."""
    config = thresholds(config)
    return [RULE_FUNCTIONS[rule](stats, t) for rule, t in config.items() if t.active]


def cashier_score(signals, config=None):
    """``(score 0..100, fired rule names)`` of one cashier's signals."""
    config = thresholds(config)
    total = Decimal(0)
    fired = []
    for signal in signals:
        if signal.fired:
            total += config[signal.rule].weight * signal.severity
            fired.append(signal.rule)
    score = int(total.quantize(_ONE, rounding=ROUND_HALF_UP))
    return min(score, 100), fired


def store_score(cashier_scores):
    """A store's score from its cashiers' scores (see the module's docstring)."""
    flagged = sorted((s for s in cashier_scores if s > 0), reverse=True)
    if not flagged:
        return 0
    return min(100, flagged[0] + STORE_EXTRA_CASHIER * (len(flagged) - 1))


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
