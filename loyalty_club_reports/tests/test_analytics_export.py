import csv
import io

import openpyxl

from odoo.tests import tagged

from .test_geo import ClubGeoCase


@tagged("post_install", "-at_install")
class TestClubAnalyticsExport(ClubGeoCase):
    """The XLSX (report_xlsx) and CSV files hold the figures of the views."""

    def _export(self, vals):
        return (
            self.env["loyalty.club.analytics.export"]
            .with_context(allowed_company_ids=[self.company.id])
            .create(vals)
        )

    def test_geography_xlsx_has_the_view_figures(self):
        self._members()
        self.env.flush_all()
        export = self._export({"report": "geo", "file_format": "xlsx"})
        action = export.action_export()
        self.assertEqual(action["report_type"], "xlsx")
        content, kind = self.env["ir.actions.report"]._render(
            "loyalty_club_reports.analytics_xlsx", export.ids, {}
        )
        self.assertEqual(kind, "xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "Geography")
        filters = {r[0]: r[1] for r in rows[1:6] if r[0]}
        self.assertEqual(filters["Report"], "Geography")
        self.assertEqual(filters["Companies"], self.company.name)
        start = rows.index(
            ("Country", "Region", "City", "Place from", "Members", "Checks", "Sales")
        )
        body, total = rows[start + 1 : -1], rows[-1]
        # the same figures as the pivot of the view
        view = self.env["loyalty.club.geo.report"].read_group(
            [("company_id", "=", self.company.id)],
            ["member_count:sum", "amount:sum"],
            ["city", "source"],
            lazy=False,
        )
        by_view = {
            (g["city"] or "Unknown", g["source"]): (g["member_count"], g["amount"])
            for g in view
        }
        labels = {
            "Member's address": "member",
            "Store of registration": "store_joined",
            "Store of purchase": "store_bought",
            "Unknown": "unknown",
        }
        by_file = {(r[2], labels[r[3]]): (r[4], r[6]) for r in body}
        self.assertEqual(by_file, by_view)
        self.assertEqual(total[0], "Total")
        self.assertEqual(total[4], 5)
        self.assertAlmostEqual(total[6], 3 * 40.0)
        self.assertEqual(sheet.cell(row=start + 2, column=7).number_format, "#,##0.00")

    def test_csv_and_list_export(self):
        self._members()
        self.env.flush_all()
        export = self._export({"report": "geo", "file_format": "csv"})
        action = export.action_export()
        self.assertIn("/data_file/", action["url"])
        lines = list(csv.reader(io.StringIO(export._csv_bytes().decode("utf-8-sig"))))
        self.assertEqual(lines[0], ["Report", "Geography"])
        self.assertEqual(lines[-1][0], "Total")
        self.assertEqual(lines[-1][4], "5")
        # the report models export from their list views like any other list
        geo = self.env["loyalty.club.geo.report"].search(
            [("company_id", "=", self.company.id)]
        )
        exported = geo.export_data(["partner_id", "city", "source", "amount"])["datas"]
        self.assertEqual(len(exported), 5)
        cohorts = self.env["loyalty.club.cohort.report"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertTrue(cohorts.export_data(["cohort_date", "retention"])["datas"])
