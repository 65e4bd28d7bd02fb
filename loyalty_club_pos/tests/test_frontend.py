from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import CARD_CODES, SHOE_SIZE, ClubPosFixtureMixin

# the first card of a gift card batch in stock (prefix 298, sequence 900001)
GIFT_CARD = "2980009000011"


@tagged("post_install", "-at_install")
class TestClubPosTours(ClubPosFixtureMixin, TestPointOfSaleHttpCommon):
    """The cashier's journeys, each followed by what they left in the club's books."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._club_setup(cls.main_pos_config)
        cls.jacket = cls._club_jacket()
        cls.anna = cls._club_member(
            "Anna Club",
            "+79161234567",
            card=CARD_CODES[0],
            balance=50,
            attributes={SHOE_SIZE: 38},
        )

    def _start(self, tour):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour(tour, login="pos_user")
        self.env.invalidate_all()

    def _orders(self):
        return self.env["pos.order"].search(
            [("config_id", "=", self.main_pos_config.id)], order="id"
        )

    def test_a_card_spend_receipt(self):
        self._start("LoyaltyClubPosCardSpendTour")
        order = self._orders()
        self.assertEqual(len(order), 1)
        self.assertEqual(order.club_wallet_id, self.anna)
        self.assertEqual(order.club_identifier, CARD_CODES[0])
        self.assertEqual(order.club_transaction_id.idempotency_key, f"pos:{order.uuid}")
        lines = self._club_ledger(self.anna, order)
        self.assertEqual(lines.mapped("kind"), ["burn", "earn"])
        self.assertEqual(lines.mapped("amount"), [-20.0, 8.0])
        self.assertEqual(lines.store_id, self.club_store)
        self.assertEqual(
            (self.anna.balance_available, self.anna.balance_pending), (30.0, 8.0)
        )
        self.assertEqual(order.club_balance, 30.0)

    def test_b_phone_and_registration(self):
        """Found by her phone spelled another way, Anna; Vera, unknown, registers
        at the till and proves her phone with the code she received (the tour
        reads the SMS: its POS manager may read SMS)."""
        self.pos_admin.groups_id += self.env.ref("base.group_system")
        self.main_pos_config.with_user(self.pos_admin).open_ui()
        self.start_pos_tour("LoyaltyClubPosRegisterTour", login="pos_admin")
        self.env.invalidate_all()
        partner = self.env["res.partner"].search([("club_phone", "=", "+79165550011")])
        self.assertEqual(partner.name, "Vera New")
        self.assertEqual(partner.club_status, "active")
        self.assertEqual(partner.club_store_id, self.club_store)
        consents = {c.channel: c for c in partner.sudo().club_consent_ids}
        self.assertTrue(consents["personal_data"].granted)
        self.assertTrue(consents["sms"].granted)
        self.assertFalse(consents["email"].granted)
        self.assertEqual(consents["sms"].source, "pos")
        self.assertEqual(
            consents["sms"].wording, self.main_pos_config.club_consent_wording
        )
        wallet = partner.sudo().club_wallet_ids
        self.assertEqual(wallet.program_id, self.club_program)
        self.assertEqual(wallet.balance_available, 25.0, "welcome bonus")
        self.assertEqual(partner.club_phone_verified, "+79165550011", "code given")
        codes = (
            self.env["loyalty.club.code"]
            .sudo()
            .search([("partner_id", "=", partner.id)])
        )
        self.assertEqual(codes.mapped("purpose"), ["verify_phone"])
        self.assertEqual(codes.attempts, 1, "the wrong code counted")

    def test_c_gift_card_sold_then_spent(self):
        batch = (
            self.env["loyalty.club.emission"]
            .sudo()
            .create(
                {
                    "name": "POS test gift cards",
                    "program_id": self.club_program.id,
                    "prefix": "298",
                    "start": 900001,
                    "quantity": 1,
                }
            )
        )
        batch.action_emit()
        self._start("LoyaltyClubPosGiftCardTour")
        # the refund of the used card was refused: it was never paid
        sale, paid = self._orders().filtered(lambda o: o.state != "draft")
        self.assertEqual(sale.lines.club_gift_code, GIFT_CARD)
        self.assertFalse(sale.club_transaction_id)
        wallet = self._club_gift_wallet(GIFT_CARD)
        ledger = wallet.ledger_ids.sorted("id")
        self.assertEqual(ledger.mapped("kind"), ["issue", "burn"])
        self.assertEqual(ledger.mapped("amount"), [100.0, -60.0])
        self.assertEqual(wallet.balance_available, 40.0)
        burn = self._club_ledger(self.anna, paid).filtered(lambda ln: ln.kind == "burn")
        self.assertEqual(burn.amount, -20.0)
        checks = self.env["loyalty.club.transaction"].search(
            [("origin_model", "=", "pos.order"), ("origin_id", "in", (sale + paid).ids)]
        )
        self.assertEqual(checks, paid.club_transaction_id, "one club check")
        self.assertEqual(ledger[1].transaction_id, checks)
        gift = paid.payment_ids.filtered("club_gift_code")
        self.assertEqual((gift.amount, gift.club_gift_balance), (60.0, 40.0))
        self.assertEqual(wallet.card_id.state, "active", "a used card is not refunded")

    def test_d_refund_gives_bonuses_back(self):
        self._start("LoyaltyClubPosRefundTour")
        sale, refund = self._orders()
        self.assertEqual(refund.lines.refunded_orderline_id, sale.lines)
        lines = self._club_ledger(self.anna, refund)
        self.assertEqual(sorted(lines.mapped("amount")), [-8.0, 20.0])
        self.assertEqual(set(lines.mapped("kind")), {"reversal"})
        self.assertEqual(
            refund.club_transaction_id.refund_of_id, sale.club_transaction_id
        )
        self.assertEqual(
            (self.anna.balance_available, self.anna.balance_pending), (50.0, 0.0)
        )
        bonus = refund.payment_ids.filtered(
            lambda p: p.payment_method_id.club_kind == "bonus"
        )
        self.assertEqual(bonus.amount, -20.0, "the spent part is refunded as bonuses")

    def test_e_offline_sale_applied_once(self):
        self._start("LoyaltyClubPosOfflineTour")
        order = self._orders()
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "paid")
        txns = self.env["loyalty.club.transaction"].search(
            [("idempotency_key", "=", f"pos:{order.uuid}")]
        )
        self.assertEqual(len(txns), 1)
        self.assertEqual(order.club_transaction_id, txns)
        self.assertEqual(self._club_ledger(self.anna).mapped("amount"), [-20.0, 8.0])
        self.assertFalse(order.club_review)
        self.assertEqual(
            (self.anna.balance_available, self.anna.balance_pending), (30.0, 8.0)
        )

    def test_f_typed_card_limit_overridden_by_manager(self):
        """One card typed by hand per shift, blocking: the second card is refused
        until the manager at the till overrides, and the checks say how and where."""
        boris = self._club_member("Boris Club", "+79161234568", card=CARD_CODES[1])
        self.club_program.write(
            {"limit_typed_per_shift": 1, "limit_typed_mode": "block"}
        )
        self.main_pos_config.with_user(self.pos_admin).open_ui()
        self.start_pos_tour("LoyaltyClubPosTypedLimitTour", login="pos_admin")
        self.env.invalidate_all()
        first, second = self._orders()
        self.assertEqual(
            (first.club_wallet_id, second.club_wallet_id), (self.anna, boris)
        )
        for order in first + second:
            self.assertEqual(order.state, "paid")
            self.assertEqual(order.club_entry_method, "typed")
            txn = order.club_transaction_id
            self.assertEqual(txn.entry_method, "typed")
            self.assertEqual(txn.pos_config_id, self.main_pos_config)
            self.assertEqual(txn.store_id, self.club_store)
            self.assertEqual(txn.user_id, self.pos_admin)
            self.assertEqual(txn.earned, 10.0)
        self.assertFalse(first.club_transaction_id.override_by)
        txn = second.club_transaction_id
        self.assertEqual(txn.override_user_id, self.pos_admin)
        self.assertEqual(txn.override_by, self.pos_admin.name)
        self.assertEqual(txn.override_reason, "Card chip damaged")

    def test_g_gift_card_refunded_unused(self):
        batch = (
            self.env["loyalty.club.emission"]
            .sudo()
            .create(
                {
                    "name": "POS test gift cards",
                    "program_id": self.club_program.id,
                    "prefix": "298",
                    "start": 900001,
                    "quantity": 1,
                }
            )
        )
        batch.action_emit()
        self._start("LoyaltyClubPosGiftRefundTour")
        sale, refund = self._orders()
        self.assertEqual(refund.lines.refunded_orderline_id, sale.lines)
        self.assertEqual(refund.amount_total, -100.0)
        self.assertFalse(refund.club_review)
        wallet = self._club_gift_wallet(GIFT_CARD)
        ledger = wallet.ledger_ids.sorted("id")
        self.assertEqual(ledger.mapped("kind"), ["issue", "reversal"])
        self.assertEqual(ledger.mapped("amount"), [100.0, -100.0])
        self.assertEqual(wallet.balance_available, 0.0)
        self.assertEqual(wallet.card_id.state, "blocked")

    def test_h_with_pos_loyalty_promotion(self):
        """Odoo's pos_loyalty promotion and the club on the same till and order."""
        if (
            "loyalty.program" not in self.env
            or "pos_ok" not in self.env["loyalty.program"]._fields
        ):
            self.skipTest("pos_loyalty is not installed")
        promo = self.env["loyalty.program"].create(
            {
                "name": "10% on your order",
                "program_type": "promotion",
                "trigger": "auto",
                "applies_on": "current",
                "pos_ok": True,
                "pos_config_ids": [(6, 0, self.main_pos_config.ids)],
                "rule_ids": [(0, 0, {})],
                "reward_ids": [
                    (
                        0,
                        0,
                        {
                            "reward_type": "discount",
                            "discount": 10,
                            "discount_mode": "percent",
                            "discount_applicability": "order",
                        },
                    )
                ],
            }
        )
        self._start("LoyaltyClubPosWithPosLoyaltyTour")
        order = self._orders()
        self.assertEqual(order.amount_total, 90.0)
        # pos_loyalty's own records: its reward line, tied to its program
        reward = order.lines.filtered("is_reward_line")
        self.assertEqual(reward.reward_id.program_id, promo)
        self.assertEqual(reward.price_subtotal_incl, -10.0)
        # ours: the club saw the 90 paid, earned on the 70 not paid with bonuses
        txn = order.club_transaction_id
        self.assertEqual(txn.amount, 90.0)
        self.assertEqual(txn.pos_config_id, self.main_pos_config)
        self.assertEqual(txn.entry_method, "scan")
        lines = self._club_ledger(self.anna, order)
        self.assertEqual(lines.mapped("kind"), ["burn", "earn"])
        self.assertEqual(lines.mapped("amount"), [-20.0, 7.0])
        self.assertEqual((order.club_spent, order.club_earned), (20.0, 7.0))
        self.assertFalse(order.club_review)
        self.assertEqual(
            (self.anna.balance_available, self.anna.balance_pending), (30.0, 7.0)
        )

    def test_i_accrual_limit_overridden_at_payment(self):
        """One accrual per card and day, blocking: the manager at the till gives a
        reason at payment and the second check earns, with the override recorded."""
        self.club_program.write(
            {"limit_accruals_per_day": 1, "limit_accruals_mode": "block"}
        )
        self.main_pos_config.with_user(self.pos_admin).open_ui()
        self.start_pos_tour("LoyaltyClubPosAccrualLimitTour", login="pos_admin")
        self.env.invalidate_all()
        first, second = self._orders()
        self.assertEqual(second.club_override_reason, "Second visit with receipt")
        self.assertFalse(second.club_review)
        txn = second.club_transaction_id
        self.assertEqual(txn.earned, 10.0)
        self.assertEqual(txn.entry_method, "scan")
        self.assertEqual(txn.override_user_id, self.pos_admin)
        self.assertEqual(txn.override_reason, "Second visit with receipt")
        self.assertIn("already earned", txn.limit_notes)
        self.assertFalse(first.club_transaction_id.override_by)
        self.assertEqual(self.anna.balance_pending, 20.0)

    def test_j_code_confirms_spending_on_a_typed_phone(self):
        """Found by a typed phone, Anna spends only with the code she received: a
        wrong code is refused, the right one (read from the SMS queued for her
        phone) lets the sale through and is used up; her scanned card spends
        without a code. The tour reads the SMS: its POS manager may read SMS."""
        self.pos_admin.groups_id += self.env.ref("base.group_system")
        self.main_pos_config.with_user(self.pos_admin).open_ui()
        self.start_pos_tour("LoyaltyClubPosCodeTour", login="pos_admin")
        self.env.invalidate_all()
        by_phone, scanned = self._orders()
        self.assertEqual(by_phone.club_entry_method, "phone")
        self.assertEqual(scanned.club_entry_method, "scan")
        for order in (by_phone, scanned):
            burn = self._club_ledger(self.anna, order).filtered(
                lambda line: line.kind == "burn"
            )
            self.assertEqual(burn.mapped("amount"), [-20.0], order.pos_reference)
            self.assertFalse(order.club_review, order.club_message)
        code = (
            self.env["loyalty.club.code"]
            .sudo()
            .search([("partner_id", "=", self.anna.partner_id.id)])
        )
        self.assertEqual(len(code), 1, "one code was sent")
        self.assertEqual(code.state, "used")
        self.assertEqual(code.used_key, by_phone._club_key())
        self.assertEqual(code.attempts, 1, "the wrong code counted")
        self.assertFalse(scanned.club_code_token)
        sms = self.env["sms.sms"].search([("number", "=", "+79161234567")])
        self.assertEqual(len(sms), 1, "one SMS, queued to leave after commit")

    def test_k_till_tells_the_truth(self):
        """The panel and the payment screen follow the payment: the earn they
        promise after a partial bonus payment is the earn the sale records, and
        the balance they show is the receipt's (figures in the user's format)."""
        self.env["product.product"].create(
            {
                "name": "Club Coat",
                "available_in_pos": True,
                "list_price": 1960.13,
                "taxes_id": False,
            }
        )
        self.anna._gift_once(
            f"pos-test:top-up:{self.anna.id}",
            self.club_program.to_minor(2000),
            "Top-up",
        )
        self.anna._refresh_balances()
        self._start("LoyaltyClubPosTruthTour")
        order = self._orders()
        self.assertEqual(len(order), 1)
        txn = order.club_transaction_id
        # what the till promised (the tour read 186.51 and 1,955.00)
        self.assertEqual(txn.earned, 186.51)
        self.assertEqual(txn.spent, 95.0)
        self.assertEqual((order.club_earned, order.club_spent), (186.51, 95.0))
        self.assertEqual(order.club_balance, 1955.0)
        self.assertFalse(order.club_review, order.club_message)
        self.assertEqual(
            (self.anna.balance_available, self.anna.balance_pending), (1955.0, 186.51)
        )

    def test_l_ukrainian_cashier_sells_with_a_member(self):
        """Screens in Ukrainian: a cashier whose language is uk_UA scans a card
        and sells with bonuses; the sale's club check is the English till's."""
        self.env["res.lang"]._activate_lang("uk_UA")
        self.env["ir.module.module"]._load_module_terms(
            ["point_of_sale", "loyalty_club", "loyalty_club_pos"], ["uk_UA"]
        )
        self.pos_user.lang = "uk_UA"
        self._start("LoyaltyClubPosUkrainianTour")
        order = self._orders()
        self.assertEqual(len(order), 1)
        self.assertEqual(order.club_wallet_id, self.anna)
        self.assertEqual(order.club_identifier, CARD_CODES[0])
        self.assertEqual(order.club_transaction_id.idempotency_key, f"pos:{order.uuid}")
        lines = self._club_ledger(self.anna, order)
        self.assertEqual(lines.mapped("kind"), ["burn", "earn"])
        self.assertEqual(lines.mapped("amount"), [-20.0, 8.0])
        self.assertEqual(
            (self.anna.balance_available, self.anna.balance_pending), (30.0, 8.0)
        )
        self.assertEqual((order.club_earned, order.club_spent), (8.0, 20.0))
        self.assertEqual(order.club_balance, 30.0)
