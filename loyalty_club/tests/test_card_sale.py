"""A club card sold as a product: the buyer's card and the tier it grants, held
by the period review until the months bought are over."""

import re
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .. import edge
from ..domain.cards import make_ean13
from .common import ClubCase

CARD = make_ean13("297", 515151)
OTHER = make_ean13("297", 515152)
WAITING = make_ean13("297", 515153)


class CardSaleFixture:
    @classmethod
    def _club_card_fixture(cls, program):
        cls.silver = cls.env["loyalty.club.tier"].create(
            {"program_id": program.id, "name": "Silver", "threshold": 0}
        )
        cls.gold = cls.env["loyalty.club.tier"].create(
            {
                "program_id": program.id,
                "name": "Gold",
                "threshold": 50000,
                "earn_percent": 12,
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Gold club card",
                "type": "service",
                "list_price": 990,
                "club_card": True,
                "club_card_program_id": program.id,
                "club_card_tier_id": cls.gold.id,
                "club_card_tier_months": 12,
            }
        )
        Card = cls.env["loyalty.club.card"]
        cls.card, cls.other, cls.waiting = (
            Card.create({"code": code, "program_id": program.id, "kind": "physical"})
            for code in (CARD, OTHER, WAITING)
        )


class TestCardSale(CardSaleFixture, ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._club_card_fixture(cls.program)
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Marta Buyer", "mobile": "+380671112233"}
        )

    def sell(self, partner, key, code="", qty=1, product=None):
        return self.service._sell_club_cards(
            partner,
            [{"product_id": (product or self.product).id, "qty": qty, "code": code}],
            "pos",
            key,
            program=self.program,
        )

    def wallet_of(self, partner):
        return partner.club_wallet_ids.filtered(lambda w: w.program_id == self.program)

    def test_buyer_joins_with_a_virtual_card_and_the_tier_once(self):
        sold = self.sell(self.buyer, "order-1")
        today = edge.club_today(self.env["loyalty.club.service"])
        self.assertEqual(len(sold), 1)
        self.assertEqual(sold[0]["kind"], "virtual")
        self.assertEqual(sold[0]["tier"], "Gold")
        self.assertEqual(sold[0]["tier_until"], str(today + relativedelta(months=12)))
        self.assertEqual(self.buyer.club_status, "active", "the buyer joined")
        wallet = self.wallet_of(self.buyer)
        self.assertEqual(wallet.tier_id, self.gold)
        history = wallet.tier_history_ids
        self.assertEqual(history.mapped("reason"), ["purchase"])
        self.assertEqual(history.new_tier_id, self.gold)
        card = self.buyer.club_card_ids
        self.assertEqual(
            (card.kind, card.state, card.code), ("virtual", "active", sold[0]["card"])
        )
        # the same order synced again sells nothing more
        again = self.sell(self.buyer, "order-1")
        self.assertTrue(again[0]["replayed"])
        self.assertEqual(again[0]["card"], sold[0]["card"])
        self.assertEqual(len(self.buyer.club_card_ids), 1)
        self.assertEqual(len(wallet.tier_history_ids), 1)
        self.assertEqual(
            self.env["loyalty.club.card.sale"].search_count(
                [("partner_id", "=", self.buyer.id)]
            ),
            1,
        )

    def test_physical_card_scanned_is_the_buyers(self):
        sold = self.sell(self.buyer, "order-2", code=CARD)
        self.assertEqual(sold[0]["card"], CARD)
        self.assertEqual(self.card.state, "active")
        self.assertEqual(self.card.partner_id, self.buyer)
        self.assertEqual(self.wallet_of(self.buyer).tier_id, self.gold)
        # a card once sold is not sold again
        other = self.env["res.partner"].create({"name": "Second"})
        with self.assertRaisesRegex(UserError, "not in stock"):
            self.sell(other, "order-3", code=CARD)

    def test_renewal_adds_the_months_and_a_higher_tier_stays(self):
        first = self.sell(self.buyer, "renew-1")[0]
        second = self.sell(self.buyer, "renew-2")[0]
        end = edge.club_today(self.service) + relativedelta(months=12)
        self.assertEqual(second["tier_until"], str(end + relativedelta(months=12)))
        self.assertEqual(second["card"], first["card"], "the same virtual card")
        platinum = self.env["loyalty.club.tier"].create(
            {"program_id": self.program.id, "name": "Platinum", "threshold": 90000}
        )
        wallet = self.wallet_of(self.buyer)
        wallet._set_tier(platinum, "upgrade", edge.club_today(self.service))
        self.sell(self.buyer, "renew-3")
        self.assertEqual(wallet.tier_id, platinum, "a Gold card never lowers a tier")

    def test_tier_review_keeps_the_tier_bought_until_its_end(self):
        self.sell(self.buyer, "review-1")
        wallet = self.wallet_of(self.buyer)
        sale = self.env["loyalty.club.card.sale"].search([("key", "like", "review-1")])
        # the buyer spent nothing: the review would give Silver
        self.service._cron_tier_review(today=sale.tier_until)
        wallet.invalidate_recordset()
        self.assertEqual(wallet.tier_id, self.gold, "held on its last day")
        self.assertEqual(len(wallet.tier_history_ids), 1)
        self.service._cron_tier_review(today=sale.tier_until + timedelta(days=1))
        wallet.invalidate_recordset()
        self.assertEqual(wallet.tier_id, self.silver, "the review decides afterwards")
        review = wallet.tier_history_ids.filtered(lambda h: h.reason == "review")
        self.assertEqual(
            (review.old_tier_id, review.new_tier_id), (self.gold, self.silver)
        )

    def test_anonymous_physical_card_waits_for_its_holder(self):
        sold = self.sell(self.env["res.partner"], "anon-1", code=WAITING)
        self.assertEqual(sold[0]["state"], "waiting")
        self.assertEqual(self.waiting.state, "stock", "registrable by its holder")
        summary = self.service.register_member(
            {"name": "Holder", "phone": "+380679998877", "card_number": WAITING},
            program_id=self.program.id,
        )
        self.assertEqual(summary["tier"], "Gold")
        sale = self.env["loyalty.club.card.sale"].search([("key", "like", "anon-1")])
        self.assertEqual(sale.state, "done")
        self.assertEqual(sale.partner_id.name, "Holder")
        self.assertEqual(self.waiting.partner_id, sale.partner_id)

    def refund(self, key, refund_key, qty=1, product=None):
        return self.service._refund_club_cards(
            key,
            [{"product_id": (product or self.product).id, "qty": qty}],
            refund_key,
            ref="REFUND/1",
        )

    def test_refund_ends_the_tier_bought_once(self):
        self.sell(self.buyer, "paid-1")
        wallet = self.wallet_of(self.buyer)
        card = self.buyer.club_card_ids
        self.assertEqual(wallet.tier_id, self.gold)
        back = self.refund("paid-1", "refund-1")
        self.assertEqual([item["state"] for item in back], ["refunded"])
        wallet.invalidate_recordset()
        # nothing bought: the member's purchases give Silver, at once
        self.assertEqual(wallet.tier_id, self.silver)
        last = wallet.tier_history_ids.sorted("id")[-1]
        self.assertEqual(
            (last.reason, last.old_tier_id, last.new_tier_id),
            ("refund", self.gold, self.silver),
        )
        sale = self.env["loyalty.club.card.sale"].search([("key", "like", "paid-1")])
        self.assertEqual((sale.state, sale.refund_ref), ("refunded", "REFUND/1"))
        self.assertEqual(card.state, "active", "the membership goes on")
        # the same refund again, or asking more than was sold: nothing more
        self.assertEqual(len(self.refund("paid-1", "refund-1")), 1)
        self.assertEqual(self.refund("paid-1", "refund-2"), [])
        self.assertEqual(len(wallet.tier_history_ids), 2)
        # and the review no longer holds a tier for it
        self.service._cron_tier_review(today=edge.club_today(self.service))
        wallet.invalidate_recordset()
        self.assertEqual(wallet.tier_id, self.silver)

    def test_refund_of_one_card_keeps_the_tier_another_holds(self):
        self.sell(self.buyer, "twice-1")
        self.sell(self.buyer, "twice-2")
        wallet = self.wallet_of(self.buyer)
        self.refund("twice-2", "twice-2-back")
        wallet.invalidate_recordset()
        self.assertEqual(wallet.tier_id, self.gold, "the first card still holds")
        self.assertEqual(len(wallet.tier_history_ids), 1)
        # a member in a higher tier of their own keeps it
        platinum = self.env["loyalty.club.tier"].create(
            {"program_id": self.program.id, "name": "Platinum", "threshold": 90000}
        )
        wallet._set_tier(platinum, "upgrade", edge.club_today(self.service))
        self.refund("twice-1", "twice-1-back")
        wallet.invalidate_recordset()
        self.assertEqual(wallet.tier_id, platinum)

    def test_refund_of_a_waiting_card_puts_it_back_in_stock(self):
        self.sell(self.env["res.partner"], "shelf-1", code=WAITING)
        self.refund("shelf-1", "shelf-1-back")
        self.assertEqual(self.waiting.state, "stock")
        # its holder registers it: a member without the tier that was refunded
        summary = self.service.register_member(
            {"name": "Late Holder", "phone": "+380679990011", "card_number": WAITING},
            program_id=self.program.id,
        )
        self.assertNotEqual(summary["tier"], "Gold")
        self.assertEqual(self.waiting.partner_id.name, "Late Holder")

    def test_refund_of_a_stock_card_sells_it_again(self):
        self.sell(self.env["res.partner"], "stock-1", code=WAITING)
        with self.assertRaisesRegex(UserError, "not in stock"):
            self.sell(self.buyer, "stock-2", code=WAITING)
        self.refund("stock-1", "stock-1-back")
        sold = self.sell(self.buyer, "stock-3", code=WAITING)
        self.assertEqual((sold[0]["card"], sold[0]["tier"]), (WAITING, "Gold"))
        with self.assertRaisesRegex(UserError, "sale's and its own key"):
            self.refund("stock-3", " ")

    def test_refusals(self):
        with self.assertRaisesRegex(UserError, "must be a physical card"):
            self.sell(self.env["res.partner"], "bad-1")
        with self.assertRaisesRegex(UserError, "No club card"):
            self.sell(self.buyer, "bad-2", code="2970000000000")
        with self.assertRaisesRegex(UserError, "quantity at 1"):
            self.sell(self.buyer, "bad-3", code=OTHER, qty=2)
        with self.assertRaisesRegex(UserError, "whole cards"):
            self.sell(self.buyer, "bad-4", qty=1.5)
        with self.assertRaisesRegex(UserError, "idempotency key"):
            self.sell(self.buyer, " ")
        self.assertEqual(self.other.state, "stock")
        self.assertFalse(self.buyer.club_status)
        other_program = self.env["loyalty.club.program"].create({"name": "Other club"})
        with self.assertRaisesRegex(ValidationError, "not a tier of the program"):
            self.product.club_card_program_id = other_program
        # a line of another product is left alone
        plain = self.env["product.product"].create({"name": "Socks"})
        self.assertEqual(self.sell(self.buyer, "plain-1", product=plain), [])


@tagged("post_install", "-at_install")
class TestCardSaleRegister(CardSaleFixture, HttpCase):
    """A physical card sold at a till to nobody in particular is registered by
    its buyer on the public page, and the tier sold with it is theirs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env["loyalty.club.program"].create(
            {"name": "Paid card club", "sequence": -1, "pending_days": 0}
        )
        cls._club_card_fixture(cls.program)
        cls.env["loyalty.club.service"]._sell_club_cards(
            cls.env["res.partner"],
            [{"product_id": cls.product.id, "qty": 1, "code": WAITING}],
            "pos",
            "till-anonymous-1",
            program=cls.program,
        )

    def _post(self, url, **data):
        page = self.url_open("/club/card/register")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(url, data=dict(data, csrf_token=csrf))
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_the_buyer_registers_the_card_sold_and_holds_its_tier(self):
        page = self._post(
            "/club/card/register",
            card=WAITING,
            phone="+380671230099",
            name="Bohdan Paid",
            consent_personal_data="1",
        )
        self.assertIn("o_club_card_code_sent", page)
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("number", "=", "+380671230099")], order="id desc", limit=1)
        )
        code = re.search(r"\b(\d{4,6})\b", sms.body).group(1)
        page = self._post("/club/card/register/confirm", code=code)
        self.assertIn("o_club_card_registered", page)
        self.env.invalidate_all()
        partner = self.waiting.partner_id
        self.assertEqual(partner.name, "Bohdan Paid")
        wallet = partner.club_wallet_ids.filtered(
            lambda w: w.program_id == self.program
        )
        self.assertEqual(wallet.tier_id, self.gold)
        self.assertEqual(wallet.tier_history_ids.reason, "purchase")
        sale = self.env["loyalty.club.card.sale"].search(
            [("card_id", "=", self.waiting.id)]
        )
        self.assertEqual((sale.state, sale.partner_id), ("done", partner))
