from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

from .common import TwoTills


@tagged("post_install", "-at_install")
class TestCouponTwoTills(TransactionCase):
    """Two real database cursors use one coupon at the same moment."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            program = env["loyalty.club.program"].create(
                {"name": "Coupon race club", "sequence": 0}
            )
            promo = env["loyalty.club.promotion"].create(
                {
                    "name": "Coupon 10 off",
                    "program_id": program.id,
                    "effect": "discount_fixed",
                    "value": 10,
                    "requires_coupon": True,
                    "budget": 0,
                }
            )
            batch = env["loyalty.club.coupon.batch"].create(
                {"name": "Race", "promotion_id": promo.id, "count": 1}
            )
            batch.action_generate()
            self.program_id, self.promo_id = program.id, promo.id
            self.code = batch.coupon_ids.code
        self.addCleanup(self._purge)

    def _purge(self):
        with self.registry.cursor() as cr:
            for sql in (
                "DELETE FROM loyalty_club_promotion_usage WHERE promotion_id = %(x)s",
                "DELETE FROM loyalty_club_coupon WHERE promotion_id = %(x)s",
                "DELETE FROM loyalty_club_coupon_batch WHERE promotion_id = %(x)s",
                "DELETE FROM loyalty_club_promotion WHERE id = %(x)s",
                "DELETE FROM loyalty_club_transaction WHERE program_id = %(p)s",
                "DELETE FROM loyalty_club_program WHERE id = %(p)s",
            ):
                cr.execute(sql, {"p": self.program_id, "x": self.promo_id})

    def _use(self, env, key):
        payload = {
            "program_id": self.program_id,
            "lines": [{"amount": "100.00"}],
            "coupon_codes": [self.code],
        }
        return env["loyalty.club.service"].confirm(payload, key)["discount"]

    def test_two_tills_one_coupon(self):
        """The coupon's conditional UPDATE decides (no lock on the promotion)."""
        self._race(budget_used=0)

    def test_two_tills_one_coupon_with_budget(self):
        """The promotion's row lock decides; the budget is counted once."""
        with self.registry.cursor() as cr:
            cr.execute(
                "UPDATE loyalty_club_promotion SET budget = 1000 WHERE id = %s",
                [self.promo_id],
            )
        self._race(budget_used=1000)

    def _race(self, budget_used):
        results = TwoTills(self, self._use).race(
            "c-till-1",
            "c-till-2",
            holds="till 1 used the coupon and holds it",
            waits="till 2 waits for the coupon",
        )
        self.assertEqual(results["c-till-1"], 10.0)
        self.assertIn("already been used", results["c-till-2"])
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COALESCE(budget_used_minor, 0) FROM loyalty_club_promotion "
                "WHERE id = %s",
                [self.promo_id],
            )
            self.assertEqual(cr.fetchone()[0], budget_used)
            cr.execute(
                "SELECT count(*) FROM loyalty_club_transaction WHERE program_id = %s",
                [self.program_id],
            )
            self.assertEqual(cr.fetchone()[0], 1)
