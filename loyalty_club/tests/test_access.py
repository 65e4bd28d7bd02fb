from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import ClubCase


class TestAccess(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        member = cls.service.register_member(
            {
                "name": "Private Person",
                "phone": "+79161230000",
                "email": "p@example.com",
                "attributes": {},
                "consents": {"email": True, "personal_data": True},
            },
            program_id=cls.program.id,
        )
        cls.wallet = cls.env["loyalty.club.wallet"].browse(member["wallet_id"])
        cls.partner = cls.wallet.partner_id
        cls.accountant = new_test_user(
            cls.env,
            "club_accountant",
            groups="base.group_user,loyalty_club.group_club_accountant",
        )
        cls.user = new_test_user(
            cls.env, "club_user", groups="base.group_user,loyalty_club.group_club_user"
        )
        cls.manager = new_test_user(
            cls.env,
            "club_manager",
            groups="base.group_user,loyalty_club.group_club_manager",
        )
        cls.manager2 = new_test_user(
            cls.env,
            "club_manager2",
            groups="base.group_user,loyalty_club.group_club_manager",
        )
        cls.plain = new_test_user(cls.env, "plain_employee", groups="base.group_user")

    def test_accountant_reads_but_cannot_change(self):
        ledger = self.env["loyalty.club.ledger"].with_user(self.accountant)
        self.assertTrue(ledger.search([("wallet_id", "=", self.wallet.id)]))
        with self.assertRaises(AccessError):
            self.wallet.with_user(self.accountant).write({"available_minor": 5})
        with self.assertRaises(AccessError):
            self.program.with_user(self.accountant).write({"earn_percent": 50})
        with self.assertRaises(AccessError):
            self.service.with_user(self.accountant).confirm(
                self.order(100, wallet_id=self.wallet.id), "acc-1"
            )

    def test_employee_outside_club_sees_nothing(self):
        with self.assertRaises(AccessError):
            self.env["loyalty.club.ledger"].with_user(self.plain).search([])
        with self.assertRaises(AccessError):
            self.service.with_user(self.plain).identify("+79161230000")

    def test_user_serves_manager_adjusts(self):
        found = self.service.with_user(self.user).identify("+7 916 123-00-00")
        self.assertEqual(found["partner_id"], self.partner.id)
        with self.assertRaises(AccessError):
            self.service.with_user(self.user).adjust(self.wallet, 500, "goodwill")
        with self.assertRaisesRegex(UserError, "reason"):
            self.service.with_user(self.manager).adjust(self.wallet, 500, " ")
        self.service.with_user(self.manager).adjust(self.wallet, 500, "goodwill")
        self.assertEqual(self.wallet.balance_available, 1005.0)
        with self.assertRaisesRegex(UserError, "another club manager"):
            self.service.with_user(self.manager).adjust(self.wallet, 200000, "big one")
        # naming another manager is no approval: the approver acts in person
        with self.assertRaisesRegex(UserError, "another club manager"):
            self.service.with_user(self.manager).adjust(
                self.wallet, 200000, "big one", approved_by=self.manager2
            )
        request = self.service.with_user(self.manager).request_adjustment(
            self.wallet, 200000, "big one"
        )
        self.assertEqual(self.wallet.balance_available, 1005.0, "nothing written yet")
        request.with_user(self.manager2).action_approve()
        self.assertEqual(self.wallet.balance_available, 3005.0)

    def test_company_rule(self):
        other = self.env["res.company"].create({"name": "Other chain"})
        foreign = self.env["loyalty.club.program"].create(
            {"name": "Foreign", "company_id": other.id}
        )
        programs = self.env["loyalty.club.program"].with_user(self.manager).search([])
        self.assertIn(self.program, programs)
        self.assertNotIn(foreign, programs)

    def test_erasure_keeps_the_money(self):
        self.service.confirm(self.order(1000, wallet_id=self.wallet.id), "erase-1")
        lines = self.wallet.ledger_ids
        self.partner.with_user(self.manager).action_club_erase()
        self.assertTrue(self.partner.club_erased)
        self.assertFalse(
            self.partner.email or self.partner.mobile or self.partner.club_phone
        )
        self.assertNotIn("Private", self.partner.name)
        self.assertFalse(self.partner.club_consent_email)
        self.assertEqual(self.wallet.ledger_ids, lines, "financial records are kept")
        with self.assertRaises(AccessError):
            self.partner.with_user(self.user).action_club_erase()
