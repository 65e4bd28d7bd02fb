import email
import email.policy
import io
import socketserver
import threading
from unittest.mock import patch

from PyPDF2 import PdfReader

from odoo import modules
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import ClubCase


class FakeSmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: every message is kept whole."""

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 fake-smtp ready")
        while line := self.rfile.readline():
            verb = line.split(b" ", 1)[0].strip().upper()
            if verb == b"EHLO":
                self.reply("250-fake-smtp")
                self.reply("250 8BITMIME")
            elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                self.reply("250 OK")
            elif verb == b"DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.server.messages.append(b"".join(data))
                self.reply("250 OK queued")
            elif verb == b"QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


def start_fake_smtp(cls):
    """A fake SMTP server on 127.0.0.1 for a test class (stopped with it), made
    Odoo's only outgoing mail server; returns that ``ir.mail_server``. What it
    received is in ``cls.server.messages``."""
    cls.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeSmtpHandler)
    cls.server.daemon_threads = True
    cls.server.messages = []
    thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
    thread.start()
    cls.addClassCleanup(cls.server.server_close)
    cls.addClassCleanup(cls.server.shutdown)
    cls.env["ir.mail_server"].search([]).active = False
    return cls.env["ir.mail_server"].create(
        {
            "name": "Fake SMTP on 127.0.0.1",
            "smtp_host": "127.0.0.1",
            "smtp_port": cls.server.server_address[1],
            "smtp_encryption": "none",
        }
    )


# An HttpCase: wkhtmltopdf fetches the report's assets from the test server, which
# must answer inside the test's transaction (registry test mode); a plain
# TransactionCase waits forever on its own locks when the bundles are not built yet.
@tagged("post_install", "-at_install")
class TestGiftProduct(ClubCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        start_fake_smtp(cls)
        cls.env.company.email = "club@example.com"
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Gift Buyer", "email": "buyer@example.com"}
        )
        Product = cls.env["product.product"]
        cls.e_card = Product.create(
            {
                "name": "E-gift card 50",
                "list_price": 50,
                "club_gift_card": True,
                "club_gift_program_id": cls.program.id,
                "club_gift_amount": "fixed",
                "club_gift_medium": "electronic",
            }
        )
        cls.free_card = Product.create(
            {
                "name": "Plastic gift card",
                "list_price": 1,
                "club_gift_card": True,
                "club_gift_program_id": cls.program.id,
                "club_gift_amount": "free",
                "club_gift_medium": "physical",
            }
        )

    def test_electronic_card_is_emailed_with_qr_and_pdf(self):
        # the PDF is the real one (Odoo renders HTML instead while testing); this
        # machine's wkhtmltopdf (unpatched Qt) warns that it ignores header
        # switches: noise of the binary, not of the card
        service = self.service.with_context(force_report_rendering=True)
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            sold = service.gift_card_sell(
                {"product_id": self.e_card.id, "buyer_id": self.buyer.id}, "e-gift-1"
            )
        self.assertEqual(sold["balance"], 50.0, "a fixed card holds its price")
        self.assertTrue(sold["emailed"])
        again = service.gift_card_sell(
            {"product_id": self.e_card.id, "buyer_id": self.buyer.id}, "e-gift-1"
        )
        self.assertEqual(again["code"], sold["code"])
        card = self.env["loyalty.club.card"].search([("code", "=", sold["code"])])
        self.assertEqual(card.gift_balance, 50.0, "the balance on the card form")
        mails = self.env["mail.mail"].search(
            [("model", "=", "loyalty.club.card"), ("res_id", "=", card.id)]
        )
        self.assertEqual(len(mails), 1, "a replayed sale sends nothing more")
        # Odoo neither connects nor sends while a test runs (``current_test`` in
        # ir_mail_server.connect/send_email); lifting that one flag, as Odoo's own
        # SMTP tests do, lets the real mail.mail -> ir.mail_server -> smtplib path
        # deliver to the fake server on 127.0.0.1, and only there (the only active
        # mail server).
        with patch.object(modules.module, "current_test", False):
            mails.send(raise_exception=True)
        self.assertEqual(mails.state, "sent")
        self.assertEqual(len(self.server.messages), 1)
        message = email.message_from_bytes(
            self.server.messages[0], policy=email.policy.default
        )
        self.assertIn("buyer@example.com", message["To"])
        self.assertIn(sold["code"], message["Subject"])
        body = message.get_body(("html",)).get_content()
        self.assertIn(sold["code"], body)
        self.assertIn("50.00", body)
        files = {
            part.get_filename(): part.get_content()
            for part in message.iter_attachments()
        }
        qr = files[f"gift-card-{sold['code']}-qr.png"]
        self.assertEqual(qr[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual(
            (int.from_bytes(qr[16:20]), int.from_bytes(qr[20:24])), (300, 300)
        )
        stored = self.env["ir.attachment"].search(
            [("res_model", "=", "loyalty.club.card"), ("res_id", "=", card.id)]
        )
        self.assertEqual(stored.raw, qr, "the card's QR code, as rendered for it")
        pdf = files[f"Gift card {sold['code']}.pdf"]
        self.assertTrue(pdf.startswith(b"%PDF"))
        pages = PdfReader(io.BytesIO(pdf)).pages
        self.assertEqual(len(pages), 1, "one printable page per card")
        images = pages[0]["/Resources"].get_object().get("/XObject")
        self.assertTrue(images, "the PDF carries the card's QR code as an image")
        # wkhtmltopdf draws the report's web font as outlines (no text layer to
        # read back), so the card's wording is checked on the same report's HTML
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("loyalty_club.report_gift_card", card.ids)[0]
            .decode()
        )
        self.assertIn(sold["code"], html)
        self.assertIn("50.00", html)

    def test_physical_card_from_a_batch_with_a_free_amount(self):
        batch = self.env["loyalty.club.emission"].create(
            {
                "name": "Gift cards",
                "program_id": self.program.id,
                "prefix": "2995",
                "start": 1,
                "quantity": 3,
            }
        )
        batch.action_emit()
        code = (
            self.env["loyalty.club.card"]
            .search([("emission_id", "=", batch.id)], limit=1)
            .code
        )
        with self.assertRaisesRegex(UserError, "Scan the number"):
            self.service.gift_card_sell(
                {"product_id": self.free_card.id, "amount": "75"}, "p-gift-0"
            )
        with self.assertRaisesRegex(UserError, "Give the amount"):
            self.service.gift_card_sell(
                {"product_id": self.free_card.id, "code": code}, "p-gift-0"
            )
        sold = self.service.gift_card_sell(
            {"product_id": self.free_card.id, "code": code, "amount": "75.50"},
            "p-gift-1",
        )
        self.assertEqual((sold["code"], sold["balance"]), (code, 75.5))
        self.assertNotIn("emailed", sold)
        card = self.env["loyalty.club.card"].search([("code", "=", code)])
        self.assertEqual(
            (card.kind, card.state, card.gift_balance), ("gift", "active", 75.5)
        )
        with self.assertRaisesRegex(UserError, "not in stock"):
            self.service.gift_card_sell(
                {"product_id": self.free_card.id, "code": code, "amount": "5"},
                "p-gift-2",
            )
        with self.assertRaisesRegex(UserError, "not a club gift card"):
            self.service.gift_card_sell({"product_id": 0}, "p-gift-3")

    def test_a_product_without_program_uses_the_default_one(self):
        product = self.env["product.product"].create(
            {"name": "Any amount", "club_gift_card": True, "list_price": 0}
        )
        self.assertEqual(product.club_gift_amount, "free", "the till's way")
        sold = self.service.gift_card_sell(
            {"product_id": product.id, "amount": "20", "email": "x@example.com"},
            "default-gift",
        )
        card = self.env["loyalty.club.card"].search([("code", "=", sold["code"])])
        self.assertEqual(card.program_id, self.service._program({}))
        product.club_gift_amount = "fixed"
        with self.assertRaisesRegex(UserError, "positive sales price"):
            self.service.gift_card_sell(
                {"product_id": product.id, "email": "x@example.com"}, "default-gift-2"
            )

    def test_back_office_sale_clicked_twice_sells_one_card(self):
        wizard = self.env["loyalty.club.gift.sell"].create(
            {"product_id": self.e_card.id, "buyer_id": self.buyer.id}
        )
        first = wizard.action_sell()
        second = wizard.action_sell()
        self.assertEqual(first["res_id"], second["res_id"])
        card = self.env["loyalty.club.card"].browse(first["res_id"])
        self.assertEqual((card.kind, card.gift_balance), ("gift", 50.0))
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [("model", "=", "loyalty.club.card"), ("res_id", "=", card.id)]
            ),
            1,
        )
