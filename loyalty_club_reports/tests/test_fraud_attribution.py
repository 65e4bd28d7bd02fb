"""Who activated a card, kept on the card by the channels that register
members: the till (the cashier, the till's store) and the API (its key's
store). The anti-fraud analysis counts cards on one phone against that user."""

from odoo.tests import tagged

from odoo.addons.loyalty_club.tests.test_api_common import ApiCase
from odoo.addons.loyalty_club_pos.tests.common import CARD_CODES, ClubPosFixtureMixin
from odoo.addons.point_of_sale.tests.common import TestPoSCommon


@tagged("post_install", "-at_install")
class TestFraudAttributionTill(ClubPosFixtureMixin, TestPoSCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls._club_setup(cls.config)
        cls.cashier = cls._club_cashier(
            "Registering cashier", "fraud_registering_cashier"
        )

    def setUp(self):
        super().setUp()
        self.open_new_session()

    def test_the_till_keeps_the_cashier_on_the_card(self):
        member = self.config.with_user(self.cashier).club_register(
            {
                "name": "Vera",
                "card_number": CARD_CODES[2],
                "phone": "+79165550011",
                "consents": {"personal_data": True},
            }
        )
        card = (
            self.env["loyalty.club.card"].sudo().search([("code", "=", member["card"])])
        )
        self.assertEqual(card.state, "active")
        self.assertEqual(card.activated_by_id, self.cashier)
        self.assertEqual(card.activated_store_id, self.config.club_store_id)
        self.assertEqual(card.activated_channel, "pos")


@tagged("post_install", "-at_install")
class TestFraudAttributionApi(ApiCase):
    def test_the_api_keeps_its_store_on_the_card(self):
        card = self.env["loyalty.club.card"].create(
            {"code": "FRAUDAPI0001", "program_id": self.program.id}
        )
        self.register("+79165550022", card_number=card.code)
        card.invalidate_recordset()
        self.assertEqual(card.state, "active")
        self.assertEqual(card.activated_channel, "api")
        self.assertEqual(card.activated_store_id, self.store)
        self.assertTrue(card.activated_by_id)
