from odoo.exceptions import UserError, ValidationError

from ..domain.cards import make_ean13
from .common import ClubCase

CARD1, CARD2 = make_ean13("298", 1), make_ean13("298", 2)


class TestBadInput(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        member = cls.service.register_member(
            {"name": "Bad", "phone": "+79219998877"}, program_id=cls.program.id
        )
        cls.wallet = cls.env["loyalty.club.wallet"].browse(member["wallet_id"])

    def assertNothingRecorded(self, call, message):
        before = self.env["loyalty.club.ledger"].search_count([])
        with self.assertRaisesRegex((UserError, ValidationError), message):
            call()
        self.assertEqual(self.env["loyalty.club.ledger"].search_count([]), before)

    def test_identifiers(self):
        self.assertNothingRecorded(
            lambda: self.service.identify(CARD1[:-1] + str((int(CARD1[-1]) + 1) % 10)),
            "check digit",
        )
        self.assertNothingRecorded(lambda: self.service.identify(CARD1), "No club card")
        self.assertNothingRecorded(
            lambda: self.service.identify("+7 999 000 00 00"), "No member"
        )
        self.assertNothingRecorded(lambda: self.service.identify("%%%"), "neither")
        card = self.env["loyalty.club.card"].create(
            {
                "code": CARD2,
                "program_id": self.program.id,
                "state": "active",
                "partner_id": self.wallet.partner_id.id,
            }
        )
        card.action_block()
        self.assertNothingRecorded(lambda: self.service.identify(CARD2), "blocked")

    def test_amounts(self):
        wid = self.wallet.id
        self.assertNothingRecorded(
            lambda: self.service.confirm(self.order("abc", wallet_id=wid), "k1"),
            "not an amount",
        )
        self.assertNothingRecorded(
            lambda: self.service.confirm(
                self.order("100", burn=-5, wallet_id=wid), "k2"
            ),
            "cannot be negative",
        )
        self.assertNothingRecorded(
            lambda: self.service.confirm(
                self.order("-100", burn=5, wallet_id=wid), "k3"
            ),
            "only pay for a purchase",
        )
        self.assertNothingRecorded(
            lambda: self.service.confirm(
                self.order("100", wallet_id=wid, lines=[]), "k4"
            ),
            "at least one line",
        )
        self.assertNothingRecorded(
            lambda: self.service.confirm(
                self.order("1000", burn=400, wallet_id=wid, strict=True), "k5"
            ),
            "At most 300",
        )
        self.assertNothingRecorded(
            lambda: self.service.confirm(
                self.order("10000", burn=2000, wallet_id=wid, strict=True), "k6"
            ),
            "Not enough bonuses",
        )
        self.assertNothingRecorded(
            lambda: self.service.confirm(self.order("10"), ""), "idempotency key"
        )

    def test_expired_program(self):
        self.program.date_to = "2020-01-01"
        self.assertNothingRecorded(
            lambda: self.service.confirm(
                self.order("100", wallet_id=self.wallet.id), "k7"
            ),
            "not running",
        )

    def test_ledger_is_append_only(self):
        line = self.wallet.ledger_ids[:1]
        self.assertTrue(line)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            line.write({"amount_minor": 1})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            line.unlink()
        with self.assertRaisesRegex(UserError, "club services only"):
            self.env["loyalty.club.ledger"].create(
                {
                    "wallet_id": self.wallet.id,
                    "program_id": self.program.id,
                    "company_id": self.env.company.id,
                    "kind": "adjust",
                    "amount_minor": 5,
                    "idempotency_key": "forged",
                }
            )

    def test_refund_more_than_sold(self):
        self.service.confirm(self.order("100", wallet_id=self.wallet.id), "r0")
        self.assertNothingRecorded(
            lambda: self.service.reverse({"original_key": "r0", "amount": "150"}, "r1"),
            "left to refund",
        )
        self.assertNothingRecorded(
            lambda: self.service.reverse({"original_key": "nope", "amount": "1"}, "r2"),
            "not found",
        )
