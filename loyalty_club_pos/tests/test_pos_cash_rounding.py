import copy

from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .common import CARD_CODES, ClubPosFixtureMixin


@tagged("post_install", "-at_install")
class TestClubPosCashRounding(ClubPosFixtureMixin, TestPoSCommon):
    """A till rounding cash to 1.00 (as UAH and RUB tills do): bonuses and a gift
    card pay exact amounts, the cash is rounded, and the earn follows the money
    actually paid."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls._club_setup(cls.config)
        rounding = cls.env["account.cash.rounding"].create(
            {"name": "To 1.00", "rounding": 1.0, "rounding_method": "HALF-UP"}
        )
        cls.config.write(
            {
                "cash_rounding": True,
                "rounding_method": rounding.id,
                "only_round_cash_method": True,
            }
        )
        cls.coat = cls.create_product("Rounded coat", cls.categ_basic, 100.37)
        cls.anna = cls._club_member("Anna", "+79161234567", CARD_CODES[0], 50)
        cls.gift = cls._club_gift_card(15.0)

    def _sync(self, payments):
        self.open_new_session()
        data = self.create_ui_order_data(
            [{"product": self.coat, "quantity": 1}], payments=payments
        )
        data.update(club_wallet_id=self.anna.id)
        for payment in data["payment_ids"]:
            vals = payment[2]
            if vals["payment_method_id"] == self.club_gift_method.id:
                vals["club_gift_code"] = self.gift
        result = self.env["pos.order"].sync_from_ui([copy.deepcopy(data)])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    def test_earn_follows_the_rounded_money(self):
        # 100.37: 20.00 in bonuses, 15.00 from the gift card, 65.37 rounded to
        # 65.00 in cash
        order = self._sync(
            [
                (self.club_bonus_method, 20.0),
                (self.club_gift_method, 15.0),
                (self.cash_pm1, 65.0),
            ]
        )
        self.assertEqual(order.state, "paid")
        self.assertFalse(order.club_review, order.club_message)
        txn = order.club_transaction_id
        self.assertEqual(txn.spent, 20.0, "the bonuses paid exactly what was typed")
        # 10 % of the 80.00 paid in money (gift card and rounded cash)
        self.assertEqual(txn.earned, 8.0)
        self.assertEqual(self._club_gift_wallet(self.gift).balance_available, 0.0)
        self.assertEqual(self.anna.balance_available, 30.0)
