import re

from odoo.tests import HttpCase, new_test_user, tagged

from ..domain.cards import make_ean13

CARD = make_ean13("297", 424242)


@tagged("post_install", "-at_install")
class TestPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        service = cls.env["loyalty.club.service"]
        cls.program = cls.env["loyalty.club.program"].create(
            {
                "name": "Portal club",
                "sequence": 0,
                "pending_days": 0,
                "welcome_bonus": 321,
            }
        )
        cls.env["loyalty.club.card"].create(
            {"code": CARD, "program_id": cls.program.id, "kind": "virtual"}
        )
        cls.attribute = cls.env["loyalty.club.attribute"].create(
            {"name": "Favourite colour", "code": "portal_colour"}
        )
        cls.alice = new_test_user(cls.env, "club_alice", groups="base.group_portal")
        cls.bob = new_test_user(cls.env, "club_bob", groups="base.group_portal")
        cls.alice.partner_id.mobile = "+79218880001"
        member = service.register_member(
            {"name": "Alice", "phone": "+79218880001", "card_number": CARD},
            program_id=cls.program.id,
        )
        cls.wallet = cls.env["loyalty.club.wallet"].browse(member["wallet_id"])
        assert cls.wallet.partner_id == cls.alice.partner_id

    def test_member_sees_own_club_page(self):
        self.authenticate("club_alice", "club_alice")
        page = self.url_open("/my/club")
        self.assertEqual(page.status_code, 200)
        self.assertIn("321", page.text)
        self.assertIn(CARD, page.text)
        self.assertIn("/report/barcode/?barcode_type=QR", page.text)
        self.assertIn("LCLUB%3A" + CARD, page.text)
        home = self.url_open("/my/home")
        self.assertIn('href="/my/club"', home.text)
        qr = re.search(r'src="(/report/barcode/\?[^"]+)"', page.text).group(1)
        image = self.url_open(qr.replace("&amp;", "&"))
        self.assertEqual(image.status_code, 200)
        self.assertEqual(image.headers["Content-Type"], "image/png")

    def test_other_portal_user_sees_nothing(self):
        self.authenticate("club_bob", "club_bob")
        page = self.url_open("/my/club")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn(CARD, page.text)
        self.assertNotIn("o_club_available", page.text)
        self.assertIn("not a member", page.text)
        home = self.url_open("/my/home")
        self.assertNotIn('href="/my/club"', home.text)
        # posting the form changes nothing for anybody
        csrf = re.search(r'csrf_token: "([^"]+)"', page.text).group(1)
        self.url_open("/my/club/profile", data={"csrf_token": csrf, "consent_sms": "1"})
        self.assertFalse(self.bob.partner_id.club_consent_ids)

    def test_member_changes_consents_and_questionnaire(self):
        self.authenticate("club_alice", "club_alice")
        page = self.url_open("/my/club")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            "/my/club/profile",
            data={
                "csrf_token": csrf,
                "consent_email": "1",
                "attr_portal_colour": "green",
                "marketing_per_week": "1",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("were saved", response.text)
        partner = self.alice.partner_id
        self.env.invalidate_all()
        consent = partner.club_consent_ids.filtered(lambda c: c.channel == "email")
        self.assertTrue(consent.granted)
        self.assertEqual(consent.source, "portal")
        self.assertEqual(consent.user_id, self.alice)
        self.assertEqual(partner.club_attribute_value_ids.display_value, "green")
        self.assertEqual(partner.club_marketing_per_week, 1, "at most once a week")
        page = self.url_open("/my/club")
        self.assertRegex(page.text, r'<option value="1" selected')
