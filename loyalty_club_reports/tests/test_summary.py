import base64
import io
from datetime import timedelta

import openpyxl

from odoo import fields
from odoo.tests import tagged

from odoo.addons.loyalty_club_pos.tests.common import CARD_CODES, ClubPosFixtureMixin
from odoo.addons.point_of_sale.tests.common import TestPoSCommon


@tagged("post_install", "-at_install")
class TestClubSummary(ClubPosFixtureMixin, TestPoSCommon):
    """POS orders (members and not) and API checks, counted by hand and by SQL."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls.env.user.groups_id += cls.env.ref("loyalty_club.group_club_user")
        cls._club_setup(cls.config)
        cls.jacket = cls.create_product("Report jacket", cls.categ_basic, 100.0)
        cls.socks = cls.create_product("Report socks", cls.categ_basic, 20.0)
        cls.anna = cls._club_member("Anna", "+79161234567", card=CARD_CODES[0])
        cls.boris = cls._club_member("Boris", "+79161234568", card=CARD_CODES[1])
        cls.carl = cls.env["res.partner"].create({"name": "Carl, not a member"})

    def _sale(self, lines, wallet=None, customer=False):
        data = self.create_ui_order_data(
            [{"product": p, "quantity": q} for p, q in lines],
            customer=customer,
            payments=[(self.cash_pm1, sum(p.lst_price * q for p, q in lines))],
        )
        data["club_wallet_id"] = wallet.id if wallet else False
        data["club_identifier"] = CARD_CODES[0] if wallet == self.anna else False
        result = self.env["pos.order"].sync_from_ui([data])["pos.order"]
        return self.env["pos.order"].browse(result[0]["id"])

    def _api(self, amount, key, wallet=None, lines=1, date=None):
        extra = {"date": fields.Datetime.to_string(date)} if date else {}
        return self.club_service.confirm(
            {
                **extra,
                "program_id": self.club_program.id,
                "store_id": self.club_store.id,
                "channel": "api",
                "wallet_id": wallet.id if wallet else False,
                "lines": [{"key": n, "amount": amount / lines} for n in range(lines)],
            },
            key,
        )

    def _checks(self):
        self.open_new_session()
        self._sale([(self.jacket, 1), (self.socks, 2)], wallet=self.anna)  # 140
        self._sale([(self.jacket, 1)], wallet=self.anna)  # 100
        self._sale([(self.jacket, 2)])  # 200, anonymous
        self._sale([(self.socks, 1)], customer=self.carl)  # 20, known customer
        self._api(300.0, "rep-api-boris", wallet=self.boris)
        self._api(500.0, "rep-api-guest", lines=2)
        self.club_service.reverse(
            {"original_key": "rep-api-boris", "amount": "100.00"}, "rep-api-back"
        )

    def _figures(self):
        today = fields.Date.context_today(self.env["loyalty.club.summary"])
        return self.env["loyalty.club.summary"]._figures(
            today, today, [self.company.id]
        )

    def test_summary_equals_the_checks(self):
        self._checks()
        figures = self._figures()
        sales = 140 + 100 + 200 + 20 + 300 + 500
        member_sales = 140 + 100 + 300
        cards = self.env["loyalty.club.card"].sudo()
        expected = {
            "purchases": 6,
            "purchase_amount": sales - 100.0,
            "average_check": sales / 6,
            "items_per_check": (3 + 1 + 2 + 1 + 1 + 2) / 6,
            "members_total": 2,
            "cards_total": cards.search_count(
                [("program_id", "=", self.club_program.id)]
            ),
            "cards_issued": 4,
            "cards_registered": cards.search_count(
                [
                    ("program_id", "=", self.club_program.id),
                    ("activated_on", "=", fields.Date.context_today(cards)),
                ]
            ),
            "member_sales_share": member_sales / sales,
            "member_average_check": member_sales / 3,
            "non_member_average_check": (200 + 20 + 500) / 3,
            "member_frequency": 3 / 2,
            "non_member_frequency": 1.0,
            "earned": member_sales * 0.10,
            "spent": 0.0,
            "expired": 0.0,
            "earned_share": member_sales * 0.10 / (sales - 100.0),
            "active_members": 2,
        }
        for key, value in expected.items():
            self.assertAlmostEqual(figures[key], value, places=6, msg=key)

    def test_analysis_by_line_and_check(self):
        self._checks()
        Report = self.env["loyalty.club.sales.report"]
        domain = [("company_id", "=", self.company.id), ("kind", "=", "sale")]
        groups = {
            member: (checks, amount, earned)
            for member, checks, amount, earned in Report._read_group(
                domain,
                ["is_member"],
                ["check_id:count_distinct", "amount:sum", "earned:sum"],
            )
        }
        self.assertEqual(groups[True][:2], (3, 540.0))
        self.assertAlmostEqual(groups[True][2], 54.0)
        self.assertEqual(groups[False], (3, 720.0, 0.0))
        socks = Report._read_group(
            domain + [("product_id", "=", self.socks.id)], [], ["qty:sum"]
        )
        self.assertEqual(socks, [(3.0,)])
        anna = Report.search(domain + [("partner_id", "=", self.anna.partner_id.id)])
        self.assertEqual(anna.card_id.mapped("code"), [CARD_CODES[0]])
        self.assertEqual(anna.store_id, self.club_store)

    def test_previous_period(self):
        today = fields.Date.context_today(self.env["loyalty.club.summary"])
        week_ago = fields.Datetime.now() - timedelta(days=7)
        self._api(80.0, "rep-old-1", wallet=self.anna, date=week_ago)
        self._api(120.0, "rep-old-2", date=week_ago)
        self._api(300.0, "rep-new-1", wallet=self.anna)
        summary = (
            self.env["loyalty.club.summary"]
            .with_context(allowed_company_ids=[self.company.id])
            .create({"date_from": today - timedelta(days=6), "date_to": today})
        )
        self.assertEqual(
            summary._previous_period(),
            (today - timedelta(days=13), today - timedelta(days=7)),
        )
        summary.action_compute()
        lines = {line.key: line for line in summary.line_ids}
        self.assertEqual(
            (lines["purchases"].value, lines["purchases"].previous), (1, 2)
        )
        self.assertEqual(
            (lines["purchase_amount"].value, lines["purchase_amount"].previous),
            (300.0, 200.0),
        )
        self.assertAlmostEqual(lines["purchase_amount"].change, 0.5)
        self.assertAlmostEqual(lines["member_sales_share"].previous, 0.4)

    def test_xlsx_export(self):
        self._checks()
        summary = (
            self.env["loyalty.club.summary"]
            .with_context(allowed_company_ids=[self.company.id])
            .create({})
        )
        action = summary.action_export_xlsx()
        self.assertIn("/xlsx_file/", action["url"])
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(summary.xlsx_file)))
        sheet = book.active
        rows = {
            row[0]: row[1:]
            for row in sheet.iter_rows(min_row=6, values_only=True)
            if row[0]
        }
        self.assertEqual(sheet["A1"].value, "Loyalty club summary")
        self.assertEqual(rows["Number of purchases"], (6, 0, 0))
        self.assertEqual(rows["Purchase amount"][:2], (1160, 0))
        self.assertAlmostEqual(rows["Share of sales by members"][0], 540 / 1260)
        self.assertEqual(sheet.cell(row=5, column=3).value, "Previous period")
        self.assertEqual(len(summary.line_ids), len(rows) - 2, "two section titles")
