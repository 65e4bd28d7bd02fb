"""A club card sold at the till: the buyer gets the card and the tier once the
order is paid, and the rest of the order earns for them; refunded at the till,
the tier bought is gone."""

import copy

from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .common import CARD_CODES, ClubPosFixtureMixin


@tagged("post_install", "-at_install")
class TestClubPosClubCard(ClubPosFixtureMixin, TestPoSCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls._club_setup(cls.config)
        cls.jacket = cls.create_product("Club jacket", cls.categ_basic, 100.0)
        cls.gold = (
            cls.env["loyalty.club.tier"]
            .sudo()
            .create(
                {
                    "program_id": cls.club_program.id,
                    "name": "Gold",
                    "threshold": 50000,
                    "earn_percent": 12,
                }
            )
        )
        cls.club_card = cls.create_product("Gold club card", cls.categ_basic, 300.0)
        cls.club_card.product_tmpl_id.write(
            {
                "club_card": True,
                "club_card_tier_id": cls.gold.id,
                "club_card_tier_months": 6,
            }
        )
        cls.buyer = cls.env["res.partner"].create({"name": "Ihor Buyer"})

    def setUp(self):
        super().setUp()
        self.open_new_session()

    def _sync(self, data):
        result = self.env["pos.order"].sync_from_ui([copy.deepcopy(data)])
        return self.env["pos.order"].browse([o["id"] for o in result["pos.order"]])

    def _order_data(self, partner=None, code="", jacket=True):
        products = [(self.club_card, 1)] + ([(self.jacket, 1)] if jacket else [])
        total = 300.0 + (100.0 if jacket else 0.0)
        data = self.create_ui_order_data(
            products, customer=partner, payments=[(self.cash_pm1, total)]
        )
        data["lines"][0][2]["club_card_code"] = code
        return data

    def _wallet(self, partner):
        return (
            self.env["loyalty.club.wallet"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("program_id", "=", self.club_program.id),
                ]
            )
        )

    def test_customer_gets_a_virtual_card_the_tier_and_earns(self):
        order = self._sync(self._order_data(self.buyer))
        self.assertFalse(order.club_review, order.club_message)
        wallet = self._wallet(self.buyer)
        self.assertEqual(self.buyer.club_status, "active")
        self.assertEqual(wallet.tier_id, self.gold)
        self.assertEqual(wallet.tier_history_ids.reason, "purchase")
        card = self.buyer.sudo().club_card_ids
        self.assertEqual((card.kind, card.state), ("virtual", "active"))
        # the jacket earns for the new member (Gold: 12 %), the card itself not
        self.assertEqual(order.club_wallet_id, wallet)
        check = order.club_transaction_id
        self.assertEqual(check.amount, 100.0)
        self.assertEqual(order.club_earned, 12.0)
        # applied again: nothing more
        order._club_apply()
        self.assertEqual(len(self.buyer.sudo().club_card_ids), 1)
        self.assertEqual(
            self.env["loyalty.club.card.sale"]
            .sudo()
            .search_count([("key", "like", f"pos:{order.uuid}:club-card")]),
            1,
        )

    def test_physical_card_sold_to_nobody_waits_for_its_holder(self):
        order = self._sync(self._order_data(code=CARD_CODES[3], jacket=False))
        self.assertFalse(order.club_review, order.club_message)
        sale = (
            self.env["loyalty.club.card.sale"]
            .sudo()
            .search([("card_id.code", "=", CARD_CODES[3])])
        )
        self.assertEqual((sale.state, sale.ref), ("waiting", order.pos_reference))
        self.assertEqual(sale.card_id.state, "stock")
        # registered at a till later: the tier is the holder's
        summary = self.club_service.register_member(
            {"name": "Later", "phone": "+79160001122", "card_number": CARD_CODES[3]},
            source="pos",
            program_id=self.club_program.id,
        )
        self.assertEqual(summary["tier"], "Gold")

    def test_virtual_card_without_customer_is_flagged(self):
        order = self._sync(self._order_data(jacket=False))
        self.assertEqual(order.state, "paid")
        self.assertTrue(order.club_review)
        self.assertIn("physical card", order.club_message)
        self.assertFalse(
            self.env["loyalty.club.card.sale"]
            .sudo()
            .search_count([("key", "like", f"pos:{order.uuid}")])
        )

    def test_refund_at_the_till_ends_the_tier_bought(self):
        order = self._sync(self._order_data(self.buyer))
        wallet = self._wallet(self.buyer)
        self.assertEqual(wallet.tier_id, self.gold)
        card_line = order.lines.filtered(lambda line: line.product_id == self.club_card)
        data = self.create_ui_order_data(
            [(self.club_card, -1)],
            customer=self.buyer,
            payments=[(self.cash_pm1, -300.0)],
        )
        data["lines"][0][2]["refunded_orderline_id"] = card_line.id
        refund = self._sync(data)
        self.assertEqual(refund.state, "paid")
        self.assertFalse(refund.club_review, refund.club_message)
        wallet.invalidate_recordset()
        self.assertNotEqual(wallet.tier_id, self.gold)
        self.assertEqual(wallet.tier_history_ids.sorted("id")[-1].reason, "refund")
        sale = (
            self.env["loyalty.club.card.sale"]
            .sudo()
            .search([("key", "like", f"pos:{order.uuid}:club-card")])
        )
        self.assertEqual(
            (sale.state, sale.refund_ref), ("refunded", refund.pos_reference)
        )
        # the jacket's earn stays: only the card was refunded
        self.assertEqual(order.club_earned, 12.0)
        self.assertFalse(
            self.env["loyalty.club.transaction"]
            .sudo()
            .search_count([("refund_of_id", "=", order.club_transaction_id.id)])
        )
        # synced again: nothing more
        refund._club_apply()
        self.assertEqual(len(wallet.tier_history_ids), 2)
