"""What-if replay: the same rules give back what happened, to the minor unit;
other rules change what they should."""

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import economics_whatif as whatif
from loyalty_club.domain import ledger, promo, rules
from loyalty_club.domain.errors import InvalidAmount

START = date(2025, 1, 1)
END = date(2025, 3, 31)
TIERS = (
    rules.TierSpec("silver", 50000, Decimal(5), 1),
    rules.TierSpec("gold", 200000, Decimal("7.5"), 2),
)

line = st.builds(
    lambda amount, earn, burn: (amount, earn, burn),
    st.integers(-2000, 90000),
    st.booleans(),
    st.booleans(),
)


@st.composite
def histories(draw):
    """Members, each with open lots, past purchases and a period of checks,
    gifts and adjustments out, in time order."""
    members = []
    for wallet in range(draw(st.integers(1, 4))):
        lots = [
            ledger.Lot(
                ("start", wallet, n),
                draw(st.integers(1, 4000)),
                START - timedelta(days=draw(st.integers(0, 40))),
                draw(
                    st.one_of(
                        st.none(),
                        st.integers(1, 120).map(lambda d: START + timedelta(days=d)),
                    )
                ),
            )
            for n in range(draw(st.integers(0, 3)))
        ]
        paid_before = [
            (
                START - timedelta(days=draw(st.integers(1, 300))),
                draw(st.integers(0, 3)) * 100000,
            )
            for _ in range(draw(st.integers(0, 3)))
        ]
        events = []
        for n in range(draw(st.integers(1, 16))):
            day = START + timedelta(days=draw(st.integers(0, 89)))
            at = datetime.combine(day, datetime.min.time()) + timedelta(minutes=n)
            kind = draw(st.sampled_from(["check", "check", "check", "gift", "out"]))
            if kind == "check":
                rows = draw(st.lists(line, min_size=1, max_size=4))
                events.append(
                    (
                        "check",
                        (wallet, n),
                        at,
                        day,
                        rows,
                        draw(st.integers(0, 30000)),  # what the member asks
                        draw(st.sampled_from(["s1", "s2"])),
                    )
                )
            elif kind == "gift":
                events.append(
                    ("gift", (wallet, n), at, day, draw(st.integers(1, 5000)))
                )
            else:
                events.append(("out", (wallet, n), at, day, draw(st.integers(1, 5000))))
        members.append((wallet, lots, paid_before, events))
    return members


def live(history, policy, expiry_days, pending_days, tiers):
    """What the till and the service did, step by step, without the replay:
    balance, quote (capped, not strict), spend first-expiring-first, the earn
    as a new lot, the tier moving up after the check."""
    actual, members = {}, []
    for wallet, start_lots, paid_before, events in history:
        lots = list(start_lots)
        paid = list(paid_before)
        tier = rules.qualify(sum(a for _d, a in paid), tiers) if tiers else None
        start_tier = tier
        recorded = []
        for event in sorted(events, key=lambda e: (e[2], e[0] != "gift")):
            kind, key, at, day = event[:4]
            if kind == "gift":
                lots.append(ledger.Lot(("g", key), event[4], day, None))
                recorded.append(whatif.Credit(key, at, day, event[4], day, None))
                continue
            if kind == "out":
                allocations, _short = ledger.allocate_debit_partial(
                    lots, event[4], day, include_pending=True
                )
                lots = ledger.apply(lots, allocations)
                recorded.append(whatif.Debit(key, at, day, event[4]))
                continue
            lines = whatif.check_lines(
                [(i, a, e, b) for i, (a, e, b) in enumerate(event[4])]
            )
            if sum(x.amount for x in lines) <= 0:
                continue
            rate = next((t.earn_percent for t in tiers if t.key == tier), None)
            available = ledger.balances(lots, day).available
            quote = rules.quote(lines, policy, available, event[5], earn_percent=rate)
            if quote.burn:
                lots = ledger.apply(lots, ledger.allocate_debit(lots, quote.burn, day))
            if quote.earn:
                lots.append(
                    ledger.Lot(
                        ("e", key),
                        quote.earn,
                        day + timedelta(days=pending_days),
                        day + timedelta(days=expiry_days) if expiry_days else None,
                    )
                )
            recorded.append(
                whatif.Check(key, at, day, lines, quote.burn, tier, event[6])
            )
            actual[key] = (quote.earn, quote.burn)
            if tiers:
                paid.append((day, quote.to_pay))
                since = day - timedelta(days=365)
                key_ = rules.qualify(sum(a for d, a in paid if d >= since), tiers)
                thresholds = {t.key: t.threshold for t in tiers}
                if key_ and thresholds[key_] > thresholds.get(tier, -1):
                    tier = key_
        members.append(
            whatif.Member(
                wallet,
                tuple(start_lots),
                start_tier,
                tuple(paid_before),
                tuple(recorded),
            )
        )
    return actual, members


@given(
    histories(),
    st.integers(0, 20).map(Decimal),
    st.integers(0, 100).map(Decimal),
    st.integers(0, 90),
    st.integers(0, 30),
    st.booleans(),
)
def test_replay_under_unchanged_rules_reproduces_what_happened(
    history, earn, cap, expiry_days, pending_days, with_tiers
):
    policy = rules.Policy(earn_percent=earn, burn_cap_percent=cap)
    tiers = TIERS if with_tiers else ()
    actual, members = live(history, policy, expiry_days, pending_days, tiers)
    for requalify in (False, True):
        scenario = whatif.Scenario(
            policy,
            tiers,
            requalify=requalify,
            pending_days=pending_days,
            expiry_days=expiry_days,
        )
        result = whatif.replay(members, scenario, END, keep_checks=True)
        assert result.per_check == actual
        total = result.total()
        assert total.earned == sum(e for e, _b in actual.values())
        assert total.spent == sum(b for _e, b in actual.values())
        assert total.checks == len(actual)


@given(histories())
def test_half_the_earn_rate_halves_what_checks_without_spending_earn(history):
    """Checks of whole hundreds with no spending: 5 % earns half of 10 %."""
    members = []
    for wallet, _lots, _paid, events in history:
        checks = tuple(
            whatif.Check(e[1], e[2], e[3], (rules.Line(0, 100 * (abs(e[5]) + 1)),), 0)
            for e in events
            if e[0] == "check"
        )
        members.append(whatif.Member(wallet, events=checks))
    ten = whatif.replay(
        members, whatif.Scenario(rules.Policy(Decimal(10), Decimal(30))), END
    )
    five = whatif.replay(
        members, whatif.Scenario(rules.Policy(Decimal(5), Decimal(30))), END
    )
    assert ten.total().earned == 2 * five.total().earned
    assert five.total().sales == ten.total().sales


def test_no_cap_means_nothing_spent_and_the_liability_grows():
    day = START + timedelta(days=3)
    at = datetime(2025, 1, 4, 10)
    member = whatif.Member(
        "w",
        (ledger.Lot("old", 10000, START, None),),
        events=(whatif.Check("c", at, day, (rules.Line(0, 100000),), 5000),),
    )
    actual = whatif.replay([member], whatif.Scenario(rules.Policy(10, 30)), END)
    none = whatif.replay([member], whatif.Scenario(rules.Policy(10, 0)), END)
    assert actual.total().spent == 5000
    assert actual.total().earned == 9500  # 10 % of 950.00 paid in money
    assert none.total().spent == 0
    assert none.total().earned == 10000
    assert sum(actual.liability.values()) == 10000 - 5000 + 9500
    assert sum(none.liability.values()) == 20000


def test_a_shorter_expiry_expires_within_the_period():
    at = datetime(2025, 1, 2, 10)
    member = whatif.Member(
        "w",
        events=(whatif.Check("c", at, at.date(), (rules.Line(0, 100000),), 0),),
    )
    policy = rules.Policy(10, 30)
    year = whatif.replay([member], whatif.Scenario(policy, expiry_days=365), END)
    month = whatif.replay([member], whatif.Scenario(policy, expiry_days=30), END)
    assert year.expired == 0 and sum(year.liability.values()) == 10000
    assert month.expired == 10000 and sum(month.liability.values()) == 0


def test_lower_thresholds_move_members_up():
    at = datetime(2025, 1, 2, 10)
    member = whatif.Member(
        "w",
        events=(
            whatif.Check("c1", at, at.date(), (rules.Line(0, 60000),)),
            whatif.Check(
                "c2", at + timedelta(days=1), at.date(), (rules.Line(0, 100000),)
            ),
        ),
    )
    policy = rules.Policy(1, 30)
    low = (rules.TierSpec("silver", 50000, Decimal(5)),)
    result = whatif.replay(
        [member], whatif.Scenario(policy, low, requalify=True), END, True
    )
    assert result.tier_end == {"w": "silver"}
    assert result.per_check == {"c1": (600, 0), "c2": (5000, 0)}


def test_rules_that_make_no_sense_are_refused():
    with pytest.raises(InvalidAmount):
        rules.Policy(Decimal(10), Decimal(120))
    with pytest.raises(InvalidAmount):
        rules.Policy(Decimal(-1), Decimal(30))
    with pytest.raises(InvalidAmount):
        whatif.Scenario(rules.Policy(10, 30), expiry_days=-5)
    with pytest.raises(InvalidAmount):
        whatif.Scenario(rules.Policy(10, 30), (rules.TierSpec("x", -1, Decimal(5)),))


def test_check_lines_spread_a_discount_and_fall_back_to_the_total():
    lines = whatif.check_lines(
        [(1, 3000, True, True), (2, 1000, False, True), (3, -400, True, True)]
    )
    assert [x.amount for x in lines] == [2700, 900, 0]
    assert [x.earn for x in lines] == [True, False, True]
    assert whatif.check_lines([(1, 3000, True, True)], total=2500) == (
        rules.Line("check", 2500),
    )


# -- promotions -----------------------------------------------------------

AT = datetime(2025, 1, 6, 10)  # a Monday


def _promo_member(lines, used, burn=0, items=()):
    check = whatif.Check(
        "c", AT, AT.date(), lines, burn, promotions=used, items=items, when=AT
    )
    return whatif.Member("w", events=(check,))


DISCOUNT = promo.Promotion("d", "discount_percent", Decimal(10))
MULTIPLIER = promo.Promotion("b", "bonus_multiplier", Decimal("1.5"))


def _booked():
    """100.00 less 10 % (the discount promotion): 90.00 earns 9.00 at 10 %,
    the multiplier x1.5 adds 4.50, as the service books them."""
    return _promo_member(
        (rules.Line(0, 9000),),
        (whatif.Used("d", discount=1000), whatif.Used("b", bonus=450)),
    )


def test_promotions_unchanged_stay_as_booked():
    result = whatif.replay([_booked()], whatif.Scenario(rules.Policy(10, 30)), END)
    total = result.total()
    assert (total.sales, total.discount) == (9000, 1000)
    assert (total.earned, total.bonus) == (900 + 450, 450)
    assert sum(result.liability.values()) == 1350


def test_a_discount_switched_off_gives_back_exactly_its_discount():
    off = whatif.Scenario(
        rules.Policy(10, 30), promotions=(whatif.PromoChange("d", DISCOUNT, None),)
    )
    total = whatif.replay([_booked()], off, END).total()
    assert (total.sales, total.discount) == (10000, 0)
    # 10 % of 100.00, and the multiplier's bonus as booked
    assert (total.earned, total.bonus) == (1000 + 450, 450)


def test_a_bonus_switched_off_or_changed_is_replayed_by_the_engine():
    off = whatif.Scenario(
        rules.Policy(10, 30), promotions=(whatif.PromoChange("b", MULTIPLIER, None),)
    )
    total = whatif.replay([_booked()], off, END).total()
    assert (total.earned, total.bonus, total.discount) == (900, 0, 1000)
    triple = promo.Promotion("b", "bonus_multiplier", Decimal(3))
    changed = whatif.Scenario(
        rules.Policy(10, 30),
        promotions=(whatif.PromoChange("b", MULTIPLIER, triple, where_used=True),),
    )
    total = whatif.replay([_booked()], changed, END).total()
    # x3: twice the base earn of 9.00 on top of it
    assert (total.earned, total.bonus) == (900 + 1800, 1800)
    # where it did not apply, the changed promotion does not either
    bare = _promo_member((rules.Line(0, 9000),), ())
    assert whatif.replay([bare], changed, END).total().bonus == 0


def test_a_new_promotion_applies_to_the_lines_it_matches():
    items = (
        promo.PromoLine(1, 0, 2, product_id=7),
        promo.PromoLine(2, 0, 1, product_id=8),
    )
    member = _promo_member((rules.Line(1, 6000), rules.Line(2, 4000)), (), items=items)
    new = promo.Promotion(
        ("new", 1), "discount_percent", Decimal(20), product_ids=frozenset({7})
    )
    scenario = whatif.Scenario(
        rules.Policy(10, 30), promotions=(whatif.PromoChange(("new", 1), None, new),)
    )
    total = whatif.replay([member], scenario, END).total()
    # 20 % off the 60.00 of product 7: 48.00 + 40.00 paid, 8.80 earned
    assert (total.sales, total.discount, total.earned) == (8800, 1200, 880)
    closed = dataclasses.replace(new, store_ids=frozenset({"elsewhere"}))
    scenario = whatif.Scenario(
        rules.Policy(10, 30), promotions=(whatif.PromoChange(("new", 1), None, closed),)
    )
    assert whatif.replay([member], scenario, END).total().discount == 0


@given(histories(), st.integers(0, 20).map(Decimal), st.integers(0, 100).map(Decimal))
def test_switching_a_discount_off_adds_back_exactly_what_it_took(history, earn, cap):
    """Whatever the spending and the balances, the sales rise and the
    discounts fall by exactly what the promotion took off the checks."""
    policy = rules.Policy(earn_percent=earn, burn_cap_percent=cap)
    _actual, members = live(history, policy, 0, 0, ())
    booked, taken = [], 0
    for member in members:
        events = []
        for event in member.events:
            if isinstance(event, whatif.Check):
                off = sum(max(0, line.amount) for line in event.lines) // 9
                taken += off
                event = dataclasses.replace(
                    event,
                    promotions=(
                        whatif.Used("d", discount=off),
                        whatif.Used("x", discount=7),
                    ),
                )
            events.append(event)
        booked.append(dataclasses.replace(member, events=tuple(events)))
    same = whatif.replay(booked, whatif.Scenario(policy), END).total()
    off = whatif.replay(
        booked,
        whatif.Scenario(policy, promotions=(whatif.PromoChange("d", DISCOUNT, None),)),
        END,
    ).total()
    assert off.sales - same.sales == taken
    assert same.discount - off.discount == taken
    assert off.checks == same.checks


# -- the replay's own quote -------------------------------------------------

percents = st.one_of(
    st.integers(0, 100).map(Decimal),
    st.decimals(0, 100, places=2, allow_nan=False, allow_infinity=False),
)


@given(
    st.lists(
        st.tuples(
            st.integers(-2000, 90000),
            st.booleans(),
            st.booleans(),
            st.one_of(st.none(), st.integers(0, 500)),
        ),
        min_size=1,
        max_size=5,
    ),
    percents,
    percents,
    st.sampled_from([Decimal(1), Decimal("0.5"), Decimal(2), Decimal("0.01")]),
    st.sampled_from(rules.ROUNDINGS),
    st.one_of(st.none(), st.integers(0, 5000)),
    st.integers(0, 3000),
    st.integers(-100, 50000),
    st.integers(0, 30000),
)
def test_the_replays_quote_is_the_engines(
    rows, earn, cap, point_value, rounding, max_earn, min_burn, available, asked
):
    """The replay quotes in integer math with the rates worked out once: the
    same earn, burn and money as rules.quote, whatever the policy."""
    policy = rules.Policy(
        earn_percent=earn,
        burn_cap_percent=cap,
        point_value=point_value,
        earn_rounding=rounding,
        max_earn_per_order=max_earn,
        min_burn=min_burn,
    )
    lines = [
        rules.Line(index, amount, earns, burns, per_item)
        for index, (amount, earns, burns, per_item) in enumerate(rows)
    ]
    quote = rules.quote(lines, policy, available, asked)
    prepared = whatif._Rules(whatif.Scenario(policy))
    fast = prepared.quote(lines, available, asked, prepared.rate(None))
    if any(line.earn_points is not None for line in lines):
        assert fast is None  # per item: rules.quote's
        return
    assert fast == (quote.lines_amount, quote.burn, quote.burn_money, quote.earn)


# -- batches in plain form, in worker processes -----------------------------


def _plain_member(wallet):
    """A member in plain form: an open lot, a gift, an adjustment out and
    checks of one and of several lines, one paid partly with bonuses."""
    day = START + timedelta(days=wallet % 7)
    at = datetime.combine(day, datetime.min.time())
    checks = tuple(
        (
            (wallet, n),
            at + timedelta(days=10 * n, hours=1),
            day + timedelta(days=10 * n),
            None,
            "s1" if n % 2 else "s2",
            1500 * (n + 1) + wallet,
            300 * (n % 2),
            None,
            [(1, 1000 * (n + 1), True, True), (2, 500 + wallet, n != 1, True)],
            (("d", 100, 0),) if n == 2 else (),
            None,
        )
        for n in range(4)
    )
    return (
        wallet,
        ((("start", wallet), 2000 + wallet, START, START + timedelta(days=30)),),
        None,
        (),
        (
            (
                ("gift", wallet),
                at + timedelta(days=3),
                day + timedelta(days=3),
                700,
                None,
                None,
            ),
            (
                ("out", wallet),
                at + timedelta(days=5),
                day + timedelta(days=5),
                -250,
                None,
                None,
            ),
        ),
        checks,
        None,
    )


def test_batches_in_worker_processes_add_up_to_one_process():
    rows = [_plain_member(wallet) for wallet in range(30)]
    batches = [(rows[first : first + 7], first) for first in range(0, 30, 7)]
    scenarios = (
        whatif.Scenario(rules.Policy(Decimal(10), Decimal(30)), expiry_days=40),
        whatif.Scenario(rules.Policy(Decimal(5), Decimal(20))),
    )

    def totals(processes):
        merged = [whatif.Result(), whatif.Result()]
        tags = []
        for results, tag in whatif.replay_batches(
            iter(batches), scenarios, END, processes
        ):
            tags.append(tag)
            for total, result in zip(merged, results, strict=True):
                total.merge(result)
        return tags, [
            (r.total(), r.expired, r.liability, r.members, r.tier_end) for r in merged
        ]

    one = totals(1)
    assert one[0] == [0, 7, 14, 21, 28]
    assert one[1][0][0].checks == 120 and one[1][0][1] > 0
    assert totals(2) == one
    # the same as the members replayed as objects
    members = [whatif.member_from_row(row) for row in rows]
    assert whatif.replay(members, scenarios[0], END).total() == one[1][0][0]
