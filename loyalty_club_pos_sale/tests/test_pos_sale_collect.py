from odoo import Command
from odoo.tests import tagged

from odoo.addons.loyalty_club_pos.tests.common import CARD_CODES, ClubPosFixtureMixin
from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon


class CollectTourCase(ClubPosFixtureMixin, TestPointOfSaleHttpCommon):
    """Anna, a member with 50 bonuses, and a cashier who may settle sales
    orders: a web order of a jacket is collected at the till."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._club_setup(cls.main_pos_config)
        cls.jacket = cls._club_jacket()
        cls.anna = cls._club_member(
            "Anna Club", "+79161234567", card=CARD_CODES[0], balance=50
        )
        cls.pos_user.groups_id += cls.env.ref(
            "sales_team.group_sale_salesman_all_leads"
        )

    @classmethod
    def _web_order(cls, *lines):
        """Anna's web order of the jacket and ``lines`` (values of more lines)."""
        company = cls.main_pos_config.company_id
        return (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "company_id": company.id,
                    "partner_id": cls.anna.partner_id.id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.jacket.id, "product_uom_qty": 1}
                        ),
                        *(Command.create(vals) for vals in lines),
                    ],
                }
            )
        )

    def _collect(self, tour):
        """The till's order left by the cashier's ``tour``."""
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour(tour, login="pos_user")
        self.env.invalidate_all()
        return self.env["pos.order"].search(
            [("config_id", "=", self.main_pos_config.id)]
        )


@tagged("post_install", "-at_install")
class TestClubPosSaleCollectTour(CollectTourCase):
    """A web order collected in the store: the till settles it, spends the
    bonuses held for it and the member earns once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sale_order = cls._web_order()
        cls.sale_order._club_apply_bonuses(30)
        cls.hold = cls.sale_order.sudo().club_hold_id

    def test_settled_order_captures_its_hold_and_earns_once(self):
        self.assertEqual((self.hold.state, self.hold.amount), ("held", 30.0))
        self.assertEqual(self.hold.order_ref, self.sale_order.name)
        order = self._collect("LoyaltyClubPosSaleCollectTour")
        self.assertEqual(len(order), 1)
        self.assertEqual(order.lines.sale_order_origin_id, self.sale_order)
        self.assertEqual(order.lines.product_id, self.jacket, "no bonus line")
        txn = order.club_transaction_id.sudo()
        self.assertEqual(order.club_hold_id, self.hold)
        self.assertEqual((self.hold.state, self.hold.captured), ("captured", 30.0))
        self.assertEqual(self.hold.transaction_id, txn)
        # one spend and one earn in the ledger, for the till's check
        ledger = self._club_ledger(self.anna)
        self.assertEqual(ledger.mapped("kind"), ["burn", "earn"])
        self.assertEqual(ledger.mapped("amount"), [-30.0, 7.0])
        self.assertEqual(ledger.transaction_id, txn)
        self.assertEqual(
            (self.anna.balance_available, self.anna.balance_held), (20.0, 0.0)
        )
        # the sales order is collected: paying its invoice books nothing more
        so = self.sale_order.sudo()
        self.assertEqual(so.state, "sale", "pos_sale confirmed it")
        self.assertEqual(so.club_pos_order_id, order)
        self.assertEqual(so.club_transaction_id, txn)
        self.assertEqual(so._club_confirm_paid(), txn)
        self.assertEqual(
            self.env["loyalty.club.transaction"].search_count(
                [("wallet_id", "=", self.anna.id), ("kind", "=", "sale")]
            ),
            1,
        )
        self.assertEqual(len(self._club_ledger(self.anna)), 2)


@tagged("post_install", "-at_install")
class TestClubPosSaleCollectGiftTour(CollectTourCase):
    """A web order paid in part with a club gift card in the shop, collected
    at the till: the card pays with the till's sale, the jacket earns whole."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gift_code = cls._club_gift_card(60.0)
        gift_payment = cls.env["product.product"].create(
            {"name": "Gift card payment", "type": "service", "sale_ok": False}
        )
        cls.sale_order = cls._web_order(
            {
                "product_id": gift_payment.id,
                "product_uom_qty": 1,
                "price_unit": -40.0,
                "tax_id": [Command.clear()],
                "club_gift_card_code": cls.gift_code,
            }
        )

    def test_gift_card_of_the_web_order_pays_at_the_till(self):
        order = self._collect("LoyaltyClubPosSaleCollectGiftTour")
        self.assertEqual(len(order), 1)
        self.assertFalse(order.club_review, order.club_message)
        self.assertEqual(self._club_gift_wallet(self.gift_code).balance_available, 20.0)
        txn = order.club_transaction_id.sudo()
        self.assertEqual((txn.amount, order.club_earned), (100.0, 10.0))
        self.assertEqual(self.anna.balance_available, 50.0, "the earn is pending")
        self.assertEqual(self.sale_order.sudo().club_pos_order_id, order)
