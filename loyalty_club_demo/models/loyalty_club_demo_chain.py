"""The demo chain: a Ukrainian fashion-and-shoes retailer that has run the club
for months, generated in under a minute from a seed and dated back from today.

Everything goes through the club's own paths where a sale would: members join
through the service (wallet, card, consents, questionnaire), every order a
member made is a real POS order whose club check is booked by the till's own
sync step (``pos.order._club_apply``: earn, spend, lots, tiers), on the day it
happened. Only the plain rows of the orders themselves (orders, lines,
payments, closed sessions) are written set-based, as an import would; then the
expiry and tier jobs run for the past and the club's daily postings are booked
up to yesterday, so the reconciliation of the past is 0.00.
"""

import logging
import random
import time as monotonic
import uuid
from datetime import datetime, time, timedelta

import pytz

from odoo import Command, api, fields, models

from odoo.addons.loyalty_club import edge

from . import demo_chain_data as data

_logger = logging.getLogger(__name__)

MEMBERS = 520
DAYS = 183
SEED = 2026
NON_MEMBER_SHARE = 38  # percent of the orders made by shoppers without a card


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
        chain._chain_past_promotions(program, today, days)
        people = chain._chain_members(program, stores, members, rnd, today, days)
        _logger.info("Demo chain: members at %.1f s", monotonic.monotonic() - started)
        chain._chain_history(
            program, configs, cashiers, products, people, rnd, today, days
        )
        _logger.info("Demo chain: history at %.1f s", monotonic.monotonic() - started)
        chain._chain_promotions(program, today)
        chain._chain_portal_member(people)
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
    def _attribute_line(self, attribute, names):
        values = attribute.value_ids.filtered(lambda v: v.name in names)
        return Command.create(
            {"attribute_id": attribute.id, "value_ids": [Command.set(values.ids)]}
        )

    # ================================================================ members
    @api.model
    def _chain_person(self, rnd, index, city, russian):
        female = rnd.random() < 0.62  # fashion: more women in the club
        if russian:
            first = rnd.choice(data.RU_FEMALE if female else data.RU_MALE)
            surname = rnd.choice(data.RU_SURNAME_PAIRS)[1 if female else 0]
        elif rnd.random() < 0.85:
            first = rnd.choice(data.UK_FEMALE if female else data.UK_MALE)
            surname = rnd.choice(data.UK_SURNAMES)
        else:
            first = rnd.choice(data.UK_FEMALE if female else data.UK_MALE)
            surname = rnd.choice(data.UK_SURNAME_PAIRS)[1 if female else 0]
        operator = data.MOBILE_CODES[index % len(data.MOBILE_CODES)]
        phone = f"+380{operator}{(index * 7919 + 1234567) % 10_000_000:07d}"
        login = f"{first}.{surname}".lower().translate(data.LATIN)
        return {
            "name": f"{first} {surname}",
            "female": female,
            "phone": phone,
            "email": f"{login}{index % 97}@{rnd.choice(data.MAIL_DOMAINS)}"
            if rnd.random() < 0.64
            else False,
            "lang": "ru_RU" if russian else "uk_UA",
            "city": city[0],
            "street": f"{rnd.choice(city[3])}, {rnd.randint(1, 120)}",
            "zip": f"{data.ZIPS[city[0]]}{rnd.randint(0, 999):03d}",
        }

    @api.model
    def _chain_members(self, program, stores, count, rnd, today, days):
        """Members who joined over the history (a few before it), each with a
        card (plastic from the batch, or virtual), consents and answers."""
        service = self.env["loyalty.club.service"]
        cities = [c for c in data.CITIES for _i in range(c[1])]
        store_by_city = {}
        for store in stores:
            store_by_city.setdefault(store.city, store)
        cards = self.env["loyalty.club.card"].search(
            [("program_id", "=", program.id), ("state", "=", "stock")], order="code"
        )
        ukraine = self.env.ref("base.ua")
        people = []
        for index in range(count):
            city = rnd.choice(cities)
            person = self._chain_person(
                rnd, index, city, rnd.randint(1, 100) <= city[2]
            )
            store = store_by_city.get(person["city"]) or rnd.choice(stores)
            joined = today - timedelta(
                days=int(rnd.triangular(3, days + 90, days * 0.55))
            )
            plastic = index % 5 != 0 and index < len(cards)
            vals = {
                "name": person["name"],
                "phone": person["phone"],
                "email": person["email"],
                "store_id": store.id,
                "birthday": fields.Date.to_string(
                    today.replace(year=today.year - rnd.randint(19, 63))
                    - timedelta(days=rnd.randint(0, 364))
                ),
                "consents": {
                    "personal_data": True,
                    "sms": rnd.random() < 0.82,
                    "email": bool(person["email"]) and rnd.random() < 0.7,
                    "push": rnd.random() < 0.25,
                },
                "consent_wording": "Анкета учасника клубу «Кроки», ред. 2026-01",
                "attributes": self._chain_answers(rnd, person),
            }
            if plastic:
                vals["card_number"] = cards[index].code
            summary = service.register_member(
                vals, source="pos", program_id=program.id, welcome=False
            )
            partner = self.env["res.partner"].browse(summary["partner_id"])
            partner.write(
                {
                    "street": person["street"],
                    "city": person["city"],
                    "zip": person["zip"],
                    "country_id": ukraine.id,
                    "lang": person["lang"],
                    "club_join_date": joined,
                }
            )
            person.update(
                partner=partner,
                wallet=self.env["loyalty.club.wallet"].browse(summary["wallet_id"]),
                card=summary.get("card") or summary.get("virtual_card") or "",
                plastic=plastic,
                store=store,
                joined=joined,
                habit=self._chain_habit(rnd),
            )
            people.append(person)
        return people

    @api.model
    def _chain_answers(self, rnd, person):
        answers = {}
        Attribute = self.env["loyalty.club.attribute"]
        codes = set(Attribute.search([]).mapped("code"))
        if "shoe_size" in codes:
            low, high = (36, 40) if person["female"] else (40, 45)
            answers["shoe_size"] = str(rnd.randint(low, high))
        if "clothing_size" in codes and rnd.random() < 0.8:
            answers["clothing_size"] = rnd.choice(["S", "M", "L"])
        if "children" in codes and rnd.random() < 0.5:
            answers["children"] = str(rnd.randint(0, 3))
        return answers

    @staticmethod
    def _chain_habit(rnd):
        """Days between visits, and the day the member stops coming (None: stays)."""
        kind = rnd.random()
        if kind < 0.12:  # regulars
            return {"gap": rnd.randint(18, 35), "stops": None, "spend": 0.5}
        if kind < 0.52:
            return {"gap": rnd.randint(40, 80), "stops": None, "spend": 0.35}
        if kind < 0.77:  # lapsed: came, then stopped
            return {
                "gap": rnd.randint(30, 60),
                "stops": rnd.randint(30, 120),
                "spend": 0.2,
            }
        return {"gap": rnd.randint(90, 180), "stops": None, "spend": 0.15}

    # ================================================================ history
    @api.model
    def _chain_schedule(self, people, configs, rnd, today, days):
        """Every order of the history: (local datetime, config index, person or
        None), members by their habits, shoppers without a card beside them."""
        start = today - timedelta(days=days)
        weights = [store[6] for store in data.STORES]
        index_of = {config.club_store_id.id: i for i, config in enumerate(configs)}
        orders = []
        for person in people:
            habit = person["habit"]
            day = max(person["joined"], start) + timedelta(days=rnd.randint(0, 6))
            first = day
            while day < today:
                if habit["stops"] is not None and (day - first).days > habit["stops"]:
                    break
                home = index_of.get(person["store"].id, 0)
                where = (
                    home
                    if rnd.random() < 0.8
                    else rnd.choices(range(len(configs)), weights)[0]
                )
                orders.append((self._chain_moment(rnd, day), where, person))
                gap = habit["gap"] * rnd.uniform(0.6, 1.4)
                day += timedelta(days=max(1, int(gap)))
        others = len(orders) * NON_MEMBER_SHARE // (100 - NON_MEMBER_SHARE)
        for _i in range(others):
            day = start + timedelta(days=rnd.randrange(days))
            where = rnd.choices(range(len(configs)), weights)[0]
            orders.append((self._chain_moment(rnd, day), where, None))
        orders.sort(key=lambda o: o[0])
        return orders

    @staticmethod
    def _chain_moment(rnd, day):
        # the shop is open 10:00-21:00, busier in the evening
        minutes = int(rnd.triangular(10 * 60, 21 * 60, 18 * 60))
        return datetime.combine(day, time(minutes // 60, minutes % 60))

    @api.model
    def _chain_history(
        self, program, configs, cashiers, products, people, rnd, today, days
    ):
        """The orders, day by day: their rows set-based, each member's check
        booked by the till's own step in the order they happened; a session per
        store and month, closed for real (its entry dated its last day)."""
        schedule = self._chain_schedule(people, configs, rnd, today, days)
        tz = pytz.timezone(data.TZ)
        by_day = {}
        for moment, where, person in schedule:
            by_day.setdefault(moment.date(), []).append((moment, where, person))
        methods = {config.id: self._chain_methods(config) for config in configs}
        service = self.env["loyalty.club.service"]
        open_sessions = {}  # config index -> (session, month, last day)
        sequence = 0
        last_expiry = None
        for day in sorted(by_day):
            if last_expiry is None or (day - last_expiry).days >= 7:
                service._cron_expire(today=day)
                last_expiry = day
            # a session per till and month: each closing books an entry of
            # its own, and the demo's few orders a day would make daily ones
            # cost the generation more than everything else
            month = (day.year, day.month)
            for where, (session, opened_month, last) in list(open_sessions.items()):
                if opened_month != month:
                    self._chain_close(session, last)
                    del open_sessions[where]
            for moment, where, person in by_day[day]:
                sequence += 1
                config = configs[where]
                if where not in open_sessions:
                    session = self._chain_open(config, cashiers[config.id], day, tz)
                    open_sessions[where] = (session, month, day)
                session = open_sessions[where][0]
                open_sessions[where] = (session, month, day)
                utc = tz.localize(moment).astimezone(pytz.utc).replace(tzinfo=None)
                lines = self._chain_basket(rnd, products, person)
                order_id = self._chain_insert_order(
                    config,
                    session.id,
                    cashiers[config.id],
                    utc,
                    sequence,
                    lines,
                    person,
                )
                total = sum(price for _product, price in lines)
                bonus = 0
                if person and rnd.random() < person["habit"]["spend"]:
                    bonus = self._chain_bonus_to_pay(
                        service, program, config, person, lines, utc
                    )
                self._chain_insert_payments(
                    order_id, session.id, methods[config.id], utc, total, bonus, rnd
                )
                if person:
                    self.env["pos.order"].browse(order_id)._club_apply()
        for session, _month, last in open_sessions.values():
            self._chain_close(session, last)
        service._cron_expire(today=today)
        service._cron_tier_review(today=today)

    @api.model
    def _chain_methods(self, config):
        methods = config.payment_method_ids
        bonus = methods.filtered(lambda m: m.club_kind == "bonus")[:1]
        cash = methods.filtered(lambda m: m.is_cash_count)[:1]
        plain = methods.filtered(lambda m: not m.club_kind and not m.is_cash_count)[:1]
        return {"bonus": bonus.id, "cash": cash.id, "card": plain.id or cash.id}

    @api.model
    def _chain_open(self, config, cashier, day, tz):
        """The month's session of a till, opened on its first day of sales."""
        session = self.env["pos.session"].create(
            {"config_id": config.id, "user_id": cashier.id}
        )
        opened = tz.localize(datetime.combine(day, time(9, 45)))
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE pos_session SET state = 'opened', start_at = %s, create_date = %s,"
            " update_stock_at_closing = false WHERE id = %s",
            [opened.astimezone(pytz.utc).replace(tzinfo=None)] * 2 + [session.id],
        )
        session.invalidate_recordset()
        return session

    @api.model
    def _chain_close(self, session, day):
        """Closed as the cashier would on the evening of ``day``: the cash counted
        equals the cash taken; the session's entry is dated ``day``."""
        tz = pytz.timezone(data.TZ)
        closed = tz.localize(datetime.combine(day, time(21, 15)))
        self.env.flush_all()
        self.env.invalidate_all()
        cr = self.env.cr
        cr.execute(
            """
            UPDATE pos_session s
               SET stop_at = %s,
                   cash_register_balance_end_real = COALESCE((
                       SELECT SUM(p.amount) FROM pos_payment p
                         JOIN pos_payment_method m ON m.id = p.payment_method_id
                        WHERE p.session_id = s.id AND m.is_cash_count), 0)
             WHERE s.id = %s
            """,
            [closed.astimezone(pytz.utc).replace(tzinfo=None), session.id],
        )
        self.env.invalidate_all()
        session.with_context(
            loyalty_club_demo_day=day, default_date=day
        ).action_pos_session_closing_control()

    @staticmethod
    def _chain_basket(rnd, products, person):
        """One to four things: shoes and clothes, often an accessory beside."""
        count = rnd.choices([1, 2, 3, 4], [52, 30, 13, 5])[0]
        if person and person["habit"]["gap"] < 30:
            count = max(1, count - 1)  # regulars come often, buy less at once
        picked = [products[rnd.randrange(len(products))] for _i in range(count)]
        return [(product, product.lst_price) for product in picked]

    @api.model
    def _chain_insert_order(
        self, config, session, cashier, utc, sequence, lines, person
    ):
        cr = self.env.cr
        total = sum(price for _product, price in lines)
        uid = self.env.uid
        card = person and person["card"] or None
        cr.execute(
            """
            INSERT INTO pos_order (name, pos_reference, uuid, session_id, config_id,
                company_id, pricelist_id, partner_id, user_id, sequence_number,
                date_order, state, amount_total, amount_paid, amount_tax,
                amount_return, club_wallet_id, club_identifier, club_entry_method,
                create_uid, write_uid, create_date, write_date)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'paid', %s, %s, 0, 0,
                %s, %s, %s, %s, %s, %s, %s)
            RETURNING id
            """,
            [
                f"{config.club_store_id.code}/{sequence:06d}",
                f"Order {session:05d}-{config.id:03d}-{sequence:04d}",
                str(uuid.UUID(int=random.Random(sequence).getrandbits(128))),
                session,
                config.id,
                config.company_id.id,
                config.pricelist_id.id or None,
                person["partner"].id if person else None,
                cashier.id,
                sequence,
                utc,
                total,
                total,
                person["wallet"].id if person else None,
                card,
                ("scan" if person["plastic"] else "qr") if person else None,
                uid,
                uid,
                utc,
                utc,
            ],
        )
        order_id = cr.fetchone()[0]
        values = []
        for n, (product, price) in enumerate(lines):
            values += [
                order_id,
                product.id,
                f"{config.club_store_id.code}/{sequence:06d}/{n + 1}",
                product.display_name,
                price,
                price,
                price,
                str(uuid.UUID(int=random.Random(f"{sequence}-{n}").getrandbits(128))),
                config.company_id.id,
                uid,
                uid,
                utc,
                utc,
            ]
        rows = ", ".join(
            ["(%s, %s, %s, %s, 1, %s, %s, %s, 0, %s, %s, %s, %s, %s, %s)"] * len(lines)
        )
        cr.execute(
            f"""
            INSERT INTO pos_order_line (order_id, product_id, name, full_product_name,
                qty, price_unit, price_subtotal, price_subtotal_incl, discount, uuid,
                company_id, create_uid, write_uid, create_date, write_date)
            VALUES {rows}
            """,  # noqa: S608 - placeholders only
            values,
        )
        return order_id

    @api.model
    def _chain_bonus_to_pay(self, service, program, config, person, lines, utc):
        """What the member pays with bonuses: the most the server allows, as the
        till would ask it (whole hryvnias)."""
        quote = service.quote(
            {
                "program_id": program.id,
                "wallet_id": person["wallet"].id,
                "store_id": config.club_store_id.id,
                "channel": "pos",
                "date": fields.Datetime.to_string(utc),
                "lines": [
                    {"key": str(n), "amount": price}
                    for n, (_product, price) in enumerate(lines)
                ],
            }
        )
        return int(quote.get("burn_max_money") or 0)

    @api.model
    def _chain_insert_payments(
        self, order_id, session, methods, utc, total, bonus, rnd
    ):
        rest = total - bonus
        payments = []
        if bonus > 0:
            payments.append((methods["bonus"], bonus))
        if rest > 0:
            payments.append(
                (methods["card"] if rnd.random() < 0.7 else methods["cash"], rest)
            )
        uid = self.env.uid
        for method, amount in payments:
            self.env.cr.execute(
                """
                INSERT INTO pos_payment (pos_order_id, payment_method_id, session_id,
                    amount, payment_date, is_change, create_uid, write_uid,
                    create_date, write_date)
                VALUES (%s, %s, %s, %s, %s, false, %s, %s, %s, %s)
                """,
                [order_id, method, session, amount, utc, uid, uid, utc, utc],
            )

    # ============================================================ and the rest
    @api.model
    def _chain_cashiers(self, company, configs):
        """A cashier per store, speaking the store's language (password = login)."""
        Users = self.env["res.users"].with_context(no_reset_password=True)
        groups = [
            self.env.ref("base.group_user").id,
            self.env.ref("point_of_sale.group_pos_user").id,
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
    def _chain_portal_member(self, people):
        """The member the README names: logs in to the portal as kroky.member."""
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

    @api.model
    def _chain_books(self, company, today):
        """The club's daily postings up to yesterday, the sales per day, the
        map's cities and an RFM run: the first morning's reports are ready."""
        self.env["loyalty.club.accounting"]._post(company, today - timedelta(days=1))
        self.env["loyalty.club.sales.day"]._refresh(full=True)
        self.env["loyalty.club.geo.city"]._refresh()
        self.env["loyalty.club.rfm.run"].create({})._compute_scores()
