"""Two quotations of one member spending the same bonuses at once, on two real
database cursors (two salespeople, or two browser tabs)."""

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged

from odoo.addons.loyalty_club.tests.common import CommittedMember, TwoTills


@tagged("post_install", "-at_install")
class TestSaleHoldRace(CommittedMember, TransactionCase):
    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].create(
                {"name": "Race sofa", "list_price": 1000.0, "taxes_id": []}
            )
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": self.partner_id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "product_uom_qty": 2,
                                    "price_unit": 1000.0,
                                    "tax_id": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for _i in range(2)
                ]
            )
            self.product_id = product.id
            self.order_ids = {"race:a": orders[0].id, "race:b": orders[1].id}
        self.addCleanup(self._purge_orders)

    def _purge_orders(self):
        ids = list(self.order_ids.values())
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM loyalty_club_hold WHERE wallet_id = %s", [self.wallet_id]
            )
            cr.execute(
                "DELETE FROM loyalty_club_request WHERE idempotency_key LIKE "
                "ANY(%s)",
                [[f"sale.order:{order_id}:%" for order_id in ids]],
            )
            cr.execute("DELETE FROM sale_order_line WHERE order_id = ANY(%s)", [ids])
            cr.execute("DELETE FROM sale_order WHERE id = ANY(%s)", [ids])
            cr.execute(
                "DELETE FROM product_template WHERE id IN (SELECT product_tmpl_id "
                "FROM product_product WHERE id = %s)",
                [self.product_id],
            )

    def _apply(self, env, key):
        order = env["sale.order"].browse(self.order_ids[key])
        order._club_apply_bonuses(800)
        return "ok"

    def test_two_orders_cannot_hold_the_same_bonuses(self):
        results = TwoTills(self, self._apply).race(
            "race:a",
            "race:b",
            holds="the first order holds the member's bonuses",
            waits="the second order waits for the wallet lock",
        )
        self.assertEqual(results["race:a"], "ok")
        self.assertIn("Not enough bonuses to hold", results["race:b"])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            first, second = env["sale.order"].browse(
                [self.order_ids["race:a"], self.order_ids["race:b"]]
            )
            self.assertEqual(first.club_bonus_applied, 800.0)
            self.assertEqual(first.amount_total, 1200.0)
            self.assertFalse(second.club_bonus_applied)
            self.assertEqual(second.amount_total, 2000.0)
            wallet = env["loyalty.club.wallet"].browse(self.wallet_id)
            self.assertEqual(
                (wallet.balance_available, wallet.balance_held), (200, 800)
            )

    def test_two_tabs_of_one_order_hold_once(self):
        order_id = self.order_ids["race:a"]

        def apply_on_the_same_order(env, key):
            env["sale.order"].browse(order_id)._club_apply_bonuses(800)
            return "ok"

        results = TwoTills(self, apply_on_the_same_order).race(
            "race:tab-1",
            "race:tab-2",
            holds="the first tab holds the order",
            waits="the second tab waits for the order",
        )
        self.assertEqual(results, {"race:tab-1": "ok", "race:tab-2": "ok"})
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["sale.order"].browse(order_id)
            holds = env["loyalty.club.hold"].search(
                [("wallet_id", "=", self.wallet_id), ("state", "=", "held")]
            )
            self.assertEqual(holds, order.club_hold_id, "one hold, the order's")
            self.assertEqual(len(order._club_bonus_lines()), 1)
            self.assertEqual(order.amount_total, 1200.0)
            wallet = env["loyalty.club.wallet"].browse(self.wallet_id)
            self.assertEqual(
                (wallet.balance_available, wallet.balance_held), (200, 800)
            )
