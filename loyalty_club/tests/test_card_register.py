"""A card bought in a store, registered on the public page with the phone's
one-time code."""

import re
from datetime import timedelta

from odoo.tests import HttpCase, tagged

from ..domain.cards import make_ean13

CARD = make_ean13("296", 424242)
TAKEN = make_ean13("296", 424243)


@tagged("post_install", "-at_install")
class TestCardRegister(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env["loyalty.club.program"].create(
            {
                "name": "Card shop club",
                "sequence": -1,
                "pending_days": 0,
                "welcome_bonus": 75,
            }
        )
        Card = cls.env["loyalty.club.card"]
        cls.card = Card.create(
            {"code": CARD, "program_id": cls.program.id, "kind": "physical"}
        )
        Card.create({"code": TAKEN, "program_id": cls.program.id, "kind": "physical"})
        cls.env["loyalty.club.service"].register_member(
            {"name": "Already", "phone": "+380503334455", "card_number": TAKEN},
            program_id=cls.program.id,
        )

    def _csrf(self):
        page = self.url_open("/club/card/register")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_club_card_register", page.text)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _post(self, url, **data):
        response = self.url_open(url, data=dict(data, csrf_token=self._csrf()))
        self.assertEqual(response.status_code, 200)
        return response.text

    def _start(self, card=CARD, phone="+38 (067) 765-43-21", **extra):
        data = dict(card=card, phone=phone, name="Olena Kroky", consent_sms="1")
        data.update(extra)
        return self._post("/club/card/register", **data)

    def _sent_code(self, phone):
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("number", "=", phone)], order="id desc", limit=1)
        )
        self.assertTrue(sms, f"a code went to {phone}")
        return re.search(r"\b(\d{4,6})\b", sms.body).group(1)

    def test_register_a_store_card_with_the_phones_code(self):
        page = self._start(consent_personal_data="1")
        self.assertIn("o_club_card_code_sent", page)
        self.assertIn("+38********21", page)
        self.env.invalidate_all()
        self.assertEqual(self.card.state, "stock", "nothing is joined before the code")
        code = self._sent_code("+380677654321")
        wrong = "0000" if code != "0000" else "1111"
        page = self._post("/club/card/register/confirm", code=wrong)
        self.assertIn("o_club_card_register_error", page)
        self.env.invalidate_all()
        self.assertEqual(self.card.state, "stock")
        page = self._post("/club/card/register/confirm", code=code)
        self.assertIn("o_club_card_registered", page)
        self.env.invalidate_all()
        partner = self.card.partner_id
        self.assertEqual(self.card.state, "active")
        self.assertEqual(partner.name, "Olena Kroky")
        self.assertEqual(partner.club_status, "active")
        self.assertEqual(partner.club_phone_verified, "+380677654321")
        consents = {c.channel: c.granted for c in partner.club_consent_ids}
        self.assertTrue(consents["sms"] and consents["personal_data"])
        self.assertFalse(consents.get("email"))
        wallet = partner.club_wallet_ids.filtered(
            lambda w: w.program_id == self.program
        )
        self.assertEqual(wallet.balance_available, 75, "the welcome bonus")

    def test_refusals_leave_the_card_in_stock(self):
        # no consent to personal data
        page = self._start()
        self.assertIn("personal data", page)
        # a card already held by a member looks like an unknown one
        page = self._start(card=TAKEN, consent_personal_data="1")
        self.assertIn("No card with this number", page)
        page = self._start(card="2960000000000", consent_personal_data="1")
        self.assertIn("No card with this number", page)
        # a phone that is already a member's
        page = self._start(phone="+380503334455", consent_personal_data="1")
        self.assertIn("already a member", page)
        # no code asked: confirming does nothing
        page = self._post("/club/card/register/confirm", code="1234")
        self.assertIn("Start again", page)
        self.env.invalidate_all()
        self.assertEqual(self.card.state, "stock")
        self.assertFalse(
            self.env["sms.sms"].sudo().search_count([("number", "=", "+380677654321")])
        )

    def test_a_registration_left_before_the_code_leaves_no_contact(self):
        Partner = self.env["res.partner"].with_context(active_test=False)
        self._start(consent_personal_data="1")
        left = Partner.search([("club_phone", "=", "+380677654321")])
        self.assertEqual(len(left), 1, "a contact waits for the code")
        self.assertTrue(left.club_signup_started)
        self.assertFalse(left.club_status)
        # a finished registration keeps its member (and loses the mark)
        self.env["loyalty.club.card"].create(
            {
                "code": make_ean13("296", 424245),
                "program_id": self.program.id,
                "kind": "physical",
            }
        )
        self._start(
            card=make_ean13("296", 424245),
            phone="+380931112233",
            consent_personal_data="1",
        )
        self._post("/club/card/register/confirm", code=self._sent_code("+380931112233"))
        member = Partner.search([("club_phone", "=", "+380931112233")])
        self.assertEqual(member.club_status, "active")
        self.assertFalse(member.club_signup_started)
        # the same day the unfinished one stays: the person may come back
        self.env.invalidate_all()
        Partner._gc_club_unfinished_signups()
        self.assertTrue(left.exists())
        # three days later it is gone, with its code; the member stays
        left.club_signup_started = left.club_signup_started - timedelta(days=3)
        Partner._gc_club_unfinished_signups()
        self.assertFalse(left.exists())
        self.assertTrue(member.exists())
        self.assertFalse(
            self.env["loyalty.club.code"]
            .sudo()
            .search_count([("partner_id", "=", left.id)])
        )
