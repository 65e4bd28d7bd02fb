from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError

from .common import ClubCase


class TestGiftCard(ClubCase):
    def test_sell_then_pay_with_gift_card_and_bonuses(self):
        sold = self.service.gift_card_issue(
            {
                "program_id": self.program.id,
                "amount": "500.00",
                "store_id": self.store.id,
            },
            "gift-sale-1",
        )
        self.assertEqual(sold["balance"], 500.0)
        cards = self.env["loyalty.club.card"].search_count([("kind", "=", "gift")])
        replay = self.service.gift_card_issue(
            {
                "program_id": self.program.id,
                "amount": "500.00",
                "store_id": self.store.id,
            },
            "gift-sale-1",
        )
        self.assertEqual(replay["code"], sold["code"], "a replay sells nothing new")
        self.assertTrue(replay["replayed"])
        self.assertEqual(
            self.env["loyalty.club.card"].search_count([("kind", "=", "gift")]), cards
        )
        member = self.service.register_member(
            {"name": "Gifted", "phone": "+79161112200"}, program_id=self.program.id
        )
        done = self.service.confirm(
            self.order(
                "1000.00",
                burn=300,
                wallet_id=member["wallet_id"],
                gift_cards=[{"code": sold["code"], "amount": "200.00"}],
            ),
            "gift-order-1",
        )
        self.assertEqual(done["burn"], 300.0, "bonuses and gift card together")
        self.assertEqual(done["gift_cards"][0]["balance"], 300.0, "partly spent")
        self.assertEqual(self.service.gift_card_info(sold["code"])["balance"], 300.0)
        card = self.env["loyalty.club.card"].search([("code", "=", sold["code"])])
        kinds = card.wallet_id.ledger_ids.mapped("kind")
        self.assertEqual(sorted(kinds), ["burn", "issue"])
        self.assertEqual(card.wallet_id._ledger_mismatches(), [])

    def test_overspent_or_unknown_gift_card_records_nothing(self):
        sold = self.service.gift_card_issue({"amount": "50"}, "gift-sale-2")
        before = self.env["loyalty.club.ledger"].search_count([])
        with self.assertRaisesRegex(UserError, "holds only 50"):
            self.service.confirm(
                self.order("100", gift_cards=[{"code": sold["code"], "amount": 80}]),
                "g-2",
            )
        with self.assertRaisesRegex(UserError, "not a gift card"):
            self.service.gift_card_info("NOPE-1234")
        self.assertEqual(self.env["loyalty.club.ledger"].search_count([]), before)

    def test_gift_card_expires(self):
        with freeze_time(date(2026, 1, 10)):
            sold = self.service.gift_card_issue(
                {"amount": "100", "validity_days": 30}, "gift-sale-3"
            )
        with freeze_time(date(2026, 1, 10) + timedelta(days=31)):
            self.service._cron_expire()
            self.assertEqual(self.service.gift_card_info(sold["code"])["balance"], 0.0)

    def test_a_gift_card_is_no_member(self):
        sold = self.service.gift_card_issue({"amount": "30"}, "gift-sale-4")
        with self.assertRaisesRegex(UserError, "is a gift card"):
            self.service.identify(sold["code"])
        card = self.env["loyalty.club.card"].search([("code", "=", sold["code"])])
        with self.assertRaisesRegex(UserError, "not a member's wallet"):
            self.service.confirm(self.order("10", wallet_id=card.wallet_id.id), "g-4")
        done = self.service.confirm(self.order("10", burn="0.00"), "g-5")
        self.assertFalse(done["member"], "a zero spend is no spend")

    def test_gift_idempotency_key_with_another_body_is_refused(self):
        """A key names one request: a gift-card sale or refund sent again with
        the same key but another body changes nothing and is refused."""
        sold = self.service.gift_card_issue({"amount": "80.00"}, "gift-key-1")
        ledger = self.env["loyalty.club.ledger"].search_count([])
        cards = self.env["loyalty.club.card"].search_count([])
        with self.assertRaisesRegex(ValidationError, "already used for another"):
            self.service.gift_card_issue({"amount": "800.00"}, "gift-key-1")
        with self.assertRaisesRegex(ValidationError, "already used for another"):
            # a key of a sale is no key of a gift-card sale either
            self.service.confirm(self.order("10"), "gift-key-1")
        self.assertEqual(self.env["loyalty.club.ledger"].search_count([]), ledger)
        self.assertEqual(self.env["loyalty.club.card"].search_count([]), cards)
        self.assertEqual(self.service.gift_card_info(sold["code"])["balance"], 80.0)

        cancel = {"code": sold["code"], "ref": "refund at the desk"}
        done = self.service.gift_card_cancel(cancel, "gift-cancel-1")
        self.assertEqual(done["state"], "blocked")
        self.assertTrue(
            self.service.gift_card_cancel(cancel, "gift-cancel-1")["replayed"],
            "the same refund sent again is replayed",
        )
        with self.assertRaisesRegex(ValidationError, "already used for another"):
            self.service.gift_card_cancel(
                {"code": sold["code"], "ref": "another"}, "gift-cancel-1"
            )
        reversals = self.env["loyalty.club.ledger"].search_count(
            [("kind", "=", "reversal"), ("idempotency_key", "like", "gift-cancel-1%")]
        )
        self.assertEqual(reversals, 1, "the sale of the card is reversed once")
