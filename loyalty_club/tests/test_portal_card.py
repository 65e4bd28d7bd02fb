"""A member who joins on the portal gets a virtual card: its QR code and
barcode on /my/club, and its own full-screen page to add to the phone."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPortalCard(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["loyalty.club.service"]
        cls.program = cls.env["loyalty.club.program"].create(
            {"name": "Portal card club", "sequence": 0, "code_verify_phone": False}
        )
        cls.users = {}
        for login, phone in (
            ("card_vera", "+79218882001"),
            ("card_ivan", "+79218882002"),
        ):
            user = new_test_user(cls.env, login, groups="base.group_portal")
            cls.service.register_member(
                {"name": login, "phone": phone},
                source="portal",
                program_id=cls.program.id,
                partner=user.partner_id,
            )
            cls.users[login] = user

    def card_of(self, login):
        return self.users[login].partner_id.club_card_ids

    def test_virtual_card_on_the_portal_and_on_the_phone(self):
        vera, ivan = self.card_of("card_vera"), self.card_of("card_ivan")
        self.assertEqual((vera.kind, vera.state), ("virtual", "active"))
        self.authenticate("card_vera", "card_vera")
        page = self.url_open("/my/club").text
        self.assertIn(vera.code, page)
        self.assertIn(f"/my/club/card?code={vera.code}", page)
        self.assertIn("barcode_type=EAN13", page)
        # the stable address shows the virtual card; one card by its number too
        self.assertIn(vera.code, self.url_open("/my/club/card").text)
        phone = self.url_open(f"/my/club/card?code={vera.code}")
        self.assertEqual(phone.status_code, 200)
        self.assertIn(vera.code, phone.text)
        self.assertIn("LCLUB", phone.text, "the QR code carries the card's payload")
        # another member's card, or a card no longer active, is not found
        self.assertEqual(
            self.url_open(f"/my/club/card?code={ivan.code}").status_code, 404
        )
        self.service.set_card_state(
            vera.partner_id.id, vera.code, "block", "Lost phone"
        )
        self.assertEqual(
            self.url_open(f"/my/club/card?code={vera.code}").status_code, 404
        )
        self.assertEqual(self.url_open("/my/club/card").status_code, 404)
