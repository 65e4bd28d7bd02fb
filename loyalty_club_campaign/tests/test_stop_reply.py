"""A STOP reply from a member's phone, as the gateway calls it in, withdraws the
SMS consent, and an e-mail's unsubscribe link the e-mail consent; both are
recorded in the consent history."""

import email
import email.policy
import re
from unittest.mock import patch

from odoo import modules
from odoo.tests import HttpCase, tagged

from odoo.addons.loyalty_club.tests.test_gift_product import start_fake_smtp

from .common import CampaignCase


@tagged("post_install", "-at_install")
class TestStopReply(CampaignCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        start_fake_smtp(cls)

    def post(self, token, **form):
        url = f"/loyalty_club/sms/{self.gateway.id}/{token}/inbound"
        return self.url_open(url, data=form, timeout=20)

    def test_stop_withdraws_sms_consent_as_history(self):
        partner = self.partners[0]
        self.assertTrue(partner.club_consent_sms)
        phone = partner.club_phone.lstrip("+")
        answer = self.post("wrong-token", phone=phone, text="STOP")
        self.assertEqual(answer.status_code, 403)
        self.env.invalidate_all()
        self.assertTrue(partner.club_consent_sms)

        token = self.gateway.sudo().callback_token
        answer = self.post(token, phone=phone, text="Stop please")
        self.assertEqual((answer.status_code, answer.text), (200, "100"))
        self.env.invalidate_all()
        self.assertFalse(partner.club_consent_sms)
        row = partner.club_consent_ids.sorted(lambda c: (c.date, c.id))[-1]
        self.assertEqual(
            (row.channel, row.granted, row.source, row.wording),
            ("sms", False, "sms_reply", "Stop please"),
        )
        # other channels untouched, other members untouched
        self.assertEqual(
            partner.club_consent_ids.filtered(
                lambda c: c.source == "sms_reply"
            ).channel,
            "sms",
        )
        self.assertTrue(self.partners[1].club_consent_sms)
        # a campaign after the STOP does not reach the member
        campaign = self.campaign(
            self.segment(domain=f"[('id', '=', {partner.id})]"), control_percent=0
        )
        campaign.action_launch()
        message = self.messages(campaign_id=campaign.id)
        self.assertEqual((message.state, message.reason), ("skipped", "no_consent"))

    def test_other_replies_change_nothing(self):
        partner = self.partners[1]
        token = self.gateway.sudo().callback_token
        phone = partner.club_phone.lstrip("+")
        answer = self.post(token, phone=phone, text="Thanks!")
        self.assertEqual(answer.status_code, 200)
        answer = self.post(token, phone="70000000000", text="STOP")
        self.assertEqual(answer.status_code, 200)
        self.env.invalidate_all()
        self.assertTrue(partner.club_consent_sms)
        self.assertFalse(
            self.env["loyalty.club.consent"].search([("source", "=", "sms_reply")])
        )

    def test_unsubscribe_link_in_an_email_withdraws_email_consent(self):
        partner = self.partners[0]
        self.assertTrue(partner.club_consent_email)
        campaign = self.campaign(
            self.segment(domain=f"[('id', '=', {partner.id})]"),
            control_percent=0,
            send_sms=False,
            send_email=True,
            email_subject="Autumn news for {name}",
            email_body="<p>Hello {name}, come back!</p>",
        )
        campaign.action_launch()
        # Odoo connects to no mail server while a test runs; lifted as Odoo's
        # SMTP tests do, the e-mail goes to the fake server
        with patch.object(modules.module, "current_test", False):
            self.send()
        self.assertEqual(len(self.server.messages), 1)
        mail = email.message_from_bytes(
            self.server.messages[0], policy=email.policy.default
        )
        self.assertEqual(mail["Subject"], "Autumn news for Member 00")
        html = mail.get_body(("html",)).get_content()
        self.assertIn("Hello Member 00, come back!", html)
        # the club's one unsubscribe link (loyalty_club), in the e-mail and in
        # the List-Unsubscribe header for the mail client's one-click
        url = re.search(r'href="([^"]*/club/unsubscribe/[^"]+)"', html)[1]
        self.assertEqual(mail["List-Unsubscribe"], f"<{url}>")
        path = url[url.index("/club/unsubscribe/") :]
        # opening the link changes nothing yet: it asks
        page = self.url_open(path, timeout=20)
        self.assertEqual(page.status_code, 200)
        self.assertIn("<form", page.text)
        self.env.invalidate_all()
        self.assertTrue(partner.club_consent_email)
        forged = self.url_open(path[:-4] + "0000", data={"go": "1"}, timeout=20)
        self.assertEqual(forged.status_code, 404)
        answer = self.url_open(path, data={"go": "1"}, timeout=20)
        self.assertEqual(answer.status_code, 200)
        self.assertIn("You are unsubscribed", answer.text)
        self.env.invalidate_all()
        self.assertFalse(partner.club_consent_email)
        self.assertTrue(partner.club_consent_sms, "SMS consent untouched")
        row = partner.club_consent_ids.sorted(lambda c: (c.date, c.id))[-1]
        self.assertEqual(
            (row.channel, row.granted, row.source), ("email", False, "unsubscribe")
        )
