"""examples/api_client.py, run against the test server: the README's example
client registers, looks up, quotes, confirms (twice, one key) and refunds."""

import contextlib
import importlib.util
import io
import os

from odoo.modules.module import get_module_path
from odoo.tests import tagged

from .test_api_common import ApiCase


def load_client():
    root = os.path.dirname(get_module_path("loyalty_club"))
    path = os.path.join(root, "examples", "api_client.py")
    spec = importlib.util.spec_from_file_location("loyalty_club_api_client", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestApiExampleClient(ApiCase):
    def test_example_client_earns_then_reverses(self):
        client = load_client()
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = client.main(
                [
                    f"--base-url={self.base_url()}",
                    f"--key={self.secret}",
                    "--phone=+79217770011",
                    "--order-ref=EX-1",
                    "--amount=1000",
                ]
            )
        printed = out.getvalue()
        self.assertEqual(code, 0, printed)
        for title in ("Registered", "Looked up", "Quote", "Confirmed", "Refunded"):
            self.assertIn(f"== {title}", printed)
        self.assertIn("Idempotent-Replayed: true", printed)
        partner = self.env["res.partner"].search([("club_phone", "=", "+79217770011")])
        wallet = self.env["loyalty.club.wallet"].search(
            [("partner_id", "=", partner.id), ("kind", "=", "bonus")]
        )
        self.assertEqual(len(wallet), 1)
        # 10 % of 1000 earned once (the replay recorded nothing), then reversed
        sales = self.env["loyalty.club.transaction"].search(
            [("ref", "=", "EX-1"), ("kind", "=", "sale")]
        )
        self.assertEqual(len(sales), 1)
        lines = wallet.ledger_ids.sorted("id")
        earn = lines.filtered(lambda ln: ln.kind == "earn")
        reversal = lines.filtered(lambda ln: ln.kind == "reversal")
        self.assertEqual(self.program.from_minor(sum(earn.mapped("amount_minor"))), 100)
        self.assertEqual(
            self.program.from_minor(sum(reversal.mapped("amount_minor"))), -100
        )
        self.assertLess(earn.id, reversal.id)
        # what is left is the welcome bonus
        balance = wallet._core_balances()
        self.assertEqual(self.program.from_minor(balance.available), 100)

    def test_example_client_reports_a_refusal(self):
        client = load_client()
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = client.main(
                [
                    f"--base-url={self.base_url()}",
                    "--key=lck_wrong",
                    "--phone=+79217770012",
                ]
            )
        self.assertEqual(code, 1)
        self.assertIn("invalid_api_key", out.getvalue())
