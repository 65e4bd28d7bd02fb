"""Base of the open API tests: a program, a store, keys, and a JSON client."""

import json

from odoo.tests import HttpCase

API = "/api/loyalty/v1"


class ApiCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["loyalty.club.service"]
        cls.store = cls.env["loyalty.club.store"].create(
            {"name": "API store", "code": "API1"}
        )
        cls.program = cls.env["loyalty.club.program"].create(
            {
                "name": "API club",
                "sequence": 0,
                "earn_percent": 10,
                "burn_cap_percent": 30,
                "pending_days": 0,
                "expiry_days": 180,
                "welcome_bonus": 100,
            }
        )
        Key = cls.env["loyalty.club.api.key"]
        all_ops = {f"allow_{op}": True for op in ("lookup", "register", "quote")}
        all_ops.update(allow_confirm=True, allow_refund=True, allow_read=True)
        cls.key = Key.create(
            dict(
                all_ops,
                name="Shop",
                channel="eshop",
                program_id=cls.program.id,
                store_id=cls.store.id,
            )
        )
        cls.secret = cls.key._generate_secret()
        cls.lookup_key = Key.create(
            {
                "name": "Kiosk",
                "channel": "kiosk",
                "program_id": cls.program.id,
                "allow_lookup": True,
                "allow_quote": False,
                "allow_read": False,
            }
        )
        cls.lookup_secret = cls.lookup_key._generate_secret()

    def call(self, method, path, body=None, secret=None, headers=None, raw=None):
        """The response of a real request to the API (JSON in, JSON out)."""
        all_headers = {"Content-Type": "application/json"}
        if secret is not False:
            all_headers["Authorization"] = f"Bearer {secret or self.secret}"
        all_headers.update(headers or {})
        data = (
            raw if raw is not None else (json.dumps(body) if body is not None else None)
        )
        url = f"{API}{path}"
        if method == "GET":
            return self.url_open(url, headers=all_headers)
        if method == "POST":
            return self.url_open(url, data=data or "{}", headers=all_headers)
        return self.opener.request(
            method, self.base_url() + url, data=data, headers=all_headers, timeout=12
        )

    def assertError(self, response, status, code):
        self.assertEqual(response.status_code, status, response.text)
        self.assertTrue(
            response.headers["Content-Type"].startswith("application/json"),
            response.text,
        )
        data = response.json()
        self.assertEqual(data["code"], code, data)
        self.assertTrue(data["message"])
        return data

    def register(self, phone, **extra):
        body = dict({"name": "Api Member", "phone": phone}, **extra)
        response = self.call("POST", "/members", body)
        self.assertIn(response.status_code, (200, 201), response.text)
        return response.json()
