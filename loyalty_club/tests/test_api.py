import re

from odoo.tests import tagged
from odoo.tools.translate import code_translations

from .test_api_common import API, ApiCase


@tagged("post_install", "-at_install")
class TestApi(ApiCase):
    def test_auth_errors(self):
        self.assertError(
            self.call("GET", "/members/lookup?identifier=x", secret=False),
            401,
            "missing_api_key",
        )
        response = self.call("GET", "/members/lookup?identifier=x", secret="lck_nope")
        self.assertError(response, 401, "invalid_api_key")
        self.assertEqual(response.headers.get("WWW-Authenticate"), "Bearer")
        # the kiosk key may look up but not register nor quote
        self.assertError(
            self.call("POST", "/members", {"name": "X"}, secret=self.lookup_secret),
            403,
            "operation_not_allowed",
        )
        # X-Api-Key works as well as Bearer
        response = self.call(
            "GET",
            "/members/lookup?identifier=%2B79210000001",
            secret=False,
            headers={"X-Api-Key": self.lookup_secret},
        )
        self.assertError(response, 404, "member_not_found")
        # a revoked key stops at once
        key = self.env["loyalty.club.api.key"].create(
            {"name": "Old", "program_id": self.program.id, "allow_lookup": True}
        )
        secret = key._generate_secret()
        key.action_revoke()
        self.assertError(
            self.call("GET", "/members/lookup?identifier=1", secret=secret),
            401,
            "invalid_api_key",
        )
        # unknown paths are JSON 404s, never an HTML page
        self.assertError(self.call("GET", "/nothing/here"), 404, "not_found")

    def test_register_and_lookup_by_any_phone_spelling(self):
        member = self.register(
            "+7 (921) 555-12-34",
            email="ann@example.com",
            birthday="1990-04-05",
            consents={"sms": True, "email": False, "personal_data": True},
        )
        self.assertEqual(member["phone"], "+79215551234")
        response = self.call("GET", f"/members/{member['id']}")
        self.assertNotIn("Set-Cookie", response.headers)  # no session per API call
        self.assertEqual(member["balances"]["available"], 100.0)
        self.assertEqual(member["birthday"], "1990-04-05")
        self.assertTrue(member["consents"]["sms"])
        partner = self.env["res.partner"].browse(member["id"])
        self.assertEqual(set(partner.club_consent_ids.mapped("source")), {"api"})
        for spelling in ("8 921 555 12 34", "89215551234", "+7 921 5551234"):
            response = self.call(
                "GET",
                f"/members/lookup?identifier={spelling}",
                secret=self.lookup_secret,
            )
            self.assertEqual(response.status_code, 200, response.text)
            self.assertEqual(response.json()["id"], member["id"])
        # registering the same phone again finds the member
        response = self.call(
            "POST", "/members", {"name": "Ann", "phone": "89215551234"}
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["id"], member["id"])
        self.assertError(
            self.call("POST", "/members", {"name": "Bad", "phone": "12"}),
            400,
            "invalid_phone",
        )
        self.assertError(
            self.call("POST", "/members", raw="{nope"), 400, "invalid_json"
        )
        self.assertError(
            self.call(
                "POST",
                "/members",
                raw='{"name": "Form"}',
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ),
            415,
            "unsupported_media_type",
        )
        self.assertError(
            self.call("GET", "/members/lookup?identifier=%25%25%25"),
            400,
            "invalid_identifier",
        )

    def test_read_and_update_member(self):
        attribute = self.env["loyalty.club.attribute"].create(
            {"name": "Pets", "code": "api_pets", "value_type": "text"}
        )
        member = self.register("+79215550001")
        response = self.call(
            "PATCH",
            f"/members/{member['id']}",
            {
                "name": "Renamed",
                "consents": {"email": True},
                "attributes": {attribute.code: "cat"},
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        data = response.json()
        self.assertEqual(data["name"], "Renamed")
        self.assertTrue(data["consents"]["email"])
        self.assertEqual(data["attributes"], {"api_pets": "cat"})
        consent = self.env["loyalty.club.consent"].search(
            [("partner_id", "=", member["id"]), ("channel", "=", "email")]
        )
        self.assertEqual(consent.source, "api")
        self.assertError(
            self.call("PATCH", f"/members/{member['id']}", {"shoe_size": 42}),
            400,
            "unknown_field",
        )
        self.assertError(
            self.call("PATCH", f"/members/{member['id']}", {"birthday": "05.04.1990"}),
            400,
            "invalid_date",
        )
        response = self.call("GET", f"/members/{member['id']}")
        self.assertEqual(response.json()["name"], "Renamed")
        self.assertError(
            self.call("GET", "/members/999999999"), 404, "member_not_found"
        )

    def test_transactions_keyset_pagination(self):
        member = self.register("+79215550002")
        wallet = self.env["loyalty.club.wallet"].search(
            [("partner_id", "=", member["id"])]
        )
        for n in range(4):
            self.service.confirm(
                {
                    "program_id": self.program.id,
                    "wallet_id": wallet.id,
                    "lines": [{"amount": 100 + n}],
                    "burn": 5 if n % 2 else 0,
                },
                f"page-{n}",
            )
        expected = wallet.ledger_ids.ids  # welcome + 4 earn + 2 burn
        self.assertEqual(len(expected), 7)
        seen, cursor, pages = [], None, 0
        while True:
            query = "?limit=3" + (f"&cursor={cursor}" if cursor else "")
            response = self.call("GET", f"/members/{member['id']}/transactions{query}")
            self.assertEqual(response.status_code, 200, response.text)
            page = response.json()
            seen += [item["id"] for item in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if not cursor:
                break
        self.assertEqual(pages, 3)
        self.assertEqual(sorted(seen), sorted(expected))
        self.assertEqual(len(set(seen)), len(seen))
        response = self.call(
            "GET", f"/members/{member['id']}/transactions?date_to=2000-01-01"
        )
        self.assertEqual(response.json()["items"], [])
        self.assertError(
            self.call("GET", f"/members/{member['id']}/transactions?cursor=%25"),
            400,
            "invalid_cursor",
        )

    def test_openapi_describes_every_route(self):
        response = self.url_open(f"{API}/openapi.json")
        self.assertEqual(response.status_code, 200)
        spec = response.json()
        self.assertTrue(spec["openapi"].startswith("3."))
        rules = [
            rule
            for rule in self.env["ir.http"].routing_map().iter_rules()
            if rule.rule.startswith(API + "/") and "<path:" not in rule.rule
        ]
        self.assertGreaterEqual(len(rules), 12)
        for rule in rules:
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len(API) :])
            path = path.replace("{member_id}", "{id}")
            self.assertIn(path, spec["paths"], rule.rule)
            for method in set(rule.methods or ()) - {"HEAD", "OPTIONS"}:
                self.assertIn(method.lower(), spec["paths"][path], rule.rule)

        def check_refs(node):
            if isinstance(node, dict):
                if "$ref" in node:
                    target = spec
                    for part in node["$ref"].lstrip("#/").split("/"):
                        target = target[part]
                for value in node.values():
                    check_refs(value)
            elif isinstance(node, list):
                for value in node:
                    check_refs(value)

        check_refs(spec)
        docs = self.url_open(f"{API}/docs")
        self.assertEqual(docs.status_code, 200)
        self.assertIn("text/html", docs.headers["Content-Type"])
        self.assertIn("Loyalty Club API", docs.text)
        self.assertNotIn("cdn", docs.text.lower())

    def test_gift_card_and_coupon_reads(self):
        card = self.service.gift_card_issue(
            {"program_id": self.program.id, "amount": "250.00"}, "api-gift-1"
        )
        response = self.call("GET", f"/gift-cards/{card['code']}")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["balance"], 250.0)
        self.assertError(
            self.call("GET", "/gift-cards/NOPE1234"), 404, "gift_card_not_found"
        )
        self.assertError(self.call("GET", "/coupons/SALE10"), 404, "coupon_not_found")

    def test_erasure_keeps_the_ledger(self):
        member = self.register("+79215550003", email="gone@example.com")
        wallet = self.env["loyalty.club.wallet"].search(
            [("partner_id", "=", member["id"])]
        )
        lines = wallet.ledger_ids
        response = self.call("DELETE", f"/members/{member['id']}")
        self.assertEqual(response.status_code, 200, response.text)
        self.env.invalidate_all()
        partner = self.env["res.partner"].browse(member["id"])
        self.assertTrue(partner.club_erased)
        self.assertFalse(partner.email or partner.mobile or partner.club_phone)
        self.assertEqual(wallet.ledger_ids, lines)
        self.assertError(
            self.call("GET", f"/members/{member['id']}"), 404, "member_not_found"
        )
        self.assertError(
            self.call("GET", "/members/lookup?identifier=%2B79215550003"),
            404,
            "member_not_found",
        )

    def test_rate_limit(self):
        key = self.env["loyalty.club.api.key"].create(
            {
                "name": "Tight",
                "program_id": self.program.id,
                "allow_lookup": True,
                "rate_limit": 3,
            }
        )
        secret = key._generate_secret()
        statuses = []
        # a minute may turn during the loop: then the counter restarts once
        for _n in range(7):
            response = self.call(
                "GET", "/members/lookup?identifier=%2B79210000009", secret=secret
            )
            statuses.append(response.status_code)
            if response.status_code == 429:
                break
        self.assertNotIn(429, statuses[:3])
        self.assertEqual(statuses[-1], 429, statuses)
        data = self.assertError(response, 429, "rate_limited")
        self.assertIn("3", data["message"])
        self.assertTrue(1 <= int(response.headers["Retry-After"]) <= 60)
        self.env.invalidate_all()
        self.assertTrue(key.last_used)

    def test_messages_follow_accept_language(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        response = self.call(
            "GET",
            "/members/lookup?identifier=1",
            secret="lck_wrong",
            headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"},
        )
        data = self.assertError(response, 401, "invalid_api_key")
        self.assertEqual(response.headers["Content-Language"], "ru")
        source = "This API key is unknown or revoked."
        ru = code_translations.get_python_translations("loyalty_club", "ru_RU")
        self.assertEqual(data["message"], ru.get(source, source))
        # a language we do not speak falls back to English
        response = self.call(
            "GET",
            "/members/lookup?identifier=1",
            secret="lck_wrong",
            headers={"Accept-Language": "de-DE"},
        )
        self.assertEqual(response.json()["message"], source)

    def test_key_rotation_shows_the_secret_once(self):
        key = self.env["loyalty.club.api.key"].create(
            {"name": "Rotated", "program_id": self.program.id, "allow_lookup": True}
        )
        self.assertFalse(key.has_secret)
        action = key.action_rotate()
        first = action["context"]["default_secret"]
        self.assertEqual(action["res_model"], "loyalty.club.api.key.secret")
        self.assertFalse(self.env["loyalty.club.api.key.secret"].search([]))
        self.assertTrue(key.has_secret)
        self.assertTrue(first.startswith(key.key_prefix))
        self.assertNotIn(first, str(key.sudo().read()))
        second = key.action_rotate()["context"]["default_secret"]
        path = "/members/lookup?identifier=%2B79210000011"
        self.assertError(self.call("GET", path, secret=first), 401, "invalid_api_key")
        self.assertError(self.call("GET", path, secret=second), 404, "member_not_found")
        key.action_revoke()
        self.assertError(self.call("GET", path, secret=second), 401, "invalid_api_key")
