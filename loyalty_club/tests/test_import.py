"""Moving in from an old discount system with the sample exports of data/: the
dry run's report, the error file, the import, a re-import and a resume."""

import base64
import csv
import io
import os
import uuid
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

DATA = Path(__file__).resolve().parents[2] / "data"
IMPORT_DAY = date(2026, 12, 1)
# row number -> reason code of the sample members file (None: imported)
MEMBER_ROWS = {
    2: None,
    3: None,
    4: None,
    5: None,
    6: None,
    7: None,
    8: "bad_phone",
    9: "bad_date",
    10: "negative_balance",
    11: "duplicate_card",
    12: "duplicate_phone",
    13: "unknown_discount",
    14: "bad_check_digit",
    15: "bad_email",
    16: "expired",
    17: "unknown_store",
    18: None,
    19: "bad_shape",
}
# phone -> (balance in minor units, accrued on, expires on, tier, card, card state)
MEMBERS = {
    "+79161234567": (
        125050,
        "2026-06-01",
        "2027-12-31",
        "Gold",
        "2991000000016",
        "active",
    ),
    "+79037001122": (
        30000,
        "2026-03-01",
        "2027-06-30",
        "Silver",
        "2991000000023",
        "active",
    ),
    "+380507001133": (87500, None, None, "Platinum", "2991000000030", "active"),
    "+380507001144": (0, None, None, "Silver", "2991000000047", "blocked"),
    "+79121234567": (12575, "2026-11-01", "2027-11-01", "Gold", None, None),
    "+380931234567": (
        95000,
        "2026-10-15",
        "2028-10-15",
        "Silver",
        "2991000000061",
        "active",
    ),
    "+79161110011": (
        120000,
        "2026-11-20",
        "2027-11-20",
        "Platinum",
        "2991000000177",
        "active",
    ),
}


class ImportMixin:
    """A club with three tiers, two stores, a shoe-size question, the products of
    the sample history and the old system's template (discount 3/5/10 %)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env["loyalty.club.program"].create(
            {
                "name": "Import club",
                "sequence": 0,
                "earn_percent": 5,
                "pending_days": 0,
                "expiry_days": 365,
                "welcome_bonus": 0,
            }
        )
        Tier = cls.env["loyalty.club.tier"]
        cls.tiers = {
            name: Tier.create(
                {"program_id": cls.program.id, "name": name, "threshold": threshold}
            )
            for name, threshold in (("Silver", 0), ("Gold", 2000), ("Platinum", 100000))
        }
        company = cls.program.company_id
        Store = cls.env["loyalty.club.store"]
        for code in ("S01", "S02"):
            if not Store.search([("code", "=", code), ("company_id", "=", company.id)]):
                Store.create({"name": f"Store {code}", "code": code})
        Attribute = cls.env["loyalty.club.attribute"]
        cls.shoe = Attribute.search([("code", "=", "shoe_size")], limit=1)
        if not cls.shoe:
            cls.shoe = Attribute.create(
                {"name": "Shoe size", "code": "shoe_size", "value_type": "number"}
            )
        Product = cls.env["product.product"]
        cls.products = {}
        for code, barcode in (
            ("SHOE-01", False),
            ("BAG-02", False),
            ("SOCK-03", "4600000000017"),
        ):
            product = Product.search([("default_code", "=", code)], limit=1)
            if not product:
                product = Product.create({"name": code, "default_code": code})
            if barcode:
                product.barcode = barcode
            cls.products[code] = product
        cls.template = cls.env["loyalty.club.import.template"].create(
            {
                "name": "Old 1C",
                "source": "Old 1C",
                "kind": "members",
                "program_id": cls.program.id,
                "mapping": {"Размер обуви": "attribute:shoe_size"},
                "tier_map_ids": [
                    (0, 0, {"discount": discount, "tier_id": cls.tiers[name].id})
                    for discount, name in ((3, "Silver"), (5, "Gold"), (10, "Platinum"))
                ],
            }
        )

    def import_job(self, name="old_system_members.csv", kind="members", **extra):
        vals = {
            "name": name,
            "kind": kind,
            "program_id": self.program.id,
            "template_id": self.template.id if kind == "members" else False,
            "source": "Old 1C",
            "file": base64.b64encode((DATA / name).read_bytes()),
            "filename": name,
            "import_date": IMPORT_DAY,
            "batch_size": 3,
        }
        vals.update(extra)
        job = self.env["loyalty.club.import.job"].create(vals)
        job.action_read_columns()
        job.action_dry_run()
        return job

    def reasons(self, job):
        return {row.number: row.reason_code or None for row in job.row_ids}

    def partner(self, phone):
        return self.env["res.partner"].search([("club_phone", "=", phone)])

    def snapshot(self):
        """The club as the members see it, without ids: member, tier, balances,
        lots, cards, consents, answers."""
        self.env.invalidate_all()
        state = {}
        for phone in MEMBERS:
            partner = self.partner(phone)
            if not partner:
                continue
            wallet = self.env["loyalty.club.wallet"].search(
                [("partner_id", "=", partner.id), ("program_id", "=", self.program.id)]
            )
            state[phone] = (
                len(partner),
                partner.name,
                partner.email,
                partner.club_birthday,
                partner.club_join_date,
                wallet.tier_id.name,
                wallet.available_minor,
                sorted(
                    (
                        lot.initial_minor,
                        lot.remaining_minor,
                        lot.available_from,
                        lot.expires_on,
                    )
                    for lot in wallet.lot_ids
                ),
                len(wallet.ledger_ids),
                sorted((c.code, c.state) for c in partner.club_card_ids),
                sorted(
                    (c.channel, c.granted, c.date, c.source)
                    for c in partner.club_consent_ids
                ),
                sorted(
                    (v.attribute_id.code, v.value_number, v.value_text)
                    for v in partner.club_attribute_value_ids
                ),
                len(wallet.tier_history_ids),
            )
        return state


class ImportCase(ImportMixin, TransactionCase):
    pass


@tagged("post_install", "-at_install")
class TestImportMembers(ImportCase):
    def test_dry_run_reports_each_row_and_writes_nothing(self):
        ledger_before = self.env["loyalty.club.ledger"].search_count([])
        job = self.import_job()
        self.assertEqual(job.state, "checked")
        self.assertEqual(job.encoding, "cp1251")
        self.assertEqual(job.delimiter, ";")
        self.assertEqual(self.reasons(job), MEMBER_ROWS)
        self.assertEqual(
            (job.rows_total, job.rows_ok, job.rows_rejected, job.to_create),
            (18, 7, 11, 7),
        )
        self.assertAlmostEqual(job.balance_total, 4701.25)
        self.assertEqual(job.batches_total, 3)
        row = job.row_ids.filtered(lambda r: r.number == 8)
        self.assertEqual((row.column, row.value), ("Телефон", "12345"))
        dup = job.row_ids.filtered(lambda r: r.number == 11)
        self.assertIn("row 2", dup.reason)
        # nothing of the club was written
        for phone in MEMBERS:
            self.assertFalse(self.partner(phone), phone)
        self.assertEqual(
            self.env["loyalty.club.ledger"].search_count([]), ledger_before
        )

    def test_error_file_is_the_input_with_the_reasons(self):
        job = self.import_job()
        action = job.action_download_errors()
        self.assertIn("/error_file/", action["url"])
        text = base64.b64decode(job.error_file).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        header = rows[0]
        self.assertEqual(header[0], "Код")
        self.assertEqual(header[-1], "Reason")
        self.assertEqual(len(rows) - 1, 11)
        by_id = {r[0]: r for r in rows[1:]}
        self.assertEqual(by_id["1007"][2], "12345")
        self.assertIn("12345", by_id["1007"][-1])
        self.assertIn("31.02.1990", by_id["1008"][-1])
        self.assertIn("1018", by_id)  # the cut line, as far as it goes

    def test_import_carries_members_cards_balances_and_tiers(self):
        job = self.import_job()
        job.action_import()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.rows_done, 7)
        Wallet = self.env["loyalty.club.wallet"]
        for phone, (minor, accrued, expires, tier, card, card_state) in MEMBERS.items():
            partner = self.partner(phone)
            self.assertEqual(len(partner), 1, phone)
            self.assertEqual(partner.club_status, "active")
            wallet = Wallet.search(
                [("partner_id", "=", partner.id), ("program_id", "=", self.program.id)]
            )
            self.assertEqual(wallet.tier_id.name, tier, phone)
            self.assertEqual(wallet.available_minor, minor, phone)
            self.assertEqual(sum(wallet.lot_ids.mapped("remaining_minor")), minor)
            if minor:
                lot = wallet.lot_ids
                self.assertEqual(lot.ledger_id.kind, "opening")
                self.assertEqual(lot.ledger_id.channel, "import")
                self.assertEqual(lot.ledger_id.lot_id, lot)
                if accrued:
                    self.assertEqual(str(lot.available_from), accrued)
                    self.assertEqual(str(lot.expires_on), expires)
                else:
                    self.assertEqual(lot.available_from, IMPORT_DAY)
                    self.assertEqual(lot.expires_on, date(2027, 12, 1))
            self.assertEqual(
                [(c.code, c.state) for c in partner.club_card_ids],
                [(card, card_state)] if card else [],
            )
            self.assertEqual(wallet._ledger_mismatches(IMPORT_DAY), [])
        maria = self.partner("+79161234567")
        self.assertEqual(maria.name, "Иванова Мария Петровна")
        self.assertEqual(maria.club_birthday, date(1985, 3, 12))
        self.assertEqual(maria.club_join_date, date(2019, 1, 15))
        self.assertEqual(maria.ref, "1001")
        sms = maria.club_consent_ids.filtered(lambda c: c.channel == "sms")
        self.assertEqual(
            (sms.granted, sms.date.date(), sms.source),
            (True, date(2019, 1, 15), "import"),
        )
        self.assertTrue(maria.club_consent_sms)
        self.assertEqual(
            maria.club_attribute_value_ids.filtered(
                lambda v: v.attribute_id == self.shoe
            ).display_value,
            "38",
        )
        # the cards the old system's rows refused were not created
        self.assertFalse(
            self.env["loyalty.club.card"].search([("code", "=", "2991000000078")])
        )

    def test_reimport_changes_nothing(self):
        self.import_job().action_import()
        first = self.snapshot()
        ledger = self.env["loyalty.club.ledger"].search_count([])
        again = self.import_job()
        self.assertEqual((again.to_create, again.to_update), (0, 7))
        self.assertEqual(again.balances_left, 6)
        self.assertEqual(again.balance_total, 0)
        again.action_import()
        self.assertEqual(again.state, "done")
        self.assertEqual(self.snapshot(), first)
        self.assertEqual(self.env["loyalty.club.ledger"].search_count([]), ledger)

    def test_a_changed_balance_is_reported_and_never_carried_twice(self):
        self.import_job().action_import()
        text = (DATA / "old_system_members.csv").read_bytes().decode("cp1251")
        changed = text.replace(";1 250,50;", ";1 300,00;").encode("cp1251")
        job = self.import_job(file=base64.b64encode(changed))
        self.assertEqual((job.balances_left, job.balances_differ), (6, 1))
        self.assertIn("differ from the file", job.report)
        job.action_import()
        wallet = self.env["loyalty.club.wallet"].search(
            [
                ("partner_id", "=", self.partner("+79161234567").id),
                ("program_id", "=", self.program.id),
            ]
        )
        self.assertEqual(wallet.available_minor, 125050, "left as carried")
        self.assertEqual(len(wallet.ledger_ids), 1)

    def test_resumed_after_an_interruption_equals_one_run(self):
        savepoint = self.env.cr.savepoint()
        self.import_job().action_import()
        one_run = self.snapshot()
        savepoint.close(rollback=True)
        self.env.invalidate_all()
        self.assertFalse(self.partner("+79161234567"))

        job = self.import_job()
        job.write({"state": "running"})
        job._run(max_batches=1)  # the process stops after the first batch
        self.assertEqual((job.state, job.last_batch, job.rows_done), ("running", 1, 3))
        self.assertEqual(len(self.snapshot()), 3)
        self.assertEqual(job.progress, 100 * 3 / 7)
        # the background job resumes after the last committed batch
        while self.env["loyalty.club.import.job"]._cron_run():
            pass
        self.assertEqual((job.state, job.last_batch, job.rows_done), ("done", 3, 7))
        self.assertEqual(self.snapshot(), one_run)

    def test_a_failing_batch_leaves_nothing_half_imported(self):
        job = self.import_job()
        # between the dry run and the import the tier of row 4 is deleted
        platinum = self.tiers["Platinum"]
        self.template.tier_map_ids.filtered(lambda m: m.tier_id == platinum).unlink()
        platinum.unlink()
        with mute_logger("odoo.sql_db"):
            job.action_import()
        self.assertEqual(job.state, "failed")
        self.assertIn("Batch 1", job.last_error)
        self.assertEqual(job.last_batch, 0)
        for phone in ("+79161234567", "+79037001122", "+380507001133"):
            self.assertFalse(self.partner(phone), "the batch is all or nothing")
        self.assertFalse(
            self.env["loyalty.club.card"].search([("code", "=", "2991000000016")])
        )

    def test_a_card_held_by_another_member_is_refused(self):
        self.env["loyalty.club.service"].register_member(
            {"name": "Holder", "phone": "+79990000001"}, program_id=self.program.id
        )
        card = self.env["loyalty.club.card"].create(
            {
                "code": "2991000000030",
                "program_id": self.program.id,
                "state": "active",
                "partner_id": self.partner("+79990000001").id,
            }
        )
        job = self.import_job()
        self.assertEqual(self.reasons(job)[4], "card_taken")
        job.action_import()
        self.assertEqual(card.partner_id, self.partner("+79990000001"))
        self.assertFalse(self.partner("+380507001133"))

    def test_a_file_gone_from_the_filestore_is_named(self):
        """A job whose file was removed from the server's file store says so,
        in the manager's words, and asks for the file again."""
        # content of its own: no other attachment shares the removed file
        data = (DATA / "old_system_members.csv").read_bytes() + (
            f"\n;;;{uuid.uuid4()}\n".encode()
        )
        job = self.env["loyalty.club.import.job"].create(
            {
                "name": "members.csv",
                "kind": "members",
                "program_id": self.program.id,
                "template_id": self.template.id,
                "file": base64.b64encode(data),
                "filename": "members.csv",
                "import_date": IMPORT_DAY,
            }
        )
        attachment = job._file_attachment()
        os.remove(attachment._full_path(attachment.store_fname))
        with self.assertRaisesRegex(UserError, "members.csv .*upload it again"):
            job.action_read_columns()

    def test_an_xlsx_export_with_typed_cells(self):
        book = Workbook()
        sheet = book.active
        sheet.append(["Телефон", "ФИО", "Баланс", "Дата начисления", "Скидка %"])
        sheet.append([79161234567, "Иванова Мария", 1250.5, datetime(2026, 6, 1), 5])
        sheet.append(["8 916 000", "Bad phone", 10, datetime(2026, 6, 1), 5])
        buffer = io.BytesIO()
        book.save(buffer)
        job = self.import_job(file=base64.b64encode(buffer.getvalue()))
        self.assertEqual(job.encoding, "xlsx")
        self.assertEqual(self.reasons(job), {2: None, 3: "bad_phone"})
        job.action_import()
        wallet = self.env["loyalty.club.wallet"].search(
            [
                ("partner_id", "=", self.partner("+79161234567").id),
                ("program_id", "=", self.program.id),
            ]
        )
        self.assertEqual(wallet.available_minor, 125050)
        self.assertEqual(wallet.lot_ids.available_from, date(2026, 6, 1))
        self.assertEqual(wallet.tier_id, self.tiers["Gold"])
        self.assertIn(b"8 916 000", base64.b64decode(job.error_file))
