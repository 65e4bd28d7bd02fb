"""A quotation of a member: the club's quote, bonuses applied and held, the
cap, removal and cancellation."""

import re

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SaleClubCase


@tagged("post_install", "-at_install")
class TestSaleOrderBonuses(SaleClubCase):
    def test_quote_on_the_order_is_the_services(self):
        order = self.make_order(qty=3)
        quote = order._club_quote()
        service = self.service.quote(
            {
                "program_id": self.program.id,
                "wallet_id": self.wallet.id,
                "channel": "sale",
                "lines": [{"key": 1, "amount": "3000.00"}],
            }
        )
        for name in ("burn_max", "earn", "available", "total"):
            self.assertEqual(quote[name], service[name], name)
        # a 3,000 order may spend half, but the member has 1,000
        self.assertEqual(quote["max_spend"], 1000.0)
        self.assertEqual(quote["balance"], 1000.0)
        self.assertEqual(order.club_max_spend, 1000.0)
        self.assertEqual(order.club_balance, 1000.0)
        self.assertEqual(order.club_earn_preview, service["earn"])
        self.assertEqual(order.club_member_name, "Maria Member")
        # a smaller order: its own cap
        small = self.make_order(qty=1, price=600.0)
        self.assertEqual(small.club_max_spend, 300.0)

    def test_apply_within_the_cap_holds_the_bonuses(self):
        order = self.make_order(qty=2)
        order._club_apply_bonuses(600)
        line = order.order_line.filtered(lambda ln: ln.product_id == self.bonus_product)
        self.assertEqual(line.price_unit, -600.0)
        self.assertFalse(line.tax_id, "the bonus line carries no tax")
        self.assertEqual(order.amount_total, 1400.0)
        hold = order.club_hold_id
        self.assertEqual(
            (hold.state, hold.amount, hold.order_ref, hold.channel),
            ("held", 600.0, order.name, "sale"),
        )
        self.assertEqual(self.balances(), (400.0, 600.0))
        # the order sees the hold as its own: its quote still offers it
        self.assertEqual(order._club_quote()["burn"], 600.0)
        # another quotation of the member sees only what is left
        self.assertEqual(self.make_order(qty=2).club_max_spend, 400.0)

    def test_apply_again_replaces_the_hold(self):
        order = self.make_order(qty=2)
        order._club_apply_bonuses(600)
        first = order.club_hold_id
        order._club_apply_bonuses(300)
        self.assertEqual(first.state, "released")
        self.assertEqual(order.club_hold_id.amount, 300.0)
        self.assertEqual(len(order._club_bonus_lines()), 1)
        self.assertEqual(self.balances(), (700.0, 300.0))

    def test_above_the_cap_or_the_balance_is_refused(self):
        small = self.make_order(qty=1)
        with self.assertRaises(UserError):
            small._club_apply_bonuses(600)  # half of 1,000 is 500
        large = self.make_order(qty=4)
        with self.assertRaisesRegex(UserError, "Not enough bonuses"):
            large._club_apply_bonuses(1500)  # the member has 1,000
        for amount in (0, -5, "many"):
            with self.assertRaises(UserError):
                large._club_apply_bonuses(amount)
        stranger = self.env["res.partner"].create({"name": "Not a member"})
        with self.assertRaisesRegex(UserError, "not a club member"):
            self.make_order(partner=stranger)._club_apply_bonuses(100)
        self.assertFalse((small | large)._club_bonus_lines())
        self.assertFalse(
            self.env["loyalty.club.hold"].search([("wallet_id", "=", self.wallet.id)])
        )
        self.assertEqual(self.balances(), (1000.0, 0.0))

    def test_editing_the_lines_checks_the_cap_again(self):
        order = self.make_order(qty=2)
        order._club_apply_bonuses(1000)
        goods = order.order_line.filtered(lambda ln: ln.product_id == self.goods)
        with self.assertRaisesRegex(UserError, "may now spend at most 750"):
            goods.product_uom_qty = 1.5
        goods.product_uom_qty = 3  # a larger order keeps its bonuses
        self.assertEqual(order.club_bonus_applied, 1000.0)

    def test_remove_and_cancel_give_the_bonuses_back(self):
        order = self.make_order(qty=2)
        order._club_apply_bonuses(500)
        order.action_club_remove_bonuses()
        self.assertEqual(self.balances(), (1000.0, 0.0))
        self.assertFalse(order._club_bonus_lines())
        self.assertEqual(order.amount_total, 2000.0)

        order._club_apply_bonuses(700)
        hold = order.club_hold_id
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(hold.state, "released")
        self.assertFalse(order._club_bonus_lines())
        self.assertEqual(self.balances(), (1000.0, 0.0))

    def test_confirmed_order_cancelled_releases(self):
        order = self.make_order(qty=2)
        order._club_apply_bonuses(400)
        order.action_confirm()
        hold = order.club_hold_id
        self.assertEqual(hold.state, "held", "confirming is not paying")
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(hold.state, "released")
        self.assertEqual(self.balances(), (1000.0, 0.0))

    def test_member_found_by_a_typed_card_or_phone(self):
        company = self.env["res.partner"].create(
            {"name": "Buyer Ltd", "is_company": True}
        )
        form = Form(self.env["sale.order"])
        form.partner_id = company
        with form.order_line.new() as line:
            line.product_id = self.goods
            line.product_uom_qty = 2
            line.price_unit = 1000.0
            line.tax_id.clear()
        self.assertFalse(form.club_member)
        form.club_card_code = "+7 926 123-45-01"
        self.assertTrue(form.club_member)
        self.assertEqual(form.club_member_name, "Maria Member")
        self.assertEqual(form.club_max_spend, 1000.0)
        order = form.save()
        self.assertEqual(order._club_wallet(), self.wallet)
        with self.assertRaises(UserError):
            order.club_card_code = "0000000000017"
            order.flush_recordset()

    def test_the_bonus_line_is_not_copied(self):
        order = self.make_order(qty=2)
        order._club_apply_bonuses(300)
        copy = order.copy()
        self.assertFalse(copy._club_bonus_lines())
        self.assertFalse(copy.club_bonus_applied)
        self.assertEqual(len(copy.order_line), 1)

    def test_deleting_the_bonus_line_releases_its_hold(self):
        order = self.make_order(qty=2)
        order._club_apply_bonuses(300)
        hold = order.club_hold_id
        order.write({"order_line": [Command.unlink(order._club_bonus_lines().id)]})
        self.assertEqual(hold.state, "released")
        self.assertFalse(order.club_bonus_applied)
        self.assertEqual(self.balances(), (1000.0, 0.0))

    def test_a_deleted_quotation_gives_its_bonuses_back(self):
        order = self.make_order(qty=2)
        order._club_apply_bonuses(500)
        hold = order.club_hold_id
        order.unlink()
        self.assertEqual(hold.state, "released")
        self.assertEqual(self.balances(), (1000.0, 0.0))

    def test_no_club_panel_for_a_company_without_a_club(self):
        self.assertTrue(self.make_order().club_enabled)
        other = self.env["res.company"].create({"name": "No club company"})
        self.env.user.company_ids = [Command.link(other.id)]
        anyone = self.env["res.partner"].create({"name": "Anyone"})
        order = (
            self.env["sale.order"]
            .with_company(other)
            .create({"partner_id": anyone.id, "company_id": other.id})
        )
        self.assertFalse(order.club_enabled)
        self.assertFalse(order.club_member)

    def test_a_member_found_by_a_typed_phone_spends_with_the_code(self):
        buyer = self.env["res.partner"].create({"name": "Buyer Ltd"})
        order = self.make_order(qty=2, partner=buyer)
        order.club_card_code = "8 (926) 123-45-01"
        self.assertEqual(order._club_wallet(), self.wallet)
        self.assertIsNotNone(order._club_quote()["code_above"])
        with self.assertRaisesRegex(UserError, "code"):
            order._club_apply_bonuses(500)
        with self.assertRaises(UserError):
            order._club_apply_bonuses(500, code="0000")
        self.assertFalse(order.club_bonus_applied)
        order._club_send_code()
        sms = self.env["sms.sms"].search(
            [("number", "=", "+79261234501")], order="id desc", limit=1
        )
        code = re.search(r"\b(\d{4,6})\b", sms.body).group(1)
        wizard = (
            self.env["loyalty.club.sale.apply"]
            .with_context(default_order_id=order.id)
            .create({"code": code})
        )
        self.assertTrue(wizard.code_asked)
        self.assertEqual(wizard.amount, 1000.0, "the most the order may spend")
        wizard.amount = 500
        wizard.action_apply()
        self.assertEqual(order.club_hold_id.amount, 500.0)
        # paid: the hold proved the member; the sale asks for no second code
        order.action_confirm()
        self.invoice_and_pay(order)
        self.assertFalse(order.club_review)
        self.assertEqual((order.club_earned, order.club_spent), (150.0, 500.0))
