import copy

from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .common import CARD_CODES, ClubPosFixtureMixin


@tagged("post_install", "-at_install")
class TestClubPosCashRounding(ClubPosFixtureMixin, TestPoSCommon):
    """A till rounding cash to 1.00 (as UAH and RUB tills do): bonuses and a gift
    card pay exact amounts, the cash is rounded, and the earn follows the money
    actually paid."""

    # the same test in the hryvnia and rouble companies below
    allow_inherited_tests_method = True
    currency_code = None  # the test company's own
    rounding_step = 1.0
    # 100.37: 20.00 in bonuses, 15.00 from the gift card, the rest in cash
    cash_paid = 65.0
    earned = 8.0  # 10 % of the 80.00 paid in money (gift card and cash)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls._club_setup(cls.config)
        rounding = cls.env["account.cash.rounding"].create(
            {
                "name": "Cash rounding",
                "rounding": cls.rounding_step,
                "rounding_method": "HALF-UP",
            }
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
        order = self._sync(
            [
                (self.club_bonus_method, 20.0),
                (self.club_gift_method, 15.0),
                (self.cash_pm1, self.cash_paid),
            ]
        )
        self.assertEqual(order.state, "paid")
        self.assertFalse(order.club_review, order.club_message)
        txn = order.club_transaction_id
        self.assertEqual(txn.currency_id, self.company.currency_id)
        if self.currency_code:
            self.assertEqual(txn.currency_id.name, self.currency_code)
        self.assertEqual(txn.spent, 20.0, "the bonuses paid exactly what was typed")
        self.assertEqual(txn.earned, self.earned)
        self.assertEqual(self._club_gift_wallet(self.gift).balance_available, 0.0)
        self.assertEqual(self.anna.balance_available, 30.0)


@tagged("post_install", "-at_install")
class TestClubPosCashRoundingUAH(TestClubPosCashRounding):
    """A hryvnia company, cash rounded to 0.10: 65.37 is paid as 65.40."""

    country_code = "UA"
    chart_template = "generic_coa"
    currency_code = "UAH"
    rounding_step = 0.1
    cash_paid = 65.4
    earned = 8.04  # 10 % of 80.40


@tagged("post_install", "-at_install")
class TestClubPosCashRoundingUAH1(TestClubPosCashRounding):
    """A hryvnia company, cash rounded to 1.00."""

    country_code = "UA"
    chart_template = "generic_coa"
    currency_code = "UAH"


@tagged("post_install", "-at_install")
class TestClubPosCashRoundingRUB(TestClubPosCashRounding):
    """A rouble company, cash rounded to 1.00."""

    country_code = "RU"
    chart_template = "generic_coa"
    currency_code = "RUB"
