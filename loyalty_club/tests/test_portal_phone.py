"""Joining the club on the portal and proving the phone with a code by SMS."""

import re

from odoo.tests import HttpCase, new_test_user, tagged

from ..domain.cards import make_ean13

CARD = make_ean13("297", 535353)


@tagged("post_install", "-at_install")
class TestPortalPhone(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env["loyalty.club.program"].create(
            {
                "name": "Portal phone club",
                "sequence": -1,
                "pending_days": 0,
                "welcome_bonus": 50,
                "code_verify_phone": True,
            }
        )
        cls.env["loyalty.club.card"].create(
            {"code": CARD, "program_id": cls.program.id, "kind": "virtual"}
        )
        cls.carol = new_test_user(cls.env, "club_carol", groups="base.group_portal")
        cls.dan = new_test_user(cls.env, "club_dan", groups="base.group_portal")
        cls.carol.partner_id.mobile = "+380671112233"
        member = cls.env["loyalty.club.service"].register_member(
            {"name": "Carol", "phone": "+380671112233", "card_number": CARD},
            program_id=cls.program.id,
        )
        assert member["partner_id"] == cls.carol.partner_id.id

    def _page(self, login):
        self.authenticate(login, login)
        page = self.url_open("/my/club")
        self.assertEqual(page.status_code, 200)
        return page, re.search(r'name="csrf_token" value="([^"]+)"', page.text)

    def _post(self, url, csrf, **data):
        response = self.url_open(url, data=dict(data, csrf_token=csrf))
        self.assertEqual(response.status_code, 200)
        return response

    def _sent_code(self, phone):
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("number", "=", phone)], order="id desc", limit=1)
        )
        self.assertTrue(sms, f"a code went to {phone}")
        return re.search(r"\b(\d{4,6})\b", sms.body).group(1)

    def test_join_on_the_portal_and_prove_the_phone(self):
        page, csrf = self._page("club_dan")
        self.assertIn("o_club_join", page.text)
        joined = self._post(
            "/my/club/join",
            csrf.group(1),
            name="Dan Portal",
            phone="+38 (067) 444-55-66",
            consent_personal_data="1",
            consent_sms="1",
        )
        self.assertIn("Welcome to the club", joined.text)
        self.assertIn("o_club_phone_verify", joined.text, "the code form is shown")
        partner = self.dan.partner_id
        self.env.invalidate_all()
        self.assertEqual(partner.club_status, "active")
        self.assertEqual(partner.club_phone, "+380674445566")
        self.assertFalse(partner.club_phone_verified)
        consents = {c.channel: c for c in partner.club_consent_ids}
        self.assertTrue(consents["sms"].granted)
        self.assertEqual(consents["sms"].source, "portal")
        self.assertEqual(partner.club_wallet_ids.balance_available, 50, "welcome")
        code = self._sent_code("+380674445566")
        wrong = str((int(code[0]) + 1) % 10) + code[1:]
        refused = self._post("/my/club/phone/verify", csrf.group(1), code=wrong)
        self.assertIn("Wrong code", refused.text)
        self.env.invalidate_all()
        self.assertFalse(partner.club_phone_verified)
        proved = self._post("/my/club/phone/verify", csrf.group(1), code=code)
        self.assertIn("Your phone is confirmed", proved.text)
        self.assertIn("o_club_phone_verified", proved.text)
        self.env.invalidate_all()
        self.assertEqual(partner.club_phone_verified, "+380674445566")
        # the code is used up
        again = self._post("/my/club/phone/verify", csrf.group(1), code=code)
        self.assertNotIn("Your phone is confirmed", again.text)

    def test_another_members_phone_is_refused(self):
        _page, csrf = self._page("club_dan")
        refused = self._post(
            "/my/club/join",
            csrf.group(1),
            name="Dan",
            phone="+380671112233",
            consent_personal_data="1",
        )
        self.assertIn("another member", refused.text)
        self.env.invalidate_all()
        self.assertNotEqual(self.dan.partner_id.club_status, "active")
        self.assertFalse(self.dan.partner_id.club_wallet_ids)

    def test_joining_needs_the_personal_data_consent(self):
        _page, csrf = self._page("club_dan")
        refused = self._post(
            "/my/club/join", csrf.group(1), name="Dan", phone="+380674445577"
        )
        self.assertIn("Agree to the processing of personal data", refused.text)
        self.env.invalidate_all()
        self.assertFalse(self.dan.partner_id.club_wallet_ids)

    def test_member_proves_the_phone_later(self):
        page, csrf = self._page("club_carol")
        self.assertIn("o_club_phone_unverified", page.text)
        sent = self._post("/my/club/phone/code", csrf.group(1))
        self.assertIn("The code sent to +38", sent.text)
        code = self._sent_code("+380671112233")
        self._post("/my/club/phone/verify", csrf.group(1), code=code)
        self.env.invalidate_all()
        self.assertEqual(self.carol.partner_id.club_phone_verified, "+380671112233")
