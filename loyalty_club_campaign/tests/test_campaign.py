"""Campaigns to a segment: seeded draw and control group, caps, budget, coupons
sent through the fake gateway and redeemed."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.loyalty_club.domain import campaigns as core_campaigns

from .common import CampaignCase


@tagged("post_install", "-at_install")
class TestCampaign(CampaignCase):
    def groups(self, campaign):
        members = campaign.member_ids
        target = members.filtered(lambda m: m.member_group == "target")
        control = members - target
        return (
            target.sorted("place").partner_id.ids,
            control.sorted("place").partner_id.ids,
        )

    def test_control_group_is_reproducible_from_the_seed(self):
        segment = self.segment()
        first = self.campaign(segment, seed="autumn-2026")
        first.action_launch()
        target, control = self.groups(first)
        self.assertEqual(len(control), 4, "10 % of 40")
        self.assertEqual(len(target), 36)
        # the core's reference split from the recorded seed gives the same groups
        self.assertEqual(
            core_campaigns.split("autumn-2026", self.partners.ids, 10),
            (target, control),
        )
        again = self.campaign(segment, seed="autumn-2026")
        again.action_launch()
        self.assertEqual(self.groups(again), (target, control))
        other = self.campaign(segment, seed="spring-2027")
        other.action_launch()
        self.assertNotEqual(self.groups(other)[1], control)
        # a seed chosen at launch is recorded and reproduces the split too
        chosen = self.campaign(segment)
        chosen.action_launch()
        self.assertTrue(chosen.seed)
        self.assertEqual(
            core_campaigns.split(chosen.seed, self.partners.ids, 10),
            self.groups(chosen),
        )

    def test_random_draw_of_n_members_is_reproducible(self):
        segment = self.segment()
        lucky = self.campaign(segment, seed="lucky-10", draw_size=10)
        lucky.action_launch()
        drawn = lucky.member_ids.partner_id
        self.assertEqual(len(drawn), 10)
        self.assertEqual(lucky.control_count, 1)
        target, control = core_campaigns.split(
            "lucky-10", self.partners.ids, 10, draw=10
        )
        self.assertEqual(sorted(drawn.ids), sorted(target + control))
        self.assertEqual(self.groups(lucky), (target, control))
        again = self.campaign(segment, seed="lucky-10", draw_size=10)
        again.action_launch()
        self.assertEqual(again.member_ids.partner_id, drawn)

    def test_target_gets_the_sms_control_and_no_consent_get_nothing(self):
        campaign = self.campaign(self.segment(), seed="s1")
        campaign.action_launch()
        target = campaign.member_ids.filtered(lambda m: m.member_group == "target")
        control = campaign.member_ids - target
        messages = self.messages(campaign_id=campaign.id)
        self.assertEqual(messages.partner_id, target.partner_id)
        self.assertFalse(messages.partner_id & control.partner_id)
        without = messages.filtered(lambda m: not m.partner_id.club_consent_sms)
        self.assertTrue(without)
        self.assertEqual(set(without.mapped("reason")), {"no_consent"})
        self.assertEqual(campaign.no_consent_count, len(without))
        self.send()
        sent = {m["phone"] for m in self.fake.messages}
        expected = {
            p.club_phone.lstrip("+")
            for p in target.partner_id.filtered("club_consent_sms")
        }
        self.assertEqual(sent, expected)
        for sms in self.fake.messages:
            self.assertRegex(sms["text"], r"^Member \d\d, come back this week!$")
        campaign.invalidate_recordset()
        self.assertEqual(campaign.sent_count, len(expected))
        # never twice: the job again, the same messages queued again
        campaign._queue_messages()
        self.send(self.noon + timedelta(hours=1))
        self.assertEqual(len(self.fake.messages), len(expected))

    def test_weekly_cap_per_member_and_channel_is_recorded(self):
        self.program.cap_week_sms = 1
        segment = self.segment(consent_sms=True)
        first = self.campaign(segment, control_percent=0)
        first.action_launch()
        self.assertEqual(first.queued_count, segment.member_count)
        second = self.campaign(segment, control_percent=0, name="Again")
        second.action_launch()
        self.assertEqual(second.queued_count, 0)
        self.assertEqual(second.cap_member_count, segment.member_count)
        skipped = self.messages(campaign_id=second.id)
        self.assertEqual(set(skipped.mapped("state")), {"skipped"})
        self.assertEqual(set(skipped.mapped("reason")), {"cap_member"})
        # e-mail has its own cap: a third campaign by e-mail still goes
        third = self.campaign(
            self.segment(consent_email=True),
            control_percent=0,
            send_sms=False,
            send_email=True,
            email_subject="News",
            email_body="<p>Hello {name}</p>",
        )
        third.action_launch()
        self.assertEqual(third.cap_member_count, 0)
        self.assertTrue(third.queued_count)

    def test_members_own_weekly_cap_is_respected(self):
        """A member who chose 'at most once a week' on the portal gets no second
        campaign SMS this week, while the program's cap lets the others have it."""
        self.program.cap_week_sms = 3
        chooser = self.partners[0]
        chooser.club_marketing_per_week = 1
        segment = self.segment(consent_sms=True)
        self.campaign(segment, control_percent=0).action_launch()
        second = self.campaign(segment, control_percent=0, name="Again")
        second.action_launch()
        capped = self.messages(campaign_id=second.id).filtered(
            lambda m: m.reason == "cap_member"
        )
        self.assertEqual(capped.partner_id, chooser)
        self.assertEqual(second.queued_count, segment.member_count - 1)

    def test_daily_cap_and_budget_follow_the_core_rule(self):
        self.program.write({"cap_day": 12, "cap_week_sms": 1})
        segment = self.segment()
        # members 0..2 had a marketing SMS this week already
        warmup = self.segment(domain=f"[('id', 'in', {self.partners[:3].ids})]")
        self.campaign(warmup, control_percent=0, name="Warm-up").action_launch()
        campaign = self.campaign(
            segment,
            seed="caps",
            control_percent=10,
            send_email=True,
            email_subject="News",
            email_body="<p>{name}</p>",
            budget=9,
            sms_cost=1,
            email_cost=0.5,
        )
        campaign.action_launch()
        messages = self.messages(campaign_id=campaign.id)
        # the core's plan over the reachable messages in place order
        places = {m.partner_id.id: m.place for m in campaign.member_ids}
        reachable = messages.filtered(
            lambda m: m.reason not in ("no_consent", "no_phone", "no_email")
        ).sorted(lambda m: (places[m.partner_id.id], m.channel))
        sent = {(p.id, "sms"): 1 for p in self.partners[:3]}
        reasons = core_campaigns.plan(
            [(m.partner_id.id, m.channel) for m in reachable],
            sent,
            {"sms": 1, "email": 0},
            day_left=12 - 3,
            budget=900,
            costs={"sms": 100, "email": 50},
        )
        self.assertEqual([m.reason or None for m in reachable], reasons)
        self.assertIn("cap_member", reasons)
        self.assertIn("cap_global", reasons)
        self.assertEqual(campaign.cap_global_count, reasons.count("cap_global"))
        self.assertEqual(campaign.queued_count, reasons.count(None))
        self.assertLessEqual(campaign.queued_count, 9)

    def test_coupon_per_member_sent_and_redeemed(self):
        promotion = self.env["loyalty.club.promotion"].create(
            {
                "name": "Autumn 100 off",
                "program_id": self.program.id,
                "effect": "discount_fixed",
                "scope": "order",
                "value": 100,
                "requires_coupon": True,
            }
        )
        campaign = self.campaign(
            self.segment(consent_sms=True),
            promotion_id=promotion.id,
            sms_text="{name}, {offer} with code {coupon} until {valid_until}.",
        )
        campaign.action_launch()
        target = campaign.member_ids.filtered(lambda m: m.member_group == "target")
        control = campaign.member_ids - target
        self.assertEqual(len(target.coupon_id), len(target), "one coupon each")
        self.assertEqual(target.coupon_id.partner_id, target.partner_id)
        self.assertFalse(control.coupon_id, "the control group gets no coupon")
        self.assertEqual(set(target.coupon_id.mapped("state")), {"valid"})
        self.assertEqual(set(target.coupon_id.mapped("date_to")), {campaign.date_end})
        self.send()
        member = target[0]
        code = member.coupon_id.code
        phone = member.partner_id.club_phone.lstrip("+")
        texts = [m["text"] for m in self.fake.messages if m["phone"] == phone]
        self.assertEqual(len(texts), 1)
        self.assertIn(f"Autumn 100 off with code {code} until", texts[0])
        self.assertTrue(texts[0].startswith(member.partner_id.name))
        wallet = member.partner_id.club_wallet_ids
        sold = self.buy(wallet, 1000, "camp-coupon-1", coupon_codes=[code])
        self.assertEqual(member.coupon_id.state, "used")
        txn = self.env["loyalty.club.transaction"].browse(sold["transaction_id"])
        self.assertEqual(member.coupon_id.transaction_id, txn)
        campaign.invalidate_recordset()
        self.assertEqual(campaign.coupons_used, 1)
        # another member's code is refused
        with self.assertRaises(UserError):
            self.buy(
                target[1].partner_id.club_wallet_ids, 500, "camp-x", coupon_codes=[code]
            )

    def test_used_coupon_or_cancelled_campaign_is_not_sent(self):
        promotion = self.env["loyalty.club.promotion"].create(
            {
                "name": "Ten off",
                "program_id": self.program.id,
                "effect": "discount_fixed",
                "value": 10,
                "requires_coupon": True,
            }
        )
        segment = self.segment(consent_sms=True)
        campaign = self.campaign(segment, promotion_id=promotion.id)
        campaign.action_launch()
        queued = self.messages(campaign_id=campaign.id, state="queued")
        first = queued[0]
        first.coupon_id.action_cancel()
        self.send()
        self.assertEqual((first.state, first.reason), ("skipped", "campaign"))
        self.assertEqual(len(self.fake.messages), len(queued) - 1)
        stopped = self.campaign(segment, promotion_id=promotion.id, name="Stopped")
        stopped.action_launch()
        stopped.action_cancel()
        self.fake.reset()
        self.send(self.noon + timedelta(hours=1))
        self.assertEqual(self.fake.messages, [])
        self.assertEqual(
            set(self.messages(campaign_id=stopped.id).mapped("reason")), {"off"}
        )
        self.assertEqual(
            set(stopped.batch_id.coupon_ids.mapped("state")), {"cancelled"}
        )

    def test_bad_input_is_refused_clearly(self):
        empty = self.campaign(self.segment(min_purchases=99))
        with self.assertRaisesRegex(UserError, "no members"):
            empty.action_launch()
        self.assertEqual(empty.state, "draft")
        self.assertFalse(empty.member_ids)
        silent = self.campaign(self.segment(), sms_text="  ")
        with self.assertRaisesRegex(UserError, "SMS text"):
            silent.action_launch()
        promotion = self.env["loyalty.club.promotion"].create(
            {
                "name": "Gone",
                "program_id": self.program.id,
                "effect": "discount_fixed",
                "value": 10,
                "requires_coupon": True,
            }
        )
        removed = self.campaign(self.segment(), promotion_id=promotion.id)
        promotion.active = False
        with self.assertRaisesRegex(UserError, "archived"):
            removed.action_launch()
        with self.assertRaises(ValidationError):
            self.campaign(self.segment(), control_percent=100)
        with self.assertRaises(ValidationError):
            self.campaign(self.segment(), seed="x'; DROP TABLE y; --")
        launched = self.campaign(self.segment())
        launched.action_launch()
        with self.assertRaisesRegex(UserError, "draft"):
            launched.action_launch()
        with self.assertRaises(UserError):
            launched.unlink()
        late = self.campaign(
            self.segment(), date_end=fields.Date.today() - timedelta(days=1)
        )
        with self.assertRaisesRegex(UserError, "past"):
            late.action_launch()

    def test_club_users_read_campaigns_only_managers_launch(self):
        user = new_test_user(
            self.env, login="camp-club-user", groups="loyalty_club.group_club_user"
        )
        campaign = self.campaign(self.segment())
        self.assertEqual(campaign.with_user(user).name, "Autumn")
        with self.assertRaises(AccessError):
            campaign.with_user(user).action_launch()
        with self.assertRaises(AccessError):
            campaign.with_user(user).write({"control_percent": 50})
        self.assertEqual(campaign.state, "draft")

    def test_recurring_campaign_sends_again_each_week_with_a_new_seed(self):
        weekly = self.campaign(self.segment(), seed="week-1", recurrence="weekly")
        # the user's day, as the launch counts it
        today = fields.Date.context_today(weekly)
        weekly.action_launch()
        self.assertEqual(weekly.next_run, today + timedelta(days=7))
        Campaign = self.env["loyalty.club.campaign"]
        self.assertFalse(Campaign._cron_recur(today + timedelta(days=6)), "not yet")
        repeat = Campaign._cron_recur(today + timedelta(days=7))
        self.assertEqual(repeat.parent_id, weekly)
        self.assertEqual(repeat.state, "launched")
        self.assertTrue(repeat.seed)
        self.assertNotEqual(repeat.seed, weekly.seed)
        self.assertEqual(len(repeat.member_ids), 40)
        self.assertEqual(repeat.control_count, 4)
        self.assertEqual(
            core_campaigns.split(repeat.seed, self.partners.ids, 10),
            self.groups(repeat),
        )
        self.assertTrue(self.messages(campaign_id=repeat.id))
        self.assertEqual(weekly.next_run, today + timedelta(days=14))
        self.assertFalse(Campaign._cron_recur(today + timedelta(days=7)), "once a week")
        # after its end it sends no more
        weekly.date_end = today + timedelta(days=10)
        self.assertFalse(Campaign._cron_recur(today + timedelta(days=14)))
