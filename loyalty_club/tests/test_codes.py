import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ClubCase
from .test_api_common import ApiCase

PHONE = "+79161119900"


def sent_code(env, phone=PHONE):
    """The code in the newest SMS queued for a phone, as the member reads it."""
    sms = env["sms.sms"].search([("number", "=", phone)], order="id desc", limit=1)
    return re.search(r"\b(\d{4,6})\b", sms.body).group(1)


def wrong(code):
    return str((int(code[0]) + 1) % 10) + code[1:]


class TestOneTimeCodes(ClubCase):
    """Spending on a member found by a typed phone needs the code sent to it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.write({"pending_days": 0, "code_spend_threshold": 5})
        member = cls.service.register_member(
            {"name": "Coded", "phone": PHONE}, program_id=cls.program.id
        )
        cls.wallet = cls.env["loyalty.club.wallet"].browse(member["wallet_id"])

    def spend(self, key, burn=20, **extra):
        return self.service.confirm(
            self.order(
                "100",
                burn=burn,
                wallet_id=self.wallet.id,
                entry_method="phone",
                **extra,
            ),
            key,
        )

    def send(self):
        return self.service.send_code(
            {"program_id": self.program.id, "wallet_id": self.wallet.id}
        )

    def burned(self):
        return self.env["loyalty.club.ledger"].search_count(
            [("wallet_id", "=", self.wallet.id), ("kind", "=", "burn")]
        )

    def test_spend_needs_the_code_sent_to_the_phone(self):
        with self.assertRaisesRegex(UserError, "needs the code"):
            self.spend("c-1")
        sent = self.send()
        self.assertEqual(sent["phone"], "+79*******00")
        sms = self.env["sms.sms"].search([("number", "=", PHONE)])
        self.assertEqual(len(sms), 1, "the code leaves as one SMS, queued")
        self.assertEqual(sms.state, "outgoing", "sent by the queue job after commit")
        code = sent_code(self.env)
        stored = self.env["loyalty.club.code"].search([("phone", "=", PHONE)])
        self.assertNotIn(code, stored.sudo().code_hash, "only a hash is kept")
        with self.assertRaisesRegex(UserError, "Wrong code: 2 attempt"):
            self.spend("c-2", code=wrong(code))
        self.assertEqual(stored.attempts, 1)
        self.assertEqual(self.burned(), 0, "nothing spent without a valid code")
        done = self.spend("c-3", code=code)
        self.assertEqual(done["burn"], 20.0)
        self.assertEqual(stored.state, "used")
        self.assertEqual(stored.used_key, "c-3")
        self.assertTrue(
            self.spend("c-3", code=code)["replayed"], "a replay is one sale"
        )
        with self.assertRaisesRegex(UserError, "already used"):
            self.spend("c-4", code=code)
        self.assertEqual(self.burned(), 1)

    def test_below_threshold_scanned_card_and_earn_need_no_code(self):
        self.assertEqual(self.spend("n-1", burn=5)["burn"], 5.0, "up to the threshold")
        scanned = self.service.confirm(
            self.order("100", burn=20, wallet_id=self.wallet.id, entry_method="scan"),
            "n-2",
        )
        self.assertEqual(scanned["burn"], 20.0)
        self.assertEqual(self.spend("n-3", burn=0)["burn"], 0.0, "earning needs none")
        quote = self.service.quote(
            self.order("100", burn=20, wallet_id=self.wallet.id, entry_method="phone")
        )
        self.assertTrue(quote["code_required"])
        self.assertEqual(quote["code_above"], 5.0)

    def test_codes_expire_lock_and_void(self):
        self.send()
        first = sent_code(self.env)
        self.send()
        second = sent_code(self.env)
        if first != second:
            with self.assertRaisesRegex(UserError, "Wrong code"):
                self.spend("v-1", code=first)
        later = fields.Datetime.now() + timedelta(minutes=6)
        with freeze_time(later), self.assertRaisesRegex(UserError, "expired"):
            self.spend("v-2", code=second)
        self.send()
        code = sent_code(self.env)
        for n in range(2):
            with self.assertRaisesRegex(UserError, "Wrong code"):
                self.spend(f"v-3-{n}", code=wrong(code))
        with self.assertRaisesRegex(UserError, "no attempts are left"):
            self.spend("v-4", code=wrong(code))
        with self.assertRaisesRegex(UserError, "ask for a code first"):
            self.spend("v-5", code=code)
        self.assertEqual(self.burned(), 0)

    def test_codes_per_phone_are_rate_limited(self):
        self.program.code_max_per_phone = 2
        self.send()
        self.send()
        with self.assertRaisesRegex(UserError, "Too many codes"):
            self.send()


@tagged("post_install", "-at_install")
class TestApiCodes(ApiCase):
    """A kiosk spends on a phone only with the member's code; an e-shop is trusted."""

    def test_spend_on_a_phone_needs_the_code(self):
        self.key.phone_spend = "code"
        member = self.register(PHONE)
        body = {
            "store": "API1",
            "lines": [{"qty": 1, "unit_price": "200.00"}],
            "burn": 30,
            "identifier": "8 916 111-99-00",
            "external_ref": "K-1",
        }
        refused = self.call("POST", "/orders", body, headers={"Idempotency-Key": "k1"})
        self.assertError(refused, 403, "code_required")
        sent = self.call("POST", f"/members/{member['id']}/codes", {"purpose": "spend"})
        self.assertEqual(sent.status_code, 202, sent.text)
        self.assertEqual(sent.json()["purpose"], "spend")
        code = sent_code(self.env)
        bad = dict(body, code=wrong(code), external_ref="K-2")
        self.assertError(
            self.call("POST", "/orders", bad, headers={"Idempotency-Key": "k2"}),
            403,
            "invalid_code",
        )
        good = dict(body, code=code, external_ref="K-3")
        done = self.call("POST", "/orders", good, headers={"Idempotency-Key": "k3"})
        self.assertEqual(done.status_code, 201, done.text)
        self.assertEqual(done.json()["totals"]["burn"], 30.0)
        again = dict(body, code=code, external_ref="K-4")
        self.assertError(
            self.call("POST", "/orders", again, headers={"Idempotency-Key": "k4"}),
            403,
            "code_used",
        )
        self.key.phone_spend = "trusted"
        trusted = dict(body, external_ref="K-5")
        done = self.call("POST", "/orders", trusted, headers={"Idempotency-Key": "k5"})
        self.assertEqual(done.status_code, 201, done.text)

    def test_member_proves_the_phone_with_a_code(self):
        member = self.register(PHONE)
        self.assertFalse(member["phone_verified"])
        sent = self.call(
            "POST", f"/members/{member['id']}/codes", {"purpose": "verify_phone"}
        )
        self.assertEqual(sent.status_code, 202, sent.text)
        path = f"/members/{member['id']}/phone/verify"
        code = sent_code(self.env)
        self.assertError(
            self.call("POST", path, {"code": wrong(code)}), 403, "invalid_code"
        )
        done = self.call("POST", path, {"code": code})
        self.assertEqual(done.status_code, 200, done.text)
        self.assertEqual(done.json(), {"verified": True, "phone": PHONE})
        read = self.call("GET", f"/members/{member['id']}")
        self.assertTrue(read.json()["phone_verified"])
        self.assertError(self.call("POST", path, {"code": code}), 403, "code_used")
