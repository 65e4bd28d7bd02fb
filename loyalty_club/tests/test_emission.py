import base64
import csv
import io
import re

from odoo.exceptions import UserError

from ..domain import cards as core_cards
from .common import ClubCase


class TestEmission(ClubCase):
    def test_emit_100k_cards_with_csv_and_pdf(self):
        batch = self.env["loyalty.club.emission"].create(
            {
                "name": "Print run",
                "program_id": self.program.id,
                "prefix": "2991",
                "start": 1,
                "quantity": 100000,
            }
        )
        batch.action_emit()
        self.env.cr.execute(
            "SELECT count(*), count(DISTINCT code), bool_and(state = 'stock') "
            "FROM loyalty_club_card WHERE emission_id = %s",
            [batch.id],
        )
        self.assertEqual(self.env.cr.fetchone(), (100000, 100000, True))
        rows = list(csv.reader(io.StringIO(base64.b64decode(batch.csv_file).decode())))
        self.assertEqual(rows[0], ["number", "barcode", "program"])
        codes = [row[0] for row in rows[1:]]
        self.assertEqual(len(codes), 100000)
        self.assertTrue(all(core_cards.is_valid_ean13(code) for code in codes))
        self.assertTrue(all(code.startswith("2991") for code in codes))
        batch.action_print_sheet()
        pdf = base64.b64decode(batch.pdf_file)
        self.assertTrue(pdf.startswith(b"%PDF"))
        pages = len(re.findall(rb"/Type /Page[^s]", pdf))
        self.assertEqual(pages, 4167, "24 labels a page")
        again = self.env["loyalty.club.emission"].create(
            {
                "name": "Overlap",
                "program_id": self.program.id,
                "prefix": "2991",
                "start": 99999,
                "quantity": 10,
            }
        )
        with self.assertRaisesRegex(UserError, "already exist"):
            again.action_emit()
