"""The benchmarks (``benchmarks/`` beside the addons) at tiny scale, inside the
test transaction, so that they cannot rot: the generated data keeps the ledger's
invariants and every benchmark still runs. No timing is asserted."""

import logging

from odoo.tests import TransactionCase, tagged

try:  # the repository's benchmarks/ sits in the addons path, beside this addon
    from odoo.addons.benchmarks import driver
except ImportError:
    driver = None

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestBenchmarkSmoke(TransactionCase):
    def _installed(self, module):
        return bool(
            self.env["ir.module.module"].search_count(
                [("name", "=", module), ("state", "=", "installed")]
            )
        )

    def test_benchmarks_run_at_tiny_scale(self):
        if driver is None:
            self.skipTest("the benchmarks are not beside the addons")
        results = driver.main(
            self.env, {"scale": "tiny", "seed": 7, "test": True, "log": _logger.info}
        )
        self.assertEqual(results["invariants"], {}, "sum(ledger) = sum(lots) etc.")
        reports = self._installed("loyalty_club_reports")
        campaigns = self._installed("loyalty_club_campaign")
        self.assertEqual(
            results["notes"],
            (
                []
                if self._installed("point_of_sale")
                else ["point_of_sale is not installed: no POS figures."]
            )
            + (
                []
                if campaigns
                else [
                    "loyalty_club_campaign is not installed: no campaign figures.",
                    "loyalty_club_campaign is not installed: no campaign figures.",
                ]
            )
            + (
                []
                if reports
                else [
                    "loyalty_club_reports is not installed: no RFM figures.",
                    "loyalty_club_reports is not installed: no pivot figures.",
                ]
            ),
        )
        counts, f = results["counts"], results["figures"]
        self.assertGreaterEqual(counts["loyalty_club_ledger"], 2400)
        self.assertGreaterEqual(counts["loyalty_club_card"], 100)
        for key in (
            "identify.card.p95",
            "identify.phone.p95",
            "quote.p95",
            "confirm.p95",
            "confirm2.rate",
            "tiers.wallets",
            "emission.cards",
        ):
            self.assertIn(key, f)
        self.assertEqual(f["expiry.done"], f["expiry.lots"], "every lot expired")
        self.assertEqual(f["expiry.lots"], 40)
        self.assertEqual(len(results["plans"]), 9)
        if campaigns:
            members = f["campaign.members"]
            self.assertEqual(f["campaign.target"] + f["campaign.control"], members)
            self.assertEqual(f["campaign.control"], round(members / 10))
            self.assertEqual(
                f["campaign.queued"] + f["campaign.capped"], f["campaign.target"]
            )
            self.assertIn("chain.rows", f)
        if reports:
            self.assertGreater(f["rfm.members"], 0, "members with a check are scored")
            self.assertGreater(f["pivot.lines"], 0)
            for key in ("rfm.plan", "pivot.plan"):
                self.assertTrue(
                    any(line.startswith("Execution Time") for line in f[key]),
                    f"{key}: an EXPLAIN ANALYZE",
                )
        variants = {"plain", "club", "club_bonus", "loyalty"}
        if not self._installed("loyalty_club_pos"):
            variants -= {"club", "club_bonus"}
        if not self._installed("pos_loyalty"):
            variants -= {"loyalty"}
        if not self._installed("point_of_sale"):
            variants = set()
        for variant in variants:
            self.assertIn(f"sync.{variant}.mean", f)
        for variant in variants - {"club_bonus"}:
            self.assertIn(f"session.{variant}.120.bytes", f)
