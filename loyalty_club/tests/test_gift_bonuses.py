from datetime import date

from freezegun import freeze_time

from .common import ClubCase


class TestGiftBonuses(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.write(
            {
                "welcome_bonus": 0,
                "birthday_bonus": 200,
                "birthday_window_days": 7,
                "birthday_expiry_days": 30,
                "comeback_bonus": 150,
                "comeback_inactive_days": 90,
                "issue_card_threshold": 3000,
            }
        )

    def member(self, phone, **vals):
        summary = self.service.register_member(
            dict({"name": phone, "phone": phone}, **vals), program_id=self.program.id
        )
        return self.env["loyalty.club.wallet"].browse(summary["wallet_id"])

    def test_birthday_bonus_once_a_year_within_the_window(self):
        soon = self.member("+79161110001", birthday="1990-06-05")
        later = self.member("+79161110002", birthday="1990-07-20")
        with freeze_time(date(2026, 6, 1)):
            self.service._cron_birthday()
            self.service._cron_birthday()
        gift = soon.ledger_ids.filtered(lambda ln: ln.kind == "gift")
        self.assertEqual(len(gift), 1, "once a year")
        self.assertEqual(gift.amount, 200.0)
        self.assertEqual(gift.lot_id.expires_on, date(2026, 7, 1), "its own expiry")
        self.assertFalse(later.ledger_ids)

    def test_comeback_bonus_for_the_inactive_only(self):
        away = self.member("+79161110003")
        active = self.member("+79161110004")
        with freeze_time(date(2026, 1, 10)):
            self.service.confirm(self.order(100, wallet_id=away.id), "cb-1")
        with freeze_time(date(2026, 4, 1)):
            self.service.confirm(self.order(100, wallet_id=active.id), "cb-2")
        with freeze_time(date(2026, 4, 20)):
            self.assertEqual(self.service._cron_comeback(), 1)
            self.assertEqual(self.service._cron_comeback(), 0, "once per absence")
        self.assertEqual(
            away.ledger_ids.filtered(lambda ln: ln.kind == "gift").amount, 150
        )
        self.assertFalse(active.ledger_ids.filtered(lambda ln: ln.kind == "gift"))

    def test_channels_are_told_to_offer_a_card(self):
        self.assertTrue(self.service.quote(self.order("3500.00"))["offer_card"])
        self.assertFalse(self.service.quote(self.order("2999.99"))["offer_card"])
        wallet = self.member("+79161110005")
        self.assertFalse(
            self.service.quote(self.order("3500.00", wallet_id=wallet.id))["offer_card"]
        )
