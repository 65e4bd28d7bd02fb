"""A web order and the club: the cart's quote is the service's, bonuses above
the cart's maximum are refused, the order earns only once it is paid (and only
once), a gift card is debited with the payment, a cancelled order gives its
hold back."""

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import GIFT_CODE, WebClubMixin


@tagged("post_install", "-at_install")
class TestWebOrder(WebClubMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_club()
        cls.setup_provider()

    def test_cart_quote_is_the_services(self):
        order = self.web_order(qty=2)
        panel = order._club_website_panel()
        expected = self.service_quote("800.00")
        self.assertTrue(panel["member"])
        self.assertGreater(expected["burn_max"], 0)
        self.assertEqual(panel["max_spend_value"], expected["burn_max"])
        self.assertEqual(panel["max_spend"], self.units(expected["burn_max"]))
        self.assertEqual(panel["earn"], self.units(expected["earn"]))
        self.assertEqual(panel["available"], self.units(expected["available"]))
        # the web shop speaks to the club as the web shop
        self.assertEqual(
            order._club_payload(self.program, self.wallet)["channel"], "website"
        )

    def test_bonuses_above_the_maximum_are_refused(self):
        order = self.web_order()
        maximum = self.service_quote("400.00")["burn_max"]
        with self.assertRaisesRegex(UserError, "may spend at most"):
            order._club_website_apply_bonuses(str(maximum + 1))
        with self.assertRaisesRegex(UserError, "not an amount"):
            order._club_website_apply_bonuses("lots")
        with self.assertRaisesRegex(UserError, "number of bonuses"):
            order._club_website_apply_bonuses("0")
        self.assertFalse(order.club_bonus_applied)
        self.assertFalse(
            self.env["loyalty.club.hold"].search([("wallet_id", "=", self.wallet.id)])
        )
        message = order._club_website_apply_bonuses(str(maximum))
        self.assertIn("held for it", message)
        self.assertEqual(order.club_bonus_applied, maximum)
        self.assertEqual(order.sudo().club_hold_id.state, "held")
        self.assertEqual(order.sudo().club_hold_id.channel, "website")

    def test_gift_card_pays_what_is_left(self):
        order = self.web_order()
        order._club_website_apply_bonuses("100")
        due = order.amount_total
        order._club_website_apply_gift_card(GIFT_CODE)
        gift_line = order._club_website_gift_lines()
        self.assertEqual(gift_line.price_total, -50.0)
        self.assertAlmostEqual(order.amount_total, due - 50.0)
        self.assertFalse(gift_line._show_in_cart(), "shown in the totals, not as goods")
        with self.assertRaisesRegex(UserError, "already pays"):
            order._club_website_apply_gift_card(GIFT_CODE)
        with self.assertRaisesRegex(UserError, "not a gift card"):
            order._club_website_apply_gift_card("NOPE-0000")
        # the shop prices the cart again at checkout: the club's lines stay
        total = order.amount_total
        order._recompute_taxes()
        order._recompute_prices()
        self.assertEqual(order.amount_total, total)
        self.assertEqual(gift_line.price_total, -50.0)
        # the gift card is a payment: the club sees only the kettle
        lines = order._club_payload(self.program, self.wallet)["lines"]
        self.assertEqual([line["amount"] for line in lines], ["400.00"])
        self.assertEqual(self.gift_balance(), 50.0, "nothing is debited before payment")

    def test_earns_only_after_payment_and_once(self):
        available = self.wallet.balance_available
        order = self.web_order()
        order._club_website_apply_bonuses("100")
        order._club_website_apply_gift_card(GIFT_CODE)
        expected = self.service_quote("400.00", burn="100")
        self.pay(order, state="pending")
        self.assertFalse(self.web_checks(order), "a pending payment books nothing")
        self.assertFalse(self.ledger(order, "earn"))
        self.assertEqual(self.gift_balance(), 50.0)
        tx = self.pay(order)
        self.assertEqual(order.state, "sale")
        check = self.web_checks(order)
        self.assertEqual(len(check), 1)
        self.assertEqual(check.channel, "website")
        self.assertEqual(check.spent, 100.0)
        self.assertEqual(check.earned, expected["earn"])
        self.assertEqual(order.sudo().club_hold_id.state, "captured")
        self.assertEqual(self.gift_balance(), 0.0, "the gift card paid its 50")
        self.assertEqual(sum(self.ledger(order, "earn").mapped("amount")), check.earned)
        self.wallet.invalidate_recordset()
        self.assertEqual(
            self.wallet.balance_available, available - 100.0 + expected["earn"]
        )
        # the provider reports the payment again, a second tab paid the same
        # cart: nothing is booked twice
        tx._post_process()
        order._club_website_book()
        self.pay(order)
        self.assertEqual(len(self.web_checks(order)), 1)
        self.assertEqual(len(self.ledger(order, "earn")), 1)

    def test_gift_card_spent_elsewhere_stops_the_payment(self):
        order = self.web_order()
        order._club_website_apply_gift_card(GIFT_CODE)
        self.service.confirm(
            {
                "program_id": self.program.id,
                "channel": "api",
                "lines": [{"key": 1, "amount": "30"}],
                "gift_cards": [{"code": GIFT_CODE, "amount": 30}],
            },
            "spent-elsewhere",
        )
        with self.assertRaisesRegex(ValidationError, "now holds only"):
            order._check_cart_is_ready_to_be_paid()

    def test_cancelling_an_unpaid_order_releases_the_hold(self):
        order = self.web_order()
        available = self.wallet.balance_available
        order._club_website_apply_bonuses("120")
        hold = order.sudo().club_hold_id
        self.wallet.invalidate_recordset()
        self.assertEqual(self.wallet.balance_available, available - 120.0)
        order.action_cancel()
        self.assertEqual(hold.state, "released")
        self.wallet.invalidate_recordset()
        self.assertEqual(self.wallet.balance_available, available)
        self.assertFalse(self.web_checks(order))

    def test_a_guest_proves_the_phone_with_its_code(self):
        guest = self.env["res.partner"].create({"name": "Guest buyer"})
        order = self.web_order(partner=guest)
        self.assertFalse(order._club_wallet())
        self.assertFalse(order._club_website_send_code("+380 67 000 00 00"))
        wallet = order._club_website_send_code("067 111 22 33")
        self.assertEqual(wallet, self.wallet)
        sms = self.env["sms.sms"].search(
            [("number", "=", "+380671112233")], order="id desc", limit=1
        )
        code = next(word for word in sms.body.split() if word.isdigit())
        wrong = "0000" if code != "0000" else "1111"
        with self.assertRaisesRegex(UserError, "Wrong code"):
            order._club_website_link_wallet(wallet.id, wrong)
        self.assertFalse(order._club_wallet())
        message = order._club_website_link_wallet(wallet.id, code)
        self.assertIn("Wanda Web", message)
        self.assertEqual(order._club_wallet(), self.wallet)
        # the guest's checkout names the customer: the membership stays
        order._club_website_apply_bonuses("50")
        order.partner_id = self.env["res.partner"].create({"name": "Guest address"})
        self.assertEqual(order._club_wallet(), self.wallet)


@tagged("post_install", "-at_install")
class TestOneContract(WebClubMixin, TransactionCase):
    """One contract for every channel: an order bought in the web shop and
    refunded in the back office (a credit note) leaves the same ledger as the
    same order sold and refunded through the API's service."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_club()
        cls.setup_provider()
        twin = cls.service.register_member(
            {"name": "Api Twin", "phone": "+380671112244"}, program_id=cls.program.id
        )
        cls.twin = cls.env["loyalty.club.wallet"].browse(twin["wallet_id"])

    def movements(self, checks):
        """The ledger of checks: (kind, amount) of each line, in a stable order."""
        lines = self.env["loyalty.club.ledger"].search(
            [("transaction_id", "in", checks.ids)]
        )
        return sorted((line.kind, line.amount) for line in lines)

    def test_shop_and_credit_note_equal_api_sale_and_refund(self):
        # the web shop: two kettles, 200 bonuses, paid online
        order = self.web_order(qty=2)
        order._club_website_apply_bonuses("200")
        self.pay(order)
        sale = order.sudo().club_transaction_id
        self.assertEqual(sale.channel, "website")
        # the back office: invoiced, then one kettle comes back (credit note)
        invoice = order._create_invoices()
        invoice.action_post()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "one returned"})
        )
        credit = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        kettles = credit.invoice_line_ids.filtered(
            lambda line: line.product_id == self.product
        )
        bonuses = credit.invoice_line_ids - kettles
        credit.write(
            {
                "invoice_line_ids": [
                    Command.update(kettles.id, {"quantity": 1}),
                    Command.update(bonuses.id, {"price_unit": -100.0}),
                ]
            }
        )
        credit.action_post()
        refund = credit.sudo().club_transaction_id
        self.assertEqual(refund.refund_of_id, sale)
        # the API: the same order, the same refund
        api_sale = self.service.confirm(
            {
                "program_id": self.program.id,
                "wallet_id": self.twin.id,
                "channel": "api",
                "ref": "API-1",
                "lines": [{"key": 1, "amount": "800.00"}],
                "burn": "200",
                "strict": True,
            },
            "api-contract-sale",
        )
        api_refund = self.service.reverse(
            {
                "transaction_id": api_sale["transaction_id"],
                "channel": "api",
                "amount": "400.00",
            },
            "api-contract-refund",
        )
        Txn = self.env["loyalty.club.transaction"]
        api_checks = Txn.browse(
            [api_sale["transaction_id"], api_refund["transaction_id"]]
        )
        self.assertTrue(self.movements(sale | refund))
        self.assertEqual(self.movements(sale | refund), self.movements(api_checks))
        for web, api in zip(sale | refund, api_checks, strict=True):
            self.assertEqual(
                (web.kind, web.amount, web.earned, web.spent),
                (api.kind, api.amount, api.earned, api.spent),
            )
        self.wallet.invalidate_recordset()
        self.twin.invalidate_recordset()
        self.assertEqual(self.wallet.balance_available, self.twin.balance_available)


@tagged("post_install", "-at_install")
class TestBesideOdooLoyalty(WebClubMixin, TransactionCase):
    """Odoo's own loyalty programs (sale_loyalty, website_sale_loyalty) on the
    same cart: their reward is a discount of the order, the club earns on what
    is paid after it, and the club's lines are not Odoo's rewards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_club()
        cls.setup_provider()
        if cls.env["ir.module.module"]._get("sale_loyalty").state != "installed":
            cls.skipTest(cls, "Odoo's sale_loyalty is not installed")
        cls.odoo_promo = cls.env["loyalty.program"].create(
            {
                "name": "Odoo code: 10 % off",
                "trigger": "with_code",
                "program_type": "promotion",
                "applies_on": "current",
                "rule_ids": [Command.create({"mode": "with_code", "code": "WEB10"})],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount_mode": "percent",
                            "discount": 10,
                            "discount_applicability": "order",
                            "required_points": 1,
                        }
                    )
                ],
            }
        )

    def test_odoo_code_discount_then_club_bonuses(self):
        order = self.web_order()
        status = order._try_apply_code("WEB10")
        self.assertNotIn("error", status)
        coupon, rewards = next(iter(status.items()))
        order._apply_program_reward(rewards[:1], coupon)
        reward_line = order.order_line.filtered("is_reward_line")
        self.assertEqual(reward_line.price_total, -40.0)
        # the club sees Odoo's reward as a discount of the kettle
        expected = self.service.quote(
            {
                "program_id": self.program.id,
                "wallet_id": self.wallet.id,
                "lines": [
                    {"key": 1, "amount": "400.00"},
                    {"key": 2, "amount": "-40.00"},
                ],
                "burn": "100",
            }
        )
        panel = order._club_website_panel()
        self.assertEqual(panel["max_spend_value"], expected["burn_max"])
        order._club_website_apply_bonuses("100")
        self.assertFalse(order._club_bonus_lines().is_reward_line)
        self.assertEqual(order.amount_total, 260.0)
        # Odoo computes its rewards again at the payment step and at
        # confirmation: its 10 % stay on the kettle, not on what the club paid
        order._update_programs_and_rewards()
        self.assertEqual(order.amount_total, 260.0)
        self.pay(order)
        check = order.sudo().club_transaction_id
        self.assertEqual((check.amount, check.spent), (360.0, 100.0))
        self.assertEqual(check.earned, expected["earn"])
        self.assertEqual(order.order_line.filtered("is_reward_line"), reward_line)
