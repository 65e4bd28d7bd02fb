"""The demo chain's history: every order of the past months, day by day."""

import random
import uuid
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models

from . import demo_chain_data as data

NON_MEMBER_SHARE = 38  # percent of the orders made by shoppers without a card


def _utc(moment):
    """A naive local time of the chain (its time zone) as Odoo stores it: naive
    UTC."""
    local = pytz.timezone(data.TZ).localize(moment)
    return local.astimezone(pytz.utc).replace(tzinfo=None)


class LoyaltyClubDemoChain(models.AbstractModel):
    _inherit = "loyalty.club.demo.chain"

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
                    session = self._chain_open(config, cashiers[config.id], day)
                    open_sessions[where] = (session, month, day)
                session = open_sessions[where][0]
                open_sessions[where] = (session, month, day)
                utc = _utc(moment)
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
    def _chain_open(self, config, cashier, day):
        """The month's session of a till, opened on its first day of sales."""
        session = self.env["pos.session"].create(
            {"config_id": config.id, "user_id": cashier.id}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE pos_session SET state = 'opened', start_at = %s, create_date = %s,"
            " update_stock_at_closing = false WHERE id = %s",
            [_utc(datetime.combine(day, time(9, 45)))] * 2 + [session.id],
        )
        session.invalidate_recordset()
        return session

    @api.model
    def _chain_close(self, session, day):
        """Closed as the cashier would on the evening of ``day``: the cash counted
        equals the cash taken; the session's entry is dated ``day``."""
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
            [_utc(datetime.combine(day, time(21, 15))), session.id],
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
