from datetime import datetime, time, timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .test_accounting_common import D0, TODAY, ClubAccountingCase, at, cents

RATE = 0.20  # expected gift-card breakage
PER_SPEND = RATE / (1 - RATE)  # breakage each unit spent brings


@tagged("post_install", "-at_install")
class TestAccountingGiftBreakage(ClubAccountingCase):
    """A month of gift cards with breakage recognised in proportion to use."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "loyalty_club_gift_breakage": "proportional",
                "loyalty_club_gift_breakage_percent": RATE * 100,
            }
        )

    def sell_card(self, amount, day, store, key):
        return self.service.gift_card_issue(
            {
                "program_id": self.program.id,
                "amount": amount,
                "store_id": store.id,
                "channel": "api",
                "date": at(day),
                "validity_days": 10,
            },
            key,
        )["code"]

    def gift_wallet(self, code):
        card = self.env["loyalty.club.card"].search([("code", "=", code)])
        return self.env["loyalty.club.wallet"].search([("card_id", "=", card.id)])

    def test_rate_is_checked(self):
        with self.assertRaises(ValidationError):
            self.company.loyalty_club_gift_breakage_percent = 100.0

    def test_month_with_breakage_in_proportion_to_use(self):
        member = self.service.register_member(
            {"name": "Gala", "phone": "+79000001201"}, program_id=self.program.id
        )
        wallet = self.env["loyalty.club.wallet"].browse(member["wallet_id"])
        card_a = self.sell_card("500.00", 1, self.store1, "b-gift-a")
        self.service.confirm(
            self.order(
                "400.00",
                self.store2,
                3,
                wallet_id=wallet.id,
                gift_cards=[{"code": card_a, "amount": "200.00"}],
            ),
            "b-use-a",
        )
        # 40.00 of the spend comes back to the card (a refund of that sale)
        gift_a = self.gift_wallet(card_a)
        burn = gift_a.ledger_ids.filtered(lambda ln: ln.kind == "burn")
        refund_at = datetime.combine(D0 + timedelta(days=4), time(12))
        gift_a._credit(
            "reversal",
            4000,
            "b-use-a-refund",
            refund_at,
            refund_at.date(),
            pending_days=0,
            expires_on=burn.allocation_ids.lot_id.expires_on,
            reversed_id=burn.id,
            store_id=self.store2.id,
            channel="api",
        )
        gift_a._refresh_balances()
        # a second card sold and used up: it breaks nothing
        card_b = self.sell_card("100.00", 5, self.store1, "b-gift-b")
        self.service.confirm(
            self.order(
                "100.00",
                self.store1,
                6,
                wallet_id=wallet.id,
                gift_cards=[{"code": card_b, "amount": "100.00"}],
            ),
            "b-use-b",
        )

        # by hand: card A 500 sold, 160 used (200 - 40), card B 100 sold, used up
        sold, used_a, used_b = 500.0, 200.0 - 40.0, 100.0
        day5 = D0 + timedelta(days=5)
        self.job._post(self.company, day5)
        advance = used_a * PER_SPEND  # 40.00, less than the 340 left on card A
        self.assertEqual(self.balance("gift_breakage", day5), cents(advance))
        self.assertEqual(
            self.balance("gift_liability", day5), cents(sold - used_a - advance + 100)
        )
        rows = self.reconcile(day5)
        self.assertEqual({r["difference"] for r in rows}, {0})
        self.assertEqual(
            sum(r["ledger"] for r in rows if r["wallet_kind"] == "gift_card"),
            cents(sold - used_a - advance + 100),
            "the ledger's gift-card liability net of the breakage recognised",
        )
        # the ledger stays at face value: card A still holds 340
        self.assertEqual(
            sum(gift_a.ledger_ids.mapped("money_minor")), cents(sold - used_a)
        )

        with freeze_time(TODAY):
            self.service._cron_expire(TODAY)
        self.job._post(self.company, TODAY)
        expired = sold - used_a
        self.assertEqual(self.balance("gift_liability"), 0)
        self.assertEqual(
            self.balance("gift_breakage"),
            cents(expired),
            "the expiry released the rest",
        )
        self.assertEqual(
            cents(used_a + used_b) + self.balance("gift_breakage"),
            cents(sold + 100),
            "spent and breakage add up to what the cards were loaded with",
        )
        # the channels settled the sales and uses (no bonus was spent)
        self.assertEqual(-self.balance("clearing"), cents(sold + 100 - used_a - used_b))
        rows = self.reconcile()
        self.assertEqual({r["difference"] for r in rows}, {0})
        self.assertEqual(
            sum(r["ledger"] for r in rows if r["wallet_kind"] == "gift_card"), 0
        )
        roll = self.job._rollforward(self.company, D0, TODAY)
        gift = [r for r in roll if r["wallet_kind"] == "gift_card"]
        self.assertEqual(sum(r["closing"][1] for r in gift), 0)
        self.assertEqual(sum(r["expired"][1] for r in gift), -cents(expired))
        # the entries carry the breakage, each line once
        postings = self.env["loyalty.club.posting"].search(
            [("ledger_id.wallet_id", "in", (gift_a | self.gift_wallet(card_b)).ids)]
        )
        self.assertEqual(len(postings), len(postings.ledger_id))
        self.assertFalse(self.job._post(self.company, TODAY))
