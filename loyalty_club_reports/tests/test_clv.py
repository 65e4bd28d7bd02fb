from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tests import tagged

from .analytics_common import ClubAnalyticsCase


@tagged("post_install", "-at_install")
class TestMemberValue(ClubAnalyticsCase):
    """A member's value: the margin of what they bought where the cost is
    known, else the sales, less the bonuses spent, over the horizon."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        categ = cls.env["product.category"].create({"name": "Value goods"})
        cls.coat = cls.create_product("Value coat", categ, 80.0, standard_price=50.0)
        cls.anna = cls._member("Anna Value")
        cls.bob = cls._member("Bob Value")

    def _confirm(self, amount, key, day, wallet):
        return self.club_service.confirm(
            {
                "program_id": self.club_program.id,
                "store_id": self.club_store.id,
                "channel": "api",
                "wallet_id": wallet.id,
                "lines": [{"key": 0, "amount": amount}],
                "date": fields.Datetime.to_string(datetime.combine(day, time(12))),
            },
            key,
        )

    def test_value_of_a_member_and_of_rfm_cells(self):
        self.open_new_session()
        order = self._sale([self.coat], wallet=self.anna)
        self._confirm(100.0, "clv-1", self.today - timedelta(days=20), self.anna)
        # older than the 12 months' horizon: not in the member's value
        self._confirm(700.0, "clv-2", self.today - timedelta(days=400), self.anna)
        self._confirm(50.0, "clv-3", self.today - timedelta(days=20), self.bob)
        self.env.flush_all()
        line = order.lines
        margin_known = line.is_total_cost_computed and line.total_cost
        coat_value = (
            line.price_subtotal - line.total_cost
            if margin_known
            else line.price_subtotal_incl
        )
        anna = self.anna.partner_id
        self.assertAlmostEqual(anna.club_value, coat_value + 100.0)
        self.assertAlmostEqual(anna.club_value_sales, order.amount_total + 100.0)
        self.assertEqual(anna.club_value_months, 12)
        self.assertTrue(margin_known, "the coat's cost is known at the till")
        self.assertAlmostEqual(coat_value, 30.0)  # 80.00 sold, 50.00 its cost
        # per cell of the latest RFM run: the value over the cell's members
        self.env["loyalty.club.rfm.run"].sudo().create(
            {"date": fields.Datetime.now(), "window_days": 365}
        ).action_compute()
        Report = self.env["loyalty.club.clv.report"].with_context(
            allowed_company_ids=[self.company.id]
        )
        cells = Report.read_group(
            [("program_id", "=", self.club_program.id)],
            ["value_per_member:avg", "members:count_distinct", "net_value:sum"],
            ["segment"],
            lazy=False,
        )
        for cell in cells:
            self.assertAlmostEqual(
                cell["value_per_member"], cell["net_value"] / cell["members"]
            )
        whole = Report.read_group(
            [("program_id", "=", self.club_program.id)],
            ["value_per_member:avg"],
            [],
        )[0]
        # 30 + 100 + 700 for Anna, 50 for Bob: 440.00 a member
        self.assertAlmostEqual(whole["value_per_member"], (coat_value + 850.0) / 2)
