from datetime import timedelta

from odoo.tests import tagged

from ..domain import money
from .test_accounting_common import D0, TODAY, ClubAccountingCase, cents


@tagged("post_install", "-at_install")
class TestAccountingIfrs(ClubAccountingCase):
    policy = "ifrs15"
    ssp = 100.0
    redemption = 80.0

    def test_month_under_ifrs15(self):
        self.simulate_month()
        self.job._post(self.company, TODAY)
        share = 0.8  # SSP 100 % x expected redemption 80 %
        self.assertEqual(
            self.balance("deferred_revenue"), cents(share * self.OUTSTANDING)
        )
        self.assertEqual(
            -self.balance("bonus_expense"), cents(share * (self.GIFTS + self.ADJUSTED))
        )
        # deferred at each sale, released when spent (through the settlement
        # account: the channel's sale credited the face value to revenue)
        deferred = share * (self.EARNED - self.EARN_REVERSED)
        face_over_value = (1 - share) * (self.SPENT - self.BURN_RETURNED)
        self.assertEqual(-self.balance("revenue"), cents(deferred + face_over_value))
        self.assertEqual(self.balance("breakage"), cents(share * self.EXPIRED))
        self.assertEqual(self.balance("gift_liability"), 0)
        self.assertEqual(self.balance("gift_breakage"), cents(self.GIFT_EXPIRED))
        self.assertEqual(
            -self.balance("clearing"),
            cents(self.GIFT_SOLD - self.GIFT_USED - self.SPENT + self.BURN_RETURNED),
        )
        self.assertFalse(self.account("bonus_liability").id in self._used_accounts())
        rows = self.reconcile()
        self.assertEqual({r["difference"] for r in rows}, {0})
        self.assertEqual(
            sum(r["ledger"] for r in rows if r["wallet_kind"] == "bonus"),
            cents(share * self.OUTSTANDING),
        )
        self.assertFalse(self.job._post(self.company, TODAY))

    def _used_accounts(self):
        return set(
            self.env["account.move.line"]
            .search([("company_id", "=", self.company.id)])
            .account_id.ids
        )

    def test_rounding_never_creeps(self):
        """Odd shares: each line's deferral is rounded, the running total never."""
        self.company.loyalty_club_redemption_percent = 33.33
        num, den = self.company._loyalty_club_deferral_ratio()
        wallet = self.env["loyalty.club.wallet"].browse(
            self.service.register_member(
                {"name": "Odd", "phone": "+79000001155"}, program_id=self.program.id
            )["wallet_id"]
        )
        for day in range(1, 8):
            self.service.confirm(
                self.order("10.10", self.store1, day, wallet_id=wallet.id),
                f"odd-{day}",
            )
            self.job._post(self.company, D0 + timedelta(days=day))
        self.job._post(self.company, TODAY)
        face = sum(
            self.env["loyalty.club.ledger"]
            .search([("wallet_id", "=", wallet.id)])
            .mapped("money_minor")
        )
        values = self.env["loyalty.club.posting"].search(
            [("ledger_id.wallet_id", "=", wallet.id)]
        )
        self.assertEqual(
            sum(values.mapped("value_minor")), money.scale(face, num, den, "half_up")
        )
        self.assertEqual(
            self.balance("deferred_revenue"), money.scale(face, num, den, "half_up")
        )
        self.assertEqual({r["difference"] for r in self.reconcile()}, {0})

    def test_new_rates_are_caught_up_once(self):
        self.simulate_month()
        self.job._post(self.company, TODAY)
        self.company.loyalty_club_redemption_percent = 60.0
        rows = self.reconcile()
        pending = cents(0.6 * self.OUTSTANDING) - cents(0.8 * self.OUTSTANDING)
        self.assertEqual(sum(r["difference"] for r in rows), pending)
        self.assertEqual(sum(r["unposted"] for r in rows), pending)
        moves = self.job._post(self.company, TODAY)
        self.assertEqual(moves.mapped("loyalty_club_remeasure_minor"), [pending])
        self.assertEqual(
            self.balance("deferred_revenue"), cents(0.6 * self.OUTSTANDING)
        )
        self.assertEqual({r["difference"] for r in self.reconcile()}, {0})
        self.assertFalse(self.job._post(self.company, TODAY))
