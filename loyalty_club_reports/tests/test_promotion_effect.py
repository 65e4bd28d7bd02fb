from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tests import tagged

from .analytics_common import ClubAnalyticsCase


@tagged("post_install", "-at_install")
class TestPromotionEffect(ClubAnalyticsCase):
    """A promotion's cost against the extra sales of the members it reached,
    computed by hand."""

    def _confirm(self, amount, key, day, wallet):
        return self.club_service.confirm(
            {
                "program_id": self.club_program.id,
                "store_id": self.club_store.id,
                "channel": "api",
                "wallet_id": wallet.id,
                "lines": [{"key": 0, "amount": amount}],
                "date": fields.Datetime.to_string(datetime.combine(day, time(12))),
            },
            key,
        )

    def test_cost_per_extra_sale_by_hand(self):
        promotion = (
            self.env["loyalty.club.promotion"]
            .sudo()
            .create(
                {
                    "name": "Ten days -10 %",
                    "program_id": self.club_program.id,
                    "effect": "discount_percent",
                    "scope": "order",
                    "value": 10,
                    "date_from": self.today - timedelta(days=10),
                    "date_to": self.today - timedelta(days=1),
                }
            )
        )
        vera, bob = self._member("Vera Promo"), self._member("Bob Promo")
        # before the promotion: 200.00; during it: 300.00 less 10 % = 270.00
        self._confirm(200.0, "pe-1", self.today - timedelta(days=15), vera)
        answer = self._confirm(300.0, "pe-2", self.today - timedelta(days=5), vera)
        self.assertEqual(answer["discount"], 30.0)
        # a member who bought only before it is not reached
        self._confirm(500.0, "pe-3", self.today - timedelta(days=15), bob)
        self.env.flush_all()
        row = self.env["loyalty.club.promotion.effect.report"].search(
            [("promotion_id", "=", promotion.id)]
        )
        self.assertEqual((row.checks, row.members), (1, 1))
        self.assertAlmostEqual(row.cost, 30.0)
        self.assertAlmostEqual(row.sales_during, 270.0)
        self.assertAlmostEqual(row.sales_before, 200.0)
        self.assertAlmostEqual(row.extra_sales, 70.0)
        self.assertAlmostEqual(row.cost_per_extra, 30.0 / 70.0, places=4)
        promotion.invalidate_recordset()
        self.assertAlmostEqual(promotion.effect_extra_sales, 70.0)
        self.assertAlmostEqual(promotion.effect_cost_per_extra, 30.0 / 70.0, places=4)
        self.assertEqual(promotion.effect_members, 1)
