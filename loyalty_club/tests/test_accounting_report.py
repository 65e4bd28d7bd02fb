import io
from datetime import timedelta

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_accounting_common import D0, TODAY, ClubAccountingCase, cents


@tagged("post_install", "-at_install")
class TestAccountingReport(ClubAccountingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            "club_books",
            groups="base.group_user,loyalty_club.group_club_accountant",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def report(self, date_from=D0, date_to=TODAY):
        return (
            self.env["loyalty.club.liability.report"]
            .with_user(self.accountant)
            .create(
                {
                    "company_id": self.company.id,
                    "date_from": date_from,
                    "date_to": date_to,
                }
            )
        )

    def test_accountant_reads_every_report(self):
        self.simulate_month()
        self.job._post(self.company, TODAY)
        report = self.report()
        action = report.action_reconciliation()
        lines = (
            self.env[action["res_model"]]
            .with_user(self.accountant)
            .search(action["domain"])
        )
        self.assertEqual(set(lines.mapped("difference_amount")), {0.0})
        self.assertEqual(
            sum(
                lines.filtered(lambda ln: ln.wallet_kind == "bonus").mapped(
                    "ledger_amount"
                )
            ),
            self.OUTSTANDING,
        )
        self.assertFalse(
            self.env["loyalty.club.ledger"]
            .with_user(self.accountant)
            .search(lines[0].action_unposted_lines()["domain"])
        )
        other = lines[0].action_other_entries()
        self.assertFalse(
            self.env[other["res_model"]]
            .with_user(self.accountant)
            .search(other["domain"]),
            "no entry on the liability but the club's",
        )
        action = report.action_rollforward()
        rows = (
            self.env[action["res_model"]]
            .with_user(self.accountant)
            .search(action["domain"])
        )
        for row in rows:
            moved = row.earned + row.spent + row.expired + row.adjusted + row.reversed
            self.assertAlmostEqual(row.opening + moved, row.closing, places=2)
        bonus = rows.filtered(lambda r: r.wallet_kind == "bonus")
        gift = rows.filtered(lambda r: r.wallet_kind == "gift_card")
        self.assertEqual((bonus.opening, bonus.closing), (0.0, self.OUTSTANDING))
        self.assertEqual(bonus.spent, -self.SPENT)
        self.assertEqual(bonus.expired, -self.EXPIRED)
        self.assertEqual(bonus.reversed, self.BURN_RETURNED - self.EARN_REVERSED)
        self.assertEqual((gift.earned, gift.spent), (self.GIFT_SOLD, -self.GIFT_USED))
        self.assertEqual((gift.expired, gift.closing_money), (-self.GIFT_EXPIRED, 0))
        # a later period opens where the earlier one closed
        middle = D0 + timedelta(days=10)
        first, second = (
            self.report(date_to=middle),
            self.report(date_from=middle + timedelta(days=1)),
        )
        closing = {
            (r.program_id, r.wallet_kind): (r.closing, r.closing_money)
            for r in first._compute_rollforward()
        }
        for row in second._compute_rollforward():
            self.assertEqual(
                (row.opening, row.opening_money),
                closing[row.program_id, row.wallet_kind],
            )

    def test_xlsx_reads_back(self):
        self.simulate_month()
        self.job._post(self.company, TODAY)
        report = self.report()
        content, kind = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            ._render_xlsx("loyalty_club.action_report_liability_xlsx", report.ids, {})
        )
        self.assertEqual(kind, "xlsx")
        book = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(book.sheetnames, ["Reconciliation", "Roll-forward"])
        sheet = book["Reconciliation"]
        header = [cell.value for cell in sheet[3]]
        total = next(
            row for row in sheet.iter_rows(values_only=True) if row[0] == "Total"
        )
        self.assertEqual(total[header.index("Difference")], 0)
        self.assertEqual(
            cents(total[header.index("Ledger liability")]), cents(self.OUTSTANDING)
        )
        sheet = book["Roll-forward"]
        header = [cell.value for cell in sheet[3]]
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        self.assertEqual(len(rows), 2)
        closing = header.index("Closing")
        opening = header.index("Opening")
        for row in rows:
            moved = sum(row[opening + 1 : closing])
            self.assertAlmostEqual(row[opening] + moved, row[closing], places=2)
        bonus = next(row for row in rows if row[1] == "Member bonus")
        self.assertEqual(bonus[closing], self.OUTSTANDING)

    def test_accountant_cannot_change_the_ledger_or_post(self):
        self.simulate_month()
        line = self.env["loyalty.club.ledger"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        as_accountant = line.with_user(self.accountant)
        self.assertTrue(as_accountant.read(["kind", "posted", "move_id"]))
        with self.assertRaises(UserError):
            as_accountant.write({"reason": "changed"})
        with self.assertRaises(UserError):
            as_accountant.unlink()
        with self.assertRaises(AccessError):
            self.job.with_user(self.accountant)._post(self.company, TODAY)
        with self.assertRaises(AccessError):
            self.env["loyalty.club.posting"].with_user(self.accountant).create(
                {"ledger_id": line.id, "company_id": self.company.id}
            )
        self.job._post(self.company, TODAY)
        postings = self.env["loyalty.club.posting"].with_user(self.accountant)
        self.assertTrue(postings.search([("ledger_id", "=", line.id)]))
        with self.assertRaises(AccessError):
            postings.search([], limit=1).write({"state": "reversed"})
        moves = line.move_id.with_user(self.accountant)
        with self.assertRaises(AccessError):
            moves.action_loyalty_club_reverse()
