import copy
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.loyalty_club_pos.tests.common import CARD_CODES, ClubPosFixtureMixin
from odoo.addons.point_of_sale.tests.common import TestPoSCommon


@tagged("post_install", "-at_install")
class TestClubPosSaleSettle(ClubPosFixtureMixin, TestPoSCommon):
    """A sales order settled at the till, as synced: the till's sale is the
    order's club check; a hold the till did not spend is given back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls._club_setup(cls.config)
        cls.jacket = cls.create_product("Club jacket", cls.categ_basic, 100.0)
        cls.anna = cls._club_member(
            "Anna", "+79161234567", card=CARD_CODES[0], balance=50
        )

    def setUp(self):
        super().setUp()
        self.open_new_session()
        company = self.config.company_id
        self.sale_order = (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "company_id": company.id,
                    "partner_id": self.anna.partner_id.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.jacket.id,
                                "product_uom_qty": 1,
                                "price_unit": 100.0,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        self.sale_order._club_apply_bonuses(30)
        self.hold = self.sale_order.sudo().club_hold_id

    def _settle(self, payments, hold=True):
        data = self.create_ui_order_data(
            [(self.jacket, 1)], customer=self.anna.partner_id, payments=payments
        )
        line = self.sale_order.order_line.filtered(
            lambda sol: sol.product_id == self.jacket
        )
        data["lines"][0][2].update(
            sale_order_origin_id=self.sale_order.id,
            sale_order_line_id=line.id,
            price_unit=100.0,
            price_subtotal=100.0,
            price_subtotal_incl=100.0,
            tax_ids=[],
        )
        data.update(
            amount_total=100.0,
            amount_tax=0.0,
            club_wallet_id=self.anna.id,
            club_hold_id=self.hold.id if hold else False,
        )
        result = self.env["pos.order"].sync_from_ui([copy.deepcopy(data)])
        return self.env["pos.order"].browse([o["id"] for o in result["pos.order"]])

    def test_hold_spent_at_the_till(self):
        order = self._settle([(self.club_bonus_method, 30.0), (self.cash_pm1, 70.0)])
        self.assertFalse(order.club_review, order.club_message)
        self.assertEqual(self.hold.state, "captured")
        so = self.sale_order.sudo()
        self.assertEqual(so.club_pos_order_id, order)
        self.assertEqual(so.club_transaction_id, order.club_transaction_id)
        self.assertEqual((so.club_spent, so.club_earned), (30.0, 7.0))
        # synced again: nothing changes
        order._club_apply()
        self.assertEqual(so._club_confirm_paid(), order.club_transaction_id)
        self.assertEqual(len(self._club_ledger(self.anna)), 2)

    def test_paid_without_bonuses_gives_the_hold_back(self):
        order = self._settle([(self.cash_pm1, 100.0)], hold=False)
        self.assertEqual(self.hold.state, "released")
        self.assertEqual(
            (self.anna.balance_available, self.anna.balance_held), (50.0, 0.0)
        )
        self.assertEqual(order.club_earned, 10.0, "earned once, at the till")
        self.assertEqual(self.sale_order.sudo().club_pos_order_id, order)
        # cancelling the collected order gives nothing back twice
        self.sale_order.sudo()._club_release()
        self.assertEqual(self.hold.state, "released")

    def test_uncollected_order_gives_its_hold_back_when_it_ends(self):
        """Nobody came: the club's job expires the hold at its end and the
        till, settling the order later, finds nothing held for it."""
        self.assertEqual(self.anna.balance_available, 20.0)
        self.hold.sudo().write({"expires_at": fields.Datetime.now() - timedelta(1)})
        self.assertEqual(self.env["loyalty.club.hold"]._cron_expire(), 1)
        self.assertEqual(self.hold.state, "expired")
        self.assertEqual(self.anna.balance_available, 50.0)
        info = self.config.club_sale_order_settle(self.sale_order.id)
        self.assertEqual(info["status"], "member")
        self.assertNotIn("hold", info)
        self.assertEqual(info["member"]["available"], 50.0)
