"""The demo chain: a Ukrainian fashion-and-shoes retailer that has run the club
for months, generated from a seed and dated back from today (about a minute
and a half on two cores).

Everything goes through the club's own paths where a sale would: members join
through the service (wallet, card, consents, questionnaire), every order a
member made is a real POS order whose club check is booked by the till's own
sync step (``pos.order._club_apply``: earn, spend, lots, tiers), on the day it
happened. Only the plain rows of the orders themselves (orders, lines,
payments, closed sessions) are written set-based, as an import would; then the
expiry and tier jobs run for the past and the club's daily postings are booked
up to yesterday, so the reconciliation of the past is 0.00.
"""

import base64
import io
import logging
import random
import time as monotonic
from datetime import timedelta

from PIL import Image, ImageDraw, ImageFont

from odoo import Command, api, fields, models
from odoo.tools.misc import file_path

from odoo.addons.loyalty_club import edge

from . import demo_chain_data as data

_logger = logging.getLogger(__name__)

MEMBERS = 520
DAYS = 183
SEED = 2026


class LoyaltyClubDemoChain(models.AbstractModel):
    _name = "loyalty.club.demo.chain"
    _description = "Loyalty Club Demo Chain"

    # ============================================================== the whole
    @api.model
    def _generate(self, members=MEMBERS, days=DAYS, seed=SEED):
        started = monotonic.monotonic()
        company = self._chain_company()
        chain = (
            self.sudo()
            .with_company(company)
            .with_context(
                allowed_company_ids=company.ids,
                tracking_disable=True,
                mail_create_nolog=True,
                mail_notrack=True,
                mail_notify_noemail=True,
            )
        )
        if chain.env["loyalty.club.program"].search_count(
            [("company_id", "=", company.id)]
        ):
            return False
        rnd = random.Random(seed)
        today = edge.club_today(chain)
        program = chain._chain_program(company)
        stores, configs = chain._chain_stores(company, program)
        cashiers = chain._chain_cashiers(company, configs)
        products = chain._chain_products(company)
        chain._chain_shelves(configs, products)
        chain._chain_past_promotions(program, today, days)
        people = chain._chain_members(program, stores, members, rnd, today, days)
        _logger.info("Demo chain: members at %.1f s", monotonic.monotonic() - started)
        chain._chain_history(
            program, configs, cashiers, products, people, rnd, today, days
        )
        _logger.info("Demo chain: history at %.1f s", monotonic.monotonic() - started)
        chain._chain_promotions(program, today)
        website = chain._chain_website(company, products)
        chain._chain_portal_member(people, website)
        chain._chain_books(company, today)
        _logger.info(
            "Demo chain %s: %s members, generated in %.1f s",
            company.name,
            len(people),
            monotonic.monotonic() - started,
        )
        return True

    # ================================================================ company
    @api.model
    def _chain_company(self):
        """l10n_ua's demo company (the Ukrainian chart loaded), renamed and dressed
        as the chain; made with the chart when that demo is absent."""
        company = self.env.ref("base.demo_company_ua", raise_if_not_found=False)
        uah = self.env.ref("base.UAH")
        uah.sudo().active = True
        if not company:
            company = (
                self.env["res.company"]
                .sudo()
                .create({"name": data.COMPANY["name"], "currency_id": uah.id})
            )
            self.env.user.sudo().company_ids = [Command.link(company.id)]
        for lang in ("uk_UA", "ru_RU"):
            self.env["res.lang"]._activate_lang(lang)
        ukraine = self.env.ref("base.ua")
        company.sudo().write(
            dict(data.COMPANY, country_id=ukraine.id, vat=False, currency_id=uah.id)
            if not company.chart_template
            else dict(data.COMPANY, country_id=ukraine.id, vat=False)
        )
        company.partner_id.sudo().tz = data.TZ
        company.sudo().logo = self._chain_logo()
        if not company.chart_template:
            self.env["account.chart.template"].sudo().try_loading(
                "ua_psbo", company, install_demo=False
            )
        if not company.loyalty_club_journal_id:
            company.sudo()._loyalty_club_setup_accounting(company.chart_template)
        admin = self.env.ref("base.user_admin")
        admin.sudo().write(
            {"company_ids": [Command.link(company.id)], "company_id": company.id}
        )
        admin.partner_id.sudo().tz = data.TZ
        return company

    @api.model
    def _chain_logo(self):
        """The chain's logo (two steps and its name), drawn here: no image file
        to ship."""
        image = Image.new("RGB", (480, 160), "white")
        draw = ImageDraw.Draw(image)
        draw.rounded_rectangle((8, 8, 152, 152), radius=28, fill="#1f3b4d")
        draw.ellipse((40, 70, 74, 136), fill="#f2b134")
        draw.ellipse((86, 24, 120, 90), fill="#f2b134")
        try:
            font = ImageFont.truetype(
                file_path("web/static/fonts/sign/NotoSans-Reg.ttf"), 88
            )
        except OSError:
            font = ImageFont.load_default()
        draw.text((176, 22), data.COMPANY["name"].upper(), fill="#1f3b4d", font=font)
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        return base64.b64encode(buffer.getvalue())

    @api.model
    def _chain_program(self, company):
        program = self.env["loyalty.club.program"].create(
            {
                "name": "Клуб «Кроки»",
                "company_id": company.id,
                "currency_id": company.currency_id.id,
                "earn_percent": 5,
                "burn_cap_percent": 50,
                "pending_days": 14,
                "expiry_days": 180,
                "card_prefix": "482",
                "tier_period_days": 365,
                "receipt_message": "Дякуємо, що ви з нами! Бонуси — у застосунку "
                "та на kroky.example.com/my/club",
                "code_verify_phone": False,
            }
        )
        program.tier_ids = [
            Command.create(
                {
                    "name": name,
                    "sequence": seq,
                    "threshold": threshold,
                    "earn_percent": pct,
                }
            )
            for seq, (name, threshold, pct) in enumerate(
                [("Базовий", 0, 5), ("Срібний", 10000, 7), ("Золотий", 20000, 10)]
            )
        ]
        emission = self.env["loyalty.club.emission"].create(
            {
                "name": "Пластикові картки, партія 1",
                "program_id": program.id,
                "prefix": "482",
                "start": 1,
                "quantity": 1000,
            }
        )
        emission.action_emit()
        return program

    @api.model
    def _chain_stores(self, company, program):
        Store = self.env["loyalty.club.store"]
        Config = self.env["pos.config"]
        ukraine = self.env.ref("base.ua")
        journal = self.env["account.journal"]._ensure_company_account_journal()
        PaymentMethod = self.env["pos.payment.method"]
        club_methods = PaymentMethod._club_ensure_bonus_method(
            company
        ) | PaymentMethod._club_ensure_gift_card_method(company)
        bank = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
        )
        card = PaymentMethod.create(
            {
                "name": "Картка",
                "company_id": company.id,
                "journal_id": bank.id,
                "receivable_account_id": (
                    company.account_default_pos_receivable_account_id.id
                ),
            }
        )
        stores, configs = Store, Config
        for code, name, city, _street, _zip, _lang, _weight in data.STORES:
            store = Store.create(
                {
                    "name": name,
                    "code": code,
                    "city": city,
                    "company_id": company.id,
                    "country_id": ukraine.id,
                }
            )
            cash = Config._create_cash_payment_method(
                {"name": f"Готівка {code}", "show_on_dashboard": False}
            )
            config = Config.create(
                {
                    "name": name,
                    "company_id": company.id,
                    "journal_id": journal.id,
                    "payment_method_ids": [
                        Command.set((cash | card | club_methods).ids)
                    ],
                    "club_program_id": program.id,
                    "club_store_id": store.id,
                }
            )
            stores |= store
            configs |= config
        return stores, configs

    @api.model
    def _chain_products(self, company):
        """The assortment: templates with colour and size variants, the collection
        as an attribute that makes no variant."""
        Attribute = self.env["product.attribute"]
        colour = Attribute.create(
            {
                "name": "Колір",
                "display_type": "color",
                "value_ids": [Command.create({"name": c}) for c in data.COLOURS],
            }
        )
        sizes = {
            kind: Attribute.create(
                {
                    "name": "Розмір взуття" if kind == data.SHOES else "Розмір одягу",
                    "value_ids": [Command.create({"name": s}) for s in values],
                }
            )
            for kind, values in data.SIZES.items()
        }
        collection = Attribute.create(
            {
                "name": "Колекція",
                "create_variant": "no_variant",
                "value_ids": [Command.create({"name": c}) for c in data.COLLECTIONS],
            }
        )
        categories, pos_categories = {}, {}
        Category = self.env["product.category"]
        PosCategory = self.env["pos.category"]
        products = self.env["product.product"]
        for name, (parent, child), price, kind, colours, coll in data.PRODUCTS:
            if parent not in categories:
                categories[parent] = Category.create({"name": parent})
                pos_categories[parent] = PosCategory.create({"name": parent})
            if (parent, child) not in categories:
                categories[(parent, child)] = Category.create(
                    {"name": child, "parent_id": categories[parent].id}
                )
            lines = []
            if colours:
                lines.append(self._attribute_line(colour, colours))
            if kind in sizes:
                lines.append(self._attribute_line(sizes[kind], data.SIZES[kind]))
            lines.append(self._attribute_line(collection, [data.COLLECTIONS[coll]]))
            template = self.env["product.template"].create(
                {
                    "name": name,
                    "company_id": company.id,
                    "categ_id": categories[(parent, child)].id,
                    "pos_categ_ids": [Command.set(pos_categories[parent].ids)],
                    "list_price": price,
                    "standard_price": round(price * 0.45),
                    "available_in_pos": True,
                    "is_storable": False,
                    "taxes_id": [Command.clear()],
                    "attribute_line_ids": lines,
                }
            )
            products |= template.product_variant_ids
        return products

    @api.model
    def _chain_shelves(self, configs, products):
        """The tills show the chain's goods, not the other demo shops'."""
        configs.write(
            {
                "limit_categories": True,
                "iface_available_categ_ids": [Command.set(products.pos_categ_ids.ids)],
            }
        )

    @api.model
    def _attribute_line(self, attribute, names):
        values = attribute.value_ids.filtered(lambda v: v.name in names)
        return Command.create(
            {"attribute_id": attribute.id, "value_ids": [Command.set(values.ids)]}
        )

    # ============================================================ and the rest
    @api.model
    def _chain_cashiers(self, company, configs):
        """A cashier per store, speaking the store's language (password = login)."""
        Users = self.env["res.users"].with_context(no_reset_password=True)
        groups = [
            self.env.ref("base.group_user").id,
            self.env.ref("point_of_sale.group_pos_user").id,
            # to settle the web orders collected in the store (pos_sale)
            self.env.ref("sales_team.group_sale_salesman_all_leads").id,
        ]
        cashiers = {}
        for config, store in zip(configs, data.STORES, strict=True):
            login = f"kroky.{store[0].lower()}"
            cashiers[config.id] = Users.create(
                {
                    "name": f"Касир {store[1]}",
                    "login": login,
                    "password": login,
                    "email": f"{login}@kroky.example.com",
                    "lang": store[5],
                    "tz": data.TZ,
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.set(groups)],
                }
            )
        return cashiers

    @api.model
    def _chain_past_promotions(self, program, today, days):
        """Promotions the chain ran in the past (they gave their bonuses on the
        orders of their days) and one coming, for the calendar."""
        Promotion = self.env["loyalty.club.promotion"]
        shoes = self.env["product.category"].search([("name", "=", "Взуття")], limit=1)
        start = today - timedelta(days=days)
        Promotion.create(
            [
                {
                    "name": "Весняне взуття: подвійні бонуси",
                    "program_id": program.id,
                    "effect": "bonus_multiplier",
                    "value": 2,
                    "categ_ids": [Command.set(shoes.ids)],
                    "date_from": start + timedelta(days=40),
                    "date_to": start + timedelta(days=54),
                },
                {
                    "name": "День народження клубу: +200 бонусів від 3000 грн",
                    "program_id": program.id,
                    "effect": "gift_bonus",
                    "scope": "order",
                    "value": 200,
                    "min_amount": 3000,
                    "limit_per_member": 1,
                    "date_from": start + timedelta(days=150),
                    "date_to": start + timedelta(days=157),
                },
            ]
        )

    @api.model
    def _chain_promotions(self, program, today):
        """Running now: one the till offers without a coupon; and one ahead."""
        Promotion = self.env["loyalty.club.promotion"]
        shoes = self.env["product.category"].search([("name", "=", "Взуття")], limit=1)
        Promotion.create(
            [
                {
                    "name": "Зимове взуття: бонуси ×3",
                    "program_id": program.id,
                    "effect": "bonus_multiplier",
                    "value": 3,
                    "categ_ids": [Command.set(shoes.ids)],
                    "date_from": today - timedelta(days=3),
                    "date_to": today + timedelta(days=11),
                    "receipt_message": "Зимове взуття: бонуси ×3 до "
                    + fields.Date.to_string(today + timedelta(days=11)),
                },
                {
                    "name": "Новорічний розпродаж: −15% на чек від 2000 грн",
                    "program_id": program.id,
                    "effect": "discount_percent",
                    "scope": "order",
                    "value": 15,
                    "min_amount": 2000,
                    "requires_coupon": True,
                    "date_from": today + timedelta(days=14),
                    "date_to": today + timedelta(days=27),
                },
            ]
        )

    @api.model
    def _chain_portal_member(self, people, website):
        """The member the README names: logs in to the portal and the shop as
        kroky.member, with a web order waiting to be collected at a till."""
        person = max(
            people,
            key=lambda p: (p["habit"]["gap"] < 21, p["wallet"].balance_available),
        )
        partner = person["partner"]
        if not partner.email:
            partner.email = "olena.member@kroky.example.com"
        self.env["res.users"].with_context(no_reset_password=True).create(
            {
                "name": partner.name,
                "login": "kroky.member",
                "password": "kroky.member",
                "partner_id": partner.id,
                "company_id": partner.company_id.id or self.env.company.id,
                "company_ids": [Command.set(self.env.company.ids)],
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        # an order placed online, to pay and collect at a till ("Settle the
        # order"): part of the member's bonuses is held for it
        wallet = person["wallet"]
        if wallet.balance_available < 100:
            return
        goods = self.env["product.product"].search(
            [("company_id", "=", website.company_id.id), ("is_published", "=", True)],
            order="list_price desc",
            limit=1,
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": website.company_id.id,
                "website_id": website.id,
                "client_order_ref": "WEB-10021",
                "order_line": [Command.create({"product_id": goods.id})],
            }
        )
        quote = order._club_quote()
        spend = min(int(wallet.balance_available) // 2, 500, int(quote["max_spend"]))
        if spend > 0:
            order._club_apply_bonuses(spend)
        order.action_confirm()

    @api.model
    def _chain_website(self, company, products):
        """Odoo's website is the chain's shop: its goods published, Ukrainian
        first, the demo payment provider to check out with."""
        website = self.env.ref("website.default_website")
        langs = self.env["res.lang"].search([("code", "in", ("uk_UA", "ru_RU"))])
        website.write(
            {
                "name": data.COMPANY["name"],
                "company_id": company.id,
                "language_ids": [Command.link(lang.id) for lang in langs],
                "default_lang_id": langs.filtered(lambda lang: lang.code == "uk_UA").id,
            }
        )
        # the chain's goods only (Odoo's own demo desks and chairs are hidden)
        self.env["product.template"].search(
            [("is_published", "=", True), ("company_id", "!=", company.id)]
        ).write({"is_published": False})
        products.product_tmpl_id.write({"is_published": True})
        provider = self.env.ref("payment.payment_provider_demo")
        provider.write(
            {"state": "test", "is_published": True, "company_id": company.id}
        )
        return website

    @api.model
    def _chain_books(self, company, today):
        """The club's daily postings up to yesterday, the sales per day, the
        map's cities and an RFM run: the first morning's reports are ready."""
        self.env["loyalty.club.accounting"]._post(company, today - timedelta(days=1))
        self.env["loyalty.club.sales.day"]._refresh(full=True)
        self.env["loyalty.club.geo.city"]._refresh()
        self.env["loyalty.club.rfm.run"].create({})._compute_scores()
