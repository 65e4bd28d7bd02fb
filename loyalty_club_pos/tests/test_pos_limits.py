import copy

from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .common import CARD_CODES, ClubPosFixtureMixin


@tagged("post_install", "-at_install")
class TestClubPosLimits(ClubPosFixtureMixin, TestPoSCommon):
    """The program's limits, counted and decided by the server, and a manager's
    override recorded on the check."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls._club_setup(cls.config)
        cls.jacket = cls.create_product("Club jacket", cls.categ_basic, 100.0)
        cls.anna = cls._club_member("Anna", "+79161234567", card=CARD_CODES[0])
        cls.boris = cls._club_member("Boris", "+79161234568", card=CARD_CODES[1])
        cls.cashier = cls.env["res.users"].create(
            {
                "name": "Club cashier",
                "login": "club_limits_cashier",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
                "groups_id": [(6, 0, [cls.env.ref("point_of_sale.group_pos_user").id])],
            }
        )
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Club shift manager",
                "login": "club_limits_manager",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
                "groups_id": [
                    (6, 0, [cls.env.ref("point_of_sale.group_pos_manager").id])
                ],
            }
        )

    def setUp(self):
        super().setUp()
        self.open_new_session()

    def _order_data(self, wallet, entry="scan", override=None, user=None):
        data = self.create_ui_order_data(
            [{"product": self.jacket, "quantity": 1}], payments=[(self.cash_pm1, 100)]
        )
        data.update(
            club_wallet_id=wallet.id,
            club_identifier=wallet.partner_id.club_card_ids[:1].code,
            club_entry_method=entry,
            user_id=(user or self.env.user).id,
        )
        if override:
            data["club_override_reason"] = override
        return data

    def _sync(self, data, user=None):
        # as that user: the rights of the syncing user decide an override (sudo only
        # spares the test user the stock and accounting rights of a real till)
        PosOrder = self.env["pos.order"]
        if user:
            PosOrder = PosOrder.with_user(user).sudo()
        result = PosOrder.sync_from_ui([copy.deepcopy(data)])["pos.order"]
        return self.env["pos.order"].browse([o["id"] for o in result])

    def _quote(self, wallet):
        return self.config.club_quote(
            {"wallet_id": wallet.id, "lines": [{"key": "a", "amount": 100}]}
        )

    # ----------------------------------------------------- accruals per day
    def test_accruals_per_day_warn(self):
        self.club_program.write(
            {"limit_accruals_per_day": 1, "limit_accruals_mode": "warn"}
        )
        first = self._sync(self._order_data(self.anna))
        self.assertEqual(first.club_earned, 10.0)
        self.assertFalse(first.club_transaction_id.limit_notes)
        hits = self._quote(self.anna)["limits"]
        self.assertEqual(
            [(h["code"], h["mode"]) for h in hits], [("accruals_per_day", "warn")]
        )
        self.assertIn("already earned on 1 checks today", hits[0]["message"])
        self.assertFalse(
            self._quote(self.boris)["limits"], "another card is not counted"
        )
        second = self._sync(self._order_data(self.anna))
        self.assertEqual(second.club_earned, 10.0, "a warning does not stop the earn")
        self.assertFalse(second.club_review)
        self.assertIn("already earned", second.club_transaction_id.limit_notes)
        self.assertEqual(self.anna.balance_pending, 20.0)

    def test_accruals_per_day_block_and_override(self):
        self.club_program.write(
            {"limit_accruals_per_day": 1, "limit_accruals_mode": "block"}
        )
        self._sync(self._order_data(self.anna))
        hits = self._quote(self.anna)["limits"]
        self.assertEqual([h["mode"] for h in hits], ["block"])
        refused = self._sync(self._order_data(self.anna), user=self.cashier)
        self.assertEqual(refused.state, "paid", "the sale itself is kept")
        self.assertFalse(refused.club_transaction_id)
        self.assertEqual(refused.club_earned, 0.0)
        self.assertTrue(refused.club_review)
        self.assertIn("already earned", refused.club_message)
        self.assertIn("A manager can override", refused.club_message)
        # a cashier without manager rights cannot override, whatever the till says
        faked = self._sync(
            self._order_data(self.anna, override="trust me", user=self.cashier),
            user=self.cashier,
        )
        self.assertFalse(faked.club_transaction_id)
        self.assertIn("Only a POS manager", faked.club_message)
        # the POS manager overrides: the check earns and says who and why
        allowed = self._sync(
            self._order_data(self.anna, override="Family purchase", user=self.manager),
            user=self.manager,
        )
        txn = allowed.club_transaction_id
        self.assertEqual(allowed.club_earned, 10.0)
        self.assertFalse(allowed.club_review)
        self.assertEqual(txn.override_user_id, self.manager)
        self.assertEqual(txn.override_by, "Club shift manager")
        self.assertEqual(txn.override_reason, "Family purchase")
        self.assertIn("already earned", txn.limit_notes)
        self.assertEqual(txn.pos_config_id, self.config)
        self.assertEqual(txn.user_id, self.manager)
        self.assertEqual(self.anna.balance_pending, 20.0, "two earns, not three")

    # ------------------------------------------------ cards typed per shift
    def test_typed_cards_per_shift(self):
        self.club_program.write(
            {"limit_typed_per_shift": 1, "limit_typed_mode": "block"}
        )
        config = self.config.with_user(self.cashier)
        first = config.club_identify(CARD_CODES[0])
        self.assertEqual((first["status"], first["entry_method"]), ("member", "typed"))
        self._sync(
            self._order_data(self.anna, entry="typed", user=self.cashier),
            user=self.cashier,
        )
        # the same card again and a scanned card are not counted
        self.assertEqual(config.club_identify(CARD_CODES[0])["status"], "member")
        scanned = config.club_identify(CARD_CODES[1], {"scanned": True})
        self.assertEqual(
            (scanned["status"], scanned["entry_method"]), ("member", "scan")
        )
        # a phone is typed by hand as much as a card number: it counts
        phone = config.club_identify("+79161234568")
        self.assertEqual(phone["status"], "error")
        self.assertIn("1 cards were already typed by hand", phone["message"])
        qr = config.club_identify(f"LCLUB:{CARD_CODES[1]}")
        self.assertEqual(qr["entry_method"], "qr")
        refused = config.club_identify(CARD_CODES[1])
        self.assertEqual(refused["status"], "error")
        self.assertTrue(refused["overridable"])
        self.assertIn("1 cards were already typed by hand", refused["message"])
        faked = config.club_identify(CARD_CODES[1], {"override": {"reason": "x"}})
        self.assertEqual(faked["status"], "error")
        self.assertIn("Only a POS manager", faked["message"])
        # another cashier's shift count is their own
        other = self.config.with_user(self.manager).club_identify(CARD_CODES[1])
        self.assertEqual(other["status"], "member")
        allowed = self.config.with_user(self.manager).club_identify(
            CARD_CODES[1], {"override": {"reason": "Chip damaged"}}
        )
        self.assertEqual(allowed["status"], "member")
        # warn mode: the card is identified and the till shows the warning
        self.club_program.limit_typed_mode = "warn"
        warned = config.club_identify(CARD_CODES[1])
        self.assertEqual(warned["status"], "member")
        self.assertEqual([h["mode"] for h in warned["limits"]], ["warn"])
