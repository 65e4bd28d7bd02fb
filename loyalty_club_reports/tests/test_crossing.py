import io
from itertools import permutations

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import tagged

from .analytics_common import ClubAnalyticsCase


@tagged("post_install", "-at_install")
class TestClubCrossing(ClubAnalyticsCase):
    """A known set of baskets: support, confidence and lift counted by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.categs = {
            name: Category.create({"name": f"Crossing {name}"})
            for name in ("Bread", "Milk", "Tea")
        }
        cls.products = {
            name: cls.create_product(f"{name} item", categ, 10.0)
            for name, categ in cls.categs.items()
        }

    BASKETS = [
        {"Bread", "Milk"},
        {"Bread", "Milk", "Tea"},
        {"Bread"},
        {"Tea"},
        {"Milk", "Tea"},
    ]

    def _checks(self):
        self.open_new_session()
        for basket in self.BASKETS:
            self._sale([self.products[name] for name in sorted(basket)])

    def _crossing(self, **vals):
        return (
            self.env["loyalty.club.crossing"]
            .with_context(allowed_company_ids=[self.company.id])
            .create({"date_from": self.today, "date_to": self.today, **vals})
        )

    def test_support_confidence_lift(self):
        self._checks()
        crossing = self._crossing()
        action = crossing.action_compute()
        self.assertEqual(action["res_model"], "loyalty.club.crossing.line")
        n = len(self.BASKETS)
        count = {c: sum(1 for b in self.BASKETS if c in b) for c in self.categs}
        expected = {}
        for a, b in permutations(self.categs, 2):
            both = sum(1 for basket in self.BASKETS if {a, b} <= basket)
            if both:
                expected[(a, b)] = (
                    both,
                    100.0 * both / n,
                    100.0 * both / count[a],
                    (both / count[a]) / (count[b] / n),
                )
        names = {categ.id: name for name, categ in self.categs.items()}
        got = {
            (names[line.categ_a_id.id], names[line.categ_b_id.id]): (
                line.checks_both,
                line.support,
                line.confidence,
                line.lift,
            )
            for line in crossing.line_ids
        }
        self.assertEqual(set(got), set(expected))
        for pair, (both, support, confidence, lift) in expected.items():
            self.assertEqual(got[pair][0], both, pair)
            self.assertAlmostEqual(got[pair][1], support, places=2)
            self.assertAlmostEqual(got[pair][2], confidence, places=2)
            self.assertAlmostEqual(got[pair][3], lift, places=3)
        self.assertEqual(crossing.checks_total, n)
        # Bread and Milk: 2 of 5 checks, lift 10/9 (more than chance)
        self.assertAlmostEqual(got[("Bread", "Milk")][1], 40.0)
        self.assertAlmostEqual(got[("Bread", "Milk")][3], 10 / 9, places=3)
        # Bread and Tea together once: less than chance
        self.assertLess(got[("Bread", "Tea")][3], 1)

    def test_filters_store_and_minimum(self):
        self._checks()
        other = (
            self.env["loyalty.club.store"]
            .sudo()
            .create(
                {
                    "name": "Crossing other store",
                    "code": "XOTHER",
                    "company_id": self.company.id,
                }
            )
        )
        crossing = self._crossing(store_id=other.id)
        crossing.action_compute()
        self.assertFalse(crossing.line_ids, "no check in that store")
        crossing = self._crossing(store_id=self.club_store.id, min_checks=2)
        crossing.action_compute()
        self.assertEqual(
            {
                (line.categ_a_id.name, line.categ_b_id.name)
                for line in crossing.line_ids
            },
            {
                ("Crossing Bread", "Crossing Milk"),
                ("Crossing Milk", "Crossing Bread"),
                ("Crossing Milk", "Crossing Tea"),
                ("Crossing Tea", "Crossing Milk"),
            },
        )
        with self.assertRaises(UserError):
            self._crossing(date_from=self.today, date_to=self.today.replace(year=2000))

    def test_crossing_xlsx(self):
        self._checks()
        export = (
            self.env["loyalty.club.analytics.export"]
            .with_context(allowed_company_ids=[self.company.id])
            .create(
                {
                    "report": "crossing",
                    "date_from": self.today,
                    "date_to": self.today,
                    "store_id": self.club_store.id,
                }
            )
        )
        content, _kind = self.env["ir.actions.report"]._render(
            "loyalty_club_reports.analytics_xlsx", export.ids, {}
        )
        rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.values)
        filters = {r[0]: r[1] for r in rows[1:6] if r[0]}
        self.assertEqual(filters["Store"], self.club_store.name)
        self.assertEqual(filters["From"], str(self.today))
        pairs = {
            (r[0], r[1]): (r[2], r[5], r[7])
            for r in rows
            if r[0] and str(r[0]).startswith("Crossing")
        }
        self.assertEqual(len(pairs), 6)
        both, support, lift = pairs[("Crossing Bread", "Crossing Milk")]
        self.assertEqual(both, 2)
        self.assertAlmostEqual(support, 0.4)
        self.assertAlmostEqual(lift, 10 / 9, places=3)
        self.assertEqual(rows[-1][:3], ("Checks in period", None, 5))
