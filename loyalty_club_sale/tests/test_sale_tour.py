"""In the browser: a salesperson's order spends bonuses; paid, it is booked."""

from odoo import Command
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import SaleClubCase


@tagged("post_install", "-at_install")
class TestSaleTour(SaleClubCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env,
            login="club_salesperson",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def test_a_salespersons_order_spends_bonuses(self):
        order = self.make_order(qty=1, price=1600.0)
        order.user_id = self.salesperson
        self.assertFalse(self.salesperson.has_group("loyalty_club.group_club_user"))
        self.start_tour(
            f"/odoo/action-sale.action_quotations/{order.id}",
            "loyalty_club_sale_tour",
            login=self.salesperson.login,
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.club_bonus_applied, 800.0)
        self.assertEqual(order.club_hold_id.state, "held")
        self.assertFalse(self.club_checks(order), "earned on payment, not before")
        self.invoice_and_pay(order)
        check = order.club_transaction_id
        ledger = self.env["loyalty.club.ledger"].search(
            [("transaction_id", "=", check.id)]
        )
        self.assertEqual(
            sorted((line.kind, line.amount) for line in ledger),
            [("burn", -800.0), ("earn", 80.0)],
        )
        self.assertEqual(order.club_hold_id.state, "captured")
        self.assertEqual(self.balances(), (280.0, 0.0))
        # the salesperson (no club rights) reads the paid order's club check
        form = Form(order.with_user(self.salesperson))
        self.assertEqual(form.club_check_ref, order.name)
        self.assertEqual((form.club_earned, form.club_spent), (80.0, 800.0))
        self.assertEqual(form.club_balance, 280.0)
