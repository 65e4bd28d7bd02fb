from datetime import date

from ..edge import club_today
from .common import ClubCase


class PromoCase(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.categ_coffee = cls.env["product.category"].create({"name": "Coffee"})
        cls.categ_other = cls.env["product.category"].create({"name": "Other"})
        Product = cls.env["product.product"]
        cls.coffee = Product.create({"name": "Coffee", "categ_id": cls.categ_coffee.id})
        cls.cake = Product.create({"name": "Cake", "categ_id": cls.categ_other.id})
        cls.other_store = cls.env["loyalty.club.store"].create(
            {"name": "Other store", "code": "T02"}
        )
        member = cls.service.register_member(
            {"name": "Promo member", "phone": "+79057654321"},
            program_id=cls.program.id,
        )
        cls.wallet = cls.env["loyalty.club.wallet"].browse(member["wallet_id"])

    def promotion(self, **vals):
        vals.setdefault("name", "Promo")
        vals.setdefault("program_id", self.program.id)
        return self.env["loyalty.club.promotion"].create(vals)

    def basket(self, coffee="1000.00", cake="500.00", **extra):
        payload = self.order(coffee, wallet_id=self.wallet.id, **extra)
        payload["lines"] = [
            {"key": "coffee", "amount": coffee, "product_id": self.coffee.id},
            {"key": "cake", "amount": cake, "product_id": self.cake.id},
        ]
        return payload


class TestPromotion(PromoCase):
    def test_double_bonuses_on_category_in_one_store(self):
        promo = self.promotion(
            name="Double coffee",
            effect="bonus_multiplier",
            value=2,
            categ_ids=[(6, 0, self.categ_coffee.ids)],
            store_ids=[(6, 0, self.store.ids)],
        )
        quote = self.service.quote(self.basket())
        self.assertEqual(quote["earn"], 250.0)  # 150 base + 100 extra on coffee
        self.assertEqual(quote["promotions"][0]["id"], promo.id)
        self.assertEqual(quote["promotions"][0]["bonus"], 100.0)
        # each line shows its share: the till's lines add up to the check's earn
        self.assertEqual(quote["earn_per_line"], {"coffee": 200.0, "cake": 50.0})
        elsewhere = self.service.quote(self.basket(store_id=self.other_store.id))
        self.assertEqual(elsewhere["earn"], 150.0)
        self.assertFalse(elsewhere["promotions"])

        done = self.service.confirm(self.basket(ref="P-1"), "promo-x2")
        self.assertEqual(done["earn"], 250.0)
        earn_lines = self.wallet.ledger_ids.filtered(
            lambda ln: ln.kind == "earn" and ln.idempotency_key.startswith("promo-x2")
        )
        self.assertEqual(sorted(earn_lines.mapped("amount_minor")), [10000, 15000])
        self.assertIn(
            f"promo-x2:earn:promo:{promo.id}", earn_lines.mapped("idempotency_key")
        )
        refund = self.service.reverse(
            {"original_key": "promo-x2", "amount": "750.00"}, "promo-x2-refund"
        )
        self.assertEqual(refund["earn_reversed"], 125.0)
        self.assertLedgerConsistent(self.wallet)

    def test_bundle_price(self):
        self.promotion(
            name="Coffee and cake",
            effect="bundle",
            bundle_product_ids=[(6, 0, (self.coffee | self.cake).ids)],
            bundle_price=1200,
        )
        quote = self.service.quote(self.basket())
        self.assertEqual(quote["discount"], 300.0)
        self.assertEqual(quote["to_pay"], 1200.0)
        self.assertEqual(quote["total_before_promotions"], 1500.0)
        self.assertEqual(quote["earn"], 120.0)
        self.assertEqual(
            sum(quote["promotions"][0]["discount_per_line"].values()), 300.0
        )

    def test_bundle_at_one_store_on_weekends_for_gold_only(self):
        Tier = self.env["loyalty.club.tier"]
        Tier.create({"program_id": self.program.id, "name": "Silver", "threshold": 0})
        gold = Tier.create(
            {"program_id": self.program.id, "name": "Gold", "threshold": 30000}
        )
        rich = self.service.register_member(
            {"name": "Gold member", "phone": "+79051112233"},
            program_id=self.program.id,
        )
        gold_wallet = self.env["loyalty.club.wallet"].browse(rich["wallet_id"])
        self.service.confirm(self.order(30000, wallet_id=gold_wallet.id), "gold-1")
        self.service.confirm(self.order(100, wallet_id=self.wallet.id), "silver-1")
        self.assertEqual(gold_wallet.tier_id, gold)
        self.assertNotEqual(self.wallet.tier_id, gold)
        self.promotion(
            name="Weekend coffee and cake for Gold",
            effect="bundle",
            bundle_product_ids=[(6, 0, (self.coffee | self.cake).ids)],
            bundle_price=1200,
            store_ids=[(6, 0, self.store.ids)],
            weekdays="6,7",
            tier_ids=[(6, 0, gold.ids)],
        )
        saturday, sunday, friday = (
            "2026-11-21 12:00:00",
            "2026-11-22 12:00:00",
            "2026-11-20 12:00:00",
        )

        def discount(wallet, when, store=None):
            basket = self.basket(date=when, store_id=(store or self.store).id)
            basket["wallet_id"] = wallet.id
            return self.service.quote(basket)["discount"]

        self.assertEqual(discount(gold_wallet, saturday), 300.0)
        self.assertEqual(discount(gold_wallet, sunday), 300.0)
        self.assertEqual(discount(gold_wallet, friday), 0.0, "not on a weekday")
        self.assertEqual(
            discount(gold_wallet, saturday, self.other_store), 0.0, "not in store B"
        )
        self.assertEqual(discount(self.wallet, saturday), 0.0, "not for Silver")

    def test_exclusive_beats_combinable(self):
        self.promotion(name="Ten", effect="discount_percent", value=10, priority=10)
        best = self.promotion(
            name="Twenty",
            effect="discount_percent",
            value=20,
            priority=20,
            exclusive=True,
        )
        quote = self.service.quote(self.basket())
        self.assertEqual([p["id"] for p in quote["promotions"]], [best.id])
        self.assertEqual(quote["discount"], 300.0)

    def test_near_miss(self):
        self.promotion(
            name="Big basket", effect="gift_bonus", value=50, min_amount=2000
        )
        quote = self.service.quote(self.basket())
        self.assertFalse(quote["promotions"])
        miss = quote["near_misses"][0]
        self.assertEqual(miss["reason"], "min_amount")
        self.assertEqual(miss["missing"], 500.0)
        self.assertIn("500.00", miss["message"])
        self.assertIn("Big basket", miss["message"])

    def test_budget_stops_at_its_limit(self):
        promo = self.promotion(
            name="100 off", effect="discount_fixed", value=100, budget=250
        )
        discounts = [
            self.service.confirm(self.basket(ref=f"B-{n}"), f"budget-{n}")["discount"]
            for n in range(4)
        ]
        self.assertEqual(discounts, [100.0, 100.0, 50.0, 0.0])
        self.assertEqual(promo.budget_used, 250.0)
        self.assertEqual(len(promo.usage_ids), 3)

    def test_nth_item_by_barcode_and_decimal_qty(self):
        self.coffee.barcode = "4601234567893"
        self.promotion(
            name="Third coffee free",
            effect="nth_item",
            nth=3,
            value=100,
            product_ids=[(6, 0, self.coffee.ids)],
        )
        payload = self.order("300.00", wallet_id=self.wallet.id)
        payload["lines"] = [
            {"key": 0, "amount": "300.00", "qty": "3.000", "barcode": "4601234567893"},
            {"key": 1, "amount": "50.00", "qty": 0.5},
        ]
        quote = self.service.quote(payload)
        self.assertEqual(quote["discount"], 100.0)
        self.assertEqual(quote["to_pay"], 250.0)
        payload["lines"][0]["qty"] = "2"
        quote = self.service.quote(payload)
        self.assertFalse(quote["promotions"])
        self.assertEqual(quote["near_misses"][0]["missing"], 1)
        self.assertIn("Add 1 more item", quote["near_misses"][0]["message"])

    def test_no_promotion_keeps_quote(self):
        quote = self.service.quote(self.basket())
        self.assertEqual(quote["promotions"], [])
        self.assertEqual(quote["discount"], 0.0)
        self.assertEqual(quote["earn"], 150.0)

    def test_segment_promotion_is_offered(self):
        segment = self.env["loyalty.club.segment"].create(
            {"name": "Birthday", "birthday_this_month": True}
        )
        promo = self.promotion(
            name="Birthday x3",
            effect="bonus_multiplier",
            value=3,
            segment_ids=[(6, 0, segment.ids)],
        )
        self.assertFalse(self.service.quote(self.basket())["promotions"])
        self.assertFalse(self.service._offers(self.wallet))
        today = club_today(self.service)
        self.wallet.partner_id.club_birthday = date(1990, today.month, 1)
        self.assertEqual(self.service.quote(self.basket())["earn"], 450.0)
        offers = self.service._offers(self.wallet)
        self.assertEqual([o["id"] for o in offers], [promo.id])

    def test_limit_per_member_and_first_purchase(self):
        self.promotion(
            name="Once", effect="gift_bonus", value=20, limit_per_member=1, priority=5
        )
        self.promotion(
            name="Welcome", effect="discount_percent", value=10, first_purchase=True
        )
        first = self.service.confirm(self.basket(ref="L-1"), "limit-1")
        self.assertEqual(
            sorted(p["name"] for p in first["promotions"]), ["Once", "Welcome"]
        )
        self.assertEqual(first["discount"], 150.0)
        second = self.service.confirm(self.basket(ref="L-2"), "limit-2")
        self.assertEqual(second["promotions"], [])
        self.assertEqual(second["earn"], 150.0)
