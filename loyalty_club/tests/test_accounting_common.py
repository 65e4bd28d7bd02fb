"""A month of a club under one accounting policy, on a company with the generic
chart, made through the service only; figures computed here, independently."""

from datetime import datetime, time, timedelta

from freezegun import freeze_time

from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

TODAY = fields.Date.today()
D0 = TODAY - timedelta(days=25)


def at(days, hour=12):
    """A payload date ``days`` after D0 (UTC, noon)."""
    return fields.Datetime.to_string(
        datetime.combine(D0 + timedelta(days=days), time(hour))
    )


def cents(value):
    return round(value * 100)


class ClubAccountingCase(AccountTestInvoicingCommon):
    policy = "cost"
    ssp = 100.0
    redemption = 80.0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.env.user.groups_id = [
            Command.link(cls.env.ref("loyalty_club.group_club_manager").id)
        ]
        cls.company.write(
            {
                "loyalty_club_policy": cls.policy,
                "loyalty_club_ssp_percent": cls.ssp,
                "loyalty_club_redemption_percent": cls.redemption,
            }
        )
        cls.service = cls.env["loyalty.club.service"]
        cls.job = cls.env["loyalty.club.accounting"]
        cls.store1, cls.store2 = cls.env["loyalty.club.store"].create(
            [{"name": "North", "code": "N1"}, {"name": "South", "code": "S2"}]
        )
        cls.program = cls.env["loyalty.club.program"].create(
            {
                "name": "Accounting club",
                "sequence": 0,
                "earn_percent": 10,
                "burn_cap_percent": 50,
                "pending_days": 0,
                "expiry_days": 20,
                "welcome_bonus": 50,
                "adjustment_approval_threshold": 0,
            }
        )

    # ----------------------------------------------------------------- helpers
    def order(self, amount, store, day, burn=0, **extra):
        payload = {
            "program_id": self.program.id,
            "store_id": store.id,
            "channel": "api",
            "lines": [{"key": 1, "amount": amount}],
            "burn": burn,
            "date": at(day),
        }
        payload.update(extra)
        return payload

    def account(self, role):
        return self.company._loyalty_club_account(role)

    def balance(self, role, date=None):
        """Credit - debit of the role's account in the general ledger, in cents."""
        domain = [
            ("account_id", "=", self.account(role).id),
            ("company_id", "=", self.company.id),
            ("parent_state", "=", "posted"),
        ]
        if date:
            domain.append(("date", "<=", date))
        lines = self.env["account.move.line"].search(domain)
        return cents(sum(lines.mapped("credit")) - sum(lines.mapped("debit")))

    def reconcile(self, date=TODAY):
        return self.job._reconciliation(self.company, date)

    def simulate_month(self):
        """Earns, spends, a partial refund, a gift card sold, partly used and
        expired, manual adjustments and expiry; returns the two wallets."""
        with freeze_time(D0):
            a = self.service.register_member(
                {"name": "Anna", "phone": "+79000001101"}, program_id=self.program.id
            )
            b = self.service.register_member(
                {"name": "Boris", "phone": "+79000001102"}, program_id=self.program.id
            )
        wallet_a = self.env["loyalty.club.wallet"].browse(a["wallet_id"])
        wallet_b = self.env["loyalty.club.wallet"].browse(b["wallet_id"])
        self.service.confirm(
            self.order("1000.00", self.store1, 1, wallet_id=wallet_a.id), "m-a1"
        )
        card = self.service.gift_card_issue(
            {
                "program_id": self.program.id,
                "amount": "500.00",
                "store_id": self.store1.id,
                "channel": "api",
                "date": at(2),
                "validity_days": 10,
            },
            "m-gift",
        )
        self.service.confirm(
            self.order("2000.00", self.store2, 3, wallet_id=wallet_b.id), "m-b1"
        )
        spent = self.service.confirm(
            self.order("600.00", self.store1, 4, burn=150, wallet_id=wallet_a.id),
            "m-a2",
        )
        self.assertEqual((spent["burn"], spent["earn"]), (150.0, 45.0))
        refund = self.service.reverse(
            {"original_key": "m-a2", "amount": "300.00", "date": at(5)}, "m-a2-r"
        )
        self.assertEqual((refund["earn_reversed"], refund["burn_returned"]), (22.5, 75))
        self.service.confirm(
            self.order(
                "400.00",
                self.store2,
                8,
                wallet_id=wallet_b.id,
                gift_cards=[{"code": card["code"], "amount": "200.00"}],
            ),
            "m-b2",
        )
        with freeze_time(D0 + timedelta(days=10)):
            self.service.adjust(wallet_b, 3000, "goodwill")
            self.service.adjust(wallet_a, -1000, "correction")
        with freeze_time(TODAY):
            # expiry lines are dated by the database's now(), i.e. today
            self.service._cron_expire(TODAY)
        return wallet_a, wallet_b

    # the month's figures, by hand (units of currency; one bonus = 1.00)
    GIFTS = 100.0  # two welcome bonuses
    EARNED = 100.0 + 200.0 + 45.0 + 40.0
    SPENT = 150.0
    EARN_REVERSED = 22.5
    BURN_RETURNED = 75.0
    ADJUSTED = 30.0 - 10.0
    # Anna: 75 returned - 10 adjusted + 22.50 left of her second earn; Boris: his
    # welcome bonus and first earn; the gift card's 300 left
    EXPIRED = 65.0 + 22.5 + 50.0 + 200.0
    GIFT_SOLD, GIFT_USED, GIFT_EXPIRED = 500.0, 200.0, 300.0
    OUTSTANDING = 40.0 + 30.0  # Boris's second earn and his adjustment
