"""The purchase history of the old system (data/old_system_checks.csv): checks
with their lines, identified and not, feeding tiers, RFM and the sales analysis;
the carried balances booked to the liability with the accountant's entry."""

import base64
import hashlib

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..edge import club_today
from .test_accounting_common import ClubAccountingCase
from .test_import import DATA, IMPORT_DAY, ImportCase, ImportMixin

CHECK_ROWS = {
    2: None,
    3: None,
    4: None,
    5: None,
    6: None,
    7: None,
    8: "unknown_store",
    9: "check_rejected",
    10: "unknown_product",
    11: "bad_date",
    12: None,
}


@tagged("post_install", "-at_install")
class TestImportHistory(ImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.members = cls.import_job(cls, kind="members")
        cls.members.action_import()

    def checks(self):
        return self.import_job("old_system_checks.csv", kind="checks")

    def imported(self):
        return self.env["loyalty.club.transaction"].search(
            [("channel", "=", "import"), ("program_id", "=", self.program.id)]
        )

    def wallet(self, phone):
        return self.env["loyalty.club.wallet"].search(
            [
                ("partner_id", "=", self.partner(phone).id),
                ("program_id", "=", self.program.id),
            ]
        )

    def test_a_file_on_the_server_is_read_as_the_uploaded_one(self):
        """``./club import`` hands the job a path: the file is copied into the
        filestore in chunks and read from there as a stream, and gives the
        same dry run and import as the same file uploaded."""
        path = DATA / "old_system_checks.csv"
        job = self.env["loyalty.club.import.job"].create(
            {
                "name": path.name,
                "kind": "checks",
                "program_id": self.program.id,
                "file": base64.b64encode(b"-"),
                "filename": path.name,
                "import_date": IMPORT_DAY,
                "batch_size": 3,
            }
        )
        job._attach_path(path)
        data = path.read_bytes()
        attachment = job._file_attachment()
        self.assertEqual(len(attachment), 1, "the placeholder is gone")
        self.assertEqual(
            (attachment.file_size, attachment.checksum, attachment.raw),
            (len(data), hashlib.sha1(data).hexdigest(), data),
        )
        job.action_read_columns()
        job.action_dry_run()
        self.assertEqual(job.encoding, "cp1251")
        self.assertEqual(self.reasons(job), CHECK_ROWS)
        self.assertEqual((job.rows_ok, job.checks_total), (7, 6))
        errors = base64.b64decode(job.error_file).decode("utf-8-sig").splitlines()
        self.assertEqual(
            len(errors), 1 + sum(1 for code in CHECK_ROWS.values() if code)
        )
        job.action_import()
        self.assertEqual(len(self.imported()), 6)

    def test_dry_run_of_the_history(self):
        job = self.checks()
        self.assertEqual(self.reasons(job), CHECK_ROWS)
        self.assertEqual((job.rows_ok, job.checks_total), (7, 6))
        rejected = job.row_ids.filtered(lambda r: r.number == 9)
        self.assertIn("row 10", rejected.reason)
        self.assertFalse(self.imported())

    def test_checks_with_their_lines_identified_or_not(self):
        job = self.checks()
        job.action_import()
        self.assertEqual(job.state, "done")
        checks = {t.ref: t for t in self.imported()}
        self.assertEqual(
            sorted(checks), ["A-1001", "A-1002", "A-1003", "A-1004", "A-1005", "A-1009"]
        )
        first = checks["A-1001"]
        self.assertEqual(first.wallet_id, self.wallet("+79161234567"))
        self.assertEqual(
            (first.kind, first.amount, first.line_count), ("sale", 3898, 2)
        )
        self.assertEqual(first.store_id.code, "S01")
        self.assertEqual(fields.Datetime.to_string(first.date), "2026-05-15 10:15:00")
        lines = self.env["loyalty.club.check.line"].search(
            [("transaction_id", "=", first.id)]
        )
        self.assertEqual(
            sorted((ln.product_id.default_code, ln.qty, ln.amount) for ln in lines),
            [("SHOE-01", 1, 3500), ("SOCK-03", 2, 398)],
        )
        self.assertEqual(checks["A-1002"].wallet_id, self.wallet("+79037001122"))
        self.assertFalse(checks["A-1003"].wallet_id, "a check without a member")
        self.assertEqual(
            (checks["A-1004"].kind, checks["A-1004"].amount), ("refund", -199)
        )
        # qualification from the imported spend: up, never down
        self.assertEqual(self.wallet("+79037001122").tier_id.name, "Gold")
        self.assertEqual(self.wallet("+380931234567").tier_id.name, "Gold")
        self.assertEqual(self.wallet("+79161234567").tier_id.name, "Gold")
        self.assertEqual(self.wallet("+380507001133").tier_id.name, "Platinum")
        self.assertEqual(
            self.wallet("+79161234567").last_purchase_date,
            fields.Datetime.to_datetime("2026-07-02 12:05:00"),
        )
        # the balances did not move: a history is no earn
        self.assertEqual(self.wallet("+79161234567").available_minor, 125050)

        again = self.checks()
        self.assertEqual((again.rows_ok, again.rows_left), (0, 7))
        again.action_import()
        self.assertEqual(len(self.imported()), 6, "a re-run adds no check")

    def test_a_check_whose_lines_are_apart_is_one_batch(self):
        """The batches are counted as the lines follow each other in the file:
        a check whose lines stand apart is still imported whole, once."""
        text = (
            "Номер чека;Магазин;Дата;Операция;Телефон;Карта;Артикул;Штрихкод;"
            "Кол-во;Сумма\n"
            "B-1;S01;15.05.2026 10:15;продажа;;2991000000016;SHOE-01;;1;3 500,00\n"
            "B-2;S02;20.06.2026 18:40;продажа;8 903 700-11-22;;BAG-02;;1;2 100,00\n"
            "B-1;S01;15.05.2026 10:15;продажа;;2991000000016;;4600000000017;2;398,00\n"
        )
        job = self.import_job(
            "old_system_checks.csv",
            kind="checks",
            file=base64.b64encode(text.encode()),
            filename="apart.csv",
            batch_size=1,
        )
        self.assertEqual((job.rows_ok, job.checks_total, job.batches_total), (3, 2, 2))
        batches = {r.number: r.batch for r in job.row_ids}
        self.assertEqual(batches[2], batches[4], "a check's lines in one batch")
        self.assertNotEqual(batches[2], batches[3])
        job.action_import()
        self.assertEqual((job.state, job.rows_done), ("done", 3))
        checks = {t.ref: t for t in self.imported()}
        self.assertEqual(sorted(checks), ["B-1", "B-2"])
        self.assertEqual((checks["B-1"].amount, checks["B-1"].line_count), (3898, 2))

    def test_history_shows_in_rfm_and_sales_analysis(self):
        if "loyalty.club.rfm.run" not in self.env:
            self.skipTest("loyalty_club_reports is not installed")
        self.checks().action_import()
        run = self.env["loyalty.club.rfm.run"].create(
            {"date": fields.Datetime.to_datetime(IMPORT_DAY), "window_days": 365}
        )
        run.action_compute()
        rfm = self.env["loyalty.club.rfm"].search(
            [("run_id", "=", run.id), ("program_id", "=", self.program.id)]
        )
        by_wallet = {r.wallet_id: r for r in rfm}
        maria = by_wallet[self.wallet("+79161234567")]
        self.assertEqual((maria.frequency, maria.monetary), (1, 3699))
        self.assertEqual(len(rfm), 4, "the four members with an imported sale")
        report = self.env["loyalty.club.sales.report"]
        rows = report.search(
            [("channel", "=", "import"), ("program_id", "=", self.program.id)]
        )
        # a row per imported line, with its product: the checks are still six
        self.assertEqual(len(rows), 7)
        self.assertEqual(len(set(rows.mapped("check_id"))), 6)
        self.assertEqual(
            round(sum(rows.mapped("amount")), 2), 3898 + 2100 + 297 - 199 + 3400 + 2050
        )
        self.assertEqual(len(set(rows.filtered("is_member").mapped("check_id"))), 5)
        shoes = rows.filtered(lambda r: r.product_id.default_code == "SHOE-01")
        self.assertEqual(sorted(shoes.mapped("amount")), [3400, 3500])
        self.assertTrue(all(rows.mapped("categ_id")))
        self.assertEqual(sum(rows.mapped("qty")), 1 + 2 + 1 + 3 - 1 + 1 + 1)
        # the check's bonuses spread over its lines, none lost
        for txn in self.imported():
            mine = rows.filtered(lambda r, t=txn: r.transaction_id == t)
            self.assertAlmostEqual(sum(mine.mapped("earned")), txn.earned, places=2)

    def test_sales_analysis_groups_the_history_by_product_attributes(self):
        if "loyalty.club.sales.report" not in self.env:
            self.skipTest("loyalty_club_reports is not installed")
        products = self.import_job("old_system_products.csv", kind="products")
        products.action_import()
        self.checks().action_import()
        report = self.env["loyalty.club.sales.report"]
        groups = report._read_group(
            [("channel", "=", "import"), ("program_id", "=", self.program.id)],
            ["attribute_value_ids"],
            ["amount:sum"],
        )
        by_value = {value.name: amount for value, amount in groups if value}
        # shoes 3500 + 3400, socks 398 + 297 - 199 (a return), bags 2100 + 2050
        expected = {
            "Чёрный": 6900,
            "38": 6900,
            "Белый": 496,
            "M": 496,
            "Коричневый": 4150,
            "Ecco": 6900 + 496,
            "Fiorelli": 4150,
            "Осень 2026": 6900 + 4150,
            "Базовая": 496,
        }
        self.assertEqual(set(by_value), set(expected))
        for name, amount in expected.items():
            self.assertAlmostEqual(by_value[name], amount, places=2, msg=name)


@tagged("post_install", "-at_install")
class TestImportOpeningEntry(ImportMixin, ClubAccountingCase):
    def test_opening_entry_reconciles_to_zero(self):
        today = club_today(self.program)
        job = self.import_job(import_date=today)
        job.action_import()
        self.assertEqual(job.state, "done")
        # the club's own business of the day: a member's birthday bonus
        maria = self.env["loyalty.club.wallet"].search(
            [
                ("partner_id.club_phone", "=", "+79161234567"),
                ("program_id", "=", self.program.id),
            ]
        )
        earn = maria._gift_once("import-opening-day-gift", 5000, "Birthday")
        self.assertEqual(earn.amount_minor, 5000)
        action = job.action_post_opening()
        moves = self.env["account.move"].browse(action["domain"][0][2])
        self.assertTrue(moves)
        self.assertTrue(all(m.state == "posted" for m in moves))
        # the carried balances only: the day's earn waits for the nightly posting
        self.assertEqual(self.balance("bonus_liability"), 470125)
        self.assertEqual(self.balance("clearing"), -470125)
        self.assertFalse(earn.posted)
        openings = self.env["loyalty.club.ledger"].search(
            [("kind", "=", "opening"), ("program_id", "=", self.program.id)]
        )
        self.assertEqual(len(openings), 6)
        self.assertTrue(all(openings.mapped("posted")))
        rows = self.job._reconciliation(self.company, today)
        # 0.00 but for the day's own earn, which the night books
        self.assertEqual({r["difference"] - r["today"] for r in rows}, {0})
        day = sum(r["today"] for r in rows)
        self.assertGreater(day, 0)
        with self.assertRaises(UserError):
            job.action_post_opening()
        # the nightly posting books the day as ever: everything reconciles
        self.job._post(self.company, today)
        rows = self.job._reconciliation(self.company, today)
        self.assertEqual({r["difference"] for r in rows}, {0})
        self.assertEqual(self.balance("bonus_liability"), 470125 + day)
