from datetime import datetime, time, timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..domain.posting import ACCOUNT_ROLES
from .test_accounting_common import ClubAccountingCase


@tagged("post_install", "-at_install")
class TestAccountingSetup(ClubAccountingCase):
    def test_chart_load_creates_accounts_and_journal(self):
        company = self.company
        self.assertEqual(company.chart_template, "generic_coa")
        self.assertEqual(company.loyalty_club_posting_mode, "daily")
        self.assertEqual(company.loyalty_club_journal_id.type, "general")
        expected = {
            "bonus_liability": ("2130", "liability_current"),
            "deferred_revenue": ("2140", "liability_current"),
            "gift_liability": ("2150", "liability_current"),
            "clearing": ("1290", "asset_current"),
            "bonus_expense": ("6500", "expense"),
            "revenue": ("4010", "income"),
            "breakage": ("4510", "income_other"),
            "gift_breakage": ("4520", "income_other"),
        }
        for role, (code, account_type) in expected.items():
            account = company._loyalty_club_account(role)
            self.assertEqual((account.code, account.account_type), (code, account_type))
        self.assertEqual(company._loyalty_club_missing(), [])

    def test_taken_codes_are_never_reused(self):
        company = self.company
        company.write(
            {
                "loyalty_club_posting_mode": "manual",
                "loyalty_club_bonus_liability_account_id": False,
            }
        )
        company._loyalty_club_setup_accounting()
        account = company.loyalty_club_bonus_liability_account_id
        self.assertEqual(account.code, "2131", "2130 is the first club account's")
        codes = [company[role[0]].code for role in ACCOUNT_ROLES.values()]
        self.assertEqual(len(codes), len(set(codes)))

    def test_other_charts(self):
        company = self.setup_other_company(name="Branchless")["company"]
        self.assertEqual(company._loyalty_club_missing(), [])
        self.assertNotEqual(
            company.loyalty_club_journal_id, self.company.loyalty_club_journal_id
        )
        ua = self.env["ir.module.module"]._get("l10n_ua")
        if ua.state != "installed":
            self.skipTest("l10n_ua is not installed")
        self.env["account.chart.template"].try_loading(
            "ua_psbo", company=company, install_demo=False
        )
        company = company.with_company(company)
        self.assertEqual(company.loyalty_club_bonus_liability_account_id.code, "6854")
        self.assertEqual(company.loyalty_club_breakage_account_id.code, "7191")
        self.assertEqual(company.loyalty_club_clearing_account_id.code, "3771")
        self.assertEqual(company._loyalty_club_missing(), [])

    def test_missing_account_is_refused_early(self):
        with self.assertRaisesRegex(ValidationError, "Daily club posting needs"):
            self.company.loyalty_club_breakage_account_id = False
        self.company.write(
            {
                "loyalty_club_posting_mode": "manual",
                "loyalty_club_breakage_account_id": False,
            }
        )
        self.simulate_month()
        with self.assertRaisesRegex(UserError, "Bonus Breakage Account"):
            self.job._post(self.company)
        self.assertFalse(self.env["loyalty.club.posting"].search([]))
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            self.company.loyalty_club_redemption_percent = 120

    def test_policy_is_fixed_once_posted(self):
        self.company.loyalty_club_policy = "ifrs15"
        self.company.loyalty_club_policy = "cost"
        self.simulate_month()
        self.job._post(self.company, fields.Date.today())
        with self.assertRaisesRegex(UserError, "already posted"):
            self.company.loyalty_club_policy = "ifrs15"

    def test_settings_and_cron(self):
        settings = self.env["res.config.settings"].create(
            {"loyalty_club_redemption_percent": 75.0}
        )
        settings.execute()
        self.assertEqual(self.company.loyalty_club_redemption_percent, 75.0)
        wallet = self.env["loyalty.club.wallet"].browse(
            self.service.register_member(
                {"name": "Cron", "phone": "+79000001133"}, program_id=self.program.id
            )["wallet_id"]
        )
        yesterday = fields.Date.today() - timedelta(days=1)
        self.service.confirm(
            {
                "program_id": self.program.id,
                "store_id": self.store1.id,
                "lines": [{"key": 1, "amount": "300.00"}],
                "wallet_id": wallet.id,
                "date": fields.Datetime.to_string(
                    datetime.combine(yesterday, time(10))
                ),
            },
            "cron-1",
        )
        self.assertEqual(self.job._cron_post(companies=self.company), 1)
        earn = wallet.ledger_ids.filtered(lambda ln: ln.kind == "earn")
        self.assertEqual(earn.move_id.date, yesterday)
        self.assertFalse(wallet.ledger_ids.filtered("posted") - earn, "today waits")
        self.assertEqual(self.job._cron_post(companies=self.company), 0)
        settings.action_loyalty_club_post()
        self.assertEqual(self.job._cron_post(companies=self.company), 0)
