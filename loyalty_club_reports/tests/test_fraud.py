"""Anti-fraud analysis: each rule finds its one offending cashier among normal
ones, opens a case with the evidence and alerts the club manager."""

import json
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytz

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.loyalty_club.domain import fraud as core_fraud
from odoo.addons.loyalty_club.tests.common import ClubCase


@tagged("post_install", "-at_install")
class TestFraudRules(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "UTC"
        cls.today = fields.Date.context_today(cls.env["res.users"])
        cls.date_from = cls.today - timedelta(days=7)
        cls.date_to = cls.today - timedelta(days=1)
        club_user = cls.env.ref("loyalty_club.group_club_user")
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Club manager",
                "login": "fraud_manager",
                "groups_id": [
                    Command.link(cls.env.ref("loyalty_club.group_club_manager").id)
                ],
            }
        )
        cls.env.company.club_fraud_reviewer_id = cls.manager
        cls.cashiers = cls.env["res.users"].create(
            [
                {
                    "name": f"Cashier {n}",
                    "login": f"fraud_cashier_{n}",
                    "groups_id": [Command.link(club_user.id)],
                }
                for n in range(4)
            ]
        )
        cls.bad = cls.cashiers[0]
        cls.pos_cashier = cls.env["res.users"].create(
            {
                "name": "POS only",
                "login": "fraud_pos_only",
                "groups_id": [
                    Command.link(cls.env.ref("point_of_sale.group_pos_user").id)
                ],
            }
        )
        Wallet = cls.env["loyalty.club.wallet"]
        cls.members = []
        for n in range(32):
            partner = cls.env["res.partner"].create(
                {"name": f"Member {n}", "mobile": f"+7903555{n:04d}"}
            )
            cls.members.append(
                Wallet.create({"partner_id": partner.id, "program_id": cls.program.id})
            )
        cls.seq = 0
        # normal activity of every cashier, with near misses of each rule:
        # a few typed cards, a refund of a check paid with bonuses, one check
        # just after closing time (within the grace period), a member twice
        # within the hour
        for index, cashier in enumerate(cls.cashiers):
            pool = cls.members[index * 8 : index * 8 + 8]
            for day in range(7):
                for k in range(5):
                    when = cls._at(day, 9 + 2 * k, 10 * index)
                    burn = 50 if k == 4 else 0
                    check = cls._check(
                        cashier,
                        pool[(day + k) % 8],
                        when,
                        burn=burn,
                        entry="typed" if (day, k) in ((1, 1), (4, 2)) else "scan",
                    )
                    if burn and day == 3:
                        cls._refund(cashier, check, when + timedelta(hours=1))
            cls._check(cashier, pool[5], cls._at(5, 22, 10))
            cls._check(cashier, pool[2], cls._at(6, 18, 5 * index))
        # customers of a busy cashier (see _busy)
        cls.crowd = [
            Wallet.create(
                {
                    "partner_id": cls.env["res.partner"]
                    .create({"name": f"Crowd {n}"})
                    .id,
                    "program_id": cls.program.id,
                }
            )
            for n in range(60)
        ]

    @classmethod
    def _at(cls, day, hour, minute=0):
        return datetime.combine(cls.date_from + timedelta(days=day), time(hour, minute))

    @classmethod
    def _check(cls, cashier, wallet, when, burn=0, earn=100, entry="scan", **extra):
        cls.seq += 1
        vals = {
            "ref": f"F/{cls.seq}",
            "idempotency_key": f"fraud-test-{cls.seq}",
            "kind": "sale",
            "wallet_id": wallet.id,
            "partner_id": wallet.partner_id.id,
            "program_id": cls.program.id,
            "company_id": cls.env.company.id,
            "store_id": cls.store.id,
            "channel": "pos",
            "entry_method": entry,
            "date": when,
            "user_id": cashier.id,
            "amount_minor": 100000,
            "earn_minor": earn,
            "burn_minor": burn,
        }
        vals.update(extra)
        return cls.env["loyalty.club.transaction"].sudo().create(vals)

    @classmethod
    def _busy(cls, cashier, count, burn_every=0):
        """``count`` more ordinary checks of ``cashier`` in the opening hours
        of the period's days, on customers seen once a day at most (a busy
        cashier); every ``burn_every``-th paid with bonuses."""
        cls.seq += 1
        first = cls.seq
        vals = []
        for n in range(count):
            wallet = cls.crowd[n % len(cls.crowd)]
            vals.append(
                {
                    "ref": f"B/{first}/{n}",
                    "idempotency_key": f"fraud-test-busy-{first}-{n}",
                    "kind": "sale",
                    "wallet_id": wallet.id,
                    "partner_id": wallet.partner_id.id,
                    "program_id": cls.program.id,
                    "company_id": cls.env.company.id,
                    "store_id": cls.store.id,
                    "channel": "pos",
                    "entry_method": "scan",
                    "date": cls._at(n % 7, 9 + (n // 7) % 12, (n * 7) % 60),
                    "user_id": cashier.id,
                    "amount_minor": 100000,
                    "earn_minor": 100,
                    "burn_minor": 50 if burn_every and n % burn_every == 0 else 0,
                }
            )
        return cls.env["loyalty.club.transaction"].sudo().create(vals)

    @classmethod
    def _refund(cls, cashier, check, when):
        return cls._check(
            cashier,
            check.wallet_id,
            when,
            earn=0,
            kind="refund",
            refund_of_id=check.id,
        )

    def _analyse(self, **extra):
        analysis = (
            self.env["loyalty.club.fraud.analysis"]
            .with_user(self.manager)
            .create({"date_from": self.date_from, "date_to": self.date_to, **extra})
        )
        action = analysis.action_run()
        scores = self.env["loyalty.club.fraud.score"].search(action["domain"])
        # the demo data has checks of its own: look at the test's store only
        scores = scores.filtered(lambda s: s.store_id == self.store)
        return {s.user_id: s for s in scores if s.kind == "cashier"}, scores

    def _assert_case(self, rule):
        """The offender has a case where ``rule`` fired; nobody else has one.
        Returns the case and the evidence of each of its signals."""
        by_cashier, _scores = self._analyse()
        self.assertIn(rule, (by_cashier[self.bad].fired_rules or "").split(", "))
        for cashier, score in by_cashier.items():
            if cashier != self.bad:
                self.assertEqual(score.score, 0, cashier.name)
        case = by_cashier[self.bad].case_id
        self.assertTrue(case)
        return case, {s.rule: json.loads(s.evidence) for s in case.signal_ids}

    def _assert_only_bad(self, rule, reviewer=None):
        extra = {"reviewer_id": reviewer.id} if reviewer else {}
        by_cashier, scores = self._analyse(**extra)
        flagged = {u for u, s in by_cashier.items() if rule in (s.fired_rules or "")}
        self.assertEqual(flagged, {self.bad}, f"{rule}: only the offender")
        for cashier in self.cashiers[1:]:
            self.assertEqual(by_cashier[cashier].score, 0, cashier.name)
        case = self.env["loyalty.club.fraud.case"].search(
            [("user_id", "=", self.bad.id), ("date_to", "=", self.date_to)]
        )
        self.assertEqual(len(case), 1)
        self.assertEqual(case.state, "new")
        self.assertEqual(case.store_id, self.store)
        # the rule fired; weak signals beside it are listed too
        fired = case.signal_ids.filtered("fired")
        self.assertEqual(fired.mapped("rule"), [rule])
        self.assertGreater(case.score, 0)
        self.assertEqual(by_cashier[self.bad].score, case.score)
        self.assertEqual(by_cashier[self.bad].case_id, case)
        store_score = scores.filtered(lambda s: s.kind == "store")
        self.assertEqual(store_score.score, case.score)
        activity = case.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, reviewer or self.manager)
        self.assertFalse(
            self.env["loyalty.club.fraud.case"].search(
                [("user_id", "in", self.cashiers[1:].ids)]
            )
        )
        return case, json.loads(fired.evidence)

    def test_normal_activity_is_quiet(self):
        by_cashier, scores = self._analyse()
        self.assertEqual(set(by_cashier), set(self.cashiers))
        self.assertEqual(set(scores.mapped("score")), {0})
        self.assertEqual(by_cashier[self.bad].checks, 38)
        self.assertFalse(
            self.env["loyalty.club.fraud.case"].search(
                [("store_id", "=", self.store.id)]
            )
        )

    def test_card_reuse_own_card(self):
        own = self.env["loyalty.club.wallet"].create(
            {"partner_id": self.bad.partner_id.id, "program_id": self.program.id}
        )
        for day in (1, 3, 5):
            self._check(self.bad, own, self._at(day, 15, 5))
        _case, evidence = self._assert_only_bad("card_reuse")
        self.assertEqual(evidence["own_card_checks"], 3)

    def test_accrual_burst(self):
        for day in (2, 5):
            for minute in range(0, 50, 10):
                self._check(self.bad, self.members[15], self._at(day, 14, minute))
        _case, evidence = self._assert_only_bad("accrual_burst")
        self.assertEqual(evidence["bursts"], 2)
        self.assertEqual(evidence["max_accruals_in_an_hour"], 5)

    def test_quick_burn(self):
        for day in (1, 2, 4):
            self._check(self.bad, self.members[9], self._at(day, 16, 0))
            self._check(self.bad, self.members[9], self._at(day, 16, 12), burn=80)
        _case, evidence = self._assert_only_bad("quick_burn")
        self.assertEqual(evidence["spends_right_after_earning"], 3)

    def test_quick_burn_counts_earns_of_the_same_cashier_only(self):
        """A member earning at one cashier and spending at the next one a few
        minutes later (another queue, another till) is no quick burn of the
        second cashier: today's rule counted an earn by anyone."""
        for day in (1, 2, 4, 5):
            self._check(self.cashiers[1], self.members[9], self._at(day, 16, 0))
            self._check(self.bad, self.members[9], self._at(day, 16, 12), burn=80)
        by_cashier, _scores = self._analyse()
        self.assertEqual(by_cashier[self.bad].score, 0)
        self.assertFalse(by_cashier[self.bad].weak_rules)
        self.assertFalse(by_cashier[self.cashiers[1]].score)

    def test_typed_cards(self):
        for n in range(14):
            self._check(
                self.bad, self.members[n % 4], self._at(n % 7, 10, 1), entry="typed"
            )
        _case, evidence = self._assert_only_bad("typed_cards")
        # 2 typed among 37 member checks before, 14 more typed checks
        self.assertEqual((evidence["typed_checks"], evidence["checks"]), (16, 51))

    def test_refund_after_burn(self):
        for day in (0, 2, 6):
            check = self._check(self.bad, self.members[1], self._at(day, 17), burn=90)
            self._refund(self.bad, check, self._at(day, 17, 30))
        _case, evidence = self._assert_only_bad("refund_after_burn")
        self.assertEqual(evidence["refunds_after_spending"], 4)
        self.assertEqual(evidence["checks_paid_with_bonuses"], 10)

    def test_off_hours(self):
        for day in (1, 2, 3):
            self._check(self.bad, self.members[2], self._at(day, 2, 30))
        # another reviewer chosen in Run analysis gets the to-do and stays
        other = self.manager.copy(
            {
                "name": "Other manager",
                "login": "fraud_other",
                # the to-do is notified in Odoo (no mail server in the tests)
                "notification_type": "inbox",
            }
        )
        _case, evidence = self._assert_only_bad("off_hours", reviewer=other)
        self.assertEqual(self.env.company.club_fraud_reviewer_id, other)
        # the usual check ten minutes after closing is within the grace period
        self.assertEqual(evidence["checks_outside_hours"], 3)

    def test_off_hours_follow_the_store(self):
        for day in (1, 2, 3):
            self._check(self.bad, self.members[2], self._at(day, 6, 30))
        self.store.fraud_open_hour = 6.0
        by_cashier, _scores = self._analyse()
        self.assertEqual(by_cashier[self.bad].score, 0)

    def _stock_cards(self, prefix, count):
        return self.env["loyalty.club.card"].create(
            [
                {"code": f"{prefix}{n:04d}", "program_id": self.program.id}
                for n in range(count)
            ]
        )

    def test_phone_cards_counted_against_who_activated_them(self):
        """Cards are counted against the user who activated them at the till,
        not the member contact's creator: a cashier adding three cards to an
        existing member's phone has a case; the administrator whose import
        created the members (and activated a family's cards on one phone) has
        none."""
        admin_service = self.env["loyalty.club.service"]
        # an import of the old system's members: a family of three sharing a
        # phone, with their cards
        imported = self._stock_cards("FRAUDIMP", 3)
        for n, card in enumerate(imported):
            admin_service.register_member(
                {
                    "name": f"Imported {n}",
                    "phone": "+7 903 888-00-11",
                    "card_number": card.code,
                    "store_id": self.store.id,
                },
                source="import",
                program_id=self.program.id,
                welcome=False,
            )
        # an existing member (created by the administrator) gets three new
        # cards at the offender's till, one after the other
        member = self.members[20].partner_id
        till_service = admin_service.with_user(self.bad).sudo()
        for card in self._stock_cards("FRAUDTILL", 3):
            till_service.register_member(
                {
                    "name": member.name,
                    "phone": member.mobile,
                    "card_number": card.code,
                    "store_id": self.store.id,
                },
                source="pos",
                program_id=self.program.id,
            )
        cards = self.env["loyalty.club.card"].search([("code", "=like", "FRAUDTILL%")])
        self.assertEqual(cards.activated_by_id, self.bad)
        self.assertEqual(cards.activated_store_id, self.store)
        self.assertEqual(set(cards.mapped("activated_channel")), {"pos"})
        self.assertEqual(cards.partner_id, member)
        # the cards were activated today: the period ends today
        by_cashier, _scores = self._analyse(date_to=self.today)
        self.assertEqual(by_cashier[self.bad].fired_rules, "phone_cards")
        evidence = json.loads(by_cashier[self.bad].case_id.signal_ids.evidence)
        self.assertEqual(evidence["most_cards_on_one_phone"], 3)
        self.assertEqual(evidence["phone"], member.club_phone)
        for cashier in self.cashiers[1:]:
            self.assertEqual(by_cashier[cashier].score, 0)
        self.assertFalse(
            self.env["loyalty.club.fraud.case"].search(
                [("user_id", "=", self.env.uid), ("store_id", "=", self.store.id)]
            ),
            "the import is nobody's case",
        )

    def test_own_card_under_a_personal_phone(self):
        """The cashier's club membership is another contact, registered with
        the cashier's personal phone: still the cashier's own card."""
        self.bad.partner_id.mobile = "+7 903 111-22-33"
        home = self.env["res.partner"].create(
            {"name": "Cashier at home", "mobile": "+7 (903) 111 22 33"}
        )
        wallet = self.env["loyalty.club.wallet"].create(
            {"partner_id": home.id, "program_id": self.program.id}
        )
        for day in (1, 3, 5):
            self._check(self.bad, wallet, self._at(day, 15, 5))
        _case, evidence = self._assert_only_bad("card_reuse")
        self.assertEqual(evidence["own_card_checks"], 3)

    def test_returns_desk_not_flagged(self):
        """A returns desk refunds checks paid with bonuses that other cashiers
        sold: the refunds count against the sellers (one each, normal), not
        against the desk, which also sells."""
        desk = self.cashiers[3]
        for seller in self.cashiers[:3]:
            sale = self.env["loyalty.club.transaction"].search(
                [
                    ("user_id", "=", seller.id),
                    ("burn_minor", ">", 0),
                    ("refunded_minor", "=", 0),
                    ("store_id", "=", self.store.id),
                ],
                order="date desc",
                limit=1,
            )
            self._refund(desk, sale, sale.date + timedelta(minutes=30))
        by_cashier, scores = self._analyse()
        self.assertEqual(set(scores.mapped("score")), {0})
        self.assertFalse(by_cashier[desk].fired_rules)

    def test_busy_cashier_refunds(self):
        """A busy cashier whose checks paid with bonuses are refunded ten times
        (at the returns desk): a small share of many such checks, but ten."""
        busy = self._busy(self.bad, 420, burn_every=4)
        desk = self.cashiers[3]
        # with the fixture's own refund on day 3: ten
        for sale in busy.filtered("burn_minor")[:9]:
            self._refund(desk, sale, sale.date + timedelta(minutes=40))
        case, evidence = self._assert_case("refund_after_burn")
        self.assertEqual(evidence["refund_after_burn"]["refunds_after_spending"], 10)
        self.assertEqual(
            evidence["refund_after_burn"]["checks_paid_with_bonuses"], 7 + 105
        )
        self.assertEqual(
            case.signal_ids.filtered("fired").mapped("rule"), ["refund_after_burn"]
        )

    def test_busy_cashier_off_hours_and_grace(self):
        """Seven checks an hour before opening among 450 are a small share
        but seven; a few checks minutes after closing are within the grace."""
        self._busy(self.bad, 420)
        for day in range(7):
            self._check(self.bad, self.members[20], self._at(day, 6, 50))
        for day in (1, 2, 3, 4):
            self._check(self.cashiers[1], self.members[9], self._at(day, 22, 5))
        case, evidence = self._assert_case("off_hours")
        self.assertEqual(evidence["off_hours"]["checks_outside_hours"], 7)
        self.assertEqual(evidence["off_hours"]["grace_minutes"], 15)

    def test_opening_hours_of_the_weekday_and_24_hours(self):
        """Checks late on the weekday the store stays open late, and in a
        24-hour store, are inside opening hours."""
        late_day = self.date_from + timedelta(days=2)
        for minute in (0, 20, 40):
            self._check(self.bad, self.members[2], self._at(2, 23, minute))
        self.assertIn("off_hours", self._analyse()[0][self.bad].fired_rules)
        self.env["loyalty.club.fraud.hours"].create(
            {
                "store_id": self.store.id,
                "weekday": str(late_day.weekday()),
                "open_hour": 8,
                "close_hour": 24,
            }
        )
        self.assertEqual(self._analyse()[0][self.bad].score, 0)
        for day in (1, 4, 5):
            self._check(self.bad, self.members[day], self._at(day, 3, 0))
        self.assertIn("off_hours", self._analyse()[0][self.bad].fired_rules)
        self.store.fraud_open_24h = True
        self.assertEqual(self._analyse()[0][self.bad].score, 0)

    def test_slow_drip_over_days(self):
        """Eighteen accruals to one card, 25 minutes apart, six a day on three
        days: never four within an hour, six within a day."""
        for day in (1, 3, 5):
            for n in range(6):
                when = self._at(day, 10) + timedelta(minutes=25 * n)
                self._check(self.bad, self.members[30], when)
        _case, evidence = self._assert_case("accrual_burst")
        self.assertEqual(evidence["accrual_burst"]["max_accruals_in_an_hour"], 3)
        self.assertEqual(evidence["accrual_burst"]["max_accruals_in_a_day"], 6)

    def test_two_mild_signals_make_a_case(self):
        """Two spends right after earning (three fire) and a quarter of the
        cards typed by hand (30 % fire): neither rule fires, together they
        make a case listing both."""
        for day in (1, 4):
            self._check(self.bad, self.members[9], self._at(day, 16, 0))
            self._check(self.bad, self.members[9], self._at(day, 16, 12), burn=80)
        for n in range(8):  # 2 typed in the fixture: 10 of 49, 20 %
            self._check(
                self.bad, self.members[16 + n], self._at(n % 7, 12, 30), entry="typed"
            )
        by_cashier, _scores = self._analyse()
        score = by_cashier[self.bad]
        self.assertFalse(score.fired_rules)
        self.assertEqual(score.weak_rules, "quick_burn, typed_cards")
        self.assertGreater(score.score, 0)
        case = score.case_id
        self.assertEqual(
            sorted(case.signal_ids.mapped("rule")), ["quick_burn", "typed_cards"]
        )
        self.assertFalse(any(case.signal_ids.mapped("fired")))
        self.assertEqual(case.score, sum(case.signal_ids.mapped("points")))
        self.assertIn("(weak)", case.activity_ids.note)
        for cashier in self.cashiers[1:]:
            self.assertEqual(by_cashier[cashier].score, 0)

    def test_period_cut_at_local_midnight(self):
        """In Vladivostok (UTC+10) the period starts at local midnight: a burst
        of accruals just after it (the evening before in UTC) belongs to the
        period, one just after the last day's local midnight does not."""
        self.env.company.partner_id.tz = "Asia/Vladivostok"
        self.store.fraud_open_24h = True  # the fixture's hours are UTC's
        local = pytz.timezone("Asia/Vladivostok")

        def utc(day, hour, minute):
            when = local.localize(
                datetime.combine(self.date_from + timedelta(days=day), time(hour))
            ) + timedelta(minutes=minute)
            return when.astimezone(pytz.utc).replace(tzinfo=None)

        for day in (0, 3):  # local 00:10-00:50 of the first and fourth days
            for minute in range(10, 60, 10):
                self._check(self.bad, self.members[30], utc(day, 0, minute))
        for minute in range(10, 60, 10):  # the night after the last day
            self._check(self.bad, self.members[31], utc(7, 0, minute))
        _case, evidence = self._assert_case("accrual_burst")
        self.assertEqual(evidence["accrual_burst"]["bursts"], 2)
        # the first burst is the first local day's, not the day after the end
        self.assertEqual(evidence["accrual_burst"]["example"], str(utc(0, 0, 10)))

    def test_thresholds_per_company_and_rerun(self):
        for n in range(6):
            self._check(self.bad, self.members[n], self._at(n, 11, 1), entry="typed")
        # 8 typed of 43: below the default minimum of 10 and share of 0.3
        self.assertFalse(self._analyse()[0][self.bad].score)
        rule = self.env.ref("loyalty_club_reports.fraud_rule_typed_cards")
        rule.with_user(self.manager).write({"min_count": 8, "limit": 0.15})
        case, _evidence = self._assert_only_bad("typed_cards")
        # a second run refreshes the same case, no duplicate, no second alert
        rule.weight = 40
        self._analyse()
        same = self.env["loyalty.club.fraud.case"].search(
            [("store_id", "=", self.store.id)]
        )
        self.assertEqual(same, case)
        self.assertEqual(len(case.activity_ids), 1)
        rule.active = False
        self.assertFalse(self._analyse()[0][self.bad].score)

    def test_case_review_and_access(self):
        for day in (1, 2, 3):
            self._check(self.bad, self.members[2], self._at(day, 3, 0))
        case, _evidence = self._assert_only_bad("off_hours")
        as_manager = case.with_user(self.manager)
        as_manager.action_review()
        self.assertEqual((case.state, case.reviewer_id), ("review", self.manager))
        with self.assertRaises(UserError):
            as_manager.action_confirm()
        as_manager.outcome = "Night sales to a friend's card; warned."
        as_manager.action_confirm()
        self.assertEqual(case.state, "confirmed")
        self.assertFalse(case.activity_ids, "the alert is done")
        self.env.cr.precommit.run()  # the chatter's tracking is written at commit
        self.assertIn(
            "Confirmed fraud",
            case.message_ids.tracking_value_ids.mapped("new_value_char"),
        )
        # club users do not edit cases (nor see them); cashiers see nothing
        for user in (self.cashiers[1], self.pos_cashier):
            with self.assertRaises(AccessError):
                case.with_user(user).read(["state"])
            with self.assertRaises(AccessError):
                case.with_user(user).write({"state": "dismissed"})
            with self.assertRaises(AccessError):
                self.env["loyalty.club.fraud.score"].with_user(user).search([])
        with self.assertRaises(UserError):
            self.env["loyalty.club.fraud.analysis"].with_user(
                self.cashiers[1]
            )._analyse(self.env.company, self.date_from, self.date_to)

    def test_seeded_rules_are_the_cores(self):
        """The main company's rules are the core's eight with its defaults, and
        the rule selections list them in the core's order."""
        Rule = self.env["loyalty.club.fraud.rule"].with_context(active_test=False)
        rules = Rule.search([("company_id", "=", self.env.ref("base.main_company").id)])
        self.assertEqual(rules.mapped("code"), list(core_fraud.RULES))
        for rule in rules:
            default = core_fraud.DEFAULT_THRESHOLDS[rule.code]
            self.assertEqual(rule.name, core_fraud.RULE_LABELS[rule.code])
            self.assertEqual(
                (Decimal(str(rule.limit)), rule.min_count, rule.weight, rule.active),
                (default.limit, default.min_count, default.weight, default.active),
            )
        for model, field in (
            ("loyalty.club.fraud.rule", "code"),
            ("loyalty.club.fraud.signal", "rule"),
        ):
            selection = self.env[model]._fields[field].selection
            self.assertEqual(selection, list(core_fraud.RULE_LABELS.items()))

    def test_weekly_job(self):
        for day in (1, 2, 3):
            self._check(self.bad, self.members[2], self._at(day, 4, 0))
        cron = self.env.ref("loyalty_club_reports.ir_cron_loyalty_club_fraud")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "weeks"))
        cron.method_direct_trigger()
        # the job scores the last 30 full days
        score = self.env["loyalty.club.fraud.score"].search(
            [("user_id", "=", self.bad.id), ("store_id", "=", self.store.id)]
        )
        self.assertEqual(score.date_to, self.date_to)
        self.assertEqual(score.date_from, self.today - timedelta(days=30))
        self.assertEqual(score.fired_rules, "off_hours")
        # three at night; the usual one just after closing is within the grace
        self.assertEqual(score.case_id.signal_ids.filtered("fired").count, 3)

    def test_failed_codes(self):
        """A cashier trying codes on members' phones: many codes locked or
        typed wrong and never used. The others' typos followed by the right
        code, codes that expired untyped and a single locked code stay quiet."""
        till = self.env["pos.config"].create(
            {"name": "Fraud test till", "club_store_id": self.store.id}
        )
        Code = self.env["loyalty.club.code"].sudo()

        def codes(cashier, outcomes, day=2, channel="pos"):
            records = Code.create(
                [
                    {
                        "partner_id": self.members[n % 16].partner_id.id,
                        "program_id": self.program.id,
                        "phone": self.members[n % 16].partner_id.club_phone,
                        "purpose": "spend",
                        "state": state,
                        "attempts": attempts,
                        "expires_at": self._at(day, 12, 5),
                        "channel": channel,
                        "pos_config_ref": till.id if channel == "pos" else False,
                        "user_id": cashier.id,
                    }
                    for n, (state, attempts) in enumerate(outcomes)
                ]
            )
            records.flush_recordset()
            self.env.cr.execute(
                "UPDATE loyalty_club_code SET create_date = %s WHERE id IN %s",
                [self._at(day, 12), tuple(records.ids)],
            )
            return records

        # near misses: a typo then the right code, a code locked once, codes
        # that expired untyped (the SMS came late), a new code after a typo
        codes(self.cashiers[1], [("used", 0)] * 4 + [("used", 1), ("locked", 3)])
        codes(self.cashiers[2], [("locked", 3), ("expired", 1), ("used", 0)])
        codes(self.cashiers[3], [("expired", 0)] * 5 + [("void", 1), ("used", 0)])
        # the offender: five codes locked, one replaced after two wrong codes,
        # two used; a code of the member's app and one before the period do
        # not count
        codes(self.bad, [("used", 0), ("used", 1), ("void", 2)] + [("locked", 3)] * 5)
        codes(self.bad, [("locked", 3)] * 3, channel="api")
        codes(self.bad, [("locked", 3)] * 3, day=-1)
        _case, evidence = self._assert_only_bad("failed_codes")
        self.assertEqual(
            {k: v for k, v in evidence.items() if k != "example"},
            {
                "failed_codes": 6,
                "codes_asked": 8,
                "locked_codes": 5,
                "wrong_attempts": 18,
                "share": "0.7500",
            },
        )
        phone = self.members[2].partner_id.club_phone
        self.assertEqual(
            evidence["example"], f"{self._at(2, 12):%Y-%m-%d %H:%M} {phone}"
        )
