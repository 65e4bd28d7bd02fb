from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import CARD_CODES, ClubPosFixtureMixin


@tagged("post_install", "-at_install")
class TestClubPosClubCardTour(ClubPosFixtureMixin, TestPointOfSaleHttpCommon):
    """A club card sold at the till: refused without a buyer, then given to the
    member identified, with the tier it grants."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._club_setup(cls.main_pos_config)
        cls.anna = cls._club_member("Anna Club", "+79161234567", card=CARD_CODES[0])
        cls.gold = (
            cls.env["loyalty.club.tier"]
            .sudo()
            .create(
                {
                    "program_id": cls.club_program.id,
                    "name": "Gold",
                    "threshold": 50000,
                }
            )
        )
        cls.env["product.product"].create(
            {
                "name": "Gold club card",
                "available_in_pos": True,
                "list_price": 300.0,
                "taxes_id": False,
                "club_card": True,
                "club_card_tier_id": cls.gold.id,
                "club_card_tier_months": 12,
            }
        )

    def test_club_card_sold_to_the_member(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("LoyaltyClubPosClubCardTour", login="pos_user")
        self.env.invalidate_all()
        order = self.env["pos.order"].search(
            [("config_id", "=", self.main_pos_config.id)]
        )
        self.assertEqual(len(order), 1)
        self.assertFalse(order.club_review, order.club_message)
        self.assertEqual(order.club_wallet_id, self.anna)
        self.assertEqual(self.anna.tier_id, self.gold)
        self.assertEqual(self.anna.tier_history_ids.reason, "purchase")
        sale = self.env["loyalty.club.card.sale"].sudo().search([])
        self.assertEqual(len(sale), 1)
        self.assertEqual(sale.partner_id, self.anna.partner_id)
        self.assertEqual((sale.card_id.kind, sale.card_id.state), ("virtual", "active"))
        self.assertFalse(order.club_transaction_id, "a card alone earns nothing")
