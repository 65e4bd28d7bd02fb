import copy

from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon
from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import CARD_CODES, ClubPosFixtureMixin


@tagged("post_install", "-at_install")
class TestClubPosGoodsRules(ClubPosFixtureMixin, TestPointOfSaleHttpCommon):
    """Goods the program keeps from earning and from bonuses, at the till."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._club_setup(cls.main_pos_config)
        Categ = cls.env["product.category"]
        tobacco = Categ.create({"name": "Tobacco"})
        cigarettes = Categ.create({"name": "Cigarettes", "parent_id": tobacco.id})
        Product = cls.env["product.product"]
        cls.jacket = cls._club_jacket()
        cls.cigarettes = Product.create(
            {
                "name": "Club Cigarettes",
                "available_in_pos": True,
                "list_price": 50.0,
                "taxes_id": False,
                "categ_id": cigarettes.id,
            }
        )
        cls.club_program.sudo().write(
            {
                "no_earn_categ_ids": [(6, 0, tobacco.ids)],
                "no_burn_categ_ids": [(6, 0, tobacco.ids)],
            }
        )
        cls.anna = cls._club_member("Anna Club", "+79161234567", CARD_CODES[0], 50)

    def test_excluded_goods_earn_and_spend_nothing_at_the_till(self):
        rules = self.main_pos_config.club_goods_rules
        self.assertIn(self.cigarettes.categ_id.id, rules["no_earn_categ_ids"])
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("LoyaltyClubPosGoodsRulesTour", login="pos_user")
        self.env.invalidate_all()
        order = self.env["pos.order"].search(
            [("config_id", "=", self.main_pos_config.id)]
        )
        self.assertEqual(len(order), 1)
        self.assertFalse(order.club_review, order.club_message)
        txn = order.club_transaction_id
        # the club booked what the till showed: 30 % of the jacket, 10 % of the
        # 70.00 paid for it, nothing for the cigarettes
        self.assertEqual((txn.amount, txn.spent, txn.earned), (150.0, 30.0, 7.0))
        ledger = self._club_ledger(self.anna, order)
        self.assertEqual(ledger.mapped("amount"), [-30.0, 7.0])
        cig_line = order.lines.filtered(lambda line: line.product_id == self.cigarettes)
        self.assertEqual(txn.response["lines_no_earn"], [cig_line.uuid])
        self.assertEqual(txn.response["lines_no_burn"], [cig_line.uuid])
        self.assertEqual(txn.response["earn_per_line"][cig_line.uuid], 0.0)
        self.assertEqual(self.anna.balance_available, 20.0)


@tagged("post_install", "-at_install")
class TestClubPosGoodsRulesAtSync(ClubPosFixtureMixin, TestPoSCommon):
    """A sale whose bonuses the club refuses at sync is recorded earn-only: the
    excluded goods earn nothing there either."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls._club_setup(cls.config)
        tobacco = cls.env["product.category"].create({"name": "Sync tobacco"})
        cls.jacket = cls.create_product("Sync jacket", cls.categ_basic, 100.0)
        cls.cigarettes = cls.create_product("Sync cigarettes", tobacco, 50.0)
        cls.club_program.write(
            {
                "no_earn_categ_ids": [(6, 0, tobacco.ids)],
                "no_burn_categ_ids": [(6, 0, tobacco.ids)],
            }
        )
        cls.anna = cls._club_member("Anna", "+79161234567", CARD_CODES[0], 10)

    def test_refused_bonuses_earn_only_on_goods_that_earn(self):
        self.open_new_session()
        data = self.create_ui_order_data(
            [
                {"product": self.jacket, "quantity": 1},
                {"product": self.cigarettes, "quantity": 1},
            ],
            payments=[(self.club_bonus_method, 30), (self.cash_pm1, 120)],
        )
        data.update(club_wallet_id=self.anna.id)
        result = self.env["pos.order"].sync_from_ui([copy.deepcopy(data)])
        order = self.env["pos.order"].browse(result["pos.order"][0]["id"])
        # 30.00 of bonuses is more than the 10.00 held: only the earn is kept,
        # 10 % of the 70.00 paid in money for the jacket, nothing for tobacco
        self.assertTrue(order.club_review)
        self.assertEqual((order.club_spent, order.club_earned), (0.0, 7.0))
