import json

from odoo.tests import tagged

from .test_api_common import ApiCase


@tagged("post_install", "-at_install")
class TestApiOrders(ApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "API mug", "barcode": "4600000000017", "default_code": "MUG-1"}
        )

    def order(self, ref, identifier=None, burn=0, **extra):
        body = {
            "store": "API1",
            "lines": [
                {
                    "barcode": "4600000000017",
                    "qty": 2,
                    "unit_price": 250,
                    "discount": 10,
                },
                {"sku": "MUG-1", "qty": 1, "unit_price": "100.00"},
            ],
            "burn": burn,
            "external_ref": ref,
        }
        if identifier:
            body["identifier"] = identifier
        body.update(extra)
        return body

    def ledger_count(self, ref_key):
        return self.env["loyalty.club.ledger"].search_count(
            [("idempotency_key", "=like", f"api:{self.key.id}:{ref_key}:%")]
        )

    def test_quote(self):
        member = self.register("+79215556001")
        checks = self.env["loyalty.club.transaction"].search_count([])
        response = self.call("POST", "/orders/quote", self.order("q1", "89215556001"))
        self.assertEqual(response.status_code, 200, response.text)
        quote = response.json()
        # 2 x 250 - 10 % = 450, + 100
        self.assertEqual([line["amount"] for line in quote["lines"]], [450.0, 100.0])
        self.assertEqual([line["earn"] for line in quote["lines"]], [45.0, 10.0])
        self.assertEqual(
            [line["product_id"] for line in quote["lines"]], [self.product.id] * 2
        )
        self.assertEqual(quote["totals"]["total"], 550.0)
        self.assertEqual(quote["totals"]["burn_max"], 100.0)  # the welcome bonus
        self.assertEqual(quote["member_id"], member["id"])
        self.assertEqual(quote["promotions"], [])
        self.assertEqual(self.env["loyalty.club.transaction"].search_count([]), checks)
        self.assertError(
            self.call("POST", "/orders/quote", self.order("q2", coupon_codes=["X1X1"])),
            404,
            "coupon_not_found",
        )
        self.assertError(
            self.call("POST", "/orders/quote", self.order("q3", "+79210000404")),
            404,
            "member_not_found",
        )
        bad_line = self.order("q4", lines=[{"qty": "two", "unit_price": 1}])
        self.assertError(
            self.call("POST", "/orders/quote", bad_line), 400, "invalid_number"
        )
        self.assertError(
            self.call(
                "POST", "/orders/quote", self.order("q5"), secret=self.lookup_secret
            ),
            403,
            "operation_not_allowed",
        )

    def test_confirm_is_idempotent(self):
        member = self.register("+79215556002")
        body = self.order("web-1001", "+7 921 555 60 02", burn=40)
        headers = {"Idempotency-Key": "k-1001"}
        first = self.call("POST", "/orders", body, headers=headers)
        self.assertEqual(first.status_code, 201, first.text)
        answer = first.json()
        self.assertEqual(answer["totals"]["burn"], 40.0)
        self.assertEqual(answer["external_ref"], "web-1001")
        self.assertEqual(answer["member_id"], member["id"])
        self.assertEqual(self.ledger_count("k-1001"), 2)  # burn + earn
        second = self.call("POST", "/orders", body, headers=headers)
        self.assertEqual(second.status_code, 201, second.text)
        self.assertEqual(second.json(), answer)
        self.assertEqual(second.headers.get("Idempotent-Replayed"), "true")
        self.assertEqual(self.ledger_count("k-1001"), 2)
        other = dict(body, burn=10)
        self.assertError(
            self.call("POST", "/orders", other, headers=headers),
            409,
            "idempotency_conflict",
        )
        self.assertError(
            self.call("POST", "/orders", body, headers={"Idempotency-Key": "k-other"}),
            409,
            "duplicate_external_ref",
        )
        self.assertError(
            self.call("POST", "/orders", self.order("web-1002")),
            400,
            "missing_idempotency_key",
        )
        wallet = self.env["loyalty.club.wallet"].search(
            [("partner_id", "=", member["id"])]
        )
        self.env.invalidate_all()
        self.assertEqual(wallet.balance_available, answer["balance"]["available"])

    def test_check_without_card_is_kept(self):
        response = self.call(
            "POST",
            "/orders",
            self.order("anon-1"),
            headers={"Idempotency-Key": "anon-1"},
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertIsNone(response.json()["member_id"])
        txn = self.env["loyalty.club.transaction"].search([("ref", "=", "anon-1")])
        self.assertEqual(txn.channel, "api")
        self.assertFalse(txn.wallet_id)
        self.assertEqual(txn.amount, 550.0)
        self.assertError(
            self.call(
                "POST",
                "/orders",
                self.order("anon-2", burn=5),
                headers={"Idempotency-Key": "anon-2"},
            ),
            422,
            "refused",
        )

    def test_refund(self):
        self.register("+79215556003")
        headers = {"Idempotency-Key": "sale-1"}
        sale = self.call(
            "POST", "/orders", self.order("web-2001", "89215556003"), headers=headers
        )
        self.assertEqual(sale.status_code, 201, sale.text)
        earned = sale.json()["totals"]["earn"]
        refund_headers = {"Idempotency-Key": "refund-1"}
        response = self.call(
            "POST", "/orders/web-2001/refunds", {"amount": 275}, headers=refund_headers
        )
        self.assertEqual(response.status_code, 201, response.text)
        refund = response.json()
        self.assertEqual(refund["earn_reversed"], earned / 2)
        again = self.call(
            "POST", "/orders/web-2001/refunds", {"amount": 275}, headers=refund_headers
        )
        self.assertEqual(again.json(), refund)
        self.assertError(
            self.call(
                "POST",
                "/orders/web-2001/refunds",
                {"amount": 1000},
                headers={"Idempotency-Key": "refund-2"},
            ),
            422,
            "refund_exceeds_order",
        )
        self.assertError(
            self.call(
                "POST",
                "/orders/nope/refunds",
                {"amount": 1},
                headers={"Idempotency-Key": "refund-3"},
            ),
            404,
            "order_not_found",
        )
        lines = {"lines": [{"sku": "MUG-1", "qty": 1, "unit_price": 100}]}
        response = self.call(
            "POST",
            "/orders/web-2001/refunds",
            lines,
            headers={"Idempotency-Key": "r-4"},
        )
        self.assertEqual(response.status_code, 201, response.text)

    def test_strict_spending_over_the_balance(self):
        self.register("+79215556004")  # 100 welcome bonus
        body = self.order("web-3001", "89215556004", burn=150, strict=True)
        response = self.call(
            "POST", "/orders", body, headers={"Idempotency-Key": "s-1"}
        )
        data = self.assertError(response, 422, "insufficient_balance")
        self.assertIn("100", data["message"])
        self.assertEqual(self.ledger_count("s-1"), 0)
        self.assertFalse(
            self.env["loyalty.club.transaction"].search([("ref", "=", "web-3001")])
        )
        # without strict the burn is lowered to what is available
        body["strict"] = False
        response = self.call(
            "POST", "/orders", body, headers={"Idempotency-Key": "s-2"}
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.json()["totals"]["burn"], 100.0)

    def test_messages_in_russian(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.register("+79215556005")
        body = self.order("web-4001", "89215556005", burn=150, strict=True)
        response = self.call(
            "POST",
            "/orders",
            body,
            headers={"Idempotency-Key": "ru-1", "Accept-Language": "ru"},
        )
        data = self.assertError(response, 422, "insufficient_balance")
        expected = self.env(context={"lang": "ru_RU"})._(
            "Not enough bonuses: %(available)s available, %(requested)s asked.",
            available="100.00",
            requested="150.00",
        )
        self.assertEqual(response.headers["Content-Language"], "ru")
        self.assertEqual(data["message"], expected)

    def test_gift_card_payment(self):
        card = self.service.gift_card_issue(
            {"program_id": self.program.id, "amount": "300"}, "api-gift-pay"
        )
        body = self.order(
            "web-5001", gift_cards=[{"code": card["code"], "amount": 120}]
        )
        response = self.call("POST", "/orders/quote", body)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["gift_cards"][0]["balance"], 300.0)
        response = self.call(
            "POST", "/orders", body, headers={"Idempotency-Key": "g-1"}
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.json()["gift_cards"][0]["balance"], 180.0)
        response = self.call("GET", f"/gift-cards/{card['code']}")
        self.assertEqual(response.json()["balance"], 180.0)
        unknown = self.order("web-5002", gift_cards=[{"code": "NOPE9999", "amount": 1}])
        self.assertError(
            self.call("POST", "/orders/quote", unknown), 404, "gift_card_not_found"
        )

    def test_coupon_read_quote_and_use_once(self):
        promotion = self.env["loyalty.club.promotion"].create(
            {
                "name": "Flyer bonus",
                "program_id": self.program.id,
                "effect": "gift_bonus",
                "value": 50,
                "requires_coupon": True,
            }
        )
        batch = self.env["loyalty.club.coupon.batch"].create(
            {"name": "Flyer", "promotion_id": promotion.id, "count": 1}
        )
        batch.action_generate()
        code = batch.coupon_ids.code
        self.register("+79215556077")
        response = self.call("GET", f"/coupons/{code}")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["state"], "valid")
        self.assertError(self.call("GET", "/coupons/NOPE0000"), 404, "coupon_not_found")

        body = self.order("cq1", "89215556077", coupon_codes=[code])
        quote = self.call("POST", "/orders/quote", body).json()
        self.assertEqual([p["name"] for p in quote["promotions"]], ["Flyer bonus"])
        headers = {"Idempotency-Key": "coupon-1"}
        done = self.call("POST", "/orders", body, headers=headers)
        self.assertEqual(done.status_code, 201, done.text)
        self.assertEqual(
            done.json()["totals"]["earn"], 105.0, "55 earned + 50 flyer bonus"
        )
        self.assertEqual(
            json.loads(self.call("GET", f"/coupons/{code}").text)["state"], "used"
        )
        again = self.order("cq2", "89215556077", coupon_codes=[code])
        self.assertError(
            self.call(
                "POST", "/orders", again, headers={"Idempotency-Key": "coupon-2"}
            ),
            422,
            "refused",
        )
