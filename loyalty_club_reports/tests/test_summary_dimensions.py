"""The summary cut by store, brand or format, product category (with its
subcategories), product attribute and customer group (tier): each figure equals
an independent SQL sum over the orders and checks themselves."""

import io

import openpyxl

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.loyalty_club_pos.tests.common import CARD_CODES, ClubPosFixtureMixin
from odoo.addons.point_of_sale.tests.common import TestPoSCommon


@tagged("post_install", "-at_install")
class TestClubSummaryDimensions(ClubPosFixtureMixin, TestPoSCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls.env.user.groups_id += cls.env.ref("loyalty_club.group_club_user")
        cls._club_setup(cls.config)
        Categ = cls.env["product.category"]
        cls.clothes = Categ.create({"name": "Dim clothes"})
        coats = Categ.create({"name": "Dim coats", "parent_id": cls.clothes.id})
        colour = cls.env["product.attribute"].create(
            {
                "name": "Dim colour",
                "value_ids": [
                    Command.create({"name": "Red"}),
                    Command.create({"name": "Blue"}),
                ],
            }
        )
        cls.red = colour.value_ids.filtered(lambda v: v.name == "Red")
        template = cls.env["product.template"].create(
            {
                "name": "Dim coat",
                "categ_id": coats.id,
                "list_price": 100.0,
                "available_in_pos": True,
                "taxes_id": False,
                "attribute_line_ids": [
                    Command.create(
                        {
                            "attribute_id": colour.id,
                            "value_ids": [Command.set(colour.value_ids.ids)],
                        }
                    )
                ],
            }
        )
        variants = template.product_variant_ids
        cls.red_coat = variants.filtered(
            lambda p: cls.red
            in p.product_template_attribute_value_ids.product_attribute_value_id
        )
        cls.blue_coat = variants - cls.red_coat
        cls.socks = cls.create_product("Dim socks", cls.categ_basic, 20.0)
        cls.other_store = (
            cls.env["loyalty.club.store"]
            .sudo()
            .create(
                {"name": "Dim outlet", "code": "DIMO", "company_id": cls.company.id}
            )
        )
        cls.mass_market = (
            cls.env["loyalty.club.store.group"]
            .sudo()
            .create(
                {
                    "name": "Mass market",
                    "kind": "format",
                    "store_ids": [Command.set(cls.other_store.ids)],
                }
            )
        )
        cls.gold = (
            cls.env["loyalty.club.tier"]
            .sudo()
            .create(
                {
                    # given by hand: nobody reaches it by purchases in this test
                    "name": "Dim gold",
                    "program_id": cls.club_program.id,
                    "threshold": 1000000,
                    "earn_percent": 10,
                }
            )
        )
        cls.anna = cls._club_member("Anna", "+79161234567", card=CARD_CODES[0])
        cls.boris = cls._club_member("Boris", "+79161234568", card=CARD_CODES[1])
        cls.anna.sudo().tier_id = cls.gold

    def _sale(self, lines, wallet=None):
        data = self.create_ui_order_data(
            [{"product": p, "quantity": q} for p, q in lines],
            payments=[(self.cash_pm1, sum(p.lst_price * q for p, q in lines))],
        )
        data["club_wallet_id"] = wallet.id if wallet else False
        result = self.env["pos.order"].sync_from_ui([data])["pos.order"]
        return self.env["pos.order"].browse(result[0]["id"])

    def _checks(self):
        self.open_new_session()
        self.orders = self._sale([(self.red_coat, 1), (self.socks, 2)], self.anna)
        self.orders |= self._sale([(self.blue_coat, 1)])
        self.orders |= self._sale([(self.red_coat, 2)], self.boris)
        self.club_service.confirm(
            {
                "program_id": self.club_program.id,
                "store_id": self.other_store.id,
                "channel": "api",
                "wallet_id": self.boris.id,
                "lines": [{"key": 1, "amount": 300.0}],
            },
            "dim-api-1",
        )
        self.club_service.gift_card_issue(
            {
                "program_id": self.club_program.id,
                "amount": 50,
                "store_id": self.other_store.id,
            },
            "dim-gift-1",
        )

    def _summary(self, **filters):
        today = fields.Date.context_today(self.env["loyalty.club.summary"])
        summary = (
            self.env["loyalty.club.summary"]
            .with_context(allowed_company_ids=[self.company.id])
            .create({"date_from": today, "date_to": today, **filters})
        )
        return summary._figures(today, today, [self.company.id], summary._filters())

    def _sql(self, query, *args):
        self.env.flush_all()
        self.env.cr.execute(query, args)
        return self.env.cr.fetchone()

    def _pos_lines(self, condition, *args):
        """(amount, checks, items) of this test's POS lines matching ``condition``."""
        return self._sql(
            f"""
            SELECT COALESCE(sum(l.price_subtotal_incl), 0),
                   count(DISTINCT l.order_id), COALESCE(sum(l.qty), 0)
              FROM pos_order_line l
              JOIN pos_order o ON o.id = l.order_id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE o.id IN %s AND {condition}
            """,
            tuple(self.orders.ids),
            *args,
        )

    def assertFigures(self, figures, amount, checks, items):
        self.assertAlmostEqual(figures["purchase_amount"], float(amount), places=6)
        self.assertEqual(figures["purchases"], checks)
        self.assertAlmostEqual(
            figures["items_per_check"], float(items) / checks, places=6
        )

    def test_by_store_and_format(self):
        self._checks()
        amount, checks = self._sql(
            "SELECT sum(amount_minor) / 100.0, count(*) FROM loyalty_club_transaction "
            "WHERE store_id = %s AND kind = 'sale'",
            self.other_store.id,
        )
        for figures in (
            self._summary(store_ids=[Command.set(self.other_store.ids)]),
            self._summary(store_group_ids=[Command.set(self.mass_market.ids)]),
        ):
            self.assertAlmostEqual(figures["purchase_amount"], float(amount))
            self.assertEqual(figures["purchases"], checks)
            self.assertEqual(figures["gift_cards_sold"], 1)
            self.assertAlmostEqual(figures["earned"], 30.0, msg="10 % of Boris's 300")
        home = self._summary(store_ids=[Command.set(self.club_store.ids)])
        self.assertFigures(home, *self._pos_lines("TRUE"))
        self.assertEqual(home["gift_cards_sold"], 0)

    def test_by_category_with_subcategories(self):
        self._checks()
        child_of = tuple(
            self.env["product.category"]
            .search([("id", "child_of", self.clothes.id)])
            .ids
        )
        figures = self._summary(categ_ids=[Command.set(self.clothes.ids)])
        self.assertFigures(figures, *self._pos_lines("pt.categ_id IN %s", child_of))
        # the coats' share of the members' earn: Anna's red coat, Boris's two
        self.assertAlmostEqual(figures["earned"], 10.0 + 20.0, places=6)
        self.assertEqual(figures["expired"], 0.0)

    def test_by_product_attribute(self):
        self._checks()
        red = self._pos_lines(
            """pp.id IN (SELECT pvc.product_product_id
                           FROM product_variant_combination pvc
                           JOIN product_template_attribute_value ptav
                             ON ptav.id = pvc.product_template_attribute_value_id
                          WHERE ptav.product_attribute_value_id = %s)""",
            self.red.id,
        )
        figures = self._summary(attribute_value_ids=[Command.set(self.red.ids)])
        self.assertFigures(figures, *red)
        self.assertEqual(red[:2], (300.0, 2), "the red coats: one, then two")

    def test_by_customer_group(self):
        self._checks()
        anna_pos = self._pos_lines("o.club_wallet_id = %s", self.anna.id)
        figures = self._summary(tier_ids=[Command.set(self.gold.ids)])
        self.assertFigures(figures, *anna_pos)
        self.assertEqual(figures["active_members"], 1)
        self.assertEqual(figures["members_total"], 1)
        self.assertAlmostEqual(figures["member_sales_share"], 1.0)
        everyone = self._summary()
        self.assertEqual(everyone["members_joined"], 2)
        self.assertAlmostEqual(
            everyone["member_items_per_check"], (3 + 2 + 1) / 3, places=6
        )
        self.assertAlmostEqual(everyone["non_member_items_per_check"], 1.0)

    def test_rows_by_store_on_screen_and_in_xlsx(self):
        self._checks()
        today = fields.Date.context_today(self.env["loyalty.club.summary"])
        summary = (
            self.env["loyalty.club.summary"]
            .with_context(allowed_company_ids=[self.company.id])
            .create(
                {
                    "date_from": today,
                    "date_to": today,
                    "breakdown": "store",
                    "store_ids": [
                        Command.set((self.club_store | self.other_store).ids)
                    ],
                }
            )
        )
        summary.action_compute()
        rows = summary.line_ids.filtered(lambda line: line.section == "breakdown")
        by_name = {line.name: line.value for line in rows}
        self.assertEqual(by_name["Dim outlet: Number of purchases"], 1)
        self.assertEqual(by_name["Dim outlet: Purchase amount"], 300.0)
        amount, checks, _items = self._pos_lines("TRUE")
        self.assertEqual(by_name["POS test store: Purchase amount"], float(amount))
        self.assertEqual(by_name["POS test store: Number of purchases"], checks)
        book = openpyxl.load_workbook(io.BytesIO(summary._xlsx_bytes()))
        cells = [row[0] for row in book.active.iter_rows(values_only=True)]
        self.assertIn("By dimension", cells)
        self.assertIn("Dim outlet: Purchase amount", cells)

    def test_breakdown_as_a_graph(self):
        self._checks()
        today = fields.Date.context_today(self.env["loyalty.club.summary"])
        summary = (
            self.env["loyalty.club.summary"]
            .with_context(allowed_company_ids=[self.company.id])
            .create({"date_from": today, "date_to": today, "breakdown": "tier"})
        )
        action = summary.action_graph()
        self.assertEqual(action["view_mode"], "graph,list")
        graph = {
            row: value
            for row, value in self.env["loyalty.club.summary.line"]._read_group(
                action["domain"], ["row_label"], ["value:sum"]
            )
        }
        anna_amount = self._pos_lines("o.club_wallet_id = %s", self.anna.id)[0]
        self.assertEqual(graph, {"Dim gold": float(anna_amount)})
