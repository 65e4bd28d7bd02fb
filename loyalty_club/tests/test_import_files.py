"""One move-in in several files of the same old system (data/): a second
members file and a card file whose phones and cards repeat the first file's are
reported in the dry run, row by row, before anything is imported; the product
attributes file completes the products the history sold."""

import base64

from odoo.tests import tagged

from .test_import import ImportCase

# row -> reason code (None: imported) of the second members file, dry-run
# after the first one of the same source
SECOND_ROWS = {2: None, 3: "duplicate_phone_file", 4: "duplicate_card_file", 5: None}
CARD_ROWS = {
    2: None,
    3: "duplicate_card_file",
    4: "unknown_member",
    5: None,
    6: None,
    7: "duplicate_card",
    8: None,
}
PRODUCT_ROWS = {
    2: None,
    3: None,
    4: None,
    5: "unknown_product",
    6: "duplicate_product",
    7: "missing_product",
}


@tagged("post_install", "-at_install")
class TestImportSession(ImportCase):
    def session(self):
        first = self.import_job()
        second = self.import_job("old_system_members_2.csv")
        cards = self.import_job("old_system_cards.csv", kind="cards")
        return first, second, cards

    def cards_of(self, phone):
        return sorted((c.code, c.state) for c in self.partner(phone).club_card_ids)

    def test_duplicates_across_the_files_of_one_import(self):
        first, second, cards = self.session()
        self.assertEqual(first.rows_ok, 7, "the first file keeps its rows")
        self.assertEqual(self.reasons(second), SECOND_ROWS)
        self.assertEqual(self.reasons(cards), CARD_ROWS)
        row = second.row_ids.filtered(lambda r: r.number == 3)
        self.assertEqual((row.column, row.value), ("Телефон", "+79161234567"))
        self.assertIn(
            "The phone +79161234567 is on row 2 of old_system_members.csv", row.reason
        )
        row = cards.row_ids.filtered(lambda r: r.number == 3)
        self.assertEqual((row.column, row.value), ("Номер карты", "2991000000023"))
        self.assertIn(
            "held by another phone on row 3 of old_system_members.csv", row.reason
        )
        self.assertEqual(
            (second.rows_ok, second.rows_rejected, second.balance_total), (2, 2, 190)
        )
        self.assertIn("Phone already in another file of the import: 1", second.report)
        self.assertIn("Card held by another phone in another file: 1", second.report)
        self.assertIn("4 rows: 2 to import, 2 rejected", second.report)
        self.assertIn("Card held by another phone in another file: 1", cards.report)
        self.assertIn("7 rows: 4 to import, 3 rejected", cards.report)
        # the error file of the card file has the three rows and their reasons
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("club_phone", "in", ["+380677002201", "+79165550001"])]
            ),
            0,
            "a dry run writes nothing",
        )

    def test_another_source_is_another_import(self):
        self.import_job()
        second = self.import_job("old_system_members_2.csv", source="Shop 2")
        self.assertEqual(set(self.reasons(second).values()), {None})

    def test_the_files_imported_one_after_the_other(self):
        first, second, cards = self.session()
        for job in (first, second, cards):
            job.action_import()
            self.assertEqual(job.state, "done")
        self.assertEqual(cards.rows_done, 4)
        self.assertEqual(
            self.cards_of("+79161234567"),
            [("2991000000016", "active"), ("2991000000184", "active")],
        )
        self.assertEqual(
            self.cards_of("+380507001133"),
            [("2991000000030", "active"), ("2991000000207", "replaced")],
        )
        self.assertEqual(self.cards_of("+380507001144"), [("2991000000047", "blocked")])
        self.assertEqual(self.cards_of("+79165550001"), [("2991000000214", "lost")])
        self.assertEqual(self.cards_of("+380677002201"), [("2991000000221", "active")])
        # Maria of the second file was not imported twice, nor her balance
        self.assertEqual(len(self.partner("+79161234567")), 1)
        wallet = self.env["loyalty.club.wallet"].search(
            [
                ("partner_id", "=", self.partner("+79161234567").id),
                ("program_id", "=", self.program.id),
            ]
        )
        self.assertEqual(wallet.available_minor, 125050)
        # the card file again: the cards are the club's now, a card of another
        # member is refused as taken, the others change nothing
        again = self.import_job("old_system_cards.csv", kind="cards")
        self.assertEqual(self.reasons(again), {**CARD_ROWS, 3: "card_taken"})
        again.action_import()
        self.assertEqual(self.cards_of("+79165550001"), [("2991000000214", "lost")])


@tagged("post_install", "-at_install")
class TestImportProducts(ImportCase):
    def values(self, code):
        """{target: value} of a product's attributes for analytics."""
        job = self.env["loyalty.club.import.job"]
        target = {a: t for t, a in job._product_attributes().items() if a}
        return {
            target[v.attribute_id]: v.name
            for v in self.products[code].club_attribute_value_ids
        }

    def test_product_attributes_from_the_file(self):
        ids = {code: p.id for code, p in self.products.items()}
        job = self.import_job("old_system_products.csv", kind="products")
        self.assertEqual(self.reasons(job), PRODUCT_ROWS)
        row = job.row_ids.filtered(lambda r: r.number == 6)
        self.assertIn("The product SHOE-01 is already on row 2", row.reason)
        job.action_import()
        self.assertEqual(job.state, "done")
        self.assertEqual(
            self.values("SHOE-01"),
            {
                "brand": "Ecco",
                "collection": "Осень 2026",
                "colour": "Чёрный",
                "size": "38",
            },
        )
        self.assertEqual(
            self.values("SOCK-03"),
            {"brand": "Ecco", "collection": "Базовая", "colour": "Белый", "size": "M"},
        )
        self.assertEqual(
            self.values("BAG-02"),
            {"brand": "Fiorelli", "collection": "Осень 2026", "colour": "Коричневый"},
        )
        # the variants keep their ids: the history's lines stay theirs
        self.assertEqual({c: p.id for c, p in self.products.items()}, ids)
        self.assertTrue(all(p.active for p in self.products.values()))
        ecco = self.env["product.attribute.value"].search([("name", "=", "Ecco")])
        self.assertEqual(len(ecco), 1, "one value for the brand of two products")
        # again: each row is left, the products do not change
        again = self.import_job("old_system_products.csv", kind="products")
        # (SHOE-01 is black now: its second row is refused for its colour first)
        self.assertEqual(self.reasons(again), {**PRODUCT_ROWS, 6: "attribute_conflict"})
        self.assertEqual((again.rows_ok, again.rows_left), (0, 3))
        # a value the product has already is not changed by a file
        text = "Артикул;Цвет\r\nSHOE-01;Красный\r\nBAG-02;коричневый\r\n".encode(
            "cp1251"
        )
        third = self.import_job(
            "old_system_products.csv", kind="products", file=base64.b64encode(text)
        )
        self.assertEqual(self.reasons(third), {2: "attribute_conflict", 3: None})
        self.assertEqual(third.rows_left, 1)
        self.assertEqual(self.values("SHOE-01")["colour"], "Чёрный")
