from odoo.exceptions import UserError

from .test_promotion import PromoCase


class TestCoupon(PromoCase):
    def test_coupon_used_once(self):
        promo = self.promotion(
            name="Coupon gift", effect="gift_bonus", value=50, requires_coupon=True
        )
        batch = self.env["loyalty.club.coupon.batch"].create(
            {"name": "Flyer", "promotion_id": promo.id, "count": 3}
        )
        batch.action_generate()
        self.assertEqual(len(set(batch.coupon_ids.mapped("code"))), 3)
        code = batch.coupon_ids[0].code
        self.assertFalse(self.service.quote(self.basket())["promotions"])
        quote = self.service.quote(self.basket(coupon_codes=[code]))
        self.assertEqual(quote["promotions"][0]["bonus"], 50.0)
        done = self.service.confirm(self.basket(coupon_codes=[code]), "coupon-1")
        self.assertEqual(done["earn"], 200.0)
        self.assertEqual(batch.coupon_ids[0].state, "used")
        lines_before = len(self.wallet.ledger_ids)
        with self.assertRaisesRegex(UserError, "already been used"):
            self.service.confirm(self.basket(coupon_codes=[code]), "coupon-2")
        self.assertFalse(
            self.env["loyalty.club.transaction"].search(
                [("idempotency_key", "=", "coupon-2")]
            )
        )
        self.wallet.invalidate_recordset()
        self.assertEqual(len(self.wallet.ledger_ids), lines_before)
        quote = self.service.quote(self.basket(coupon_codes=[code]))
        self.assertFalse(quote["coupons"][0]["valid"])

    def test_personal_coupon_of_another_member(self):
        promo = self.promotion(
            name="Personal", effect="gift_bonus", value=50, requires_coupon=True
        )
        other = self.env["res.partner"].create({"name": "Someone else"})
        batch = self.env["loyalty.club.coupon.batch"].create(
            {
                "name": "Personal",
                "promotion_id": promo.id,
                "kind": "personal",
                "partner_ids": [(6, 0, other.ids)],
            }
        )
        batch.action_generate()
        code = batch.coupon_ids.code
        with self.assertRaisesRegex(UserError, "personal to another member"):
            self.service.confirm(self.basket(coupon_codes=[code]), "coupon-3")

    def test_personal_coupon_is_offered(self):
        promo = self.promotion(
            name="Personal", effect="gift_bonus", value=50, requires_coupon=True
        )
        batch = self.env["loyalty.club.coupon.batch"].create(
            {
                "name": "Mine",
                "promotion_id": promo.id,
                "kind": "personal",
                "partner_ids": [(6, 0, self.wallet.partner_id.ids)],
            }
        )
        batch.action_generate()
        offers = self.service._offers(self.wallet)
        self.assertEqual(offers[0]["code"], batch.coupon_ids.code)
        done = self.service.confirm(
            self.basket(coupon_codes=[batch.coupon_ids.code.lower()]), "mine-1"
        )
        self.assertEqual(done["promotions"][0]["bonus"], 50.0)
        self.assertFalse(self.service._offers(self.wallet))
