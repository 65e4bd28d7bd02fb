"""Posting rules (ledger line -> entry lines by account role), without Odoo."""

from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import breakage as bk
from loyalty_club.domain import money
from loyalty_club.domain import posting as P
from loyalty_club.selections import LEDGER_KINDS

COST = P.Policy(P.COST)
IFRS = P.Policy(P.IFRS15, ssp_percent=Decimal(100), redemption_percent=Decimal(80))
R20 = bk.rate_from_percent(Decimal(20))
KINDS = [kind for kind, _label in LEDGER_KINDS]


def book(movement, value, policy):
    """{role: credit - debit} of the entry of one line (roles netting to 0 kept)."""
    return {r: c for r, c in P.balance(P.entry(movement, value, policy)).items() if c}


def mv(kind, face, wallet_kind=P.BONUS, channel="api", reversed_kind=None):
    return P.Movement(kind, face, wallet_kind, channel, reversed_kind)


def gift(kind, face, channel="api", reversed_kind=None):
    return mv(kind, face, P.GIFT_CARD, channel, reversed_kind)


# ------------------------------------------------------------------ bonuses
def test_earn_is_an_expense_under_cost_and_deferred_revenue_under_ifrs15():
    assert book(mv("earn", 1000), 1000, COST) == {
        "bonus_liability": 1000,
        "bonus_expense": -1000,
    }
    assert book(mv("earn", 1000), 800, IFRS) == {
        "deferred_revenue": 800,
        "revenue": -800,
    }


def test_gift_bonuses_and_adjustments_are_an_expense_under_both_policies():
    assert book(mv("gift", 5000), 5000, COST) == {
        "bonus_liability": 5000,
        "bonus_expense": -5000,
    }
    assert book(mv("adjust", -1000), -800, IFRS) == {
        "deferred_revenue": -800,
        "bonus_expense": 800,
    }


def test_spend_through_another_channel_settles_on_the_clearing_account():
    assert book(mv("burn", -1500), -1500, COST) == {
        "bonus_liability": -1500,
        "clearing": 1500,
    }
    # IFRS 15: the contract liability at its value, the rest back from revenue
    assert book(mv("burn", -1500), -1200, IFRS) == {
        "deferred_revenue": -1200,
        "revenue": -300,
        "clearing": 1500,
    }


def test_spend_at_the_pos_is_left_to_the_session():
    assert P.entry(mv("burn", -1500, channel="pos"), -1500, COST) == []
    # the till debited the face value: the club books only the rest
    assert book(mv("burn", -1500, channel="pos"), -1200, IFRS) == {
        "deferred_revenue": 300,
        "revenue": -300,
    }
    # a company whose POS does not book the liability: like any channel
    own = P.Policy(P.COST, pos_settles=False)
    assert book(mv("burn", -1500, channel="pos"), -1500, own) == {
        "bonus_liability": -1500,
        "clearing": 1500,
    }


def test_expiry_is_breakage_and_opening_balances_come_through_clearing():
    assert book(mv("expire", -500), -500, COST) == {
        "bonus_liability": -500,
        "breakage": 500,
    }
    assert book(mv("expire", -500), -400, IFRS) == {
        "deferred_revenue": -400,
        "breakage": 400,
    }
    assert book(mv("opening", 700, channel="import"), 700, COST) == {
        "bonus_liability": 700,
        "clearing": -700,
    }


def test_transfers_book_nothing():
    for policy in (COST, IFRS):
        assert P.entry(mv("transfer", -300), -300, policy) == []
        assert P.entry(gift("transfer", 300), 300, policy) == []


def test_a_reversal_mirrors_the_line_it_reverses():
    for policy in (COST, IFRS):
        for kind, face, reversed_face in (
            ("earn", 1000, -250),
            ("burn", -1000, 250),
            ("expire", -1000, 250),
            ("gift", 1000, -1000),
        ):
            line = book(mv(kind, face), face, policy)
            back = book(
                mv("reversal", reversed_face, reversed_kind=kind),
                reversed_face,
                policy,
            )
            assert back == {role: c * reversed_face // face for role, c in line.items()}
    # without the reversed line: a negative reversal is an earn's, a positive a spend's
    assert book(mv("reversal", -100), -100, COST) == book(mv("earn", -100), -100, COST)
    assert book(mv("reversal", 100), 100, COST) == book(mv("burn", 100), 100, COST)
    labels = {ln.label for ln in P.entry(mv("reversal", 100), 100, COST)}
    assert labels == {"reversal"}, "labelled by the line's own kind"


# --------------------------------------------------------------- gift cards
def test_gift_cards_are_owed_never_earned():
    for policy in (COST, IFRS):
        assert book(gift("issue", 5000), 5000, policy) == {
            "gift_liability": 5000,
            "clearing": -5000,
        }
        assert book(gift("burn", -2000), -2000, policy) == {
            "gift_liability": -2000,
            "clearing": 2000,
        }
        assert book(gift("expire", -3000), -3000, policy) == {
            "gift_liability": -3000,
            "gift_breakage": 3000,
        }
        assert P.entry(gift("issue", 5000, "pos"), 5000, policy) == []
        assert P.entry(gift("burn", -2000, "pos"), -2000, policy) == []
        # an opening balance is never the till's
        assert book(gift("opening", 900, "pos"), 900, policy) == {
            "gift_liability": 900,
            "clearing": -900,
        }
        assert book(gift("adjust", 100), 100, policy) == {
            "gift_liability": 100,
            "bonus_expense": -100,
        }


def test_breakage_in_proportion_to_use_rides_on_each_line():
    """100.00 loaded, 20 % expected never used: a use of 40.00 brings 10.00."""
    values = P.gift_card_values(
        [P.GiftLine("issue", None, 10000), P.GiftLine("burn", None, -4000)], R20
    )
    assert values == [10000, -5000]
    assert book(gift("burn", -4000), -5000, COST) == {
        "gift_liability": -5000,
        "clearing": 4000,
        "gift_breakage": 1000,
    }
    lines = P.entry(gift("burn", -4000, "pos"), -5000, COST)
    assert P.balance(lines) == {"gift_liability": -1000, "gift_breakage": 1000}
    assert {ln.label for ln in lines} == {P.BREAKAGE_LABEL}


def test_gift_card_values_follow_the_breakage_schedule():
    lines = [
        P.GiftLine("issue", None, 10000),
        P.GiftLine("burn", None, -4000),
        P.GiftLine("burn", None, -4000),
        P.GiftLine("expire", None, -2000),
    ]
    values = P.gift_card_values(lines, R20)
    assert values == [10000, -5000, -5000, 0], "the expiry has nothing left"
    schedule = bk.schedule(
        [(bk.CREDIT, 10000), (bk.SPEND, 4000), (bk.SPEND, 4000), (bk.EXPIRE, 2000)],
        R20,
    )
    assert [ln.face - v for ln, v in zip(lines, values, strict=True)] == [
        b for _m, _a, b in schedule
    ]


def test_posted_lines_keep_their_value_and_later_lines_catch_up():
    lines = [
        P.GiftLine("issue", None, 10000, posted=10000),
        P.GiftLine("burn", None, -4000, posted=-4000),  # posted at expiry method
        P.GiftLine("burn", None, -1000),
        P.GiftLine("burn", None, -1000, pending=False),  # left to a later run
    ]
    values = P.gift_card_values(lines, R20)
    # spent 5000: advance 1250, none booked yet: all of it on this line
    assert values == [10000, -4000, -1000 - 1250, None]


def test_breakage_movements_of_ledger_lines():
    assert P.breakage_movement("burn", None, -100) == bk.SPEND
    assert P.breakage_movement("reversal", "burn", 100) == bk.SPEND_REFUND
    assert P.breakage_movement("expire", None, -100) == bk.EXPIRE
    assert P.breakage_movement("reversal", "expire", 100) == bk.EXPIRE_REVERSAL
    assert P.breakage_movement("issue", None, 100) == bk.CREDIT
    assert P.breakage_movement("transfer", None, -100) == bk.DEBIT


# ---------------------------------------------------------- IFRS 15 values
def test_deferred_values_never_creep():
    ratio = P.deferral_ratio(Decimal(100), Decimal("33.33"))
    values = P.deferred_values(0, [1010] * 7, ratio)
    assert sum(values) == (7 * 1010 * 3333 + 5000) // 10000
    assert set(values) <= {336, 337}


def test_remeasurement_brings_the_liability_to_the_new_rates():
    new = P.Policy(P.IFRS15, ssp_percent=Decimal(100), redemption_percent=Decimal(60))
    delta = P.remeasurement(new, 7000, carried=5600)
    assert delta == -1400
    assert P.balance(P.remeasurement_entry(delta)) == {
        "deferred_revenue": -1400,
        "revenue": 1400,
    }
    assert P.remeasurement(new, 7000, carried=5600, remeasured=-1400) == 0
    assert P.remeasurement(COST, 7000, carried=0) == 0


# ------------------------------------------------------------- vocabulary
def test_policy_reads_exact_rates_only():
    policy = P.Policy(P.IFRS15, ssp_percent=Decimal(90), redemption_percent=Decimal(70))
    assert Fraction(*policy.deferral) == Fraction(63, 100)
    assert policy.breakage_rate == (0, 1), "breakage waits for the expiry"
    proportional = P.Policy(
        gift_breakage=P.PROPORTIONAL, gift_breakage_percent=Decimal("12.5")
    )
    assert Fraction(*proportional.breakage_rate) == Fraction(1, 8)
    assert P.Policy(ssp_percent="90").ssp_percent == Decimal(90)
    with pytest.raises(TypeError):
        P.Policy(ssp_percent=90.0)
    with pytest.raises(ValueError):
        P.Policy("gaap")
    with pytest.raises(ValueError):
        P.Policy(gift_breakage="never")
    with pytest.raises(TypeError):
        mv("earn", 10.0)


def test_roles_and_their_accounts():
    assert {role for roles in P.POLICY_ROLES.values() for role in roles} == set(
        P.ACCOUNT_ROLES
    )
    fields = [role.field for role in P.ACCOUNT_ROLES.values()]
    assert len(fields) == len(set(fields))
    for name in P.POLICIES:
        for kind in P.WALLET_KINDS:
            role = P.liability_role(name, kind)
            assert role in P.POLICY_ROLES[name]
            assert P.ACCOUNT_ROLES[role].account_type == "liability_current"
    assert P.liability_role(P.COST) == "bonus_liability"
    assert IFRS.liability_role(P.BONUS) == "deferred_revenue"
    assert COST.liability_role(P.GIFT_CARD) == "gift_liability"


def test_every_ledger_kind_has_one_rollforward_bucket():
    assert P.MOVEMENTS == ("earned", "spent", "expired", "adjusted", "reversed")
    listed = Counter(kind for _b, kinds in P.ROLLFORWARD for kind in kinds)
    assert set(listed) == set(KINDS)
    assert set(listed.values()) == {1}
    assert {P.rollforward_bucket(k) for k in KINDS} == set(P.MOVEMENTS)
    assert P.rollforward_bucket("something new") == "reversed"


# ------------------------------------------------------------------ properties
percents = st.integers(0, 10000).map(lambda n: Decimal(n) / 100)
channels = st.sampled_from(["api", "pos", "backoffice", "import", "job"])


@st.composite
def policies(draw):
    return P.Policy(
        name=draw(st.sampled_from(P.POLICIES)),
        pos_settles=draw(st.booleans()),
        ssp_percent=draw(percents),
        redemption_percent=draw(percents),
        gift_breakage=draw(st.sampled_from(P.GIFT_BREAKAGE_METHODS)),
        gift_breakage_percent=draw(
            st.integers(0, 9999).map(lambda n: n / Decimal(100))
        ),
    )


@st.composite
def movements(draw):
    face = draw(st.integers(-(10**9), 10**9).filter(bool))
    return P.Movement(
        kind=draw(st.sampled_from(KINDS)),
        face=face,
        wallet_kind=draw(st.sampled_from(P.WALLET_KINDS)),
        channel=draw(channels),
        reversed_kind=draw(st.none() | st.sampled_from(KINDS)),
    )


@given(movements(), policies(), st.integers(-(10**9), 10**9))
def test_every_entry_balances(movement, policy, value):
    if movement.wallet_kind == P.BONUS and policy.name == P.COST:
        value = movement.face  # the cost policy carries bonuses at face value
    lines = P.entry(movement, value, policy)
    assert sum(ln.debit for ln in lines) == sum(ln.credit for ln in lines)
    for line in lines:
        assert line.debit >= 0 and line.credit >= 0
        assert bool(line.debit) != bool(line.credit), "one side, never zero"
        # the company is asked for an account for every role its policy posts on
        assert line.role in P.POLICY_ROLES[policy.name]


SIGNS = {"earn": 1, "gift": 1, "opening": 1, "burn": -1, "expire": -1}
REVERSED_SIGNS = {"earn": -1, "gift": -1, "burn": 1, "expire": 1}


@st.composite
def bonus_ledgers(draw):
    """A company's bonus lines; a transfer is its two adjacent lines."""
    lines = []
    for _ in range(draw(st.integers(0, 16))):
        kind = draw(st.sampled_from(list(SIGNS) + ["adjust", "reversal", "transfer"]))
        amount = draw(st.integers(1, 10**6))
        channel = draw(channels)
        if kind == "transfer":
            lines += [mv(kind, -amount, channel=channel), mv(kind, amount)]
        elif kind == "reversal":
            reversed_kind = draw(st.sampled_from(list(REVERSED_SIGNS)))
            face = REVERSED_SIGNS[reversed_kind] * amount
            lines.append(mv(kind, face, channel=channel, reversed_kind=reversed_kind))
        else:
            sign = SIGNS.get(kind) or draw(st.sampled_from([1, -1]))
            lines.append(mv(kind, sign * amount, channel=channel))
    return lines


def total(lines, values, policy):
    out = Counter()
    for line, value in zip(lines, values, strict=True):
        out.update(P.balance(P.entry(line, value, policy)))
    return out


@given(bonus_ledgers(), policies(), st.integers(-(10**6), 10**7))
def test_bonus_entries_sum_to_the_ledgers_movement_per_role(lines, policy, base):
    ratio = policy.deferral
    ifrs = policy.name == P.IFRS15
    if ifrs:
        values = P.deferred_values(base, [ln.face for ln in lines], ratio)
    else:
        values = [ln.face for ln in lines]
    booked = total(lines, values, policy)
    assert sum(booked.values()) == 0, "debits equal credits over the period"
    # the till's session debits the liability with the spends rung up there
    session = sum(
        ln.face for ln in lines if ln.rule == "burn" and P.settled_by_pos(ln, policy)
    )
    liability = policy.liability_role(P.BONUS)
    faces = sum(ln.face for ln in lines)
    measured = faces
    if ifrs:
        measured = money.scale(base + faces, *ratio, "half_up") - money.scale(
            base, *ratio, "half_up"
        )
    assert sum(values) == measured, "values telescope: rounding never creeps"
    assert booked[liability] + session == measured
    other = "bonus_liability" if ifrs else "deferred_revenue"
    assert booked[other] == 0

    def of(rules):
        return sum(
            v
            for ln, v in zip(lines, values, strict=True)
            if ln.rule in rules and ln.kind != "transfer"
        )

    assert -booked["breakage"] == of({"expire"})
    assert booked["clearing"] == -of({"opening", "issue"}) - sum(
        ln.face
        for ln in lines
        if ln.rule == "burn" and not P.settled_by_pos(ln, policy)
    )
    if ifrs:
        assert -booked["bonus_expense"] == of({"gift", "adjust"})
        spent_rest = sum(
            v - ln.face
            for ln, v in zip(lines, values, strict=True)
            if ln.rule == "burn"
        )
        assert -booked["revenue"] == of({"earn"}) + spent_rest
    else:
        assert -booked["bonus_expense"] == of({"earn", "gift", "adjust"})
        assert booked["revenue"] == 0


@given(
    st.lists(st.integers(-(10**6), 10**6), max_size=20),
    st.integers(-(10**6), 10**7),
    st.integers(0, 20),
    percents,
    percents,
)
def test_deferred_values_do_not_depend_on_the_batch(faces, base, cut, ssp, red):
    ratio = P.deferral_ratio(ssp, red)
    whole = P.deferred_values(base, faces, ratio)
    later = P.deferred_values(base + sum(faces[:cut]), faces[cut:], ratio)
    assert whole[cut:] == later


@given(
    st.lists(st.integers(-(10**6), 10**6), max_size=20),
    percents,
    percents,
    percents,
)
def test_remeasurement_catches_up_once(faces, ssp, old, new):
    before = P.Policy(P.IFRS15, ssp_percent=ssp, redemption_percent=old)
    after = P.Policy(P.IFRS15, ssp_percent=ssp, redemption_percent=new)
    carried = sum(P.deferred_values(0, faces, before.deferral))
    delta = P.remeasurement(after, sum(faces), carried)
    lines = P.remeasurement_entry(delta)
    assert sum(ln.debit - ln.credit for ln in lines) == 0
    assert carried + P.balance(lines).get("deferred_revenue", 0) == sum(
        P.deferred_values(0, faces, after.deferral)
    )
    assert P.remeasurement(after, sum(faces), carried, delta) == 0


GIFT_KINDS = {
    bk.CREDIT: ("issue", None, 1),
    bk.SPEND: ("burn", None, -1),
    bk.SPEND_REFUND: ("reversal", "burn", 1),
    bk.EXPIRE: ("expire", None, -1),
}


@st.composite
def gift_card_lives(draw):
    """A card's ledger lines that never overdraw it, ending with its expiry."""
    card, lines = bk.Card(), []
    for _ in range(draw(st.integers(0, 12))):
        step = draw(st.sampled_from([bk.CREDIT, bk.SPEND, bk.SPEND_REFUND]))
        if step == bk.CREDIT:
            amount = draw(st.integers(1, 10**7))
        elif step == bk.SPEND and card.unspent > 0:
            amount = draw(st.integers(1, card.unspent))
        elif step == bk.SPEND_REFUND and card.spent > 0:
            amount = draw(st.integers(1, card.spent))
        else:
            continue
        card = card.move(step, amount)
        kind, reversed_kind, sign = GIFT_KINDS[step]
        lines.append(gift(kind, sign * amount, draw(channels), reversed_kind))
    if card.unspent:
        lines.append(gift("expire", -card.unspent, draw(channels)))
    return lines


def gift_lines(lines, **extra):
    return [P.GiftLine(ln.kind, ln.reversed_kind, ln.face, **extra) for ln in lines]


@given(gift_card_lives(), policies())
def test_gift_card_breakage_never_exceeds_what_the_card_holds(lines, policy):
    rate = policy.breakage_rate
    values = P.gift_card_values(gift_lines(lines), rate)
    card, booked, session = bk.Card(), Counter(), 0
    for line, value in zip(lines, values, strict=True):
        step = P.breakage_movement(line.kind, line.reversed_kind, line.face)
        card = card.move(step, abs(line.face))
        booked.update(P.balance(P.entry(line, value, policy)))
        if line.rule in ("issue", "burn") and P.settled_by_pos(line, policy):
            session += line.face  # the till books the sale or the use on L
        advance = booked["gift_breakage"] - card.expired
        assert advance == bk.advance(card, rate), "the breakage.py schedule"
        assert 0 <= advance <= max(card.unspent, 0)
        assert booked["gift_liability"] + session == card.unspent - advance >= 0
    # used up or expired: nothing owed, and spent + breakage = what was loaded
    assert booked["gift_liability"] + session == 0
    assert card.spent + booked["gift_breakage"] == card.credited
    moves = [
        (P.breakage_movement(ln.kind, ln.reversed_kind, ln.face), abs(ln.face))
        for ln in lines
    ]
    assert booked["gift_breakage"] == sum(
        bk.income(*line) for line in bk.schedule(moves, rate)
    )
    assert sum(booked.values()) == 0


@given(gift_card_lives(), st.data())
def test_gift_card_lines_posted_in_runs_book_the_breakage_once(lines, data):
    """A card's lines posted over several runs, the rate changed between runs:
    after each run the breakage booked is what the posted lines' state calls
    for at that run's rate; a line left to a later run books nothing yet."""
    posted = []
    while len(posted) < len(lines):
        rate = bk.rate_from_percent(data.draw(st.integers(0, 99), label="rate"))
        count = data.draw(st.integers(1, len(lines) - len(posted)), label="count")
        done = len(posted)
        batch = gift_lines(lines[:done])
        batch = [line._replace(posted=v) for line, v in zip(batch, posted, strict=True)]
        batch += [
            line._replace(pending=i < count)
            for i, line in enumerate(gift_lines(lines[done:]))
        ]
        values = P.gift_card_values(batch, rate)
        assert values[:done] == posted, "posted lines keep their value"
        assert values[done + count :] == [None] * (len(lines) - done - count)
        posted += values[done : done + count]
        card = bk.Card()
        for ln in lines[: len(posted)]:
            step = P.breakage_movement(ln.kind, ln.reversed_kind, ln.face)
            card = card.move(step, abs(ln.face))
        booked = sum(ln.face - v for ln, v in zip(lines, posted, strict=False))
        assert booked == bk.advance(card, rate)
    assert sum(posted) == sum(ln.face for ln in lines) == 0, "expired: none owed"
