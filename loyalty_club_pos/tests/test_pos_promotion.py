import copy

from odoo import Command
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon
from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import CARD_CODES, ClubPosFixtureMixin


class ClubPromoMixin:
    @classmethod
    def _promotion(cls, name, **vals):
        return (
            cls.env["loyalty.club.promotion"]
            .sudo()
            .create(dict({"name": name, "program_id": cls.club_program.id}, **vals))
        )

    @classmethod
    def _coupon(cls, code, promotion):
        return (
            cls.env["loyalty.club.coupon"]
            .sudo()
            .create(
                {
                    "code": code,
                    "promotion_id": promotion.id,
                    "company_id": promotion.company_id.id,
                }
            )
        )


@tagged("post_install", "-at_install")
class TestClubPosPromotionTour(
    ClubPromoMixin, ClubPosFixtureMixin, TestPointOfSaleHttpCommon
):
    """Price promotions and a one-time coupon at the till, then in the books."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._club_setup(cls.main_pos_config)
        cls.shoes = cls.env["product.category"].create({"name": "Club shoes"})
        cls.tax10 = cls.env["account.tax"].create(
            {
                "name": "Club VAT 10%",
                "amount": 10.0,
                "price_include_override": "tax_excluded",
            }
        )
        cls.sneakers = cls.env["product.product"].create(
            {
                "name": "Club Sneakers",
                "available_in_pos": True,
                "list_price": 100.0,
                "categ_id": cls.shoes.id,
                "taxes_id": [Command.set(cls.tax10.ids)],
            }
        )
        cls.jacket = cls._club_jacket()
        cls.anna = cls._club_member(
            "Anna Club", "+79161234567", card=CARD_CODES[0], balance=50
        )
        cls.autumn = cls._promotion(
            "Autumn shoes",
            effect="discount_percent",
            value=20,
            categ_ids=[Command.set(cls.shoes.ids)],
            receipt_message="Shoes love autumn: see you soon!",
        )
        cls.ten_off = cls._promotion(
            "Ten off the jacket",
            effect="discount_fixed",
            value=10,
            product_ids=[Command.set(cls.jacket.ids)],
            requires_coupon=True,
        )
        cls.coupon = cls._coupon("CLUBTEN", cls.ten_off)

    def test_promotion_and_one_time_coupon(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("LoyaltyClubPosPromotionTour", login="pos_user")
        self.env.invalidate_all()
        first, second = self.env["pos.order"].search(
            [("config_id", "=", self.main_pos_config.id)], order="id"
        )
        promo_product = self.env.ref("loyalty_club_pos.product_club_promotion")
        # the sneakers: 100 + 10% tax; 20% off is 20.00 of base, 2.00 of tax
        discounts = first.lines.filtered(lambda ln: ln.product_id == promo_product)
        shoe_line = discounts.filtered("tax_ids")
        self.assertEqual(shoe_line.tax_ids, self.tax10)
        self.assertAlmostEqual(shoe_line.price_subtotal, -20.0)
        self.assertAlmostEqual(shoe_line.price_subtotal_incl, -22.0)
        jacket_line = discounts - shoe_line
        self.assertAlmostEqual(jacket_line.price_subtotal_incl, -10.0)
        self.assertAlmostEqual(first.amount_total, 110.0 + 100.0 - 22.0 - 10.0)
        self.assertAlmostEqual(first.amount_tax, 8.0, msg="tax on 80.00 of sneakers")
        self.assertFalse(first.club_review, first.club_message)
        self.assertEqual(first.club_coupon_codes, "CLUBTEN")
        # the club saw the discounted sale and records both promotions
        txn = first.club_transaction_id
        self.assertAlmostEqual(txn.response["discount"], 32.0)
        self.assertAlmostEqual(first.club_earned, 17.8, msg="10% of 178.00")
        usages = (
            self.env["loyalty.club.promotion.usage"]
            .sudo()
            .search([("transaction_id", "=", txn.id)])
        )
        self.assertEqual(
            {u.promotion_id: u.discount for u in usages},
            {self.autumn: 22.0, self.ten_off: 10.0},
        )
        self.assertEqual(self.coupon.state, "used")
        self.assertEqual(self.coupon.transaction_id, txn)
        # the next order: the coupon was refused, the jacket sold at full price
        self.assertFalse(
            second.lines.filtered(lambda ln: ln.product_id == promo_product)
        )
        self.assertAlmostEqual(second.amount_total, 100.0)
        self.assertFalse(second.club_coupon_codes)
        self.assertFalse(second.club_review)
        self.assertAlmostEqual(second.club_earned, 10.0)

    def test_coupon_taken_by_another_order_meanwhile(self):
        two_off = self._promotion(
            "Two off",
            effect="discount_fixed",
            value=2,
            product_ids=[Command.set(self.jacket.ids)],
            requires_coupon=True,
        )
        coupon = self._coupon("CLUBTWO", two_off)
        coupon.partner_id = self.anna.partner_id  # offered to her in the panel
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("LoyaltyClubPosCouponRaceTour", login="pos_user")
        self.env.invalidate_all()
        orders = self.env["pos.order"].search(
            [("config_id", "=", self.main_pos_config.id), ("state", "=", "paid")],
            order="id",
        )
        self.assertEqual(len(orders), 2)
        winner = orders.filtered(lambda o: not o.club_review)
        late = orders - winner
        self.assertEqual(coupon.transaction_id, winner.club_transaction_id)
        # the late order is sold as rung up (98.00), earns on it without the
        # coupon (the club granted nothing) and waits for a review
        self.assertAlmostEqual(late.amount_total, 98.0)
        self.assertTrue(late.club_review)
        self.assertIn("CLUBTWO", late.club_message)
        self.assertTrue(late.club_transaction_id.needs_review)
        self.assertAlmostEqual(late.club_transaction_id.response["discount"], 0.0)
        self.assertAlmostEqual(winner.club_transaction_id.response["discount"], 2.0)
        usages = (
            self.env["loyalty.club.promotion.usage"]
            .sudo()
            .search([("promotion_id", "=", two_off.id)])
        )
        self.assertEqual(usages.transaction_id, winner.club_transaction_id)


@tagged("post_install", "-at_install")
class TestClubPosPromotionSync(ClubPromoMixin, ClubPosFixtureMixin, TestPoSCommon):
    """The server judges the discounts the till gave when the order is synced."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls._club_setup(cls.config)
        cls.jacket = cls.create_product("Club jacket", cls.categ_basic, 100.0)
        cls.anna = cls._club_member(
            "Anna", "+79161234567", card=CARD_CODES[0], balance=50
        )
        cls.promo_product = cls.env.ref("loyalty_club_pos.product_club_promotion")

    def setUp(self):
        super().setUp()
        self.open_new_session()

    def _order_data(self, qty, discount, coupons="", **line_extra):
        """``qty`` jackets at 100.00 less a promotion line of ``discount``."""
        lines = [{"product": self.jacket, "quantity": qty, **line_extra}]
        if discount:
            lines.append(
                {"product": self.promo_product, "quantity": 1 if qty > 0 else -1}
            )
        total = 100.0 * qty - (discount if qty > 0 else -discount)
        data = self.create_ui_order_data(lines, payments=[(self.cash_pm1, total)])
        for command in data["lines"]:
            vals = command[2]
            if vals["product_id"] == self.promo_product.id:
                vals.update(
                    price_unit=-discount, price_subtotal=-discount * vals["qty"]
                )
                vals["price_subtotal_incl"] = vals["price_subtotal"]
        data.update(
            club_wallet_id=self.anna.id,
            club_identifier=CARD_CODES[0],
            amount_total=total,
            amount_tax=0.0,
        )
        if coupons:
            data["club_coupon_codes"] = coupons
        return data

    def _sync(self, data):
        result = self.env["pos.order"].sync_from_ui([copy.deepcopy(data)])
        return self.env["pos.order"].browse([o["id"] for o in result["pos.order"]])

    def _percent_off(self, value=20, **vals):
        return self._promotion(
            "Twenty off",
            effect="discount_percent",
            value=value,
            categ_ids=[Command.set(self.categ_basic.ids)],
            **vals,
        )

    def test_discount_granted_is_not_flagged(self):
        self._percent_off()
        order = self._sync(self._order_data(2, 40.0))
        self.assertEqual(order.state, "paid")
        self.assertFalse(order.club_review, order.club_message)
        self.assertAlmostEqual(order.club_earned, 16.0, msg="10% of 160.00")
        self.assertAlmostEqual(order.club_transaction_id.amount, 160.0)

    def test_stale_discount_is_kept_and_flagged(self):
        promo = self._percent_off(budget=30)
        order = self._sync(self._order_data(2, 40.0))
        # the budget allows 30.00: the sale is kept, the 10.00 more flagged
        self.assertEqual(order.state, "paid")
        self.assertAlmostEqual(order.amount_total, 160.0)
        self.assertTrue(order.club_review)
        self.assertIn("40.00", order.club_message)
        self.assertIn("30.00", order.club_message)
        self.assertTrue(order.club_transaction_id.needs_review)
        self.assertAlmostEqual(promo.budget_used, 30.0, msg="never overspent")

    def test_used_coupon_keeps_the_sale(self):
        promo = self._promotion(
            "Ten off",
            effect="discount_fixed",
            value=10,
            scope="order",
            requires_coupon=True,
        )
        coupon = self._coupon("POSTEN", promo)
        first = self._sync(self._order_data(1, 10.0, coupons="POSTEN"))
        self.assertFalse(first.club_review, first.club_message)
        self.assertEqual(coupon.state, "used")
        # another till gave the same coupon before it heard of the first sale
        second = self._sync(self._order_data(1, 10.0, coupons="POSTEN"))
        self.assertEqual(second.state, "paid")
        self.assertTrue(second.club_review)
        self.assertIn("POSTEN", second.club_message)
        self.assertAlmostEqual(second.club_earned, 10.0, msg="earned on 100.00")
        self.assertEqual(coupon.transaction_id, first.club_transaction_id)

    def test_refund_of_discounted_order_is_proportional(self):
        self._percent_off()
        order = self._sync(self._order_data(2, 40.0))
        self.assertAlmostEqual(order.club_earned, 16.0)
        # one jacket of two comes back: half of the discounted sale is reversed
        jacket_line = order.lines.filtered(lambda ln: ln.product_id == self.jacket)
        refund = self._sync(
            self._order_data(-1, 0.0, refunded_orderline_id=jacket_line.id)
        )
        self.assertAlmostEqual(refund.club_earned, -8.0)
        self.assertFalse(refund.club_review, refund.club_message)

    def test_till_quote_says_why_a_coupon_is_refused(self):
        promo = self._promotion(
            "Five off",
            effect="discount_fixed",
            value=5,
            scope="order",
            requires_coupon=True,
        )
        self._coupon("MINE5", promo)
        someone = self._club_member("Olga", "+79160000001")
        theirs = self._coupon("OLGA5", promo)
        theirs.partner_id = someone.partner_id
        line = {"key": "l1", "amount": 100.0, "product_id": self.jacket.id, "qty": 1}
        quote = self.config.club_quote(
            {
                "wallet_id": self.anna.id,
                "lines": [line],
                "coupon_codes": ["mine5", "OLGA5", "NOSUCH"],
            }
        )
        reasons = {c["code"]: (c["valid"], c["reason"]) for c in quote["coupons"]}
        self.assertEqual(reasons["MINE5"], (True, ""))
        self.assertIn("another member", reasons["OLGA5"][1])
        self.assertIn("no coupon", reasons["NOSUCH"][1])
        self.assertAlmostEqual(quote["discount"], 5.0)
        self.assertEqual([p["name"] for p in quote["promotions"]], ["Five off"])

    def test_sale_without_member_spends_no_promotion(self):
        promo = self._percent_off(budget=100)
        code = self._club_gift_card(30.0)
        data = self.create_ui_order_data(
            [(self.jacket, 1)],
            payments=[(self.club_gift_method, 30.0), (self.cash_pm1, 70.0)],
        )
        for command in data["payment_ids"]:
            if command[2]["payment_method_id"] == self.club_gift_method.id:
                command[2]["club_gift_code"] = code
        data["club_wallet_id"] = False
        order = self._sync(data)
        # no member: the till quoted no promotion, so the club grants none
        self.assertTrue(order.club_transaction_id, "the gift card check")
        self.assertFalse(order.club_review, order.club_message)
        self.assertAlmostEqual(order.club_transaction_id.amount, 100.0)
        self.assertFalse(promo.usage_ids)
        self.assertAlmostEqual(promo.budget_used, 0.0)
