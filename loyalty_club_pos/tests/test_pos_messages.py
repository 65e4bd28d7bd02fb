import copy
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.loyalty_club.tests.fake_sms_gateway import start_fake_sms_gateway
from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .common import CARD_CODES, ClubPosFixtureMixin


@tagged("post_install", "-at_install")
class TestClubPosMessages(ClubPosFixtureMixin, TestPoSCommon):
    """A member's purchase at the till gives one SMS, after the till's sync."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls._club_setup(cls.config)
        cls.fake = start_fake_sms_gateway(cls, company_id=cls.company.id)
        cls.club_program.sudo().notify_purchase_sms = True
        cls.jacket = cls.create_product("Club jacket", cls.categ_basic, 100.0)
        cls.anna = cls._club_member("Anna", "+79161234567", card=CARD_CODES[0])
        cls.anna.partner_id.sudo().write({"tz": "Europe/Moscow"})
        cls.anna.partner_id.club_set_consents({"sms": True}, "pos")
        cls.oleg = cls._club_member("Oleg", "+79161234568", card=CARD_CODES[1])

    def setUp(self):
        super().setUp()
        self.open_new_session()
        self.fake.reset()

    def _order_data(self, wallet):
        data = self.create_ui_order_data(
            [{"product": self.jacket, "quantity": 2}], payments=[(self.cash_pm1, 200)]
        )
        data["club_wallet_id"] = wallet.id
        data["club_identifier"] = wallet.partner_id.club_card_ids[:1].code
        return data

    def _sync(self, data):
        ids = [
            o["id"]
            for o in self.env["pos.order"].sync_from_ui([copy.deepcopy(data)])[
                "pos.order"
            ]
        ]
        return self.env["pos.order"].browse(ids)

    def _send(self):
        noon = fields.Datetime.now().replace(
            hour=12, minute=0, second=0, microsecond=0
        ) + timedelta(days=1)
        with mute_logger("odoo.addons.loyalty_club.models.sms_sms"):
            self.env["loyalty.club.message"].sudo()._cron_send(now=noon)

    def test_member_with_consent_gets_one_sms_with_the_checks_figures(self):
        data = self._order_data(self.anna)
        order = self._sync(data)
        self.assertEqual(order.club_earned, 20.0)
        message = (
            self.env["loyalty.club.message"]
            .sudo()
            .search([("transaction_id", "=", order.club_transaction_id.id)])
        )
        self.assertEqual((message.event, message.state), ("purchase", "queued"))
        self.assertEqual(self.fake.messages, [], "the till's sync sends nothing")
        self._send()
        self.assertEqual(message.state, "sent")
        self.assertEqual(len(self.fake.messages), 1)
        self.assertIn("Earned: 20 bonus", self.fake.messages[0]["text"])
        self.assertEqual(self.fake.messages[0]["phone"], "79161234567")
        # the till syncs the same order again: nothing more
        self._sync(data)
        self._send()
        self.assertEqual(len(self.fake.messages), 1)

    def test_member_without_consent_gets_none(self):
        order = self._sync(self._order_data(self.oleg))
        self._send()
        message = (
            self.env["loyalty.club.message"]
            .sudo()
            .search([("transaction_id", "=", order.club_transaction_id.id)])
        )
        self.assertEqual((message.state, message.reason), ("skipped", "no_consent"))
        self.assertEqual(self.fake.messages, [])
