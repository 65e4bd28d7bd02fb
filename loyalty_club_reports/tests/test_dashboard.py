import base64
import json

from odoo.tests import TransactionCase, tagged


def _measure_spec(fields, name):
    """The read_group spec of a spreadsheet measure (a many2one counts distinct)."""
    if name == "__count":
        return "__count"
    if fields[name]["type"] == "many2one":
        return f"{name}:count_distinct"
    return f"{name}:{fields[name]['aggregator']}"


@tagged("post_install", "-at_install")
class TestDashboard(TransactionCase):
    def _data(self):
        dashboard = self.env.ref(
            "loyalty_club_reports.spreadsheet_dashboard_loyalty_club"
        )
        self.assertEqual(
            dashboard.dashboard_group_id,
            self.env.ref("spreadsheet_dashboard.spreadsheet_dashboard_group_marketing"),
        )
        return json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))

    def _check_matching(self, data, fields, field_matching):
        filters = {f["id"] for f in data["globalFilters"]}
        for filter_id, matching in field_matching.items():
            self.assertIn(filter_id, filters)
            if matching:
                self.assertIn(matching["chain"], fields)

    def test_dashboard_pivots_use_existing_fields(self):
        data = self._data()
        self.assertTrue(data["pivots"])
        for pivot in data["pivots"].values():
            fields = self.env[pivot["model"]].fields_get()
            names = [
                m["fieldName"] for m in pivot["measures"] if m["fieldName"] != "__count"
            ] + [r["fieldName"].split(":")[0] for r in pivot["rows"]]
            for name in names:
                self.assertIn(name, fields, f"{pivot['model']}.{name}")
            self._check_matching(data, fields, pivot["fieldMatching"])
            # the pivot's own request works
            self.env[pivot["model"]].read_group(
                [tuple(d) for d in pivot["domain"]],
                [_measure_spec(fields, m["fieldName"]) for m in pivot["measures"]],
                [r["fieldName"] for r in pivot["rows"]],
                lazy=False,
            )

    def test_dashboard_has_scorecards_and_charts(self):
        data = self._data()
        dashboard, sheet_data = data["sheets"]
        self.assertEqual(sheet_data["name"], "Data")
        charts = [f["data"] for f in dashboard["figures"] if f["tag"] == "chart"]
        scorecards = [c for c in charts if c["type"] == "scorecard"]
        self.assertEqual(
            [c["title"]["text"] for c in scorecards],
            [
                "Members",
                "Active members",
                "Share of sales by members",
                "Bonus liability",
                "Average check, members",
                "Average check, non-members",
                "Bonuses earned",
                "Bonuses spent",
                "Program cost, share of members' sales",
                "Outstanding bonuses",
                "Expiring next month",
                "Breakage rate",
            ],
        )
        for card in scorecards:
            for key in ("keyValue", "baseline"):
                if key in card:
                    sheet, ref = card[key].split("!")
                    self.assertEqual(sheet, "Data")
                    self.assertIn(ref, sheet_data["cells"], card["title"]["text"])
                    # a formatted figure: currency, integer or percentage
                    self.assertIn(ref, sheet_data["formats"], card["title"]["text"])
        graphs = [c for c in charts if c["type"] in ("odoo_line", "odoo_bar")]
        self.assertEqual(
            [c["type"] for c in graphs], ["odoo_line", "odoo_bar", "odoo_bar"]
        )
        for chart in graphs:
            meta = chart["metaData"]
            model = self.env[meta["resModel"]]
            fields = model.fields_get()
            for group_by in meta["groupBy"]:
                self.assertIn(group_by.split(":")[0], fields)
            self._check_matching(data, fields, chart["fieldMatching"])
            model.read_group(
                [tuple(d) for d in chart["searchParams"]["domain"]],
                [_measure_spec(fields, meta["measure"])],
                meta["groupBy"],
                lazy=False,
            )
        # members and non-members are named, not "Yes" and "No"
        self.assertEqual(
            dict(self.env["loyalty.club.sales.daily"]._fields["audience"].selection),
            {"member": "Members", "non_member": "Non-members"},
        )

    def test_audience_follows_the_member_flag(self):
        daily = self.env["loyalty.club.sales.daily"]
        self.assertFalse(
            daily.search_count(
                [
                    "|",
                    "&",
                    ("is_member", "=", True),
                    ("audience", "!=", "member"),
                    "&",
                    ("is_member", "=", False),
                    ("audience", "!=", "non_member"),
                ]
            )
        )
