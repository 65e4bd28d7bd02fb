from datetime import date, timedelta

from freezegun import freeze_time

from ..domain.cards import make_ean13
from .common import ClubCase

CARD1, CARD2 = make_ean13("298", 1), make_ean13("298", 2)

D0 = date(2026, 3, 2)


def at(days):
    return freeze_time(D0 + timedelta(days=days))


class TestMemberStory(ClubCase):
    """The whole story of one member, checked against the ledger at every step."""

    def balances(self, wallet):
        wallet.invalidate_recordset()
        return wallet.balance_available, wallet.balance_pending

    def test_member_story(self):
        with at(0):
            summary = self.service.register_member(
                {
                    "name": "Olena Sokolova",
                    "phone": "+7 912 345 67 89",
                    "consents": {"sms": True, "personal_data": True},
                },
                source="pos",
                program_id=self.program.id,
            )
            found = self.service.identify("8 (912) 345-67-89", self.program.id)
            self.assertEqual(
                found["partner_id"], summary["partner_id"], "two spellings, one member"
            )
            wallet = self.env["loyalty.club.wallet"].browse(summary["wallet_id"])
            self.assertEqual(wallet.partner_id.club_phone, "+79123456789")
            self.assertEqual(self.balances(wallet), (1000.0, 0.0), "welcome bonus")
            self.assertTrue(wallet.partner_id.club_consent_sms)

            first = self.service.confirm(
                self.order("10000.00", wallet_id=wallet.id, ref="S1"), "s1"
            )
            self.assertEqual(first["earn"], 1000.0)
            self.assertEqual(
                self.balances(wallet), (1000.0, 1000.0), "earned bonuses wait"
            )
            self.assertLedgerConsistent(wallet)

        with at(15):
            self.service._cron_refresh_balances()
            self.assertEqual(
                self.balances(wallet), (2000.0, 0.0), "available after pending"
            )
            quote = self.service.quote(
                self.order("5000.00", burn=2000, wallet_id=wallet.id)
            )
            self.assertEqual((quote["burn"], quote["cap_reason"]), (1500.0, "cap"))
            second = self.service.confirm(
                self.order("5000.00", burn=2000, wallet_id=wallet.id, ref="S2"), "s2"
            )
            self.assertEqual(second["burn"], 1500.0, "30 % cap")
            self.assertEqual(second["earn"], 350.0, "10 % of the 3,500 paid")
            self.assertEqual(second["to_pay"], 3500.0)
            self.assertEqual(self.balances(wallet), (500.0, 350.0))
            self.assertLedgerConsistent(wallet)

        with at(16):
            refund = self.service.reverse(
                {"original_key": "s2", "amount": "2500.00"}, "s2-r1"
            )
            self.assertEqual(refund["earn_reversed"], 175.0)
            self.assertEqual(refund["burn_returned"], 750.0)
            self.assertEqual(self.balances(wallet), (1250.0, 175.0))
            again = self.service.reverse(
                {"original_key": "s2", "amount": "2500.00"}, "s2-r1"
            )
            self.assertTrue(again["replayed"])
            self.assertEqual(
                self.balances(wallet),
                (1250.0, 175.0),
                "a replayed refund changes nothing",
            )
            self.assertLedgerConsistent(wallet)

        with at(181):
            expired = self.service._cron_expire()
            self.assertEqual(
                expired, 2, "the first accrual's rest and the returned bonuses"
            )
            self.assertEqual(self.balances(wallet), (175.0, 0.0))
            self.assertLedgerConsistent(wallet)

        with at(196):
            self.service._cron_expire()
            self.assertEqual(
                self.balances(wallet), (0.0, 0.0), "the last lot expired too"
            )
            self.assertLedgerConsistent(wallet)
        kinds = wallet.ledger_ids.sorted("id").mapped("kind")
        self.assertEqual(
            kinds,
            [
                "gift",
                "earn",
                "burn",
                "earn",
                "reversal",
                "reversal",
                # one expiry line per wallet and run, naming the lots it closed
                "expire",
                "expire",
            ],
        )
        expiries = wallet.ledger_ids.filtered(lambda ln: ln.kind == "expire")
        first_expiry = expiries.sorted("id")[:1]
        self.assertEqual(len(first_expiry.allocation_ids), 2)
        self.assertEqual(
            sum(first_expiry.allocation_ids.mapped("amount_minor")),
            first_expiry.amount_minor,
        )
        self.assertEqual(sum(wallet.ledger_ids.mapped("amount_minor")), 0)

    def test_welcome_bonus_once_per_phone(self):
        first = self.service.register_member(
            {"name": "A", "phone": "+380 50 123 45 67"}, program_id=self.program.id
        )
        again = self.service.register_member(
            {"name": "A again", "phone": "050 123 45 67"}, program_id=self.program.id
        )
        self.assertEqual(first["partner_id"], again["partner_id"])
        wallet = self.env["loyalty.club.wallet"].browse(first["wallet_id"])
        self.assertEqual(
            len(wallet.ledger_ids.filtered(lambda ln: ln.kind == "gift")), 1
        )

    def test_tier_upgrade_on_purchase_and_review(self):
        silver, gold = self.env["loyalty.club.tier"].create(
            [
                {
                    "program_id": self.program.id,
                    "name": "Silver",
                    "threshold": 0,
                    "earn_percent": 10,
                },
                {
                    "program_id": self.program.id,
                    "name": "Gold",
                    "threshold": 30000,
                    "earn_percent": 15,
                },
            ]
        )
        member = self.service.register_member(
            {"name": "T", "phone": "+79161234567"}, program_id=self.program.id
        )
        wallet = self.env["loyalty.club.wallet"].browse(member["wallet_id"])
        with at(0):
            self.service.confirm(self.order(10000, wallet_id=wallet.id), "t1")
            self.assertEqual(wallet.tier_id, silver)
            self.service.confirm(self.order(25000, wallet_id=wallet.id), "t2")
            self.assertEqual(wallet.tier_id, gold, "upgrade at once")
            third = self.service.confirm(self.order(1000, wallet_id=wallet.id), "t3")
            self.assertEqual(third["earn"], 150.0, "gold earns 15 %")
        with at(400):
            self.service._cron_tier_review()
            self.assertEqual(
                wallet.tier_id, silver, "nothing bought within the rolling year"
            )
            review = wallet.tier_history_ids.filtered(lambda h: h.reason == "review")
            self.assertEqual((review.old_tier_id, review.new_tier_id), (gold, silver))

    def test_card_identifies_and_replacement_keeps_member(self):
        cards = self.env["loyalty.club.card"].create(
            [
                {"code": CARD1, "program_id": self.program.id},
                {"code": CARD2, "program_id": self.program.id},
            ]
        )
        first = self.service.identify(CARD1, self.program.id)
        self.assertEqual(first["status"], "unregistered_card")
        member = self.service.register_member(
            {"name": "Card holder", "phone": "+79031112233", "card_number": CARD1},
            program_id=self.program.id,
        )
        self.assertEqual(
            self.service.identify(CARD1)["partner_id"], member["partner_id"]
        )
        self.assertEqual(
            self.service.identify("LCLUB:" + CARD1)["partner_id"], member["partner_id"]
        )
        cards[0].action_replace(cards[1])
        self.assertEqual(cards[0].state, "replaced")
        self.assertEqual(self.service.identify(CARD2)["available"], 1000.0)
