"""Goods that earn or spend nothing, and programs earning per item.

Through the service, as every channel calls it: excluded products and
categories (with their subcategories), discounted lines, and a coffee program
where every sixth cup is free.
"""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ClubCase
from .test_api_common import ApiCase


class GoodsFixture:
    @classmethod
    def _goods(cls):
        Categ = cls.env["product.category"]
        cls.tobacco = Categ.create({"name": "Tobacco"})
        cls.cigarettes = Categ.create(
            {"name": "Cigarettes", "parent_id": cls.tobacco.id}
        )
        Product = cls.env["product.product"]
        cls.cigs = Product.create(
            {
                "name": "Test cigarettes",
                "categ_id": cls.cigarettes.id,
                "barcode": "4600000000901",
            }
        )
        cls.gift = Product.create({"name": "Test gift voucher", "default_code": "GV"})
        cls.bread = Product.create({"name": "Test bread", "barcode": "4600000000918"})


class TestGoodsRules(GoodsFixture, ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._goods()
        cls.program.write(
            {
                "pending_days": 0,
                "no_earn_categ_ids": [(6, 0, cls.tobacco.ids)],
                "no_burn_categ_ids": [(6, 0, cls.tobacco.ids)],
                "no_burn_product_ids": [(6, 0, cls.gift.ids)],
            }
        )
        summary = cls.service.register_member(
            {"name": "Goods Member", "phone": "+79215557001"},
            program_id=cls.program.id,
        )
        cls.wallet = cls.env["loyalty.club.wallet"].browse(summary["wallet_id"])

    def basket(self, burn=0, **line_extra):
        return self.order(
            0,
            burn=burn,
            wallet_id=self.wallet.id,
            lines=[
                {"key": "bread", "amount": "1000.00", "product_id": self.bread.id},
                # a caller's own "earn: true" does not override the program
                {
                    "key": "cigs",
                    "amount": "500.00",
                    "product_id": self.cigs.id,
                    "earn": True,
                    "burn": True,
                },
                {"key": "gift", "amount": "2000.00", "product_id": self.gift.id},
                dict({"key": "other", "amount": "100.00"}, **line_extra),
            ],
        )

    def test_excluded_goods_earn_nothing_and_are_not_paid_with_bonuses(self):
        quote = self.service.quote(self.basket(burn=5000))
        # a subcategory of an excluded category is excluded
        self.assertEqual(quote["earn_per_line"]["cigs"], 0.0)
        self.assertEqual(quote["burn_per_line"]["cigs"], 0.0)
        self.assertEqual(quote["burn_per_line"]["gift"], 0.0)
        # the gift voucher earns, it only may not be paid with bonuses
        self.assertGreater(quote["earn_per_line"]["gift"], 0.0)
        self.assertEqual(sorted(quote["lines_no_earn"]), ["cigs"])
        self.assertEqual(sorted(quote["lines_no_burn"]), ["cigs", "gift"])
        # the welcome bonus (1,000) would pay 30 % of 3,600.00; the cap is 30 %
        # of the 1,100.00 bonuses may pay for
        self.assertEqual(quote["burn_max"], 330.0)
        self.assertEqual(quote["burn"], 330.0)
        self.assertEqual(quote["burn_per_line"]["bread"], 300.0)
        self.assertEqual(quote["burn_per_line"]["other"], 30.0)

        sale = self.service.confirm(dict(self.basket(burn=330), ref="G1"), "g1")
        # 10 % of what is paid on bread (700), the gift (2,000) and the rest (70)
        self.assertEqual(sale["earn"], 70.0 + 200.0 + 7.0)
        self.assertEqual(sale["burn"], 330.0)
        txn = self.env["loyalty.club.transaction"].browse(sale["transaction_id"])
        self.assertEqual(txn.earned, 277.0)
        self.assertEqual(txn.spent, 330.0)
        self.assertLedgerConsistent(self.wallet)

    def test_a_basket_of_excluded_goods_only_cannot_be_paid_with_bonuses(self):
        payload = self.order(
            0,
            burn=10,
            wallet_id=self.wallet.id,
            strict=True,
            lines=[{"key": 1, "amount": "500.00", "product_id": self.cigs.id}],
        )
        quote = self.service.quote(dict(payload, strict=False))
        self.assertEqual((quote["burn_max"], quote["earn"]), (0.0, 0.0))
        with self.assertRaises(UserError):
            self.service.confirm(payload, "g-strict")

    def test_products_found_by_barcode_and_sku(self):
        quote = self.service.quote(
            self.order(
                0,
                wallet_id=self.wallet.id,
                lines=[
                    {"key": "a", "amount": "500.00", "barcode": "4600000000901"},
                    {"key": "b", "amount": "500.00", "sku": "GV"},
                ],
            )
        )
        self.assertEqual(quote["lines_no_earn"], ["a"])
        self.assertEqual(quote["lines_no_burn"], ["a", "b"])

    def test_discounted_lines(self):
        lines = [
            {"key": "full", "amount": "1000.00", "product_id": self.bread.id},
            {"key": "sale", "amount": "900.00", "discount": 10},
            {"key": "promo", "amount": "500.00", "discounted": True},
        ]
        payload = self.order(0, wallet_id=self.wallet.id, lines=lines)
        before = self.service.quote(payload)
        self.assertEqual(before["earn"], 240.0, "discounts earn unless told not to")
        self.program.discounted_no_earn = True
        quote = self.service.quote(payload)
        self.assertEqual(quote["earn_per_line"]["sale"], 0.0)
        self.assertEqual(quote["earn_per_line"]["promo"], 0.0)
        self.assertEqual(sorted(quote["lines_no_burn"]), [])
        self.program.discounted_no_burn = True
        quote = self.service.quote(payload)
        self.assertEqual(sorted(quote["lines_no_burn"]), ["promo", "sale"])
        self.assertEqual(quote["burn_max"], 300.0, "30 % of the full-price line")
        bad = self.order(
            0, lines=[{"key": 1, "amount": "10", "discount": "ten"}], wallet_id=0
        )
        with self.assertRaises(UserError):
            self.service.quote(bad)

    def test_club_promotion_discount_counts_as_discounted(self):
        self.env["loyalty.club.promotion"].create(
            {
                "name": "Bread -20 %",
                "program_id": self.program.id,
                "effect": "discount_percent",
                "value": 20,
                "product_ids": [(6, 0, self.bread.ids)],
            }
        )
        self.program.discounted_no_earn = True
        quote = self.service.quote(
            self.order(
                0,
                wallet_id=self.wallet.id,
                lines=[
                    {"key": "bread", "amount": "1000.00", "product_id": self.bread.id},
                    {"key": "other", "amount": "1000.00"},
                ],
            )
        )
        self.assertEqual(quote["discount"], 200.0)
        self.assertEqual(quote["lines_no_earn"], ["bread"])
        self.assertEqual(quote["earn"], 100.0)


class TestCoffeeProgram(ClubCase):
    """Every sixth cup free: a cup earns a stamp, five stamps pay for a cup."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stamps = cls.env["loyalty.club.wallet.type"].create(
            {"name": "Coffee stamps", "kind": "bonus", "unit_name": "cup", "digits": 0}
        )
        Product = cls.env["product.product"]
        cls.cup = Product.create({"name": "Test cappuccino", "list_price": 50})
        cls.bun = Product.create({"name": "Test bun", "list_price": 30})
        cls.coffee = cls.env["loyalty.club.program"].create(
            {
                "name": "Coffee club",
                "wallet_type_id": stamps.id,
                "earn_mode": "quantity",
                "earn_per_item": 1,
                "earn_item_product_ids": [(6, 0, cls.cup.ids)],
                "earn_percent": 0,
                "burn_cap_percent": 100,
                # a stamp is worth a fifth of a cup
                "point_value": 10,
                "pending_days": 0,
                "welcome_bonus": 0,
                "no_burn_product_ids": [(6, 0, cls.bun.ids)],
            }
        )
        summary = cls.service.register_member(
            {"name": "Coffee Lover", "phone": "+79215557002"},
            program_id=cls.coffee.id,
        )
        cls.wallet = cls.env["loyalty.club.wallet"].browse(summary["wallet_id"])

    def visit(self, n, cups, buns=0, burn=0):
        lines = [{"key": "cups", "amount": 50 * cups, "product_id": self.cup.id}]
        lines[0]["qty"] = cups
        if buns:
            lines.append(
                {"key": "buns", "amount": 30 * buns, "product_id": self.bun.id}
            )
        payload = {
            "program_id": self.coffee.id,
            "wallet_id": self.wallet.id,
            "channel": "pos",
            "lines": lines,
            "burn": burn,
            "ref": f"C{n}",
        }
        return self.service.confirm(payload, f"coffee-{n}")

    def test_every_sixth_cup_free(self):
        for n in range(1, 6):
            sale = self.visit(n, cups=1, buns=1 if n == 1 else 0)
            self.assertEqual(sale["earn"], 1.0, "a cup earns a stamp, a bun nothing")
        self.assertEqual(self.wallet.balance_available, 5.0)
        quote = self.service.quote(
            {
                "program_id": self.coffee.id,
                "wallet_id": self.wallet.id,
                "lines": [
                    {"key": "cups", "amount": 50, "qty": 1, "product_id": self.cup.id},
                    {"key": "buns", "amount": 30, "product_id": self.bun.id},
                ],
                "burn": 5,
            }
        )
        self.assertEqual(quote["burn_max"], 5.0, "stamps pay for the cup, not the bun")
        self.assertEqual(quote["to_pay"], 30.0)
        sixth = self.visit(6, cups=1, burn=5)
        self.assertEqual((sixth["burn"], sixth["to_pay"], sixth["earn"]), (5.0, 0, 0))
        self.assertEqual(self.wallet.balance_available, 0.0)
        # two cups at once earn two stamps
        self.assertEqual(self.visit(7, cups=2)["earn"], 2.0)
        self.assertLedgerConsistent(self.wallet)


@tagged("post_install", "-at_install")
class TestApiGoodsRules(GoodsFixture, ApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._goods()
        cls.program.write(
            {
                "no_earn_categ_ids": [(6, 0, cls.tobacco.ids)],
                "no_burn_categ_ids": [(6, 0, cls.tobacco.ids)],
                "discounted_no_burn": True,
            }
        )

    def test_api_answer_says_what_each_line_earns(self):
        self.register("+79215557003")
        body = {
            "identifier": "+79215557003",
            "lines": [
                {"barcode": "4600000000901", "qty": 2, "unit_price": 100},
                {"barcode": "4600000000918", "qty": 1, "unit_price": 200},
                {
                    "barcode": "4600000000918",
                    "qty": 1,
                    "unit_price": 100,
                    "discount": 50,
                },
            ],
            "burn": 100,
        }
        response = self.call("POST", "/orders/quote", body)
        self.assertEqual(response.status_code, 200, response.text)
        quote = response.json()
        lines = quote["lines"]
        self.assertEqual([line["earns"] for line in lines], [False, True, True])
        self.assertEqual(
            [line["payable_with_bonuses"] for line in lines], [False, True, False]
        )
        self.assertEqual([line["earn"] for line in lines], [0.0, 14.0, 5.0])
        # 30 % of the 200.00 bread at full price
        self.assertEqual(quote["totals"]["burn_max"], 60.0)
        confirmed = self.call(
            "POST",
            "/orders",
            dict(body, burn=60, external_ref="goods-1"),
            headers={"Idempotency-Key": "goods-1"},
        )
        self.assertEqual(confirmed.status_code, 201, confirmed.text)
        answer = confirmed.json()
        self.assertEqual(answer["totals"]["earn"], 19.0)
        self.assertEqual([line["burn"] for line in answer["lines"]], [0.0, 60.0, 0.0])
