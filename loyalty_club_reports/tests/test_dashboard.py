import base64
import json

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDashboard(TransactionCase):
    def test_dashboard_pivots_use_existing_fields(self):
        dashboard = self.env.ref(
            "loyalty_club_reports.spreadsheet_dashboard_loyalty_club"
        )
        self.assertEqual(
            dashboard.dashboard_group_id,
            self.env.ref("spreadsheet_dashboard.spreadsheet_dashboard_group_marketing"),
        )
        data = json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))
        self.assertTrue(data["pivots"])
        filters = {f["id"] for f in data["globalFilters"]}
        for pivot in data["pivots"].values():
            fields = self.env[pivot["model"]].fields_get()
            names = [m["fieldName"] for m in pivot["measures"]] + [
                r["fieldName"].split(":")[0] for r in pivot["rows"]
            ]
            for name in names:
                self.assertIn(name, fields, f"{pivot['model']}.{name}")
            for filter_id, matching in pivot["fieldMatching"].items():
                self.assertIn(filter_id, filters)
                if matching:
                    self.assertIn(matching["chain"], fields)
            # the pivot's own request works
            self.env[pivot["model"]].read_group(
                [tuple(d) for d in pivot["domain"]],
                [
                    f"{m['fieldName']}:{fields[m['fieldName']]['aggregator']}"
                    for m in pivot["measures"]
                ],
                [r["fieldName"] for r in pivot["rows"]],
                lazy=False,
            )
