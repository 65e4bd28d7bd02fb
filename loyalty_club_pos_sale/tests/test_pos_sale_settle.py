import copy
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.loyalty_club_pos.tests.common import CARD_CODES, ClubPosFixtureMixin
from odoo.addons.point_of_sale.tests.common import TestPoSCommon


@tagged("post_install", "-at_install")
class TestClubPosSaleSettle(ClubPosFixtureMixin, TestPoSCommon):
    """A sales order settled at the till, as synced: the till's sale is the
    order's club check; a hold the till did not spend is given back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls._club_setup(cls.config)
        cls.jacket = cls.create_product("Club jacket", cls.categ_basic, 100.0)
        cls.anna = cls._club_member(
            "Anna", "+79161234567", card=CARD_CODES[0], balance=50
        )

    def setUp(self):
        super().setUp()
        self.open_new_session()
        company = self.config.company_id
        self.sale_order = (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "company_id": company.id,
                    "partner_id": self.anna.partner_id.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.jacket.id,
                                "product_uom_qty": 1,
                                "price_unit": 100.0,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        self.sale_order._club_apply_bonuses(30)
        self.hold = self.sale_order.sudo().club_hold_id

    def _settle(self, payments, hold=True):
        data = self.create_ui_order_data(
            [(self.jacket, 1)], customer=self.anna.partner_id, payments=payments
        )
        line = self.sale_order.order_line.filtered(
            lambda sol: sol.product_id == self.jacket
        )
        data["lines"][0][2].update(
            sale_order_origin_id=self.sale_order.id,
            sale_order_line_id=line.id,
            price_unit=100.0,
            price_subtotal=100.0,
            price_subtotal_incl=100.0,
            tax_ids=[],
        )
        data.update(
            amount_total=100.0,
            amount_tax=0.0,
            club_wallet_id=self.anna.id,
            club_hold_id=self.hold.id if hold else False,
        )
        result = self.env["pos.order"].sync_from_ui([copy.deepcopy(data)])
        return self.env["pos.order"].browse([o["id"] for o in result["pos.order"]])

    def test_hold_spent_at_the_till(self):
        order = self._settle([(self.club_bonus_method, 30.0), (self.cash_pm1, 70.0)])
        self.assertFalse(order.club_review, order.club_message)
        self.assertEqual(self.hold.state, "captured")
        so = self.sale_order.sudo()
        self.assertEqual(so.club_pos_order_id, order)
        self.assertEqual(so.club_transaction_id, order.club_transaction_id)
        self.assertEqual((so.club_spent, so.club_earned), (30.0, 7.0))
        # synced again: nothing changes
        order._club_apply()
        self.assertEqual(so._club_confirm_paid(), order.club_transaction_id)
        self.assertEqual(len(self._club_ledger(self.anna)), 2)

    def test_paid_without_bonuses_gives_the_hold_back(self):
        order = self._settle([(self.cash_pm1, 100.0)], hold=False)
        self.assertEqual(self.hold.state, "released")
        self.assertEqual(
            (self.anna.balance_available, self.anna.balance_held), (50.0, 0.0)
        )
        self.assertEqual(order.club_earned, 10.0, "earned once, at the till")
        self.assertEqual(self.sale_order.sudo().club_pos_order_id, order)
        # cancelling the collected order gives nothing back twice
        self.sale_order.sudo()._club_release()
        self.assertEqual(self.hold.state, "released")

    def test_uncollected_order_gives_its_hold_back_when_it_ends(self):
        """Nobody came: the club's job expires the hold at its end and the
        till, settling the order later, finds nothing held for it."""
        self.assertEqual(self.anna.balance_available, 20.0)
        self.hold.sudo().write({"expires_at": fields.Datetime.now() - timedelta(1)})
        self.assertEqual(self.env["loyalty.club.hold"]._cron_expire(), 1)
        self.assertEqual(self.hold.state, "expired")
        self.assertEqual(self.anna.balance_available, 50.0)
        info = self.config.club_sale_order_settle(self.sale_order.id)
        self.assertEqual(info["status"], "member")
        self.assertNotIn("hold", info)
        self.assertEqual(info["member"]["available"], 50.0)

    def _web_order_paid_with_a_gift_card(self, code, amount):
        """A web order of a jacket, ``amount`` of it paid with a gift card (the
        shop's "Gift card payment" line), no bonuses held."""
        self.sale_order._club_remove_bonuses()
        gift_product = self.env["product.product"].create(
            {"name": "Gift card payment", "type": "service", "sale_ok": False}
        )
        self.sale_order.write(
            {
                "order_line": [
                    Command.create(
                        {
                            "product_id": gift_product.id,
                            "product_uom_qty": 1,
                            "price_unit": -amount,
                            "tax_id": [Command.clear()],
                            "club_gift_card_code": code,
                        }
                    )
                ]
            }
        )
        return self.sale_order.order_line.filtered("club_gift_card_code")

    def _settle_with_gift_line(self, gift_line, amount, cash):
        data = self.create_ui_order_data(
            [(self.jacket, 1), (gift_line.product_id, 1)],
            customer=self.anna.partner_id,
            payments=[(self.cash_pm1, cash)],
        )
        jacket = self.sale_order.order_line.filtered(
            lambda sol: sol.product_id == self.jacket
        )
        for vals, sol, price in (
            (data["lines"][0][2], jacket, 100.0),
            (data["lines"][1][2], gift_line, -amount),
        ):
            vals.update(
                sale_order_origin_id=self.sale_order.id,
                sale_order_line_id=sol.id,
                price_unit=price,
                price_subtotal=price,
                price_subtotal_incl=price,
                tax_ids=[],
            )
        data.update(
            amount_total=100.0 - amount,
            amount_tax=0.0,
            club_wallet_id=self.anna.id,
        )
        result = self.env["pos.order"].sync_from_ui([copy.deepcopy(data)])
        return self.env["pos.order"].browse([o["id"] for o in result["pos.order"]])

    def test_web_gift_card_pays_at_the_till(self):
        code = self._club_gift_card(60.0)
        gift_line = self._web_order_paid_with_a_gift_card(code, 40.0)
        info = self.config.club_sale_order_settle(self.sale_order.id)
        self.assertEqual(info["gift_product_ids"], gift_line.product_id.ids)
        self.assertEqual(info["gift_warnings"], [])
        order = self._settle_with_gift_line(gift_line, 40.0, 60.0)
        self.assertFalse(order.club_review, order.club_message)
        # the card paid its 40 with the sale; the jacket (100) is the goods
        self.assertEqual(self._club_gift_wallet(code).balance_available, 20.0)
        txn = order.club_transaction_id.sudo()
        self.assertEqual(txn.amount, 100.0)
        self.assertEqual(self.sale_order.sudo().club_pos_order_id, order)
        # synced again: the card is not debited twice
        order._club_apply()
        self.assertEqual(self._club_gift_wallet(code).balance_available, 20.0)

    def test_web_gift_card_spent_meanwhile_is_flagged_not_overdrawn(self):
        code = self._club_gift_card(30.0)
        gift_line = self._web_order_paid_with_a_gift_card(code, 40.0)
        info = self.config.club_sale_order_settle(self.sale_order.id)
        self.assertEqual(len(info["gift_warnings"]), 1)
        self.assertIn(code, info["gift_warnings"][0])
        order = self._settle_with_gift_line(gift_line, 40.0, 60.0)
        self.assertEqual(order.state, "paid")
        self.assertTrue(order.club_review)
        self.assertEqual(self._club_gift_wallet(code).balance_available, 30.0)
