"""The planted-fraud check (``benchmarks/fraud.py``, ``./club fraud-check``) at
tiny scale inside the test transaction, both populations, so that it cannot
rot."""

import logging

from odoo.tests import TransactionCase, tagged

from odoo.addons.loyalty_club.domain.fraud import RULES

try:  # the repository's benchmarks/ sits in the addons path, beside the addons
    from odoo.addons.benchmarks import fraud
except ImportError:
    fraud = None

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestFraudBenchSmoke(TransactionCase):
    def test_planted_fraud_found_at_tiny_scale(self):
        if fraud is None:
            self.skipTest("the benchmarks are not beside the addons")
        first, second = fraud.run(
            self.env,
            cashiers=12,
            stores=3,
            planted=2,
            days=14,
            seed=7,
            members_per_store=300,
            log=_logger.info,
            second={
                "cashiers": 14,
                "stores": 3,
                "planted": 2,
                "members_per_store": 300,
            },
        )
        for result, rules in ((first, RULES), (second, (*RULES, "combined"))):
            rows = {row["rule"]: row for row in result["rows"]}
            self.assertEqual(tuple(rows), rules)
            for rule, row in rows.items():
                self.assertEqual(row["planted"], 2, rule)
                self.assertEqual(row["tp"], 2, f"{rule}: every planted cashier found")
            self.assertEqual(result["overall"]["recall"], 1.0)
        self.assertEqual(first["cashiers"], 12 + 2 * len(RULES))
        self.assertEqual(second["cashiers"], 14 + 2 * (len(RULES) + 1))
        self.assertEqual(second["tz"], "Europe/Kyiv")
        text, _ok = fraud.render([first, second])
        self.assertIn(f"| overall (cashiers with a case) | {2 * len(RULES)} |", text)
        self.assertIn("## Second population", text)
        # each population's period has its cases
        for result in (first, second):
            cases = self.env["loyalty.club.fraud.case"].search_count(
                [("date_to", "=", result["period"][1])]
            )
            self.assertGreaterEqual(cases, 2 * len(RULES))
