import copy

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .common import CARD_CODES, ClubPosFixtureMixin

STOCK_GIFT_CARD = "2980009000011"


@tagged("post_install", "-at_install")
class TestClubPosGiftCards(ClubPosFixtureMixin, TestPoSCommon):
    """Gift cards sold at the till and taken as payment, applied at sync."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls._club_setup(cls.config)
        cls.jacket = cls.create_product("Club jacket", cls.categ_basic, 100.0)
        cls.anna = cls._club_member(
            "Anna", "+79161234567", card=CARD_CODES[0], balance=50
        )
        batch = (
            cls.env["loyalty.club.emission"]
            .sudo()
            .create(
                {
                    "name": "POS test gift cards",
                    "program_id": cls.club_program.id,
                    "prefix": "298",
                    "start": 900001,
                    "quantity": 2,
                }
            )
        )
        batch.action_emit()
        cls.cashier = cls._club_cashier("Gift card cashier", "club_gift_cashier")

    def setUp(self):
        super().setUp()
        self.open_new_session()

    def _sync(self, data):
        result = self.env["pos.order"].sync_from_ui([copy.deepcopy(data)])
        return self.env["pos.order"].browse([o["id"] for o in result["pos.order"]])

    def _gift_sale_data(self, amount, code=""):
        data = self.create_ui_order_data(
            [{"product": self.club_gift_product, "quantity": 1}],
            payments=[(self.cash_pm1, amount)],
        )
        data["lines"][0][2].update(
            price_unit=amount,
            price_subtotal=amount,
            price_subtotal_incl=amount,
            club_gift_code=code,
            club_gift_expires_on="2000-01-01",
        )
        data.update(amount_total=amount, amount_tax=0.0)
        return data

    def _jacket_data(self, wallet, payments):
        data = self.create_ui_order_data([(self.jacket, 1)], payments=payments)
        data["club_wallet_id"] = wallet.id if wallet else False
        return data

    def _gift_payment(self, data, code):
        for command in data["payment_ids"]:
            if command[2]["payment_method_id"] == self.club_gift_method.id:
                command[2].update(club_gift_code=code, club_gift_balance=999)
        return data

    def test_gift_card_sold_with_a_new_number(self):
        order = self._sync(self._gift_sale_data(100.0))
        line = order.lines
        self.assertTrue(line.club_gift_code, "the club made a number")
        self.assertNotEqual(str(line.club_gift_expires_on), "2000-01-01")
        wallet = self._club_gift_wallet(line.club_gift_code)
        ledger = wallet.ledger_ids
        self.assertEqual(ledger.mapped("kind"), ["issue"])
        self.assertEqual(ledger.amount, 100.0)
        self.assertEqual(ledger.idempotency_key, f"pos:{order.uuid}:gift:1:issue")
        self.assertEqual(ledger.store_id, self.club_store)
        self.assertFalse(order.club_transaction_id, "no member, no goods: no check")
        # applied again: the same card, issued once
        code = line.club_gift_code
        order._club_apply()
        self.assertEqual(line.club_gift_code, code)
        self.assertEqual(len(wallet.ledger_ids), 1)
        self.assertEqual(wallet.balance_available, 100.0)

    def test_gift_card_sold_from_stock(self):
        order = self._sync(self._gift_sale_data(70.0, STOCK_GIFT_CARD))
        self.assertEqual(order.lines.club_gift_code, STOCK_GIFT_CARD)
        card = (
            self.env["loyalty.club.card"]
            .sudo()
            .search([("code", "=", STOCK_GIFT_CARD)])
        )
        self.assertEqual((card.kind, card.state), ("gift", "active"))
        self.assertEqual(self._club_gift_wallet(STOCK_GIFT_CARD).balance_available, 70)
        self.assertFalse(order.club_review)

    def test_gift_card_not_in_stock_flags_review(self):
        code = self._club_gift_card(10.0, STOCK_GIFT_CARD)
        order = self._sync(self._gift_sale_data(70.0, code))
        self.assertEqual(order.state, "paid")
        self.assertTrue(order.club_review)
        self.assertIn(code, order.club_message)
        self.assertEqual(self._club_gift_wallet(code).balance_available, 10.0)

    def test_gift_card_pays_with_bonuses_and_cash(self):
        code = self._club_gift_card(100.0)
        data = self._jacket_data(
            self.anna,
            [
                (self.club_gift_method, 60.0),
                (self.club_bonus_method, 20.0),
                (self.cash_pm1, 20.0),
            ],
        )
        order = self._sync(self._gift_payment(data, code))
        wallet = self._club_gift_wallet(code)
        burn = wallet.ledger_ids.filtered(lambda ln: ln.kind == "burn")
        self.assertEqual(burn.amount, -60.0)
        self.assertEqual(burn.transaction_id, order.club_transaction_id)
        self.assertEqual(wallet.balance_available, 40.0)
        lines = self._club_ledger(self.anna, order)
        self.assertEqual(lines.mapped("kind"), ["burn", "earn"])
        self.assertEqual(lines.mapped("amount"), [-20.0, 8.0])
        gift_payment = order.payment_ids.filtered("club_gift_code")
        self.assertEqual(gift_payment.club_gift_balance, 40.0, "not the till's 999")
        self.assertFalse(order.club_review)

    def test_gift_card_without_member(self):
        code = self._club_gift_card(30.0)
        data = self._jacket_data(
            False, [(self.club_gift_method, 30.0), (self.cash_pm1, 70.0)]
        )
        order = self._sync(self._gift_payment(data, code))
        self.assertTrue(order.club_transaction_id, "a check of a non-member")
        self.assertFalse(order.club_transaction_id.wallet_id)
        self.assertEqual(self._club_gift_wallet(code).balance_available, 0.0)

    def test_gift_card_over_balance_flags_review(self):
        """Rung up offline for 50 while the card holds 30: the earn is kept."""
        code = self._club_gift_card(30.0)
        data = self._jacket_data(
            self.anna, [(self.club_gift_method, 50.0), (self.cash_pm1, 50.0)]
        )
        order = self._sync(self._gift_payment(data, code))
        self.assertEqual(order.state, "paid")
        self.assertTrue(order.club_review)
        self.assertIn("gift card", order.club_message)
        txn = order.club_transaction_id
        self.assertTrue(txn.needs_review)
        self.assertEqual(self._club_ledger(self.anna, order).mapped("amount"), [10.0])
        self.assertEqual(self._club_gift_wallet(code).balance_available, 30.0)

    def test_gift_card_given_back_flags_review(self):
        code = self._club_gift_card(30.0)
        data = self._jacket_data(
            self.anna,
            [(self.club_gift_method, -10.0), (self.cash_pm1, 110.0)],
        )
        order = self._sync(self._gift_payment(data, code))
        self.assertTrue(order.club_review)
        self.assertEqual(self._club_gift_wallet(code).balance_available, 30.0)
        self.assertEqual(self._club_ledger(self.anna, order).mapped("amount"), [10.0])

    def _gift_refund_data(self, sale, amount):
        data = self._gift_sale_data(-amount)
        data["lines"][0][2].update(
            qty=-1,
            price_unit=amount,
            price_subtotal=-amount,
            price_subtotal_incl=-amount,
            club_gift_code="",
            refunded_orderline_id=sale.lines.id,
        )
        return data

    def test_refund_of_an_unused_gift_card_cancels_it(self):
        sale = self._sync(self._gift_sale_data(100.0, STOCK_GIFT_CARD))
        check = self.config.with_user(self.cashier).club_gift_card_refund_check(
            sale.lines.ids
        )
        self.assertEqual(check, {"status": "ok"})
        data = self._gift_refund_data(sale, 100.0)
        refund = self._sync(data)
        self.assertEqual(refund.state, "paid")
        self.assertFalse(refund.club_review)
        self.assertEqual(refund.lines.club_gift_code, STOCK_GIFT_CARD)
        wallet = self._club_gift_wallet(STOCK_GIFT_CARD)
        ledger = wallet.ledger_ids.sorted("id")
        self.assertEqual(ledger.mapped("kind"), ["issue", "reversal"])
        self.assertEqual(ledger.mapped("amount"), [100.0, -100.0])
        self.assertEqual(ledger[1].reversed_id, ledger[0], "the sale is reversed")
        self.assertEqual(ledger[1].channel, "pos")
        self.assertEqual(ledger[1].store_id, self.club_store)
        self.assertEqual(wallet.balance_available, 0.0, "the liability is gone")
        self.assertEqual(wallet.card_id.state, "blocked")
        # the refund synced again changes nothing
        refund._club_apply()
        self.assertEqual(len(wallet.ledger_ids), 2)
        info = self.config.club_gift_card_info(STOCK_GIFT_CARD)
        self.assertEqual(info["status"], "error", "a cancelled card pays nothing")

    def test_refund_of_a_used_gift_card_is_refused(self):
        sale = self._sync(self._gift_sale_data(100.0, STOCK_GIFT_CARD))
        paid = self._jacket_data(
            self.anna, [(self.club_gift_method, 60.0), (self.cash_pm1, 40.0)]
        )
        self._sync(self._gift_payment(paid, STOCK_GIFT_CARD))
        check = self.config.with_user(self.cashier).club_gift_card_refund_check(
            sale.lines.ids
        )
        self.assertEqual(check["status"], "error")
        self.assertIn("was already used (40.00 left of 100.00)", check["message"])
        # rung up anyway (offline): the order is kept, the card keeps its money
        refund = self._sync(self._gift_refund_data(sale, 100.0))
        self.assertTrue(refund.club_review)
        self.assertIn("keeps its money", refund.club_message)
        wallet = self._club_gift_wallet(STOCK_GIFT_CARD)
        self.assertEqual(wallet.balance_available, 40.0)
        self.assertEqual(wallet.card_id.state, "active")

    def test_till_entry_points(self):
        code = self._club_gift_card(25.0)
        config = self.config.with_user(self.cashier)
        info = config.club_gift_card_info(code.lower())
        self.assertEqual((info["status"], info["balance"]), ("gift_card", 25.0))
        self.assertEqual(config.club_gift_card_info(CARD_CODES[0])["status"], "error")
        looked_up = config.club_identify(code)
        self.assertEqual(looked_up["status"], "error")
        self.assertIn("gift card", looked_up["message"])
        stock = config.club_gift_card_stock(STOCK_GIFT_CARD)
        self.assertEqual(stock, {"status": "stock", "code": STOCK_GIFT_CARD})
        self.assertEqual(config.club_gift_card_stock(code)["status"], "error")
        self.pos_session.post_closing_cash_details(0)
        self.pos_session.close_session_from_ui()
        with self.assertRaises(UserError):
            config.club_gift_card_info(code)
