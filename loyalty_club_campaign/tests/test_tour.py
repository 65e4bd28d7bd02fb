"""The back office in a browser: a marketer builds the segment "RFM at risk in
Kyiv stores", sends it a campaign with a personal coupon, and a member redeems
the coupon."""

from odoo.tests import HttpCase, tagged

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
