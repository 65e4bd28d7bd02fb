"""The uplift report: target against control over the campaign window, equal to
what the test computes on its own from the checks."""

import math
import statistics
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import CampaignCase


@tagged("post_install", "-at_install")
class TestUplift(CampaignCase):
    def setUp(self):
        super().setUp()
        promotion = self.env["loyalty.club.promotion"].create(
            {
                "name": "Fifty off",
                "program_id": self.program.id,
                "effect": "discount_fixed",
                "scope": "order",
                "value": 50,
                "requires_coupon": True,
            }
        )
        self.campaign_ = self.campaign(
            self.segment(), seed="uplift-1", promotion_id=promotion.id
        )
        self.campaign_.action_launch()
        self.campaign_.launched_at = fields.Datetime.now() - timedelta(hours=1)
        members = self.campaign_.member_ids.sorted("place")
        self.target = members.filtered(lambda m: m.member_group == "target")
        self.control = members - self.target

    def wallet(self, member):
        return member.partner_id.club_wallet_ids

    def test_figures_equal_an_independent_computation_from_the_checks(self):
        t, c = self.target, self.control
        self.assertEqual(len(c), 4, "a 10 % control group of 40")
        # before the campaign: not in its window
        early = self.buy(self.wallet(t[0]), 9000, "up-early")
        self.env["loyalty.club.transaction"].browse(early["transaction_id"]).date = (
            fields.Datetime.now() - timedelta(hours=2)
        )
        self.buy(self.wallet(t[0]), 1200, "up-t0-a")
        self.buy(self.wallet(t[0]), 800, "up-t0-b")
        with_coupon = t.filtered(lambda m: m.coupon_id)[1]
        self.buy(
            self.wallet(with_coupon),
            2000,
            "up-coupon",
            coupon_codes=[with_coupon.coupon_id.code],
        )
        spender = self.wallet(t[2])
        spender._gift_once("up-gift", self.program.to_minor(300), "Gift")
        self.buy(spender, 1500, "up-burn", burn=200)
        sold = self.buy(self.wallet(t[3]), 700, "up-refunded")
        self.service.reverse(
            {"transaction_id": sold["transaction_id"], "amount": "300"}, "up-refund"
        )
        for index, amount in enumerate((400, 650, 3000)):
            self.buy(self.wallet(t[4 + index]), amount, f"up-t{4 + index}")
        self.buy(self.wallet(c[0]), 500, "up-c0")
        self.buy(self.wallet(c[1]), 1100, "up-c1")
        self.buy(self.wallet(c[1]), 100, "up-c1b")

        self.campaign_.action_compute_uplift()
        results = {r.metric: r for r in self.campaign_.result_ids}
        expected = {
            group: self.independent(members)
            for group, members in (("target", t), ("control", c))
        }
        for metric in ("buyers", "checks", "revenue", "spent", "coupons"):
            result = results[metric]
            target = expected["target"][metric]
            control = expected["control"][metric]
            self.assertEqual(result.target_count, len(t))
            self.assertEqual(result.control_count, len(c))
            self.assertAlmostEqual(result.target_total, sum(target), places=2)
            self.assertAlmostEqual(result.control_total, sum(control), places=2)
            self.assertAlmostEqual(
                result.target_mean, statistics.mean(target), places=4
            )
            self.assertAlmostEqual(
                result.control_mean, statistics.mean(control), places=4
            )
            difference = statistics.mean(target) - statistics.mean(control)
            margin = 1.96 * math.sqrt(
                statistics.variance(target) / len(target)
                + statistics.variance(control) / len(control)
            )
            self.assertAlmostEqual(result.difference, difference, places=4)
            self.assertAlmostEqual(result.ci_low, difference - margin, places=4)
            self.assertAlmostEqual(result.ci_high, difference + margin, places=4)
            self.assertEqual(
                result.significant,
                difference - margin > 0 or difference + margin < 0,
            )
        self.assertEqual(sum(expected["target"]["coupons"]), 1)
        self.assertEqual(sum(expected["target"]["spent"]), 200)
        # the pivot's source adds up to the same totals per group
        groups = self.env["loyalty.club.campaign.uplift"].read_group(
            [("campaign_id", "=", self.campaign_.id)],
            ["revenue:sum", "checks:sum", "buyers:sum", "coupons_used:sum"],
            ["member_group"],
        )
        by_group = {g["member_group"]: g for g in groups}
        for group in ("target", "control"):
            self.assertAlmostEqual(
                by_group[group]["revenue"], sum(expected[group]["revenue"]), places=2
            )
            self.assertEqual(by_group[group]["checks"], sum(expected[group]["checks"]))
            self.assertEqual(by_group[group]["buyers"], sum(expected[group]["buyers"]))

    def independent(self, members):
        """Per member of ``members``: bought (0/1), checks, revenue (sales less
        refunds), bonuses spent, coupons used, from the checks in the window."""
        start = self.campaign_.launched_at
        Txn = self.env["loyalty.club.transaction"]
        figures = {k: [] for k in ("buyers", "checks", "revenue", "spent", "coupons")}
        for member in members:
            txns = Txn.search(
                [
                    ("partner_id", "=", member.partner_id.id),
                    ("program_id", "=", self.program.id),
                    ("date", ">=", start),
                ]
            )
            sales = txns.filtered(lambda x: x.kind == "sale")
            refunds = txns - sales
            figures["buyers"].append(1 if sales else 0)
            figures["checks"].append(len(sales))
            figures["revenue"].append(
                (
                    sum(sales.mapped("amount_minor"))
                    - sum(refunds.mapped("amount_minor"))
                )
                / 100
            )
            figures["spent"].append(
                sum(sales.mapped("burn_minor")) / 10**self.program.digits
            )
            coupon = member.coupon_id
            figures["coupons"].append(
                1 if coupon.state == "used" and coupon.used_at >= start else 0
            )
        return figures

    def test_groups_without_purchases_give_zero_uplift_without_error(self):
        self.campaign_.action_compute_uplift()
        revenue = self.campaign_.result_ids.filtered(lambda r: r.metric == "revenue")
        self.assertEqual(
            (revenue.difference, revenue.ci_low, revenue.ci_high), (0.0, 0.0, 0.0)
        )
        self.assertFalse(revenue.significant)
