from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import CARD_CODES, ClubPosFixtureMixin


@tagged("post_install", "-at_install")
class TestClubPosHoldTour(ClubPosFixtureMixin, TestPointOfSaleHttpCommon):
    """A web order collected in the store: the till captures its hold."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._club_setup(cls.main_pos_config)
        cls.jacket = cls._club_jacket()
        cls.anna = cls._club_member(
            "Anna Club", "+79161234567", card=CARD_CODES[0], balance=50
        )
        held = cls.club_service.env["loyalty.club.hold"].reserve(
            {
                "program_id": cls.club_program.id,
                "wallet_id": cls.anna.id,
                "order_ref": "WEB-77",
                "amount": 30,
                "channel": "api",
            },
            "web:WEB-77",
        )
        cls.hold = cls.env["loyalty.club.hold"].sudo().browse(held["hold_id"])

    def test_collected_web_order_spends_its_hold(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("LoyaltyClubPosHoldTour", login="pos_user")
        self.env.invalidate_all()
        order = self.env["pos.order"].search(
            [("config_id", "=", self.main_pos_config.id)]
        )
        self.assertEqual(len(order), 1)
        self.assertEqual(order.club_hold_id, self.hold)
        self.assertEqual(self.hold.state, "captured")
        self.assertEqual(self.hold.captured, 30)
        self.assertEqual(self.hold.transaction_id, order.club_transaction_id)
        self.assertEqual((order.club_spent, order.club_earned), (30.0, 7.0))
        self.assertEqual(
            (self.anna.balance_available, self.anna.balance_held), (20.0, 0.0)
        )
