import copy

from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon
from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import CARD_CODES, ClubPosFixtureMixin


@tagged("post_install", "-at_install")
class TestClubPosOfflineLimitTour(ClubPosFixtureMixin, TestPointOfSaleHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._club_setup(cls.main_pos_config)
        cls._club_jacket()
        cls.club_program.sudo().write(
            {"offline_burn_per_check": 15, "offline_burn_per_day": 25}
        )
        cls.anna = cls._club_member("Anna Club", "+79161234567", CARD_CODES[0], 50)

    def test_offline_till_refuses_a_spend_above_the_limit(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("LoyaltyClubPosOfflineLimitTour", login="pos_user")
        self.env.invalidate_all()
        orders = self.env["pos.order"].search(
            [("config_id", "=", self.main_pos_config.id)], order="id"
        )
        self.assertEqual(len(orders), 2)
        self.assertEqual(orders.mapped("club_offline"), [True, True])
        self.assertEqual(orders.mapped("club_spent"), [15.0, 10.0])
        self.assertEqual(orders.mapped("club_earned"), [8.5, 9.0])
        self.assertEqual(orders.club_wallet_id, self.anna)
        self.assertFalse(
            any(orders.mapped("club_review")), orders.mapped("club_message")
        )
        self.assertEqual(self.anna.balance_available, 25.0)


@tagged("post_install", "-at_install")
class TestClubPosOfflineLimitsAtSync(ClubPosFixtureMixin, TestPoSCommon):
    """What tills took offline is checked again when their orders reach the club."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls._club_setup(cls.config)
        cls.jacket = cls.create_product("Club jacket", cls.categ_basic, 100.0)
        cls.anna = cls._club_member("Anna", "+79161234567", CARD_CODES[0], 100)
        cls.club_program.write(
            {"offline_burn_per_check": 20, "offline_burn_per_day": 30}
        )

    def setUp(self):
        super().setUp()
        self.open_new_session()

    def _sync(self, bonus, offline=True):
        data = self.create_ui_order_data(
            [{"product": self.jacket, "quantity": 1}],
            payments=[(self.club_bonus_method, bonus), (self.cash_pm1, 100 - bonus)],
        )
        data.update(club_wallet_id=self.anna.id, club_offline=offline)
        result = self.env["pos.order"].sync_from_ui([copy.deepcopy(data)])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    def test_over_the_limits_is_flagged_not_lost(self):
        first = self._sync(20)
        self.assertEqual(first.club_spent, 20.0)
        self.assertFalse(first.club_review, first.club_message)
        online = self._sync(25, offline=False)
        self.assertFalse(online.club_review, "online spends are not offline limits")
        # 20 + 15 = 35 spent offline today: above the 30 a day
        second = self._sync(15)
        self.assertTrue(second.club_review)
        self.assertIn("a day", second.club_message)
        self.assertTrue(second.club_transaction_id.needs_review)
        self.assertEqual(second.club_spent, 15.0, "the spend stays recorded")
        third = self._sync(25)
        self.assertIn("on this check", third.club_message)
