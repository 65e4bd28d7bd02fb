"""A paid order earns, once; credit notes give the club's share back, once."""

from odoo import Command
from odoo.tests import tagged

from .common import SaleClubCase


@tagged("post_install", "-at_install")
class TestSalePaid(SaleClubCase):
    def ledger(self, kind):
        return self.env["loyalty.club.ledger"].search(
            [("wallet_id", "=", self.wallet.id), ("kind", "=", kind)]
        )

    def paid_order(self):
        """A 2,000 order spending 600 bonuses, confirmed, invoiced and paid."""
        order = self.make_order(qty=2)
        order._club_apply_bonuses(600)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertFalse(self.club_checks(order), "nothing is booked before payment")
        self.assertEqual(self.balances(), (400.0, 600.0))
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        return order, invoice

    def test_paying_the_invoice_books_the_sale_once(self):
        earned_before = sum(self.ledger("earn").mapped("amount"))
        order, invoice = self.paid_order()
        check = order.club_transaction_id
        self.assertEqual(self.club_checks(order), check)
        self.assertEqual((check.kind, check.channel), ("sale", "sale"))
        self.assertEqual(check.idempotency_key, f"sale.order:{order.id}:paid")
        # 10 % of the 1,400 paid in money, 600 spent from the hold
        self.assertEqual((order.club_earned, order.club_spent), (140.0, 600.0))
        self.assertEqual(order.club_check_ref, order.name)
        hold = order.club_hold_id
        self.assertEqual((hold.state, hold.captured), ("captured", 600.0))
        self.assertEqual(hold.transaction_id, check)
        self.assertEqual(self.balances(), (540.0, 0.0))
        self.assertEqual(sum(self.ledger("burn").mapped("amount")), -600.0)
        self.assertEqual(sum(self.ledger("earn").mapped("amount")) - earned_before, 140)
        # called again (the web shop's payment, a second reconciliation): once
        self.assertEqual(order._club_confirm_paid(), check)
        invoice._invoice_paid_hook()
        self.assertEqual(self.club_checks(order), check)
        self.assertEqual(self.balances(), (540.0, 0.0))

    def test_a_partial_credit_note_reverses_in_proportion_once(self):
        order, invoice = self.paid_order()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "one returned"})
        )
        refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        # one armchair of two comes back, and the bonus line's share of it
        goods = refund.invoice_line_ids.filtered(lambda ln: ln.product_id == self.goods)
        bonus = refund.invoice_line_ids - goods
        refund.write(
            {
                "invoice_line_ids": [
                    Command.update(goods.id, {"quantity": 1}),
                    Command.update(bonus.id, {"price_unit": -300.0}),
                ]
            }
        )
        refund.action_post()
        back = refund.club_transaction_id
        self.assertEqual(back.kind, "refund")
        self.assertEqual(back.refund_of_id, order.club_transaction_id)
        # half the goods: half the earn (70) taken, half the spend (300) returned
        self.assertEqual((back.earned, back.spent), (-70.0, -300.0))
        self.assertEqual((order.club_earned, order.club_spent), (70.0, 300.0))
        self.assertEqual(self.balances(), (540.0 - 70.0 + 300.0, 0.0))
        # posted again after a reset to draft: nothing reversed twice
        refund.button_draft()
        refund.action_post()
        refunds = self.env["loyalty.club.transaction"].search(
            [("refund_of_id", "=", order.club_transaction_id.id)]
        )
        self.assertEqual(refunds, back)
        self.assertEqual(self.balances(), (770.0, 0.0))
        self.assertEqual((order.club_earned, order.club_spent), (70.0, 300.0))

    def test_a_non_member_order_books_nothing(self):
        stranger = self.env["res.partner"].create({"name": "Walk-in"})
        order = self.make_order(partner=stranger)
        order.action_confirm()
        self.invoice_and_pay(order)
        self.assertFalse(order.club_transaction_id)
        self.assertFalse(order.club_review)

    def test_a_member_order_without_bonuses_earns_on_payment(self):
        order = self.make_order(qty=1)
        order.action_confirm()
        self.invoice_and_pay(order)
        self.assertEqual((order.club_earned, order.club_spent), (100.0, 0.0))
        self.assertEqual(self.balances(), (1100.0, 0.0))

    def test_a_partly_paid_invoice_books_nothing_yet(self):
        order = self.make_order(qty=1)
        order.action_confirm()
        invoice = self.invoice_and_pay(order, amount=400.0)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertFalse(order.club_transaction_id)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertEqual(order.club_earned, 100.0)

    def expire_hold(self, order):
        order.club_hold_id.sudo().write({"expires_at": "2020-01-01 00:00:00"})
        self.env["loyalty.club.hold"]._cron_expire()

    def test_an_expired_hold_spends_from_the_balance_when_paid(self):
        order = self.make_order(qty=2)
        order._club_apply_bonuses(600)
        order.action_confirm()
        self.expire_hold(order)
        self.assertEqual(order.club_hold_id.state, "expired")
        self.invoice_and_pay(order)
        self.assertFalse(order.club_review)
        self.assertEqual((order.club_earned, order.club_spent), (140.0, 600.0))
        self.assertEqual(self.balances(), (540.0, 0.0))

    def test_a_paid_order_the_club_refuses_is_flagged_not_blocked(self):
        order = self.make_order(qty=2)
        order._club_apply_bonuses(600)
        order.action_confirm()
        self.expire_hold(order)
        # meanwhile the member spent the bonuses in a store
        self.service.confirm(
            {
                "program_id": self.program.id,
                "wallet_id": self.wallet.id,
                "lines": [{"key": 1, "amount": "2000.00"}],
                "burn": 900,
            },
            "store:spent-meanwhile",
        )
        invoice = self.invoice_and_pay(order)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertTrue(order.club_review)
        self.assertFalse(order.club_transaction_id)
        self.assertTrue(
            any("did not book" in (m.body or "") for m in order.message_ids)
        )
        self.assertEqual(self.balances(), (100.0 + 110.0, 0.0))

    def test_a_customer_who_joins_after_the_quotation_earns(self):
        partner = self.env["res.partner"].create(
            {"name": "Late joiner", "phone": "+79261234599"}
        )
        order = self.make_order(qty=1, partner=partner)
        self.assertFalse(order.club_member)
        self.service.register_member(
            {"name": "Late joiner", "phone": "+79261234599"},
            program_id=self.program.id,
            partner=partner,
        )
        order.invalidate_recordset()
        self.assertTrue(order.club_member)
        order.action_confirm()
        self.invoice_and_pay(order)
        self.assertEqual(order.club_earned, 100.0)

    def test_a_club_promotion_is_a_line_and_the_check_agrees(self):
        self.env["loyalty.club.promotion"].create(
            {
                "name": "Ten off",
                "program_id": self.program.id,
                "effect": "discount_percent",
                "value": 10,
            }
        )
        order = self.make_order(qty=2)
        promo = order._club_promotion_lines()
        self.assertEqual(promo.price_unit, -200.0)
        self.assertIn("Ten off", promo.name)
        self.assertEqual(order.amount_total, 1800.0)
        # the promotion follows the goods
        goods = order._club_goods_lines()
        goods.product_uom_qty = 3
        self.assertEqual(order._club_promotion_lines().price_unit, -300.0)
        goods.product_uom_qty = 2
        # half of what is paid after the promotion
        self.assertEqual(order.club_max_spend, 900.0)
        order._club_apply_bonuses(900)
        self.assertEqual(order.amount_total, 900.0)
        order.action_confirm()
        self.invoice_and_pay(order)
        check = order.club_transaction_id
        self.assertFalse(order.club_review, "the check agrees with the invoice")
        self.assertEqual(check.response["discount"], 200.0)
        self.assertEqual((order.club_earned, order.club_spent), (90.0, 900.0))

    def test_a_promotion_kept_to_a_channel_applies_only_there(self):
        Promotion = self.env["loyalty.club.promotion"]
        values = {
            "program_id": self.program.id,
            "effect": "discount_percent",
            "value": 10,
        }
        Promotion.create(dict(values, name="Sales desk only", channels="sale"))
        Promotion.create(dict(values, name="Tills only", channels="pos"))
        order = self.make_order(qty=2)
        names = " ".join(order._club_promotion_lines().mapped("name"))
        self.assertIn("Sales desk only", names)
        self.assertNotIn("Tills only", names)
        self.assertEqual(order.amount_total, 1800.0)

    def club_card_order(self, partner=None, **card_vals):
        """An order of one armchair and a club card (a membership of 500)."""
        card = self.env["product.product"].create(
            {
                "name": "Club membership",
                "type": "service",
                "list_price": 500.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
                "club_card": True,
                "club_card_program_id": self.program.id,
                **card_vals,
            }
        )
        order = self.make_order(qty=1, partner=partner)
        order.write(
            {
                "order_line": [
                    Command.create(
                        {
                            "product_id": card.id,
                            "product_uom_qty": 1,
                            "price_unit": 500.0,
                            "tax_id": [Command.clear()],
                        }
                    )
                ]
            }
        )
        return order, card

    def test_a_club_card_sold_on_the_order_makes_a_member_who_earns(self):
        buyer = self.env["res.partner"].create(
            {"name": "New buyer", "phone": "+79261234577"}
        )
        order, _card = self.club_card_order(buyer)
        self.assertFalse(order.club_member)
        order.action_confirm()
        self.invoice_and_pay(order)
        wallet = order.club_wallet_id
        self.assertEqual(wallet.partner_id, buyer)
        self.assertTrue(buyer.club_card_ids, "the buyer got a card")
        # the armchair earns 10 %, the card itself earns nothing
        check = order.club_transaction_id
        self.assertEqual(check.amount, 1000.0)
        self.assertEqual(order.club_earned, 100.0)
        # paid again (another reconciliation): one card, one check
        order._club_confirm_paid()
        self.assertEqual(len(buyer.club_card_ids), 1)
        self.assertEqual(self.club_checks(order), check)

    def test_a_credit_note_of_the_club_card_ends_its_tier(self):
        gold = self.env["loyalty.club.tier"].create(
            {"program_id": self.program.id, "name": "Gold", "threshold": 900000}
        )
        order, card = self.club_card_order(
            name="Gold membership", club_card_tier_id=gold.id, club_card_tier_months=12
        )
        order.action_confirm()
        invoice = self.invoice_and_pay(order)
        wallet = order.club_wallet_id
        self.assertEqual(wallet.tier_id, gold)
        earned = order.club_earned
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "card returned"})
        )
        refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        # only the membership comes back
        refund.write(
            {
                "invoice_line_ids": [
                    Command.delete(line.id)
                    for line in refund.invoice_line_ids
                    if line.product_id != card
                ]
            }
        )
        refund.action_post()
        wallet.invalidate_recordset()
        self.assertNotEqual(wallet.tier_id, gold)
        self.assertEqual(wallet.tier_history_ids.sorted("id")[-1].reason, "refund")
        self.assertEqual(order.club_earned, earned, "the goods' earn stays")
        self.assertFalse(refund.club_transaction_id)
        # posted again after a reset to draft: nothing more
        refund.button_draft()
        refund.action_post()
        self.assertEqual(
            len(wallet.tier_history_ids.filtered(lambda h: h.reason == "refund")), 1
        )
