from dateutil.relativedelta import relativedelta

from odoo.tests import tagged

from .analytics_common import ClubAnalyticsCase


@tagged("post_install", "-at_install")
class TestClubCohorts(ClubAnalyticsCase):
    """Members joining in two months and buying later: retention counted by hand."""

    def _month(self, back):
        return (self.today - relativedelta(months=back)).replace(day=1)

    def test_retention_by_month_of_joining(self):
        m2, m1, m0 = self._month(2), self._month(1), self._month(0)
        # member: (month joined, days of purchase)
        plan = {
            "Anna": (
                m2,
                [m2 + relativedelta(days=5), m1 + relativedelta(days=3), self.today],
            ),
            "Boris": (m2, [self.today]),
            "Carla": (m2, []),
            "Dora": (m1, [m1 + relativedelta(days=9), m1 + relativedelta(days=10)]),
        }
        for name, (joined, days) in plan.items():
            wallet = self._member(name, club_join_date=joined + relativedelta(days=2))
            for n, day in enumerate(days):
                self._api(50.0, f"cohort-{name}-{n}", wallet=wallet, day=day)

        # by hand: for each cohort and month since joining, who bought
        def months_between(a, b):
            return (b.year - a.year) * 12 + b.month - a.month

        expected = {}
        for joined, _days in plan.values():
            for k in range(months_between(joined, m0) + 1):
                expected[(joined, k)] = set()
        for name, (joined, days) in plan.items():
            for day in days:
                expected[(joined, months_between(joined, day))].add(name)
        sizes = {m: sum(1 for j, _d in plan.values() if j == m) for m in (m1, m2)}

        self.env.flush_all()  # the view reads the tables
        cells = self.env["loyalty.club.cohort.report"].search_read(
            [("company_id", "=", self.company.id)],
            [
                "cohort_date",
                "months_since",
                "cohort_size",
                "members_active",
                "retention",
            ],
        )
        got = {(c["cohort_date"], c["months_since"]): c for c in cells}
        self.assertEqual(set(got), set(expected))
        for (joined, k), buyers in expected.items():
            cell = got[(joined, k)]
            self.assertEqual(cell["cohort_size"], sizes[joined])
            self.assertEqual(cell["members_active"], len(buyers), (joined, k))
            self.assertAlmostEqual(
                cell["retention"], round(100.0 * len(buyers) / sizes[joined], 2)
            )
        # the figures a user reads: 3 joined two months ago, 2 of them bought now
        self.assertEqual(got[(m2, 2)]["members_active"], 2)
        self.assertAlmostEqual(got[(m2, 2)]["retention"], 66.67)
        self.assertAlmostEqual(got[(m1, 1)]["retention"], 0.0)

        # the pivot: cohorts in rows, months since joining in columns
        pivot = self.env["loyalty.club.cohort.report"].read_group(
            [("company_id", "=", self.company.id)],
            ["members_active:sum"],
            ["cohort_date:month", "months_since"],
            lazy=False,
        )
        self.assertEqual(
            sum(g["members_active"] for g in pivot),
            sum(len(b) for b in expected.values()),
        )

    def test_empty_period_is_an_empty_result(self):
        self._member("Eve", club_join_date=self._month(1))
        self.env.flush_all()
        cohorts = self.env["loyalty.club.cohort.report"]
        far = self.today - relativedelta(years=30)
        domain = [
            ("company_id", "=", self.company.id),
            ("cohort_date", ">=", far),
            ("cohort_date", "<", far + relativedelta(months=1)),
        ]
        self.assertFalse(cohorts.search(domain))
        self.assertEqual(
            cohorts.read_group(domain, ["members_active:sum"], ["cohort_date"]), []
        )
        export = (
            self.env["loyalty.club.analytics.export"]
            .with_context(allowed_company_ids=[self.company.id])
            .create(
                {
                    "report": "cohort",
                    "date_from": far,
                    "date_to": far,
                    "file_format": "csv",
                }
            )
        )
        text = export._csv_bytes().decode("utf-8-sig")
        self.assertIn("No data for these filters.", text)
