import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

from odoo import fields
from odoo.tests import tagged

from .common import ClubCase


class FakeReceiver(BaseHTTPRequestHandler):
    """Answers 500 to the first POST, 200 afterwards; keeps what it got."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        status = 500 if len(self.received) == 1 else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestWebhook(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        FakeReceiver.received = []
        cls.server = HTTPServer(("127.0.0.1", 0), FakeReceiver)
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        port = cls.server.server_address[1]
        cls.hook = cls.env["loyalty.club.webhook"].create(
            {
                "name": "Shop",
                "url": f"http://127.0.0.1:{port}/hook",
                "on_tier_changed": False,
            }
        )
        Delivery = cls.env["loyalty.club.webhook.delivery"]
        # only this test's deliveries go out
        Delivery.search([("state", "=", "pending")]).write({"state": "failed"})

    def deliveries(self, event):
        return self.env["loyalty.club.webhook.delivery"].search(
            [("webhook_id", "=", self.hook.id), ("event", "=", event)]
        )

    def test_signed_delivery_retried_after_a_failure(self):
        member = self.service.register_member(
            {"name": "Hooked", "phone": "+79217770001"}, program_id=self.program.id
        )
        self.service.confirm(self.order("500", wallet_id=member["wallet_id"]), "wh-1")
        delivery = self.deliveries("earned")
        self.assertEqual(len(delivery), 1)
        self.assertFalse(self.deliveries("spent"))
        now = fields.Datetime.now()
        Delivery = self.env["loyalty.club.webhook.delivery"]
        self.assertEqual(Delivery._cron_deliver(now=now), 1)
        self.assertEqual(delivery.state, "pending")
        self.assertEqual(delivery.attempts, 1)
        self.assertEqual(delivery.last_http_status, 500)
        self.assertGreater(delivery.next_attempt, now)
        # not due yet: nothing is sent
        self.assertEqual(Delivery._cron_deliver(now=now), 0)
        self.assertEqual(Delivery._cron_deliver(now=now + timedelta(minutes=2)), 1)
        self.assertEqual(delivery.state, "done")
        self.assertEqual(delivery.last_http_status, 200)
        self.assertEqual(len(FakeReceiver.received), 2)
        headers, body = FakeReceiver.received[-1]
        expected = hmac.new(self.hook.secret.encode(), body, hashlib.sha256)
        self.assertEqual(
            headers["X-Loyalty-Signature"], f"sha256={expected.hexdigest()}"
        )
        self.assertTrue(headers["X-Loyalty-Timestamp"].isdigit())
        self.assertEqual(headers["X-Loyalty-Event"], "earned")
        event = json.loads(body)
        self.assertEqual(event["id"], delivery.event_uid)
        self.assertEqual(event["event"], "earned")
        self.assertEqual(event["data"]["member_id"], member["partner_id"])
        self.assertEqual(event["data"]["amount"], 50.0)
        self.assertEqual(event["data"]["kind"], "sale")
        # the retry sent the very same body
        self.assertEqual(FakeReceiver.received[0][1], body)

    def test_events_of_refunds_tiers_and_expiry(self):
        self.hook.on_tier_changed = True
        self.env["loyalty.club.tier"].create(
            {"name": "Gold", "program_id": self.program.id, "threshold": 100}
        )
        member = self.service.register_member(
            {"name": "Tiered", "phone": "+79217770002"}, program_id=self.program.id
        )
        wallet = self.env["loyalty.club.wallet"].browse(member["wallet_id"])
        self.service.confirm(self.order("1000", wallet_id=wallet.id), "wh-2")
        tier_event = self.deliveries("tier_changed")
        self.assertEqual(len(tier_event), 1)
        self.assertEqual(json.loads(tier_event.payload)["data"]["new_tier"], "Gold")
        self.service.reverse({"original_key": "wh-2", "amount": "500"}, "wh-2r")
        earned = self.deliveries("earned").sorted("id")
        self.assertEqual(len(earned), 2)
        refund = json.loads(earned[-1].payload)["data"]
        self.assertEqual((refund["kind"], refund["amount"]), ("refund", -50.0))
        # replays enqueue nothing
        self.service.confirm(self.order("1000", wallet_id=wallet.id), "wh-2")
        self.assertEqual(len(self.deliveries("earned")), 2)
        # bonuses expiring in a week: one event per wallet and day
        today = fields.Date.today()
        lot = wallet.lot_ids.filtered(lambda lot: lot.remaining_minor > 0)[:1]
        day = lot.expires_on
        soon = day - timedelta(days=7)
        self.assertTrue(self.service._cron_webhook_expiring(today=soon))
        self.service._cron_webhook_expiring(today=soon)
        expiring = self.deliveries("bonuses_expiring").filtered(
            lambda d: d.dedupe_key == f"expiring:{wallet.id}:{day}"
        )
        self.assertEqual(len(expiring), 1)
        self.assertEqual(
            json.loads(expiring.payload)["data"]["expires_on"],
            fields.Date.to_string(day),
        )
        self.assertGreater(day, today)

    def test_receiver_down_is_not_hammered(self):
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()  # nothing listens there any more
        self.hook.active = False
        dead = self.env["loyalty.club.webhook"].create(
            {"name": "Down", "url": f"http://127.0.0.1:{port}/hook"}
        )
        member = self.service.register_member(
            {"name": "Twice", "phone": "+79217770003"}, program_id=self.program.id
        )
        for n in range(2):
            self.service.confirm(
                self.order("100", wallet_id=member["wallet_id"]), f"down-{n}"
            )
        Delivery = self.env["loyalty.club.webhook.delivery"]
        self.assertEqual(Delivery._cron_deliver(), 1)
        deliveries = Delivery.search([("webhook_id", "=", dead.id)], order="id")
        self.assertEqual(deliveries.mapped("attempts"), [1, 0])
        self.assertEqual(deliveries[0].last_http_status, 0)
        self.assertTrue(deliveries[0].last_error)
        self.assertEqual(set(deliveries.mapped("state")), {"pending"})
