from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .analytics_common import ClubAnalyticsCase


@tagged("post_install", "-at_install")
class TestSalesDaily(ClubAnalyticsCase):
    """Sales by day: stored closed days plus the open day read live give the
    figures of the sales analysis, month by month and store by store."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_store = (
            cls.env["loyalty.club.store"]
            .sudo()
            .create(
                {"name": "Daily store B", "code": "DSB", "company_id": cls.company.id}
            )
        )
        cls.anna = cls._member("Anna Daily")
        cls.old_day = cls.today - timedelta(days=40)
        cls.recent_day = cls.today - timedelta(days=3)
        cls.Day = cls.env["loyalty.club.sales.day"]
        categ = cls.env["product.category"].create({"name": "Daily goods"})
        cls.bread = cls.create_product("Daily bread", categ, 12.0)
        cls.milk = cls.create_product("Daily milk", categ, 30.0)

    def setUp(self):
        super().setUp()
        self.expected = {}

    def _book(self, day, store, kind, amount):
        key = (day.year, day.month, store.id, kind)
        total, checks = self.expected.get(key, (0.0, 0))
        self.expected[key] = (total + amount, checks + 1)

    def _old_checks(self):
        self.open_new_session()
        self._api(100.0, "daily-1", wallet=self.anna, day=self.old_day)
        self._book(self.old_day, self.club_store, "sale", 100.0)
        self._api(250.0, "daily-2", day=self.old_day, store=self.other_store)
        self._book(self.old_day, self.other_store, "sale", 250.0)
        self._api(70.0, "daily-3", day=self.recent_day)
        self._book(self.recent_day, self.club_store, "sale", 70.0)
        order = self._sale([self.bread, self.milk], wallet=self.anna)
        order.date_order = fields.Datetime.now() - timedelta(days=3)
        self._book(
            self.recent_day, self.config.club_store_id, "sale", order.amount_total
        )

    def _grouped(self, model, date_field, measures):
        rows = (
            self.env[model]
            .with_context(tz="UTC", allowed_company_ids=[self.company.id])
            ._read_group(
                [("company_id", "=", self.company.id)],
                [f"{date_field}:month", "store_id", "kind"],
                measures,
            )
        )
        return {
            (month.year, month.month, store.id, kind): (round(amount, 2), checks)
            for month, store, kind, amount, checks in rows
        }

    def _assert_figures(self, msg):
        self.env.flush_all()
        expected = {k: (round(a, 2), c) for k, (a, c) in self.expected.items()}
        daily = self._grouped(
            "loyalty.club.sales.daily", "day", ["amount:sum", "checks:sum"]
        )
        report = self._grouped(
            "loyalty.club.sales.report",
            "date",
            ["amount:sum", "check_id:count_distinct"],
        )
        self.assertEqual(report, expected, f"{msg}: the sales analysis")
        self.assertEqual(daily, expected, f"{msg}: sales by day")

    def _stored(self):
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT day, company_id, store_id, program_id, is_member, tier_id,
                      kind, amount, checks, lines, qty, earned, spent, discount
               FROM loyalty_club_sales_day ORDER BY 1, 2, 3, 4, 5, 6, 7"""
        )
        return self.env.cr.fetchall()

    def test_closed_days_stored_open_day_live(self):
        self._old_checks()
        self.Day._refresh(full=True)
        self._assert_figures("after a full refresh")
        stored = self._stored()
        self.assertTrue(stored)
        self.assertTrue(all(row[0] < self.today for row in stored), "today is live")
        self.assertIn(self.old_day, [row[0] for row in stored])

        # today: a sale at the till and the refund of an old check, no refresh
        order = self._sale([self.milk], wallet=self.anna)
        self._book(self.today, self.config.club_store_id, "sale", order.amount_total)
        self.club_service.reverse(
            {"original_key": "daily-1", "amount": "40.00"}, "daily-1-back"
        )
        self._book(self.today, self.club_store, "refund", -40.0)
        self._assert_figures("today read live")
        self.assertEqual(self._stored(), stored, "a refund today leaves closed days")

        # refreshed twice: the same rows, and those of a full rebuild
        self.Day._refresh()
        once = self._stored()
        self.Day._refresh()
        self.assertEqual(self._stored(), once, "refresh twice, same rows")
        self._assert_figures("after two refreshes")
        self.Day._refresh(full=True)
        self.assertEqual(self._stored(), once, "incremental = full rebuild")

    def test_late_check_of_a_closed_day(self):
        """A check sent today with last week's date lands on its day."""
        self._old_checks()
        self.Day._refresh(full=True)
        self._api(30.0, "daily-late", day=self.recent_day)
        self._book(self.recent_day, self.club_store, "sale", 30.0)
        self.Day._refresh()
        self._assert_figures("a late check after a refresh")

    def test_access_like_the_sales_analysis(self):
        self._old_checks()
        self.Day._refresh(full=True)
        accountant = new_test_user(
            self.env,
            "daily_accountant",
            groups="base.group_user,loyalty_club.group_club_accountant",
            company_id=self.company.id,
        )
        cashier = new_test_user(
            self.env,
            "daily_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
            company_id=self.company.id,
        )
        for model in ("loyalty.club.sales.daily", "loyalty.club.sales.day"):
            rows = self.env[model].with_user(accountant).search_count([])
            self.assertTrue(rows, model)
            with self.assertRaises(AccessError):
                self.env[model].with_user(cashier).search_count([])

    def test_rebuild_button_and_cron(self):
        self._old_checks()
        user = new_test_user(
            self.env,
            "daily_user",
            groups="base.group_user,loyalty_club.group_club_user",
            company_id=self.company.id,
        )
        manager = new_test_user(
            self.env,
            "daily_manager",
            groups="base.group_user,loyalty_club.group_club_manager",
            company_id=self.company.id,
        )
        with self.assertRaises(UserError):
            self.Day.with_user(user).action_rebuild()
        action = self.Day.with_user(manager).action_rebuild()
        self.assertEqual(action["params"]["type"], "success")
        self._assert_figures("after the manager's rebuild")
        self.env.ref(
            "loyalty_club_reports.ir_cron_loyalty_club_sales_daily"
        ).method_direct_trigger()
        self._assert_figures("after the cron")
