from datetime import date, datetime, time, timedelta

import pytz

from odoo.tests import TransactionCase, tagged

from odoo.addons.loyalty_club import edge

DONE = ("paid", "done", "invoiced")


@tagged("post_install", "-at_install")
class TestDemoChain(TransactionCase):
    """The demo chain that ``./club run`` shows: every report tells the same
    story as the orders themselves (sums taken here straight from the POS
    tables), the map places it, and the books of the past reconcile."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.demo_company_ua")
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=cls.company.ids)
        )
        cls.tz = pytz.timezone(cls.company.partner_id.tz)
        cls.today = edge.club_today(cls.env["loyalty.club.service"])
        # the last whole month before today, in the chain's time zone
        first_this = cls.today.replace(day=1)
        cls.last = first_this - timedelta(days=1)
        cls.first = cls.last.replace(day=1)

    def _utc(self, day):
        local = self.tz.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _orders(self, first, last, members_only=False):
        """(sales, checks, distinct members) of the chain's POS orders."""
        self.env.cr.execute(
            f"""
            SELECT COALESCE(SUM(l.price_subtotal_incl), 0),
                   COUNT(DISTINCT o.id), COUNT(DISTINCT o.club_wallet_id)
              FROM pos_order o JOIN pos_order_line l ON l.order_id = o.id
             WHERE o.company_id = %s AND o.state IN %s
               AND o.date_order >= %s AND o.date_order < %s
               {"AND o.club_wallet_id IS NOT NULL" if members_only else ""}
            """,  # noqa: S608 - a fixed fragment
            [self.company.id, DONE, self._utc(first), self._utc(last + timedelta(1))],
        )
        amount, checks, members = self.env.cr.fetchone()
        return float(amount), checks, members

    def test_the_chain_is_a_real_one(self):
        company = self.company
        self.assertEqual(company.currency_id, self.env.ref("base.UAH"))
        self.assertEqual(company.chart_template, "ua_psbo")
        self.assertEqual(self.env.ref("base.user_admin").company_id, company)
        stores = self.env["loyalty.club.store"].search(
            [("company_id", "=", company.id)]
        )
        self.assertGreaterEqual(
            set(stores.mapped("city")), {"Київ", "Львів", "Одеса", "Харків"}
        )
        wallets = self.env["loyalty.club.wallet"].search(
            [("company_id", "=", company.id), ("kind", "=", "bonus")]
        )
        self.assertGreaterEqual(len(wallets), 500)
        self.assertGreater(
            len(wallets.filtered(lambda w: w.tier_id.name == "Золотий")), 10
        )
        self.assertEqual(set(wallets.partner_id.mapped("lang")), {"uk_UA", "ru_RU"})
        self.env.cr.execute(
            "SELECT MIN(date_order), COUNT(*) FROM pos_order WHERE company_id = %s",
            [company.id],
        )
        oldest, orders = self.env.cr.fetchone()
        self.assertGreaterEqual((self.today - oldest.date()).days, 180)
        self.assertGreater(orders, 1500)
        # the sessions are closed, their entries booked on their days
        sessions = self.env["pos.session"].search(
            [("config_id.company_id", "=", company.id)]
        )
        self.assertEqual(set(sessions.mapped("state")), {"closed"})
        for session in sessions[:20]:
            self.assertEqual(
                session.move_id.date,
                fields_local_day(session.stop_at, self.tz),
                session.name,
            )
        cashier = self.env["res.users"].search([("login", "=", "kroky.k01")])
        self.assertEqual(cashier.lang, "uk_UA")
        member = self.env["res.users"].search([("login", "=", "kroky.member")])
        self.assertTrue(member.has_group("base.group_portal"))
        self.assertTrue(member.partner_id.club_card_code)
        # the shop is the chain's, its goods published and payable
        website = self.env.ref("website.default_website")
        self.assertEqual(website.company_id, company)
        self.assertEqual(website.default_lang_id.code, "uk_UA")
        self.assertGreater(
            self.env["product.template"].search_count(
                [("company_id", "=", company.id), ("is_published", "=", True)]
            ),
            10,
        )
        provider = self.env.ref("payment.payment_provider_demo")
        self.assertEqual((provider.company_id, provider.state), (company, "test"))
        # the web order waiting at a till holds part of the member's bonuses
        order = self.env["sale.order"].search([("client_order_ref", "=", "WEB-10021")])
        self.assertEqual(order.partner_id, member.partner_id)
        self.assertEqual((order.website_id, order.state), (website, "sale"))
        hold = order.club_hold_id
        self.assertEqual(hold.state, "held")
        self.assertEqual(hold.order_ref, order.name)
        self.assertGreater(hold.wallet_id.balance_held, 0)
        self.assertEqual(order.club_bonus_applied, hold.wallet_id.balance_held)
        running = self.env["loyalty.club.promotion"].search(
            [
                ("company_id", "=", company.id),
                ("requires_coupon", "=", False),
                ("date_from", "<=", self.today),
                ("date_to", ">=", self.today),
            ]
        )
        self.assertTrue(running, "a promotion the till offers without a coupon")

    def test_reports_agree_with_the_orders(self):
        first, last = self.first, self.last
        sales, checks, buyers = self._orders(first, last)
        member_sales, member_checks, _m = self._orders(first, last, members_only=True)
        self.assertGreater(sales, member_sales)
        self.assertGreater(member_sales, 0)
        domain = [("company_id", "=", self.company.id)]
        # the sales analysis
        report = self.env["loyalty.club.sales.report"]._read_group(
            domain
            + [
                ("date", ">=", self._utc(first)),
                ("date", "<", self._utc(last + timedelta(1))),
            ],
            ["is_member"],
            ["amount:sum"],
        )
        by_member = dict(report)
        self.assertAlmostEqual(sum(by_member.values()), sales, places=2)
        self.assertAlmostEqual(by_member.get(True, 0.0), member_sales, places=2)
        # the dashboard's data: the sales per day
        daily = self.env["loyalty.club.sales.daily"]._read_group(
            domain + [("day", ">=", first), ("day", "<=", last)],
            ["is_member"],
            ["amount:sum", "checks:sum"],
        )
        self.assertAlmostEqual(sum(a for _k, a, _c in daily), sales, places=2)
        self.assertEqual(sum(c for _k, _a, c in daily), checks)
        self.assertAlmostEqual(
            sum(a for k, a, _c in daily if k), member_sales, places=2
        )
        # the summary
        figures = self.env["loyalty.club.summary"]._figures(
            first, last, company_ids=self.company.ids
        )
        self.assertAlmostEqual(figures["purchase_amount"], sales, places=2)
        self.assertEqual(figures["active_members"], buyers)
        self.assertAlmostEqual(
            figures["member_sales_share"], member_sales / sales, places=4
        )

    def test_rfm_and_map_agree_with_the_orders(self):
        run = self.env["loyalty.club.rfm.run"].search([], limit=1)
        lines = run.line_ids.filtered(lambda r: r.company_id == self.company)
        start = (run.date - timedelta(days=run.window_days)).date()
        self.env.cr.execute(
            """
            SELECT COALESCE(SUM(amount_total), 0), COUNT(DISTINCT club_wallet_id)
              FROM pos_order
             WHERE company_id = %s AND club_wallet_id IS NOT NULL
               AND state IN %s AND date_order >= %s AND date_order < %s
            """,
            [
                self.company.id,
                DONE,
                run.date - timedelta(days=run.window_days),
                run.date,
            ],
        )
        amount, members = self.env.cr.fetchone()
        self.assertGreater(members, 300, start)
        self.assertEqual(len(lines), members)
        self.assertAlmostEqual(sum(lines.mapped("monetary")), float(amount), places=2)
        # the map: every store, and 95% of the members, land on it
        data = self.env["loyalty.club.geo.report"].get_map_data()
        stores = [s for s in data["stores"] if s["country_code"] == "UA"]
        self.assertEqual(len(stores), 4)
        self.assertTrue(all(s["lat"] is not None for s in stores), stores)
        members_total = self.env["loyalty.club.wallet"].search_count(
            [("company_id", "=", self.company.id), ("kind", "=", "bonus")]
        )
        placed = sum(c["members"] for c in data["cities"] if c["country_code"] == "UA")
        self.assertGreaterEqual(placed, 0.95 * members_total)
        kyiv = [c for c in data["cities"] if c["city"] == "Київ"]
        self.assertTrue(kyiv and 50.3 < kyiv[0]["lat"] < 50.6, kyiv)

    def test_the_books_of_the_past_reconcile(self):
        yesterday = self.today - timedelta(days=1)
        rows = self.env["loyalty.club.accounting"]._reconciliation(
            self.company, yesterday
        )
        self.assertTrue(rows)
        for row in rows:
            self.assertEqual(row["difference"], 0, row)
            self.assertEqual(row["unposted"], 0, row)
        liability = sum(row["gl"] for row in rows if row["wallet_kind"] == "bonus")
        self.assertGreater(liability, 0)


def fields_local_day(moment, tz):
    return pytz.utc.localize(moment).astimezone(tz).date() if moment else date.min
