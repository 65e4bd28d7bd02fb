"""Screens in Ukrainian: a back-office user whose language is uk_UA reads the
member form's labels from loyalty_club/i18n/uk.po, in the views Odoo serves and
in a real browser."""

from lxml import etree

from odoo.tests import HttpCase, new_test_user, tagged

from ..domain.cards import make_ean13

CARD = make_ean13("297", 616161)


@tagged("post_install", "-at_install")
class TestBackOfficeUkrainian(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("uk_UA")
        cls.env["ir.module.module"]._load_module_terms(["loyalty_club"], ["uk_UA"])
        cls.user = new_test_user(
            cls.env,
            "club_uk_manager",
            groups="base.group_user,loyalty_club.group_club_manager",
            lang="uk_UA",
        )
        program = cls.env["loyalty.club.program"].create(
            {"name": "UK labels club", "sequence": 0}
        )
        cls.env["loyalty.club.card"].create({"code": CARD, "program_id": program.id})
        member = cls.env["loyalty.club.service"].register_member(
            {"name": "Olena", "phone": "+380501234567", "card_number": CARD},
            program_id=program.id,
        )
        cls.partner = cls.env["res.partner"].browse(member["partner_id"])

    def test_member_form_labels_in_ukrainian(self):
        Partner = (
            self.env["res.partner"].with_user(self.user).with_context(lang="uk_UA")
        )
        arch = etree.fromstring(
            Partner.get_views([(False, "form")])["views"]["form"]["arch"]
        )
        page = arch.xpath("//page[@name='loyalty_club']")
        self.assertEqual(page[0].get("string"), "Клуб лояльності")
        groups = {g.get("name"): g.get("string") for g in page[0].iter("group")}
        self.assertEqual(groups["club_membership"], "Участь у клубі")
        self.assertEqual(groups["club_consents"], "Згоди")
        fields = Partner.fields_get(["club_join_date", "club_consent_ids"])
        self.assertEqual(fields["club_join_date"]["string"], "Учасник з")
        self.assertEqual(fields["club_consent_ids"]["string"], "Історія згод")
        action = self.env.ref("loyalty_club.res_partner_action_members")
        self.assertEqual(action.with_context(lang="uk_UA").name, "Учасники")

    def test_member_form_in_the_browser(self):
        self.start_tour(
            f"/odoo/action-loyalty_club.res_partner_action_members/{self.partner.id}",
            "loyalty_club_back_office_uk_tour",
            login=self.user.login,
        )

    def test_demo_portal_member_sees_the_card(self):
        """The README's portal login (demo data) opens /my/club on the card."""
        if not self.env.ref("loyalty_club.user_member_portal", False):
            self.skipTest("installed without demo data")
        self.authenticate("member1@example.com", "member01")
        page = self.url_open("/my/club")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Oleg Bondarenko", page.text)
        self.assertIn("2990000000019", page.text)
        self.assertIn("o_club_card", page.text)
