"""The back office in a browser: a marketer builds the segment "RFM at risk in
Kyiv stores", sends it a campaign with a personal coupon, and a member redeems
the coupon."""

from odoo.tests import HttpCase, tagged

from odoo.addons.loyalty_club_pos.tests.common import CARD_CODES, ClubPosFixtureMixin
from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import CampaignCase


@tagged("post_install", "-at_install")
class TestCampaignTour(CampaignCase, HttpCase):
    def test_marketer_sends_a_coupon_to_rfm_at_risk_in_kyiv(self):
        partners = self.partners
        # members 0..5 became at risk; the Kyiv ones are the odd ones
        self.rfm_runs(
            {p: "champions" for p in partners},
            {p: ("at_risk" if i < 6 else "loyal") for i, p in enumerate(partners)},
        )
        promotion = self.env["loyalty.club.promotion"].create(
            {
                "name": "Kyiv 100 off",
                "program_id": self.program.id,
                "effect": "discount_fixed",
                "scope": "order",
                "value": 100,
                "requires_coupon": True,
            }
        )
        self.start_tour(
            "/odoo/action-loyalty_club.loyalty_club_segment_action",
            "loyalty_club_campaign_tour",
            login="admin",
        )
        campaign = self.env["loyalty.club.campaign"].search(
            [("name", "=", "Come back to Kyiv")]
        )
        self.assertEqual(campaign.state, "launched")
        self.assertEqual(campaign.segment_id.name, "RFM at risk in Kyiv stores")
        self.assertEqual(campaign.promotion_id, promotion)
        self.assertTrue(campaign.seed, "the seed is recorded")
        expected = partners[1] | partners[3] | partners[5]
        self.assertEqual(campaign.member_ids.partner_id, expected)
        self.send()
        self.assertEqual(len(self.fake.messages), 3)
        member = campaign.member_ids.filtered(lambda m: m.partner_id == partners[3])
        code = member.coupon_id.code
        texts = [
            m["text"]
            for m in self.fake.messages
            if m["phone"] == partners[3].club_phone.lstrip("+")
        ]
        self.assertEqual(
            texts, [f"Member 03, we miss you in Kyiv: Kyiv 100 off with code {code}."]
        )
        # the member names the code at the till
        sold = self.buy(
            partners[3].club_wallet_ids, 1000, "tour-coupon", coupon_codes=[code]
        )
        self.assertEqual(member.coupon_id.state, "used")
        self.assertEqual(sold["to_pay"], 900.0, "100 off the 1,000")
        campaign.invalidate_recordset()
        self.assertEqual(campaign.coupons_used, 1)


@tagged("post_install", "-at_install")
class TestCampaignCouponAtTheTill(ClubPosFixtureMixin, TestPointOfSaleHttpCommon):
    """A campaign's personal coupon redeemed at the till: the club panel offers
    it to the cashier when the member is identified."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._club_setup(cls.main_pos_config)
        cls._club_jacket()
        cls.anna = cls._club_member("Anna Club", "+79161234567", card=CARD_CODES[0])
        cls.anna.partner_id.club_set_consents({"sms": True}, "pos")

    def test_campaign_coupon_is_redeemed_at_the_till(self):
        # a club manager of the till's company prepares and launches it
        self.env.user.groups_id |= self.env.ref("loyalty_club.group_club_manager")
        promotion = self.env["loyalty.club.promotion"].create(
            {
                "name": "Kyiv 10 off",
                "program_id": self.club_program.id,
                "effect": "discount_fixed",
                "scope": "order",
                "value": 10,
                "requires_coupon": True,
            }
        )
        segment = self.env["loyalty.club.segment"].create(
            {
                "name": "Anna",
                "program_id": self.club_program.id,
                "domain": f"[('id', '=', {self.anna.partner_id.id})]",
            }
        )
        campaign = self.env["loyalty.club.campaign"].create(
            {
                "name": "Come back",
                "program_id": self.club_program.id,
                "segment_id": segment.id,
                "sms_text": "{name}: {coupon}",
                "control_percent": 0,
                "promotion_id": promotion.id,
            }
        )
        campaign.action_launch()
        coupon = campaign.member_ids.coupon_id
        self.assertEqual(coupon.partner_id, self.anna.partner_id)
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("LoyaltyClubCampaignPosTour", login="pos_user")
        self.env.invalidate_all()
        self.assertEqual(coupon.state, "used")
        order = self.env["pos.order"].search(
            [("config_id", "=", self.main_pos_config.id)]
        )
        self.assertEqual(coupon.transaction_id, order.club_transaction_id)
        self.assertEqual(order.amount_total, 90.0)
        self.assertEqual(campaign.coupons_used, 1)
