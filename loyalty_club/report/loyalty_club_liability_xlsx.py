"""The liability reconciliation and roll-forward as one XLSX workbook."""

from odoo import models

from ..domain.posting import MOVEMENTS


class LoyaltyClubLiabilityXlsx(models.AbstractModel):
    _name = "report.loyalty_club.liability_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Club Liability Report XLSX"

    def generate_xlsx_report(self, workbook, data, objs):
        bold = workbook.add_format({"bold": True})
        amount = workbook.add_format({"num_format": "#,##0.00"})
        for report in objs:
            report._check_reader()
            if not report.reconciliation_ids:
                report._compute_reconciliation()
            if not report.rollforward_ids:
                report._compute_rollforward()
            self._sheet_reconciliation(workbook, report, bold, amount)
            self._sheet_rollforward(workbook, report, bold, amount)

    def _kind_name(self, record):
        return dict(record._fields["wallet_kind"]._description_selection(self.env))[
            record.wallet_kind
        ]

    def _sheet_reconciliation(self, workbook, report, bold, amount):
        sheet = workbook.add_worksheet(self.env._("Reconciliation"))
        sheet.write(
            0,
            0,
            self.env._(
                "%(company)s: club liabilities at %(date)s",
                company=report.company_id.name,
                date=report.date_to,
            ),
            bold,
        )
        header = [
            self.env._("Wallet kind"),
            self.env._("Store"),
            self.env._("Account"),
            self.env._("Ledger liability"),
            self.env._("Club entries"),
            self.env._("Other entries"),
            self.env._("General ledger"),
            self.env._("Not posted"),
            self.env._("Difference"),
            self.env._("Today, posted tonight"),
            self.env._("Unexplained difference"),
        ]
        sheet.write_row(2, 0, header, bold)
        names = (
            "ledger_amount",
            "club_amount",
            "other_amount",
            "gl_amount",
            "unposted_amount",
            "difference_amount",
            "today_amount",
            "unexplained_amount",
        )
        row = 3
        for line in report.reconciliation_ids:
            sheet.write_row(
                row,
                0,
                [
                    self._kind_name(line),
                    line.store_id.name or "",
                    line.account_id.display_name or "",
                ],
            )
            for col, name in enumerate(names, start=3):
                sheet.write_number(row, col, line[name], amount)
            row += 1
        sheet.write(row, 0, self.env._("Total"), bold)
        for col, name in enumerate(names, start=3):
            sheet.write_number(
                row, col, sum(report.reconciliation_ids.mapped(name)), amount
            )
        sheet.set_column(0, 2, 24)
        sheet.set_column(3, 10, 16)

    def _sheet_rollforward(self, workbook, report, bold, amount):
        sheet = workbook.add_worksheet(self.env._("Roll-forward"))
        sheet.write(
            0,
            0,
            self.env._(
                "%(company)s: club liabilities %(start)s - %(end)s",
                company=report.company_id.name,
                start=report.date_from,
                end=report.date_to,
            ),
            bold,
        )
        labels = self.env["loyalty.club.rollforward.line"]._bucket_labels()
        buckets = ("opening",) + MOVEMENTS + ("closing",)
        header = [self.env._("Program"), self.env._("Wallet kind"), self.env._("Unit")]
        header += [labels[b] for b in buckets]
        header += [self.env._("%(bucket)s (money)", bucket=labels[b]) for b in buckets]
        sheet.write_row(2, 0, header, bold)
        for row, line in enumerate(report.rollforward_ids, start=3):
            sheet.write_row(
                row,
                0,
                [line.program_id.name, self._kind_name(line), line.unit_name or ""],
            )
            for col, bucket in enumerate(buckets, start=3):
                sheet.write_number(row, col, line[bucket], amount)
                sheet.write_number(
                    row, col + len(buckets), line[f"{bucket}_money"], amount
                )
        sheet.set_column(0, 2, 20)
        sheet.set_column(3, 3 + 2 * len(buckets), 14)
