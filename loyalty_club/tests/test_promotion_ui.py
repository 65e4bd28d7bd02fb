from datetime import timedelta

from odoo.tests import Form

from ..edge import club_today
from .test_promotion import PromoCase


class TestPromotionUi(PromoCase):
    def test_status_follows_dates_archive_and_budget(self):
        today = club_today(self.service)
        day = timedelta(days=1)
        running = self.promotion(name="Now", effect="gift_bonus", value=5)
        scheduled = self.promotion(
            name="Later", effect="gift_bonus", value=5, date_from=today + day
        )
        ended = self.promotion(
            name="Gone", effect="gift_bonus", value=5, date_to=today - day
        )
        draft = self.promotion(name="Draft", effect="gift_bonus", value=5)
        draft.active = False
        spent = self.promotion(
            name="Hundred off", effect="discount_fixed", value=100, budget=150
        )
        self.assertEqual(spent.status, "running")
        self.service.confirm(self.basket(ref="S-1"), "status-1")
        self.assertEqual(spent.budget_used, 100.0)
        self.assertEqual(spent.budget_used_percent, 66.7, "100 of 150, shown rounded")
        self.assertEqual(spent.status, "running")
        self.service.confirm(self.basket(ref="S-2"), "status-2")
        spent.invalidate_recordset()  # as the next page load would
        self.assertEqual(spent.budget_used, 150.0)
        self.assertEqual(spent.budget_used_percent, 100.0)
        self.assertEqual(
            [p.status for p in (running, scheduled, ended, draft, spent)],
            ["running", "scheduled", "ended", "draft", "exhausted"],
        )
        Promotion = self.env["loyalty.club.promotion"].with_context(active_test=False)
        mine = running | scheduled | ended | draft | spent
        for status, expected in (
            ("running", running),
            ("scheduled", scheduled),
            ("exhausted", spent),
            ("draft", draft),
        ):
            found = Promotion.search([("status", "=", status), ("id", "in", mine.ids)])
            self.assertEqual(found, expected, status)
        found = Promotion.search(
            [("status", "in", ["ended", "draft"]), ("id", "in", mine.ids)]
        )
        self.assertEqual(found, ended | draft)

    def test_sample_basket_shows_applied_and_near_misses_and_records_nothing(self):
        double = self.promotion(
            name="Double coffee",
            effect="bonus_multiplier",
            value=2,
            categ_ids=[(6, 0, self.categ_coffee.ids)],
        )
        self.promotion(
            name="Big basket", effect="gift_bonus", value=50, min_amount=2000
        )
        self.promotion(
            name="Cake day",
            effect="discount_percent",
            value=10,
            product_ids=[(6, 0, self.cake.ids)],
            store_ids=[(6, 0, self.other_store.ids)],
        )
        counts = {
            model: self.env[model].search_count([])
            for model in (
                "loyalty.club.transaction",
                "loyalty.club.ledger",
                "loyalty.club.promotion.usage",
            )
        }
        wizard_form = Form(self.env["loyalty.club.promotion.try"])
        wizard_form.program_id = self.program
        wizard_form.partner_id = self.wallet.partner_id
        wizard_form.store_id = self.store
        wizard_form.channel = "backoffice"
        for product, qty, price in ((self.coffee, 2, 500), (self.cake, 1, 500)):
            with wizard_form.line_ids.new() as line:
                line.product_id = product
                line.qty = qty
                line.price_unit = price
        wizard = wizard_form.save()
        wizard.action_try()
        # 1 500.00 basket: 10 % = 150 bonuses, doubled on 1 000.00 of coffee: +100
        self.assertEqual(wizard.total_before, 1500.0)
        self.assertEqual(wizard.discount, 0.0)
        self.assertEqual(wizard.to_pay, 1500.0)
        self.assertEqual(wizard.earn, 250.0)
        applied = wizard.result_ids.filtered(lambda r: r.kind == "applied")
        self.assertEqual(applied.promotion_id, double)
        self.assertEqual(applied.bonus, 100.0)
        miss = wizard.result_ids.filtered(lambda r: r.kind == "near_miss")
        self.assertEqual(miss.name, "Big basket")
        self.assertIn("500.00", miss.message)
        self.assertNotIn("Cake day", wizard.result_ids.mapped("name"), "other store")

        wizard.store_id = self.other_store
        wizard.action_try()
        self.assertEqual(wizard.discount, 50.0, "10 % off the 500.00 cake there")
        self.assertEqual(
            sorted(
                wizard.result_ids.filtered(lambda r: r.kind == "applied").mapped("name")
            ),
            ["Cake day", "Double coffee"],
        )
        for model, count in counts.items():
            self.assertEqual(self.env[model].search_count([]), count, model)

    def test_promotion_opens_the_basket_with_its_products(self):
        promo = self.promotion(
            name="Coffee",
            effect="gift_bonus",
            value=5,
            product_ids=[(6, 0, self.coffee.ids)],
        )
        action = promo.action_try_basket()
        wizard = (
            self.env["loyalty.club.promotion.try"]
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(wizard.program_id, self.program)
        self.assertEqual(wizard.line_ids.product_id, self.coffee)
