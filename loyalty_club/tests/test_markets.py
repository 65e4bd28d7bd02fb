"""The club in a tenge company: Kazakh phone numbers in their usual spellings
identify the member, and amounts count in tenge."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestKazakhstan(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        kzt = cls.env.ref("base.KZT")
        kzt.active = True
        cls.company = cls.env["res.company"].create(
            {
                "name": "Almaty club",
                "currency_id": kzt.id,
                "country_id": cls.env.ref("base.kz").id,
            }
        )
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=cls.company.ids)
        )
        cls.program = cls.env["loyalty.club.program"].create(
            {
                "name": "Tenge club",
                "company_id": cls.company.id,
                "currency_id": kzt.id,
                "earn_percent": 5,
                "pending_days": 0,
                "welcome_bonus": 0,
            }
        )
        cls.service = cls.env["loyalty.club.service"].with_company(cls.company)

    def test_kazakh_phones_identify_the_member(self):
        member = self.service.register_member(
            {"name": "Aigerim", "phone": "8 701 123 45 67"},
            program_id=self.program.id,
        )
        partner = self.env["res.partner"].browse(member["partner_id"])
        self.assertEqual(partner.club_phone, "+77011234567")
        for spelling in ("+7 (701) 123-45-67", "87011234567", "+77011234567"):
            found = self.service.identify(spelling, self.program.id)
            self.assertEqual(found["partner_id"], partner.id, spelling)
        sale = self.service.confirm(
            {
                "program_id": self.program.id,
                "wallet_id": member["wallet_id"],
                "lines": [{"key": 1, "amount": "12500.00"}],
            },
            "kz-1",
        )
        self.assertEqual(sale["earn"], 625.0, "5 % of 12,500 tenge")
        txn = self.env["loyalty.club.transaction"].browse(sale["transaction_id"])
        self.assertEqual(txn.currency_id.name, "KZT")
