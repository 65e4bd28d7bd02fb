import copy

from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .common import CARD_CODES, ClubPosFixtureMixin


@tagged("post_install", "-at_install")
class TestClubPosHolds(ClubPosFixtureMixin, TestPoSCommon):
    """Bonuses held for a web order: the till leaves them out of what the
    member may spend, and captures them when the order is collected."""

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
        Hold = self.env["loyalty.club.hold"].sudo()
        self.hold = Hold.browse(
            Hold.reserve(
                {
                    "program_id": self.club_program.id,
                    "wallet_id": self.anna.id,
                    "order_ref": "WEB-77",
                    "amount": 30,
                    "channel": "api",
                },
                "web:WEB-77",
            )["hold_id"]
        )
        self.open_new_session()

    def _sync(self, bonus, hold=None):
        payments = [(self.cash_pm1, 100.0 - bonus)]
        if bonus:
            payments.insert(0, (self.club_bonus_method, bonus))
        data = self.create_ui_order_data(
            [{"product": self.jacket, "quantity": 1}], payments=payments
        )
        data["club_wallet_id"] = self.anna.id
        data["club_identifier"] = CARD_CODES[0]
        if hold:
            data["club_hold_id"] = hold.id
        result = self.env["pos.order"].sync_from_ui([copy.deepcopy(data)])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    def test_the_till_leaves_held_bonuses_out(self):
        summary = self.config.club_identify(CARD_CODES[0])
        self.assertEqual((summary["available"], summary["held"]), (20, 30))
        self.assertEqual(
            [(h["order_ref"], h["amount"]) for h in summary["holds"]], [("WEB-77", 30)]
        )
        lines = [{"key": "jacket", "amount": 100}]
        quote = self.config.club_quote(
            {"wallet_id": self.anna.id, "lines": lines, "burn_money": 30}
        )
        self.assertEqual((quote["available"], quote["burn"]), (20, 20))
        self.assertTrue(quote["capped"])
        # the web order collected: its hold is the order's to spend
        quote = self.config.club_quote(
            {
                "wallet_id": self.anna.id,
                "lines": lines,
                "burn_money": 30,
                "hold_id": self.hold.id,
            }
        )
        self.assertEqual((quote["available"], quote["burn"]), (50, 30))

    def test_a_sale_cannot_spend_the_held_bonuses(self):
        order = self._sync(30)
        self.assertTrue(order.club_review, "the spend was refused, earn kept")
        self.assertEqual(order.club_spent, 0)
        self.assertEqual(self.hold.state, "held")
        self.assertEqual(self.anna.balance_held, 30)
        self.assertEqual(self.anna.balance_available, 20)

    def test_collecting_the_web_order_captures_its_hold(self):
        order = self._sync(30, hold=self.hold)
        self.assertFalse(order.club_review, order.club_message)
        self.assertEqual(order.club_spent, 30)
        self.assertEqual(self.hold.state, "captured")
        self.assertEqual(self.hold.captured, 30)
        self.assertEqual(self.hold.transaction_id, order.club_transaction_id)
        self.assertEqual(self.anna.balance_held, 0)
        self.assertEqual(self.anna.balance_available, 20)
        # another till trying the same hold: captured once, never twice
        other = self._sync(30, hold=self.hold)
        self.assertTrue(other.club_review)
        self.assertIn("already captured", other.club_message)
        self.assertEqual(other.club_spent, 0)
        burns = self.anna.ledger_ids.filtered(lambda ln: ln.kind == "burn")
        self.assertEqual(burns.mapped("amount"), [-30.0])
        self.assertGreaterEqual(self.anna.available_minor, 0)
