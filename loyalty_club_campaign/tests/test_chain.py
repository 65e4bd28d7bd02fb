"""The trigger chain "bonuses expiring in N days": exactly the members an
independent query finds, with consent, quiet hours and caps."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import CampaignCase


@tagged("post_install", "-at_install")
class TestChain(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        # members 0..11 get 100 bonuses; 0..7 expire in 7 days, 8..9 in 8 days,
        # 10 in 7 days but already used up, 11 in 7 days but not available yet
        for index, wallet in enumerate(cls.wallets[:12]):
            wallet._gift_once(
                f"chain-gift-{index}", cls.program.to_minor(100 + index), "Gift"
            )
            lot = wallet.lot_ids.filtered(lambda lot: lot.remaining_minor > 0)
            days = 8 if index in (8, 9) else 7
            lot.expires_on = cls.today + timedelta(days=days)
            if index == 10:
                lot.remaining_minor = 0
            if index == 11:
                lot.available_from = cls.today + timedelta(days=2)
        cls.chain = cls.env["loyalty.club.chain"].create(
            {
                "name": "Expiring in a week",
                "program_id": cls.program.id,
                "days": 7,
                "send_sms": True,
                "sms_text": "{name}, {expiring} expire on {expiry_date}.",
            }
        )

    def independent(self):
        """Members of the program with available bonuses expiring in 7 days."""
        lots = self.env["loyalty.club.lot"].search(
            [
                ("wallet_id.program_id", "=", self.program.id),
                ("expires_on", "=", self.today + timedelta(days=7)),
                ("remaining_minor", ">", 0),
                ("available_from", "<=", self.today),
            ]
        )
        return lots.wallet_id.partner_id

    def test_selects_exactly_the_members_of_an_independent_query(self):
        expected = self.independent()
        self.assertEqual(len(expected), 8)
        self.chain._run(self.today)
        messages = self.messages(chain_id=self.chain.id)
        self.assertEqual(messages.partner_id, expected)
        with_consent = expected.filtered("club_consent_sms")
        self.assertEqual(
            messages.filtered(lambda m: m.state == "queued").partner_id, with_consent
        )
        self.assertEqual(
            set(messages.filtered(lambda m: m.state == "skipped").mapped("reason")),
            {"no_consent"},
        )
        # a second run of the same day queues nothing twice
        self.assertEqual(self.chain._run(self.today), 0)
        self.send()
        member = with_consent[0]
        wallet = member.club_wallet_ids
        amount = self.program.from_minor(
            sum(wallet.lot_ids.filtered("remaining_minor").mapped("remaining_minor"))
        )
        text = next(
            m["text"]
            for m in self.fake.messages
            if m["phone"] == member.club_phone.lstrip("+")
        )
        self.assertIn(f"{member.name}, {float(amount):g} bonus expire on", text)
        self.assertEqual(len(self.fake.messages), len(with_consent))

    def test_quiet_hours_hold_the_sms_until_the_morning(self):
        self.chain._run(self.today)
        # 23:00 in Moscow (UTC+3)
        night = self.noon.replace(hour=20)
        self.send(night)
        self.assertEqual(self.fake.messages, [])
        held = self.messages(chain_id=self.chain.id, state="held")
        self.assertTrue(held)
        self.send(night + timedelta(hours=10))
        self.assertEqual(len(self.fake.messages), len(held))

    def test_weekly_cap_counts_campaigns_and_chains(self):
        self.program.cap_week_sms = 1
        first = self.independent().filtered("club_consent_sms")[0]
        segment = self.segment(domain=f"[('id', '=', {first.id})]")
        self.campaign(segment, control_percent=0).action_launch()
        self.chain._run(self.today)
        capped = self.messages(chain_id=self.chain.id, partner_id=first.id)
        self.assertEqual((capped.state, capped.reason), ("skipped", "cap_member"))
        others = self.messages(chain_id=self.chain.id, state="queued")
        self.assertNotIn(first, others.partner_id)
        self.assertTrue(others)

    def test_archived_chain_sends_nothing_and_runs_not(self):
        self.chain._run(self.today)
        self.chain.active = False
        self.send()
        self.assertEqual(self.fake.messages, [])
        self.assertEqual(
            set(self.messages(chain_id=self.chain.id).mapped("reason"))
            - {"no_consent"},
            {"off"},
        )
        self.assertEqual(self.env["loyalty.club.chain"]._cron_run(), 0)


@tagged("post_install", "-at_install")
class TestOtherChains(CampaignCase):
    def chain(self, trigger, days):
        return self.env["loyalty.club.chain"].create(
            {
                "name": trigger,
                "program_id": self.program.id,
                "trigger": trigger,
                "days": days,
                "send_sms": True,
                "sms_text": "{name}, hello from {program}!",
            }
        )

    def chosen(self, chain, today):
        chain._run(today)
        return self.messages(chain_id=chain.id).partner_id

    def test_birthday_in_three_days_once_a_year(self):
        today = fields.Date.today()
        day = today + timedelta(days=3)
        partners = self.partners
        partners[:3].club_birthday = day.replace(year=1990)
        partners[3].club_birthday = (day + timedelta(days=1)).replace(year=1990)
        chain = self.chain("birthday", 3)
        expected = partners.filtered(
            lambda p: p.club_birthday
            and (p.club_birthday.month, p.club_birthday.day) == (day.month, day.day)
        )
        self.assertEqual(self.chosen(chain, today), expected)
        self.assertEqual(chain._run(today), 0, "once per birthday")

    def test_win_back_after_thirty_days_without_a_purchase(self):
        w = self.wallets
        Txn = self.env["loyalty.club.transaction"]
        now = fields.Datetime.now()
        for wallet, days, key in (
            (w[5], 30, "wb-5"),
            (w[6], 31, "wb-6"),
            (w[7], 30, "wb-7"),
        ):
            sold = self.buy(wallet, 500, key)
            Txn.browse(sold["transaction_id"]).date = now - timedelta(days=days)
        self.buy(w[7], 500, "wb-7-again")  # came back today
        chain = self.chain("winback", 30)
        today = fields.Date.today()

        def last_sale(partner):
            sales = Txn.search([("partner_id", "=", partner.id), ("kind", "=", "sale")])
            return max(sales.mapped("date")).date() if sales else None

        expected = self.partners.filtered(
            lambda p: last_sale(p) == today - timedelta(days=30)
        )
        self.assertEqual(expected, w[5].partner_id)
        self.assertEqual(self.chosen(chain, today), expected)

    def test_welcome_two_days_after_joining(self):
        today = fields.Date.today()
        self.partners[:2].club_join_date = today - timedelta(days=2)
        chain = self.chain("welcome", 2)
        self.assertEqual(self.chosen(chain, today), self.partners[:2])
        self.assertEqual(chain._run(today + timedelta(days=1)), 0)
