from odoo.tests import tagged

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
        cls.jacket = Product.create(
            {
                "name": "Club Jacket",
                "available_in_pos": True,
                "list_price": 100.0,
                "taxes_id": False,
            }
        )
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
