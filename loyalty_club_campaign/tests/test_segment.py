"""Segments that are alive: RFM change, tier, stores, consent and purchases,
selected in SQL and counted live."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CampaignCase


@tagged("post_install", "-at_install")
class TestSegment(CampaignCase):
    def test_champions_who_became_at_risk_in_kyiv_with_sms_consent(self):
        partners = self.partners
        before = {p: "champions" for p in partners[:20]}
        before.update({p: "loyal" for p in partners[20:]})
        now = {p: "at_risk" for p in partners[10:30]}
        now.update({p: "champions" for p in partners[:10]})
        self.rfm_runs(before, now)
        segment = self.segment(
            rfm_previous_cell_ids=[(6, 0, self.cell("champions").ids)],
            rfm_cell_ids=[(6, 0, self.cell("at_risk").ids)],
            store_ids=[(6, 0, self.kyiv.ids)],
            consent_sms=True,
        )
        expected = partners.filtered(
            lambda p: before.get(p) == "champions"
            and now.get(p) == "at_risk"
            and p.club_store_id == self.kyiv
            and p.club_consent_sms
        )
        self.assertTrue(expected, "the fixture has such members")
        self.assertEqual(self.members_of(segment), expected.sorted("id"))
        self.assertEqual(segment.member_count, len(expected))
        # the same members through the contacts' search (Show members)
        found = self.env["res.partner"].search([("club_segment_ids", "=", segment.id)])
        self.assertEqual(found, expected)
        # promotions aimed at the segment follow it too
        today = fields.Date.today()
        self.assertEqual(segment._match(expected[0], today), segment)
        outsider = partners[0]  # still a champion
        self.assertFalse(segment._match(outsider, today))

    def test_tier_and_consent_per_channel(self):
        segment = self.segment(tier_ids=[(6, 0, self.gold.ids)], consent_email=True)
        expected = self.partners.filtered(
            lambda p: p.club_wallet_ids.tier_id == self.gold and p.club_consent_email
        )
        self.assertTrue(expected)
        self.assertEqual(self.members_of(segment), expected.sorted("id"))

    def test_purchase_history_visits_spend_and_win_back(self):
        w = self.wallets
        self.buy(w[0], 1000, "seg-0a")
        self.buy(w[0], 500, "seg-0b")
        self.buy(w[1], 3000, "seg-1a")
        self.buy(w[2], 200, "seg-2a")
        # an old purchase, out of a 30-day window
        old = self.buy(w[3], 5000, "seg-3a")
        self.env["loyalty.club.transaction"].browse(old["transaction_id"]).date = (
            fields.Datetime.now() - timedelta(days=60)
        )
        two_visits = self.segment(purchase_days=30, min_purchases=2)
        self.assertEqual(self.members_of(two_visits), w[0].partner_id)
        big = self.segment(purchase_days=30, min_spend=1500)
        self.assertEqual(self.members_of(big), w[0].partner_id | w[1].partner_id)
        small = self.segment(purchase_days=30, min_purchases=1, max_spend=1000)
        self.assertEqual(self.members_of(small), w[2].partner_id)
        recent = self.segment(purchase_days=30)
        self.assertEqual(len(self.members_of(recent)), 3)
        # win-back: bought once, not in the last 30 days
        lapsed = self.segment(inactive_days=30, min_purchases=1)
        self.assertEqual(self.members_of(lapsed), w[3].partner_id)

    def test_count_is_live_while_editing(self):
        with Form(self.env["loyalty.club.segment"]) as form:
            form.name = "Live"
            form.program_id = self.program
            self.assertEqual(form.member_count, 40)
            form.store_ids.add(self.kyiv)
            self.assertEqual(form.member_count, 20)
            form.consent_sms = True
            kyiv_sms = self.partners.filtered(
                lambda p: p.club_store_id == self.kyiv and p.club_consent_sms
            )
            self.assertEqual(form.member_count, len(kyiv_sms))

    def test_left_and_erased_members_are_never_in_a_segment(self):
        segment = self.segment()
        self.partners[0].club_status = "left"
        self.partners[1].action_club_erase()
        self.assertEqual(segment.member_count, 38)

    def test_contradictory_conditions_are_refused(self):
        with self.assertRaises(ValidationError):
            self.segment(min_purchases=5, max_purchases=2)
        with self.assertRaises(ValidationError):
            self.segment(purchase_days=-1)

    def test_personal_coupon_batch_for_a_segment(self):
        promotion = self.env["loyalty.club.promotion"].create(
            {
                "name": "Gold 5 off",
                "program_id": self.program.id,
                "effect": "discount_fixed",
                "value": 5,
                "requires_coupon": True,
            }
        )
        segment = self.segment(tier_ids=[(6, 0, self.gold.ids)])
        batch = self.env["loyalty.club.coupon.batch"].create(
            {
                "name": "Gold letters",
                "promotion_id": promotion.id,
                "kind": "personal",
                "segment_id": segment.id,
                "notify_members": False,
            }
        )
        batch.action_generate()
        gold = self.partners.filtered(lambda p: p.club_wallet_ids.tier_id == self.gold)
        self.assertEqual(batch.coupon_ids.partner_id, gold)
        self.assertEqual(len(batch.coupon_ids), len(gold), "one code each")
        with self.assertRaises(UserError):
            batch.action_generate()
        empty = batch.copy({"segment_id": self.segment(min_purchases=99).id})
        with self.assertRaises(UserError):
            empty.action_generate()
