import threading
from datetime import datetime, time, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.loyalty_club import edge

from .analytics_common import ClubAnalyticsCase


@tagged("post_install", "-at_install")
class TestWhatif(ClubAnalyticsCase):
    """The what-if replays a past period's checks under other rules, on the
    engine that confirmed them, and writes nothing to the ledger."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_store = (
            cls.env["loyalty.club.store"]
            .sudo()
            .create({"name": "What-if B", "code": "WIB", "company_id": cls.company.id})
        )
        cls.gold = (
            cls.env["loyalty.club.tier"]
            .sudo()
            .create(
                {
                    "name": "What-if Gold",
                    "program_id": cls.club_program.id,
                    "threshold": 1000.0,
                    "earn_percent": 15.0,
                }
            )
        )
        cls.vera = cls._member("Vera Whatif")
        cls.start = cls.today - timedelta(days=60)
        # 100.00 earns 10.00, 250.00 earns 25.00 (both available two weeks
        # later), then 100.00 paid 5.00 with bonuses earns 9.50
        cls._check(cls, 100.0, "wi-1", 1)
        cls._check(cls, 250.0, "wi-2", 5, store=cls.other_store)
        cls._check(cls, 100.0, "wi-3", 25, burn=5.0)
        cls.end = cls.start + timedelta(days=40)

    def _check(self, amount, key, day, store=None, burn=0.0):
        order = {
            "program_id": self.club_program.id,
            "store_id": (store or self.club_store).id,
            "channel": "api",
            "wallet_id": self.vera.id,
            "lines": [{"key": 0, "amount": amount}],
            "date": fields.Datetime.to_string(
                datetime.combine(self.start + timedelta(days=day), time(12))
            ),
        }
        if burn:
            order["burn"] = burn
        return self.club_service.confirm(order, key)

    def _whatif(self, **vals):
        return self.env["loyalty.club.whatif"].create(
            {
                "program_id": self.club_program.id,
                "date_from": self.start,
                "date_to": self.end,
                **vals,
            }
        )

    def _recorded(self):
        """The period's sales as the checks recorded them."""
        checks = self.env["loyalty.club.transaction"].search(
            [
                ("program_id", "=", self.club_program.id),
                ("kind", "=", "sale"),
                ("wallet_id", "=", self.vera.id),
            ]
        )
        return round(sum(checks.mapped("earned")), 2), round(
            sum(checks.mapped("spent")), 2
        )

    def _total(self, wizard):
        return wizard.line_ids.filtered(lambda line: line.scope == "total")

    def test_unchanged_rules_give_what_happened(self):
        earned, spent = self._recorded()
        self.assertEqual((earned, spent), (44.5, 5.0))
        wizard = self._whatif()
        self.assertEqual(wizard.earn_percent, 10.0)
        self.assertEqual(len(wizard.tier_ids), 1)
        wizard.action_run()
        total = self._total(wizard)
        self.assertEqual(wizard.checks, 3)
        self.assertEqual(wizard.members, 1)
        self.assertAlmostEqual(total.actual_earned, earned)
        self.assertAlmostEqual(total.whatif_earned, earned)
        self.assertAlmostEqual(total.actual_spent, spent)
        self.assertAlmostEqual(total.whatif_spent, spent)
        self.assertAlmostEqual(total.whatif_liability, total.actual_liability)
        self.assertAlmostEqual(wizard.replay_earned_current, earned)
        self.assertEqual(wizard.members_tier_changed, 0)
        stores = {
            line.store_id: (line.actual_earned, line.whatif_earned)
            for line in wizard.line_ids
            if line.scope == "store"
        }
        self.assertEqual(stores[self.other_store], (25.0, 25.0))
        self.assertEqual(stores[self.club_store], (19.5, 19.5))

    def test_half_the_earn_rate_halves_the_earn_and_writes_nothing(self):
        ledger = self.env["loyalty.club.ledger"].sudo()
        lines_before = ledger.search_count([])
        wizard = self._whatif(earn_percent=5.0)
        wizard.action_run()
        total = self._total(wizard)
        self.assertAlmostEqual(total.whatif_earned, total.actual_earned / 2)
        self.assertAlmostEqual(total.whatif_earned, 22.25)
        # the spend of 5.00 is still covered by what was earned before it
        self.assertAlmostEqual(total.whatif_spent, total.actual_spent)
        self.assertLess(total.whatif_liability, total.actual_liability)
        self.assertEqual(ledger.search_count([]), lines_before)

    def test_in_the_background_a_job_replays_it_and_tells_the_user(self):
        wizard = self._whatif(earn_percent=5.0)
        wizard.action_run_background()
        self.assertEqual(wizard.state, "queued")
        cron = self.env.ref("loyalty_club_reports.ir_cron_loyalty_club_whatif")
        self.assertTrue(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        )
        self.assertFalse(wizard.line_ids, "nothing replayed in the request")
        late = self._whatif()
        late.write(
            {
                "date_from": self.start - timedelta(days=400),
                "date_to": self.start - timedelta(days=300),
            }
        )
        late.action_run_background()
        Bus = self.env["bus.bus"].sudo()
        notices = [("message", "like", "simple_notification")]
        self.env.cr.precommit.run()
        before = Bus.search(notices)
        self.env["loyalty.club.whatif"]._cron_run_queued()
        self.assertEqual(wizard.state, "done")
        self.assertAlmostEqual(self._total(wizard).whatif_earned, 22.25)
        # a period without checks: back to the rules, with the reason
        self.assertEqual(late.state, "draft")
        self.assertIn("No member bought anything", late.run_error)
        self.assertFalse(late.line_ids)
        # the user was told of each, once (bus messages are written at commit)
        self.env.cr.precommit.run()
        told = (Bus.search(notices) - before).mapped("message")
        self.assertEqual(len(told), 2)
        self.assertIn("is ready", told[0] + told[1])
        self.assertIn("did not run", told[0] + told[1])

    def test_lower_threshold_moves_the_member_up(self):
        wizard = self._whatif()
        wizard.tier_ids.threshold = 300.0
        wizard.action_run()
        total = self._total(wizard)
        # 350.00 paid after two checks reaches Gold: the third earns 15 %
        self.assertAlmostEqual(total.whatif_earned, 10.0 + 25.0 + 14.25)
        self.assertEqual(wizard.members_tier_changed, 1)
        gold = wizard.line_ids.filtered(lambda line: line.tier_id == self.gold)
        self.assertEqual((gold.actual_members, gold.whatif_members), (0, 1))

    def test_worker_processes_replay_as_one_process_does(self):
        """At scale the batches are replayed in worker processes while the
        next are read: the results are the same, to the cent."""

        def run(processes):
            wizard = self._whatif(earn_percent=5.0, burn_cap_percent=2.0)
            wizard.tier_ids.threshold = 300.0
            with patch.object(
                type(wizard), "_replay_processes", lambda self: processes
            ):
                wizard.action_run()
            return wizard.members_tier_changed, [
                (
                    line.scope,
                    line.store_id,
                    line.tier_id,
                    line.whatif_earned,
                    line.whatif_spent,
                    line.whatif_liability,
                    line.whatif_members,
                )
                for line in wizard.line_ids.sorted(
                    lambda line: (line.scope, line.store_id.id, line.tier_id.id)
                )
            ]

        one = run(1)
        self.assertEqual(one[0], 1)
        self.assertEqual(run(2), one)

    def test_reading_ahead_hands_over_rows_and_errors_in_order(self):
        """The thread reading the next batches: in order, an error raised in
        the caller, stopped when the caller stops."""
        Whatif = type(self.env["loyalty.club.whatif"])

        def fetch(item):
            if item == 3:
                raise ValueError("broken batch")
            return item * 10

        ahead = Whatif._ahead(fetch, [1, 2, 3, 4])
        self.assertEqual(next(ahead), (1, 10))
        self.assertEqual(next(ahead), (2, 20))
        with self.assertRaises(ValueError):
            next(ahead)
        self.assertEqual(list(Whatif._ahead(fetch, [5, 6])), [(5, 50), (6, 60)])
        stopped = Whatif._ahead(fetch, range(5, 1000))
        self.assertEqual(next(stopped), (5, 50))
        stopped.close()
        self.assertFalse([t for t in threading.enumerate() if t.name == "whatif-read"])

    def test_rules_that_make_no_sense(self):
        for vals in (
            {"burn_cap_percent": 120.0},
            {"earn_percent": -1.0},
            {"expiry_days": -30},
        ):
            with self.assertRaises(ValidationError):
                self._whatif(**vals).action_run()

    def test_a_period_without_checks_and_a_program_without_history(self):
        wizard = self._whatif()
        wizard.write(
            {
                "date_from": self.start - timedelta(days=400),
                "date_to": self.start - timedelta(days=300),
            }
        )
        with self.assertRaisesRegex(UserError, "No member bought anything"):
            wizard.action_run()
        empty = (
            self.env["loyalty.club.program"]
            .sudo()
            .create(
                {
                    "name": "What-if empty club",
                    "company_id": self.company.id,
                    "currency_id": self.company.currency_id.id,
                }
            )
        )
        with self.assertRaisesRegex(UserError, "has no checks yet"):
            self._whatif(program_id=empty.id).action_run()

    def test_a_till_check_replays_line_by_line(self):
        """Three lines of 33.33, 33.33 and 33.34 earn 3.33 each at the till
        (9.99, where 10 % of the check would be 10.00): the replay reads the
        order's lines and gives the same."""
        categ = self.env["product.category"].create({"name": "What-if goods"})
        products = [
            self.create_product(f"What-if item {n}", categ, price)
            for n, price in enumerate((33.33, 33.33, 33.34))
        ]
        self.open_new_session()
        order = self._sale(products, wallet=self.vera)
        self.assertAlmostEqual(order.club_transaction_id.earned, 9.99)
        wizard = self._whatif()
        wizard.date_to = edge.club_today(wizard)  # the club's day, as the check's
        wizard.action_run()
        total = self._total(wizard)
        self.assertAlmostEqual(total.actual_earned, 44.5 + 9.99)
        self.assertAlmostEqual(wizard.replay_earned_current, 44.5 + 9.99)
        self.assertAlmostEqual(total.whatif_earned, total.actual_earned)

    def test_promotion_bonuses_are_spendable_in_the_replay(self):
        """A promotion's bonus is booked on the check beside its earn: the
        replay keeps it (as it happened), so what was spent of it later is
        spent again."""
        pia = self._member("Pia Whatif")
        self.env["loyalty.club.promotion"].sudo().create(
            {
                "name": "What-if gift",
                "program_id": self.club_program.id,
                "effect": "gift_bonus",
                "value": 50,
                "date_from": self.start + timedelta(days=2),
                "date_to": self.start + timedelta(days=2),
            }
        )
        self.vera, vera = pia, self.vera
        try:
            self._check(100.0, "wi-pia-1", 2)  # earns 10.00 and a 50.00 gift
            # 200.00 may be paid 60.00 with bonuses: only with the gift
            self._check(200.0, "wi-pia-2", 30, burn=60.0)
        finally:
            self.vera = vera
        spent = self.env["loyalty.club.transaction"].search(
            [("wallet_id", "=", pia.id), ("kind", "=", "sale")]
        )
        self.assertAlmostEqual(sum(spent.mapped("spent")), 60.0)
        wizard = self._whatif()
        wizard.action_run()
        total = self._total(wizard)
        self.assertAlmostEqual(total.actual_spent, 5.0 + 60.0)
        self.assertAlmostEqual(total.whatif_spent, total.actual_spent)
        self.assertAlmostEqual(total.whatif_liability, total.actual_liability)

    def test_a_promotion_switched_off_removes_exactly_its_effect(self):
        """Ola's 200.00 got 10 % off (20.00) and a x2 bonus on what it earned:
        switched off in the what-if's copy, the discount goes back (sales
        200.00, earn 20.00 instead of 18.00, the bonus kept as booked) or the
        bonus goes (18.00 less);
        the program's promotions and the ledger stay as they were."""
        Promotion = self.env["loyalty.club.promotion"].sudo()
        discount = Promotion.create(
            {
                "name": "What-if ten off",
                "program_id": self.club_program.id,
                "effect": "discount_percent",
                "value": 10,
            }
        )
        double = Promotion.create(
            {
                "name": "What-if double",
                "program_id": self.club_program.id,
                "effect": "bonus_multiplier",
                "value": 2,
            }
        )
        ola = self._member("Ola Whatif")
        self.vera, vera = ola, self.vera
        try:
            self._check(200.0, "wi-ola-1", 10)
        finally:
            self.vera = vera
        check = self.env["loyalty.club.transaction"].search(
            [("wallet_id", "=", ola.id), ("kind", "=", "sale")]
        )
        # as booked: 180.00 paid, 18.00 earned and 18.00 more by the bonus
        self.assertAlmostEqual(check.amount, 180.0)
        self.assertAlmostEqual(check.earned, 36.0)
        ledger_lines = self.env["loyalty.club.ledger"].search_count([])

        def run(switch_off=None):
            wizard = self._whatif()
            copies = {c.promotion_id: c for c in wizard.promotion_ids}
            self.assertIn(discount, copies)
            self.assertIn(double, copies)
            if switch_off:
                copies[switch_off].applies = False
            wizard.action_run()
            return self._total(wizard)

        same = run()
        self.assertAlmostEqual(same.whatif_sales, same.sales)
        self.assertAlmostEqual(same.whatif_earned, same.actual_earned)
        self.assertAlmostEqual(same.whatif_discount, 20.0)
        self.assertAlmostEqual(same.whatif_cost, same.actual_cost)

        no_discount = run(switch_off=discount)
        self.assertAlmostEqual(no_discount.whatif_sales, same.sales + 20.0)
        self.assertAlmostEqual(no_discount.whatif_discount, 0.0)
        # 200.00 earns 20.00 instead of 18.00; the bonus, unchanged, as booked
        self.assertAlmostEqual(no_discount.whatif_earned, same.actual_earned + 2.0)
        self.assertAlmostEqual(no_discount.whatif_cost, same.actual_cost - 20.0)

        no_bonus = run(switch_off=double)
        self.assertAlmostEqual(no_bonus.whatif_earned, same.actual_earned - 18.0)
        self.assertAlmostEqual(no_bonus.whatif_sales, same.sales)
        self.assertAlmostEqual(no_bonus.whatif_discount, 20.0)

        # nothing live changed
        self.assertTrue(discount.active and double.active)
        self.assertEqual(discount.value, 10)
        self.assertEqual(self.env["loyalty.club.ledger"].search_count([]), ledger_lines)

    def test_a_promotion_that_makes_no_sense_is_refused(self):
        self.env["loyalty.club.promotion"].sudo().create(
            {
                "name": "What-if half off",
                "program_id": self.club_program.id,
                "effect": "discount_percent",
                "value": 50,
            }
        )
        wizard = self._whatif()
        copy = wizard.promotion_ids.filtered(lambda c: c.name == "What-if half off")
        copy.value = 120
        with self.assertRaisesRegex(ValidationError, "What-if half off"):
            wizard.action_run()
        copy.value = 20
        wizard.promotion_ids.create(
            {
                "whatif_id": wizard.id,
                "name": "What-if new multiplier",
                "effect": "bonus_multiplier",
                "value": 0.5,
            }
        )
        with self.assertRaisesRegex(ValidationError, "What-if new multiplier"):
            wizard.action_run()
        self.assertEqual(wizard.state, "draft")
