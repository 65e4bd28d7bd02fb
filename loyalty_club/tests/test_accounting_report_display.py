"""The reconciliation tells today's movements (posted tonight) from a difference."""

from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.tests import tagged

from .test_accounting_common import ClubAccountingCase, cents


@tagged("post_install", "-at_install")
class TestReconciliationDisplay(ClubAccountingCase):
    def setUp(self):
        super().setUp()
        self.today = self.job._yesterday(self.company) + timedelta(days=1)
        self.wallet = self.env["loyalty.club.wallet"].browse(
            self.service.register_member(
                {"name": "Night", "phone": "+79000001301"},
                program_id=self.program.id,
                welcome=False,
            )["wallet_id"]
        )

    def confirm(self, amount, key, days_ago=0):
        payload = {
            "program_id": self.program.id,
            "store_id": self.store1.id,
            "channel": "api",
            "lines": [{"key": 1, "amount": amount}],
            "wallet_id": self.wallet.id,
        }
        if days_ago:
            payload["date"] = fields.Datetime.to_string(
                fields.Datetime.now() - timedelta(days=days_ago)
            )
        return self.service.confirm(payload, key)

    def line(self):
        report = self.env["loyalty.club.liability.report"].create(
            {"company_id": self.company.id, "date_to": self.today}
        )
        lines = report._compute_reconciliation()
        return lines.filtered(
            lambda r: r.wallet_kind == "bonus" and r.store_id == self.store1
        )

    def test_today_is_not_a_difference(self):
        self.confirm("1000.00", "night-old", days_ago=3)
        self.job._post(self.company, self.today - timedelta(days=1))
        self.assertFalse(self.line().difference_minor, "all posted")
        self.confirm("500.00", "night-today")
        line = self.line()
        self.assertEqual(cents(line.today_amount), cents(50.0), "10 % of today's 500")
        self.assertEqual(line.difference_amount, line.today_amount)
        self.assertEqual((line.unexplained_amount, line.unexplained_minor), (0.0, 0))
        # a line of an earlier day left unposted is a difference to explain
        self.confirm("200.00", "night-late", days_ago=2)
        line = self.line()
        self.assertEqual(cents(line.today_amount), cents(50.0))
        self.assertEqual(cents(line.unexplained_amount), cents(20.0))
        self.assertEqual(line.unexplained_minor, cents(20.0))
        # the day after, the nightly job has posted both
        self.job._post(self.company, self.today)
        line = self.line()
        self.assertEqual((line.today_amount, line.unexplained_amount), (0.0, 0.0))

    def test_only_the_unexplained_difference_is_red(self):
        arch = self.env["loyalty.club.reconciliation.line"].get_views(
            [(False, "list")]
        )["views"]["list"]["arch"]
        root = etree.fromstring(arch)
        self.assertFalse(root.get("decoration-danger"), "not the whole row")
        red = root.xpath("//field[@decoration-danger]/@name")
        self.assertEqual(red, ["unexplained_amount"])
        fields_info = self.env["loyalty.club.reconciliation.line"].fields_get(
            ["today_amount", "unexplained_amount"]
        )
        self.assertEqual(fields_info["today_amount"]["string"], "Today, posted tonight")
