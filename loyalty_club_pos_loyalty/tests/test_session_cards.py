from odoo import Command
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

# coupons of another till's program: enough for PostgreSQL to weigh a scan of
# the table against the index, as it does at a million
OTHER_CARDS = 20000


@tagged("post_install", "-at_install")
class TestSessionCards(TransactionCase):
    """Opening a till beside pos_loyalty reads the cards of the till's programs
    through an index, not every coupon of the database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gift = cls.env.ref("loyalty.gift_card_program")
        cls.other = cls.env["loyalty.program"].create(
            {
                "name": "Coupons of another till",
                "program_type": "coupons",
                "pos_ok": True,
                "rule_ids": [Command.create({})],
                "reward_ids": [Command.create({"discount": 10})],
            }
        )
        cls.env.cr.execute(
            """
            INSERT INTO loyalty_card (program_id, company_id, code, points, active)
            SELECT %s, %s, 'other-' || n, 1, TRUE
              FROM generate_series(1, %s) n
            """,
            [cls.other.id, cls.env.company.id, OTHER_CARDS],
        )
        cls.gift_card = cls.env["loyalty.card"].create(
            {"program_id": cls.gift.id, "points": 50}
        )
        cls.env.cr.execute("ANALYZE loyalty_card")

    def _loader_query(self, programs):
        """The SQL of pos_loyalty's card loader for a till with ``programs``."""
        Card = self.env["loyalty.card"]
        data = {"loyalty.program": {"data": [{"id": p.id} for p in programs]}}
        query = Card._search(Card._load_pos_data_domain(data), order="id")
        return query.select(SQL.identifier("loyalty_card", "id"))

    def test_till_reads_its_programs_cards_by_index(self):
        sql = self._loader_query(self.gift)
        self.env.cr.execute(SQL("EXPLAIN %s", sql))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("loyalty_card__program_id_index", plan)
        self.assertNotIn("Seq Scan on loyalty_card", plan)

    def test_till_still_gets_exactly_its_programs_cards(self):
        sql = self._loader_query(self.gift)
        self.env.cr.execute(sql)
        self.assertEqual([row[0] for row in self.env.cr.fetchall()], self.gift_card.ids)
        sql = self._loader_query(self.other)
        self.env.cr.execute(SQL("SELECT count(*) FROM (%s) q", sql))
        self.assertEqual(self.env.cr.fetchone()[0], OTHER_CARDS)
