"""The unsubscribe link of the club's e-mails: no login, the link's secret names
the member, opening it changes nothing, confirming withdraws the e-mail consent
in the consent history, and the next e-mail is not sent."""

import ast
import re

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUnsubscribe(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.email = "club@example.com"
        cls.service = cls.env["loyalty.club.service"]
        cls.program = cls.env["loyalty.club.program"].create(
            {
                "name": "Unsubscribe club",
                "sequence": -3,
                "earn_percent": 10,
                "pending_days": 0,
                "notify_purchase_email": True,
            }
        )
        summary = cls.service.register_member(
            {
                "name": "Olena",
                "phone": "+380501112299",
                "email": "olena@example.com",
                "consents": {"email": True},
            },
            program_id=cls.program.id,
            welcome=False,
        )
        cls.wallet = cls.env["loyalty.club.wallet"].browse(summary["wallet_id"])
        cls.partner = cls.wallet.partner_id

    def _buy(self, key):
        sold = self.service.confirm(
            {
                "program_id": self.program.id,
                "wallet_id": self.wallet.id,
                "channel": "api",
                "lines": [{"key": 1, "amount": "100.00"}],
            },
            key,
        )
        return self.env["loyalty.club.message"].search(
            [("transaction_id", "=", sold["transaction_id"])]
        )

    def _email_consent(self):
        self.env.invalidate_all()
        return self.partner._club_current_consents().get("email")

    def test_link_in_the_email_withdraws_the_consent(self):
        message = self._buy("unsub-1")
        mail = message._render_email(message)[message.id]
        link = re.search(r'href="([^"]*/club/unsubscribe/[^"]+)"', mail.body_html)
        self.assertTrue(link, "every club e-mail carries the link")
        url = link.group(1)
        headers = ast.literal_eval(mail.headers)
        self.assertEqual(headers["List-Unsubscribe"], f"<{url}>")
        self.assertEqual(headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        path = url.split("://", 1)[1].split("/", 1)[1]
        # opening the link (a mail scanner does) asks, and changes nothing
        page = self.url_open(f"/{path}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_club_unsubscribe_confirm", page.text)
        self.assertTrue(self._email_consent())
        # confirming (or the mail client's one-click POST) withdraws it
        done = self.url_open(f"/{path}", data={"List-Unsubscribe": "One-Click"})
        self.assertIn("o_club_unsubscribed", done.text)
        self.assertFalse(self._email_consent())
        row = self.partner.club_consent_ids.sorted("id")[-1]
        self.assertEqual(
            (row.channel, row.granted, row.source), ("email", False, "unsubscribe")
        )
        # the next purchase's e-mail is not sent
        later = self._buy("unsub-2")
        later._skip_unreachable()
        self.assertEqual((later.state, later.reason), ("skipped", "no_consent"))

    def test_a_forged_link_changes_nothing(self):
        token = self.partner._club_unsubscribe_token("email")
        for path in (
            f"/club/unsubscribe/{self.partner.id}/email/{token[:-1]}x",
            f"/club/unsubscribe/{self.partner.id + 1}/email/{token}",
            f"/club/unsubscribe/{self.partner.id}/sms/{token}",
        ):
            response = self.url_open(path, data={"List-Unsubscribe": "One-Click"})
            self.assertEqual(response.status_code, 404, path)
        self.assertTrue(self._email_consent())
