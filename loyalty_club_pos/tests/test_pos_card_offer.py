from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import CARD_CODES, ClubPosFixtureMixin


@tagged("post_install", "-at_install")
class TestClubPosCardOffer(ClubPosFixtureMixin, TestPointOfSaleHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._club_setup(cls.main_pos_config)
        cls._club_jacket()
        cls.club_program.sudo().write(
            {"issue_card_threshold": 80, "code_verify_phone": False}
        )

    def test_card_offered_above_the_threshold_and_activated(self):
        self.assertTrue(
            self.club_service.quote(
                {
                    "program_id": self.club_program.id,
                    "lines": [{"key": 1, "amount": 100}],
                }
            )["offer_card"]
        )
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("LoyaltyClubPosCardOfferTour", login="pos_user")
        self.env.invalidate_all()
        card = self.club_cards.filtered(lambda c: c.code == CARD_CODES[1])
        self.assertEqual(card.state, "active")
        self.assertEqual(card.partner_id.name, "Olga Offered")
        self.assertEqual(card.activated_channel, "pos")
        # the physical card is the member's card: no virtual one besides it
        self.assertEqual(card.partner_id.club_card_ids, card)
        order = self.env["pos.order"].search(
            [("config_id", "=", self.main_pos_config.id)]
        )
        self.assertEqual(order.club_wallet_id.partner_id, card.partner_id)
        self.assertEqual(order.club_earned, 10.0)
