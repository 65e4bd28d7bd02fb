import copy

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.loyalty_club.domain import cards as core_cards
from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .common import CARD_CODES, ClubPosFixtureMixin


@tagged("post_install", "-at_install")
class TestClubPosSync(ClubPosFixtureMixin, TestPoSCommon):
    """Loyalty applied by the server when the till syncs its orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls._club_setup(cls.config)
        cls.jacket = cls.create_product("Club jacket", cls.categ_basic, 100.0)
        cls.coat = cls.create_product("Club coat", cls.categ_basic, 150.0)
        cls.anna = cls._club_member(
            "Anna", "+79161234567", card=CARD_CODES[0], balance=50
        )
        cls.poor = cls._club_member("Pavel", "+79161234599", balance=10)
        cls.cashier = cls._club_cashier("Club cashier", "club_cashier")

    def setUp(self):
        super().setUp()
        self.open_new_session()

    def _order_data(self, wallet, bonus, qty=1, **line_extra):
        total = 100.0 * qty
        payments = [(self.cash_pm1, total - bonus)]
        if bonus:
            payments.insert(0, (self.club_bonus_method, bonus))
        line = {"product": self.jacket, "quantity": qty, **line_extra}
        data = self.create_ui_order_data([line], payments=payments)
        data["club_wallet_id"] = wallet.id if wallet else False
        data["club_identifier"] = CARD_CODES[0]
        return data

    def _sync(self, data):
        ids = [
            o["id"]
            for o in self.env["pos.order"].sync_from_ui([copy.deepcopy(data)])[
                "pos.order"
            ]
        ]
        return self.env["pos.order"].browse(ids)

    def test_sale_earns_and_spends(self):
        order = self._sync(self._order_data(self.anna, 20))
        self.assertEqual(order.state, "paid")
        lines = self._club_ledger(self.anna, order)
        self.assertEqual(lines.mapped("kind"), ["burn", "earn"])
        self.assertEqual(
            lines.mapped("amount"), [-20.0, 8.0], "10% earned on the 80 paid"
        )
        self.assertEqual(order.club_transaction_id.idempotency_key, f"pos:{order.uuid}")
        self.assertEqual(
            (order.club_spent, order.club_earned, order.club_balance), (20.0, 8.0, 30.0)
        )
        self.assertFalse(order.club_review)
        self.assertEqual(self.anna.balance_available, 30.0)
        self.assertEqual(self.anna.balance_pending, 8.0)

    def test_order_discount_line_lowers_what_each_line_earns(self):
        """A negative line (pos_loyalty's reward on the whole order) is spread over
        the goods: the member earns on what is paid, not on the list price."""
        quote = self.config.club_quote(
            {
                "wallet_id": self.anna.id,
                "lines": [
                    {"key": "jacket", "amount": 100},
                    {"key": "scarf", "amount": 50},
                    {"key": "reward", "amount": -15},
                ],
            }
        )
        self.assertEqual(quote["total"], 135.0)
        self.assertEqual(quote["earn"], 13.5)
        self.assertEqual(
            quote["earn_per_line"], {"jacket": 9.0, "scarf": 4.5, "reward": 0.0}
        )
        self.assertEqual(quote["burn_max"], 40.5, "30% of the 135 paid")

    def test_same_order_synced_twice_applies_once(self):
        data = self._order_data(self.anna, 20)
        first = self._sync(data)
        self.assertFalse(self._sync(data), "a paid order is not processed again")
        self.assertEqual(
            self.env["pos.order"].search_count([("uuid", "=", data["uuid"])]), 1
        )
        # even a second application on the server replays the stored check
        first.club_transaction_id = False
        first._club_apply()
        self.assertEqual(len(self._club_ledger(self.anna)), 2)
        self.assertEqual(
            self.env["loyalty.club.transaction"].search_count(
                [("idempotency_key", "=", f"pos:{data['uuid']}")]
            ),
            1,
        )
        self.assertEqual(self.anna.balance_available, 30.0)

    def test_draft_then_paid_applies_once(self):
        data = self._order_data(self.anna, 20)
        draft = dict(copy.deepcopy(data), state="draft")
        order = self._sync(draft)
        self.assertFalse(order.club_transaction_id)
        self.assertFalse(self._club_ledger(self.anna))
        data["id"] = order.id  # the till sends back the id of its saved draft
        self.assertEqual(self._sync(data), order)
        self._sync(data)
        self.assertEqual(self._club_ledger(self.anna).mapped("kind"), ["burn", "earn"])

    def test_over_balance_burn_flags_review(self):
        """Rung up offline with 30 bonuses while only 10 are left: earn only, review."""
        order = self._sync(self._order_data(self.poor, 30))
        self.assertEqual(order.state, "paid", "the order is saved all the same")
        self.assertTrue(order.club_review)
        self.assertIn("30", order.club_message)
        lines = self._club_ledger(self.poor, order)
        self.assertEqual(lines.mapped("kind"), ["earn"], "nothing is spent")
        self.assertEqual(lines.amount, 7.0, "10% of the 70 paid in cash")
        self.assertEqual(self.poor.balance_available, 10.0, "never a negative balance")
        self.assertTrue(order.club_transaction_id.needs_review)

    def test_bonus_without_member_flags_review(self):
        order = self._sync(self._order_data(False, 10))
        self.assertTrue(order.club_review)
        self.assertFalse(order.club_transaction_id)

    def test_server_fields_are_not_taken_from_the_till(self):
        data = self._order_data(self.anna, 0)
        data.update(club_earned=1000, club_review=True)
        order = self._sync(data)
        self.assertEqual(order.club_earned, 10.0)
        self.assertFalse(order.club_review)

    def test_refund_gives_bonuses_back(self):
        order = self._sync(self._order_data(self.anna, 20))
        refund = self._sync(
            self._order_data(
                self.anna,
                -20,
                qty=-1,
                refunded_orderline_id=order.lines.id,
            )
        )
        lines = self._club_ledger(self.anna, refund)
        self.assertEqual(sorted(lines.mapped("kind")), ["reversal", "reversal"])
        self.assertEqual(sorted(lines.mapped("amount")), [-8.0, 20.0])
        self.assertEqual((refund.club_spent, refund.club_earned), (-20.0, -8.0))
        self.assertEqual(self.anna.balance_available, 50.0)
        self.assertEqual(self.anna.balance_pending, 0.0)
        self.assertEqual(
            refund.club_transaction_id.refund_of_id, order.club_transaction_id
        )

    def test_exchange_reverses_the_refund_and_sells_the_new_goods(self):
        """One order refunding the jacket and selling a coat: a reversal and a sale."""
        order = self._sync(self._order_data(self.anna, 20))
        data = self.create_ui_order_data(
            [
                {
                    "product": self.jacket,
                    "quantity": -1,
                    "refunded_orderline_id": order.lines.id,
                },
                {"product": self.coat, "quantity": 1},
            ],
            payments=[(self.club_bonus_method, -20.0), (self.cash_pm1, 70.0)],
        )
        data["club_wallet_id"] = self.anna.id
        exchange = self._sync(data)
        Txn = self.env["loyalty.club.transaction"]
        reversal = Txn.search(
            [("idempotency_key", "=", f"pos:{exchange.uuid}:refund:{order.uuid}")]
        )
        self.assertEqual(reversal.refund_of_id, order.club_transaction_id)
        self.assertEqual(
            sorted(
                self._club_ledger(self.anna)
                .filtered(lambda ln: ln.transaction_id == reversal)
                .mapped("amount")
            ),
            [-8.0, 20.0],
        )
        sale = exchange.club_transaction_id
        self.assertEqual(sale.idempotency_key, f"pos:{exchange.uuid}")
        self.assertEqual(sale.kind, "sale")
        self.assertEqual(
            self._club_ledger(self.anna, exchange).mapped("amount"),
            [15.0],
            "10% earned on the coat, nothing spent",
        )
        self.assertEqual((exchange.club_earned, exchange.club_spent), (7.0, -20.0))
        self.assertFalse(exchange.club_review)
        self.assertEqual(
            (self.anna.balance_available, self.anna.balance_pending), (50.0, 15.0)
        )

    def test_barcode_rules_follow_the_card_prefixes(self):
        nomenclature = self.env.ref("barcodes.default_barcode_nomenclature")

        def club_patterns():
            return set(
                nomenclature.rule_ids.filtered(lambda r: r.type == "club_card").mapped(
                    "pattern"
                )
            )

        self.assertIn("299..........", club_patterns())
        program = (
            self.env["loyalty.club.program"]
            .sudo()
            .create(
                {
                    "name": "Other club",
                    "company_id": self.company.id,
                    "currency_id": self.company.currency_id.id,
                    "card_prefix": "277",
                }
            )
        )
        self.assertIn("277..........", club_patterns())
        code = core_cards.make_ean13("277", 5)
        nomenclature.invalidate_recordset(["rule_ids"])  # re-read in sequence order
        self.assertEqual(nomenclature.parse_barcode(code)["type"], "club_card")
        program.card_prefix = "2766"
        self.assertIn("2766.........", club_patterns())
        self.assertNotIn("277..........", club_patterns())
        self.assertIn("299..........", club_patterns(), "still used by the test club")

    def test_pos_entry_points_check_the_session(self):
        config = self.config.with_user(self.cashier)
        summary = config.club_identify("+7 916 123-45-67")
        self.assertEqual(summary["wallet_id"], self.anna.id)
        quote = config.club_quote(
            {"wallet_id": self.anna.id, "lines": [{"key": "a", "amount": 100}]}
        )
        self.assertEqual(
            (quote["earn"], quote["burn_max"], quote["burn_max_money"]),
            (10.0, 30.0, 30.0),
        )
        unregistered = config.club_identify(CARD_CODES[2])
        self.assertEqual(unregistered["status"], "unregistered_card")
        refused = config.club_register(
            {"name": "No consent", "phone": "+79165550011", "consents": {}}
        )
        self.assertEqual(refused["status"], "error")
        self.assertIn("personal data", refused["message"])
        unknown = config.club_identify("+7 916 000-00-00")
        self.assertEqual(unknown["status"], "error")
        member = config.club_register(
            {
                "name": "Vera",
                "card_number": CARD_CODES[2],
                "phone": "+79165550011",
                "consents": {"personal_data": True, "sms": True},
            }
        )
        self.assertEqual(member["card"], CARD_CODES[2])
        self.assertEqual(member["available"], 25.0, "welcome bonus")
        self.pos_session.post_closing_cash_details(0)
        self.pos_session.close_session_from_ui()
        with self.assertRaises(UserError):
            config.club_identify(CARD_CODES[0])
