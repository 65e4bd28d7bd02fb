from odoo import _, models


class LoyaltyClubAnalyticsXlsx(models.AbstractModel):
    """The analytics export as a workbook: title, filters used, table, totals."""

    _name = "report.loyalty_club_reports.analytics_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Club Analytics XLSX"

    def generate_xlsx_report(self, workbook, data, exports):
        bold = workbook.add_format({"bold": True})
        header = workbook.add_format({"bold": True, "bottom": 1, "bg_color": "#E8EEF4"})
        formats = {
            "text": None,
            "int": workbook.add_format({"num_format": "#,##0"}),
            "float": workbook.add_format({"num_format": "0.000"}),
            "money": workbook.add_format({"num_format": "#,##0.00"}),
            "pct": workbook.add_format({"num_format": "0.00%"}),
        }
        total_formats = {
            kind: workbook.add_format(
                {"bold": True, "top": 1, "num_format": fmt.num_format if fmt else ""}
            )
            for kind, fmt in formats.items()
        }
        for export in exports:
            headers, kinds, rows, totals = export._export_table()
            labels = dict(export._fields["report"]._description_selection(self.env))
            sheet = workbook.add_worksheet(labels[export.report][:31])
            sheet.write(0, 0, labels[export.report], bold)
            row = 1
            for label, value in export._filters():
                sheet.write(row, 0, label, bold)
                sheet.write(row, 1, value)
                row += 1
            row += 1
            for col, title in enumerate(headers):
                sheet.write(row, col, title, header)
                sheet.set_column(col, col, 14 if kinds[col] != "text" else 28)
            sheet.freeze_panes(row + 1, 0)
            for values in rows:
                row += 1
                for col, value in enumerate(values):
                    sheet.write(row, col, value, formats[kinds[col]])
            if not rows:
                row += 1
                sheet.write(row, 0, _("No data for these filters."))
            row += 1
            for col, value in enumerate(totals):
                if value is not None:
                    sheet.write(row, col, value, total_formats[kinds[col]])
