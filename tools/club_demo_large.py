"""./club run --demo-size large: the demo chain "Кроки" grown to a 100,000-member
showroom, set-based, in a few minutes.

The demo addon (``loyalty_club_demo``) makes the chain with 520 members through
the club's own paths, which takes 25 ms a member and 20 ms an order: far too slow
for 100,000. This grows it with the benchmarks' generator (``benchmarks.datagen``,
which writes members, wallets, cards, lots, ledger lines, allocations and checks
with SQL and keeps the ledger's invariants), pointed at the chain's program,
company, currency and stores, its members named, placed and dated like the
chain's own (``demo_chain_data``), then adds the POS orders of those checks (and
of shoppers without a card) in the chain's tills with its products, and
refreshes what the reports read (sales per day, the map's cities, tiers, an RFM
run).

Standard library only at import (``./club`` imports it); ``grow`` runs inside an
Odoo shell. Idempotent: a chain that already has the members is left alone.
"""

import argparse
import dataclasses
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (str(ROOT), str(ROOT / "tools")):
    if _path not in sys.path:
        sys.path.append(_path)

from benchmarks import datagen, scales  # noqa: E402
from benchmarks.datagen_sql import insert_select, mix_sql, reserve_ids  # noqa: E402

MEMBERS = 100_000
SEED = 2026
CHECKS_PER_MEMBER = 2.5  # purchases with a club check over the generated history
NON_MEMBER_SHARE = 38  # percent of the orders made without a card, as the demo's
# a check earns 5 % (the chain's base rate): the generator's credit is 1/20 of it;
# checks from 400 to 6,000 UAH
EARN_RATE = 20
CREDITS = (2_000, 28_000)  # least and span of a credit, in kopecks
# the large chain's phones: +380, an operator code, then 8,000,000 + a bijection
# of the member's number (mod 2,000,000: the step is prime to it), away from the
# small chain's numbers (below 5,400,000)
PHONE_BASE, PHONE_SPAN, PHONE_STEP, PHONE_SHIFT = 8_000_000, 2_000_000, 738_457, 1_111
FEMALE = 62  # percent
EMAIL = 64  # percent of members who gave an e-mail
DATA_FILE = ROOT / "loyalty_club_demo" / "models" / "demo_chain_data.py"


def say(msg):
    print(f"club: demo large: {msg}", flush=True)


# ------------------------------------------------------------ plain data
def chain_data():
    """The demo addon's plain-data module (names, cities, stores), loaded from
    its file: importing the addon's package would import Odoo."""
    spec = importlib.util.spec_from_file_location("demo_chain_data", DATA_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def latin(data, name):
    return name.lower().translate(data.LATIN)


def people_arrays(data):
    """The SQL arrays members are drawn from (1-based indexes in SQL): names and
    their Latin spelling (for e-mails), cities by weight with their Russian
    speakers' share, zip prefix and streets."""
    cities = data.CITIES
    streets, street_from, street_count = [], [], []
    for city in cities:
        street_from.append(len(streets) + 1)
        street_count.append(len(city[3]))
        streets += city[3]
    arrays = {
        "uk_m": data.UK_MALE,
        "uk_f": data.UK_FEMALE,
        "ru_m": data.RU_MALE,
        "ru_f": data.RU_FEMALE,
        "uk_sur": data.UK_SURNAMES,
        "uk_pair_m": [m for m, _f in data.UK_SURNAME_PAIRS],
        "uk_pair_f": [f for _m, f in data.UK_SURNAME_PAIRS],
        "ru_pair_m": [m for m, _f in data.RU_SURNAME_PAIRS],
        "ru_pair_f": [f for _m, f in data.RU_SURNAME_PAIRS],
        "city": [c[0] for c in cities],
        "city_pick": [i + 1 for i, c in enumerate(cities) for _n in range(c[1])],
        "city_ru": [c[2] for c in cities],
        "city_zip": [data.ZIPS[c[0]] for c in cities],
        "street": streets,
        "street_from": street_from,
        "street_count": street_count,
        "domain": data.MAIL_DOMAINS,
        "operator": data.MOBILE_CODES,
    }
    for key in [k for k in arrays if k[:2] in ("uk", "ru")]:
        arrays[f"{key}_lat"] = [latin(data, n) for n in arrays[key]]
    return arrays


def phone_digits(g, operators):
    """(operator index, seven digits) of large member ``g``: the SQL's twin."""
    return g % operators, PHONE_BASE + (g * PHONE_STEP + PHONE_SHIFT) % PHONE_SPAN


def scale_for(members):
    """The generator's knobs: every earn credit is a purchase (one check each)."""
    credits = int(members * CHECKS_PER_MEMBER)
    return dataclasses.replace(
        scales.get("tiny"),
        name="demo-large",
        members=members,
        cards=members,
        ledger_lines=2 * credits,
        lots=min(credits // 3, members // 20),
        order_lines=3 * credits,
        session_levels=(0, members),
        emission=0,
        messages=0,
    ).check()


# ------------------------------------------------------------ in Odoo
class ChainGenerator(datagen.Generator):
    """The benchmarks' generator with the chain's people: Ukrainian and Russian
    names, +380 phones, cities, streets and zips across Ukraine, the store of
    their city, language, birthday and consents."""

    def __init__(self, env, scale, fixtures, arrays, **kw):
        super().__init__(env, scale, fixtures, **kw)
        self.arrays = arrays

    def _partners(self, st):
        st["pbase"] = reserve_ids(self.cr, "res_partner", st["n"])
        h = lambda salt: mix_sql("g", self.seed * 10 + salt)  # noqa: E731
        a = {k: f"%({k})s" for k in self.arrays}
        person = f"""
            SELECT g, ci, ru, fem, CASE WHEN ru THEN 3 WHEN mod({h(5)}, 100) < 85
                                        THEN 1 ELSE 2 END AS sk,
                   1 + mod({h(4)}, 1000) AS fn, 1 + mod({h(6)}, 1000) AS sn
              FROM (SELECT g, ci, mod({h(2)}, 100) < ({a["city_ru"]}::int[])[ci] AS ru,
                           mod({h(3)}, 100) < {FEMALE} AS fem
                      FROM (SELECT g, ({a["city_pick"]}::int[])[1 + mod({h(1)},
                                   cardinality({a["city_pick"]}::int[]))] AS ci
                              FROM generate_series(%(lo)s, %(hi)s - 1) AS g) s0) s1
        """

        def pick(array, idx):
            arr = f"{a[array]}::varchar[]"
            return f"({arr})[1 + mod({idx}, cardinality({arr}))]"

        def first(suffix=""):
            return f"""CASE WHEN ru AND fem THEN {pick("ru_f" + suffix, "fn")}
                            WHEN ru THEN {pick("ru_m" + suffix, "fn")}
                            WHEN fem THEN {pick("uk_f" + suffix, "fn")}
                            ELSE {pick("uk_m" + suffix, "fn")} END"""

        def surname(suffix=""):
            return f"""CASE sk WHEN 1 THEN {pick("uk_sur" + suffix, "sn")}
                            WHEN 2 THEN CASE WHEN fem
                                 THEN {pick("uk_pair_f" + suffix, "sn")}
                                 ELSE {pick("uk_pair_m" + suffix, "sn")} END
                            ELSE CASE WHEN fem
                                 THEN {pick("ru_pair_f" + suffix, "sn")}
                                 ELSE {pick("ru_pair_m" + suffix, "sn")} END END"""

        ops = len(self.arrays["operator"])
        digits = (
            f"({PHONE_BASE} + mod(g::bigint * {PHONE_STEP} + {PHONE_SHIFT},"
            f" {PHONE_SPAN}))::text"
        )
        op = f"({a['operator']}::varchar[])[1 + mod(g, {ops})]"
        street = (
            f"({a['street']}::varchar[])[({a['street_from']}::int[])[ci] + "
            f"mod({h(7)}, ({a['street_count']}::int[])[ci])] || ', ' || "
            f"(1 + mod({h(8)}, 120))"
        )
        insert_select(
            self.cr,
            "res_partner",
            "id name complete_name type active is_company commercial_partner_id "
            "company_id lang email email_normalized mobile phone_sanitized club_phone "
            "club_status club_join_date club_store_id club_birthday street city zip "
            "country_id partner_share autopost_bills color customer_rank "
            "supplier_rank create_uid write_uid create_date write_date".split(),
            f"""
            SELECT %(pbase)s + g - %(lo)s, nm, nm, 'contact', true, false,
                   %(pbase)s + g - %(lo)s, %(company)s,
                   CASE WHEN ru THEN 'ru_RU' ELSE 'uk_UA' END, mail, mail,
                   '+380 ' || op || ' ' || substr(d, 1, 3) || ' ' || substr(d, 4, 2)
                   || ' ' || substr(d, 6, 2), '+380' || op || d, '+380' || op || d,
                   'active', %(today)s::date - mod({h(12)}, 700),
                   COALESCE(NULLIF((%(city_store)s::int[])[ci], 0),
                            (%(store_pick)s::int[])[1 + mod({h(10)},
                            cardinality(%(store_pick)s::int[]))]),
                   %(today)s::date - 6935 - mod({h(11)}, 16060),
                   {street}, ({a["city"]}::varchar[])[ci],
                   ({a["city_zip"]}::varchar[])[ci] || lpad(mod({h(9)}, 1000)::text,
                   3, '0'), %(country)s, true, 'ask', 0, 1, 0, %(uid)s, %(uid)s,
                   %(now)s, %(now)s
              FROM (SELECT *, {first()} || ' ' || {surname()} AS nm,
                           CASE WHEN mod({h(13)}, 100) < {EMAIL}
                                THEN {first("_lat")} || '.' || {surname("_lat")}
                                     || mod(g, 97) || '@' || {pick("domain", h(14))}
                           END AS mail,
                           {op} AS op, {digits} AS d
                      FROM ({person}) AS p) AS src
            """,
            self.params(
                st,
                now=self.fx["now"],
                country=self.fx["country_id"],
                city_store=self.fx["city_store"],
                store_pick=self.fx["store_pick"],
                **self.arrays,
            ),
        )
        self._consents(st)

    def _consents(self, st):
        """Personal data always, SMS 82 %, e-mail 70 % of those who gave one, push
        25 %: the consent rows the member form and the campaigns read."""
        h = lambda salt: mix_sql("p.id", self.seed * 10 + salt)  # noqa: E731
        insert_select(
            self.cr,
            "loyalty_club_consent",
            "partner_id channel granted date source user_id wording create_uid "
            "write_uid create_date write_date".split(),
            f"""
            SELECT p.id, c.channel,
                   CASE c.channel WHEN 'personal_data' THEN true
                        WHEN 'sms' THEN mod({h(20)}, 100) < 82
                        WHEN 'email' THEN p.email IS NOT NULL AND mod({h(21)}, 100) < 70
                        ELSE mod({h(22)}, 100) < 25 END,
                   p.club_join_date + time '12:00', 'pos', %(uid)s, %(wording)s,
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM res_partner p
             CROSS JOIN unnest(ARRAY['personal_data', 'sms', 'email', 'push'])
                   AS c(channel)
             WHERE p.id BETWEEN %(pbase)s AND %(pbase)s + %(n)s - 1
            """,
            self.params(
                st,
                n=st["n"],
                now=self.fx["now"],
                wording="Анкета учасника клубу «Кроки», ред. 2026-01",
            ),
        )


def _chain(env):
    """(company, program) of the demo chain, or (None, None) without it."""
    company = env.ref("base.demo_company_ua", raise_if_not_found=False)
    if not company:
        return None, None
    program = env["loyalty.club.program"].search(
        [("company_id", "=", company.id)], order="id", limit=1
    )
    return (company, program) if program else (None, None)


def _tills(env, program, data, today):
    """Per store of the chain: its till, the cashier, a closed session that holds
    the generated history, and its cash and card payment methods."""
    tills = []
    configs = env["pos.config"].search(
        [("club_program_id", "=", program.id)], order="id"
    )
    weights = {store[0]: store[6] for store in data.STORES}
    for config in configs:
        code = config.club_store_id.code
        cashier = env["res.users"].search(
            [("login", "=", f"kroky.{(code or '').lower()}")], limit=1
        )
        methods = config.payment_method_ids
        cash = methods.filtered(lambda m: m.is_cash_count)[:1]
        card = methods.filtered(lambda m: not m.club_kind and not m.is_cash_count)[:1]
        session = env["pos.session"].create(
            {"config_id": config.id, "user_id": (cashier or env.user).id}
        )
        env.flush_all()
        env.cr.execute(
            "UPDATE pos_session SET state = 'closed', start_at = %s, stop_at = %s,"
            " update_stock_at_closing = false WHERE id = %s",
            [today, today, session.id],
        )
        session.invalidate_recordset()
        tills.append(
            {
                "store": config.club_store_id.id,
                "code": code,
                "config": config.id,
                "session": session.id,
                "cashier": (cashier or env.user).id,
                "cash": cash.id,
                "card": (card or cash).id,
                "weight": weights.get(code, 1),
            }
        )
    return tills


def _orders(env, gen, st, tills, products, seed):
    """The POS orders of the generated checks (80 % in the member's own store)
    and as many orders without a card as the demo has beside them: lines of the
    chain's products sharing the check's total by their prices, a payment each;
    then the checks point at their orders."""
    cr = env.cr
    h = lambda expr, salt: mix_sql(expr, seed * 100 + salt)  # noqa: E731
    pick = [t["store"] for t in tills for _n in range(t["weight"])]
    params = {
        "txbase": st["txbase"],
        "ledbase": st["ledbase"],
        "program": gen.fx["program_id"],
        "rate": EARN_RATE,
        "pick": pick,
        "least": CREDITS[0],
        "span": CREDITS[1],
        "share": NON_MEMBER_SHARE,
    }
    cr.execute(
        f"""
        CREATE TEMP TABLE demo_large_orders ON COMMIT DROP AS
        WITH members AS (
            SELECT t.id AS tx, t.wallet_id AS wallet, t.partner_id AS partner,
                   t.date, t.earn_minor * %(rate)s AS total,
                   CASE WHEN mod({h("t.id", 1)}, 100) < 80 THEN p.club_store_id
                        ELSE (%(pick)s::int[])[1 + mod({h("t.id", 2)},
                             cardinality(%(pick)s::int[]))] END AS store
              FROM loyalty_club_transaction t
              JOIN res_partner p ON p.id = t.partner_id
             WHERE t.id >= %(txbase)s AND t.program_id = %(program)s
               AND t.origin_model IS NULL
        ), numbered AS (
            SELECT *, row_number() OVER (ORDER BY tx) AS r FROM members
        ), others AS (
            SELECT NULL::int AS tx, NULL::int AS wallet, NULL::int AS partner,
                   m.date + (mod({h("i", 3)}, 240) - 120) * interval '1 minute'
                   AS date,
                   (%(least)s + mod({h("i", 4)}, %(span)s))::bigint * %(rate)s
                   AS total,
                   (%(pick)s::int[])[1 + mod({h("i", 5)},
                   cardinality(%(pick)s::int[]))] AS store
              FROM generate_series(1, (SELECT count(*) FROM numbered) * %(share)s
                                      / (100 - %(share)s)) AS i
              JOIN numbered m ON m.r = 1 + mod({h("i", 6)},
                                      (SELECT count(*) FROM numbered)::int)
        )
        SELECT row_number() OVER (ORDER BY date, tx) AS k, *,
               CASE WHEN mod({h("coalesce(tx, 0) + total", 7)}, 100) < 52 THEN 1
                    WHEN mod({h("coalesce(tx, 0) + total", 7)}, 100) < 82 THEN 2
                    WHEN mod({h("coalesce(tx, 0) + total", 7)}, 100) < 95 THEN 3
                    ELSE 4 END AS nlines
          FROM (SELECT tx, wallet, partner, date, total, store FROM members
                UNION ALL SELECT * FROM others) AS o
        """,
        params,
    )
    cr.execute("SELECT count(*), COALESCE(sum(nlines), 0) FROM demo_large_orders")
    count, nlines = cr.fetchone()
    obase = reserve_ids(cr, "pos_order", count)
    lbase = reserve_ids(cr, "pos_order_line", nlines)
    cr.execute(
        "CREATE TEMP TABLE demo_large_tills ON COMMIT DROP AS SELECT * FROM unnest("
        "%s::int[], %s::varchar[], %s::int[], %s::int[], %s::int[], %s::int[],"
        " %s::int[]) AS t(store, code, config, session, cashier, cash, card)",
        [
            [t[k] for t in tills]
            for k in "store code config session cashier cash card".split()
        ],
    )
    uid, company = gen.fx["uid"], gen.fx["company_id"]
    common = {
        "obase": obase,
        "lbase": lbase,
        "uid": uid,
        "company": company,
        "pricelist": gen.fx["pricelist_id"],
        "now": gen.fx["now"],
        "products": products["ids"],
        "prices": products["prices"],
        "names": products["names"],
    }
    insert_select(
        cr,
        "pos_order",
        "id name pos_reference uuid session_id config_id company_id pricelist_id "
        "partner_id user_id sequence_number date_order state amount_total "
        "amount_paid amount_tax amount_return club_wallet_id club_transaction_id "
        "club_earned club_identifier club_entry_method create_uid write_uid "
        "create_date write_date".split(),
        """
        SELECT %(obase)s + o.k - 1, t.code || '/H' || lpad(o.k::text, 7, '0'),
               'Order ' || lpad(t.session::text, 5, '0') || '-'
               || lpad(t.config::text, 3, '0') || '-' || lpad(o.k::text, 7, '0'),
               md5('kroky-large-' || (%(obase)s + o.k))::uuid::text, t.session,
               t.config, %(company)s, %(pricelist)s, o.partner, t.cashier, o.k,
               o.date, 'done', o.total / 100.0, o.total / 100.0, 0, 0, o.wallet,
               o.tx, CASE WHEN o.tx IS NOT NULL THEN o.total / 2000.0 END, c.code,
               CASE WHEN c.code IS NOT NULL THEN 'scan' END, %(uid)s, %(uid)s,
               o.date, o.date
          FROM demo_large_orders o
          JOIN demo_large_tills t ON t.store = o.store
          LEFT JOIN LATERAL (SELECT code FROM loyalty_club_card
                              WHERE partner_id = o.partner AND state = 'active'
                              ORDER BY id LIMIT 1) c ON o.partner IS NOT NULL
        """,
        common,
    )
    # lines: products drawn per order, the total shared by their list prices
    # (the last line takes what rounding left)
    cr.execute(
        f"""
        CREATE TEMP TABLE demo_large_lines ON COMMIT DROP AS
        WITH drawn AS (
            SELECT o.k, o.total, o.nlines, n, o.date,
                   1 + mod({h("o.k * 4 + n", 8)},
                           cardinality(%(products)s::int[])) AS pi
              FROM demo_large_orders o CROSS JOIN generate_series(1, o.nlines) AS n
        ), priced AS (
            SELECT *, round(total * (%(prices)s::numeric[])[pi]
                            / sum((%(prices)s::numeric[])[pi])
                              OVER (PARTITION BY k)) AS part
              FROM drawn
        )
        SELECT row_number() OVER (ORDER BY k, n) AS r, k, n, date, pi,
               CASE WHEN n = nlines
                    THEN total - sum(part) OVER (PARTITION BY k) + part
                    ELSE part END / 100.0 AS amount
          FROM priced
        """,
        common,
    )
    insert_select(
        cr,
        "pos_order_line",
        "id order_id product_id name full_product_name qty price_unit "
        "price_subtotal price_subtotal_incl discount uuid company_id create_uid "
        "write_uid create_date write_date".split(),
        """
        SELECT %(lbase)s + r - 1, %(obase)s + k - 1, (%(products)s::int[])[pi],
               'H' || lpad(k::text, 7, '0') || '/' || n,
               (%(names)s::varchar[])[pi], 1, amount, amount, amount, 0,
               md5('kroky-large-line-' || (%(lbase)s + r))::uuid::text, %(company)s,
               %(uid)s, %(uid)s, date, date
          FROM demo_large_lines
        """,
        common,
    )
    insert_select(
        cr,
        "pos_payment",
        "pos_order_id payment_method_id session_id amount payment_date is_change "
        "company_id create_uid write_uid create_date write_date".split(),
        f"""
        SELECT %(obase)s + o.k - 1, CASE WHEN mod({h("o.k", 9)}, 100) < 70
                                    THEN t.card ELSE t.cash END, t.session,
               o.total / 100.0, o.date, false, %(company)s, %(uid)s, %(uid)s,
               o.date, o.date
          FROM demo_large_orders o JOIN demo_large_tills t ON t.store = o.store
        """,
        common,
    )
    # the checks are the orders' (their store, total and lines), and so are the
    # credits they earned; bonuses spent were spent in the member's store
    cr.execute(
        """
        UPDATE loyalty_club_transaction t
           SET origin_model = 'pos.order', origin_id = %(obase)s + o.k - 1,
               store_id = o.store, amount_minor = o.total, paid_minor = o.total,
               amount = o.total / 100.0, line_count = o.nlines, user_id = l.cashier
          FROM demo_large_orders o JOIN demo_large_tills l ON l.store = o.store
         WHERE t.id = o.tx
        """,
        common,
    )
    cr.execute(
        """
        UPDATE loyalty_club_ledger l SET store_id = t.store_id
          FROM loyalty_club_transaction t
         WHERE l.transaction_id = t.id AND l.id >= %(ledbase)s
           AND t.id >= %(txbase)s
        """,
        params,
    )
    cr.execute(
        """
        UPDATE loyalty_club_ledger l SET store_id = p.club_store_id
          FROM res_partner p
         WHERE p.id = l.partner_id AND l.id >= %(ledbase)s AND l.kind = 'burn'
        """,
        params,
    )
    # each till's history session spans its orders
    cr.execute(
        """
        UPDATE pos_session s SET start_at = o.first, stop_at = o.last
          FROM (SELECT session_id, min(date_order) AS first, max(date_order) AS last
                  FROM pos_order WHERE id >= %(obase)s GROUP BY session_id) AS o
         WHERE s.id = o.session_id
        """,
        common,
    )
    # a member joined at the till on the first purchase
    cr.execute(
        """
        UPDATE res_partner p SET club_join_date = f.first
          FROM (SELECT partner_id, min(date)::date AS first FROM loyalty_club_ledger
                 WHERE id >= %(ledbase)s GROUP BY partner_id) AS f
         WHERE p.id = f.partner_id
        """,
        params,
    )
    for table in ("pos_order", "pos_order_line", "pos_payment", "res_partner"):
        cr.execute(f'ANALYZE "{table}"')
    return count, nlines


def _products(env, company):
    products = env["product.product"].search(
        [("company_id", "=", company.id), ("available_in_pos", "=", True)],
        order="id",
    )
    products = products.filtered(lambda p: p.lst_price > 0)
    return {
        "ids": products.ids,
        "prices": [round(p.lst_price * 100) for p in products],
        "names": [p.display_name for p in products],
    }


def grow(env, members=MEMBERS, seed=SEED, log=say):
    """Grow the demo chain to ``members`` members; False when there is nothing
    to do (no chain, or it has them already)."""
    from odoo import fields  # noqa: PLC0415

    from odoo.addons.loyalty_club import edge  # noqa: PLC0415

    started = time.monotonic()
    admin = env.ref("base.user_admin")
    company, program = _chain(env(su=True))
    if not company:
        log("no demo chain in this database (install loyalty_club_demo first).")
        return False
    env = env(
        user=admin,
        su=True,
        context=dict(
            env.context,
            tracking_disable=True,
            allowed_company_ids=company.ids,
            lang="en_US",
        ),
    )
    company, program = company.with_env(env), program.with_env(env)
    cr = env.cr
    cr.execute(
        "SELECT count(*) FROM loyalty_club_wallet WHERE program_id = %s", [program.id]
    )
    have = cr.fetchone()[0]
    if have >= members:
        log(f"the chain has {have} members already: nothing to add.")
        return False
    data = chain_data()
    today = edge.club_today(program)
    tills = _tills(env, program, data, today)
    if not tills:
        log("the chain has no till: nothing to sell in.")
        return False
    stores = {t["code"]: t["store"] for t in tills}
    city_store = {s[2]: stores.get(s[0], 0) for s in data.STORES}
    products = _products(env, company)
    fx = {
        "uid": admin.id,
        "company_id": company.id,
        "currency_id": program.currency_id.id,
        "program_id": program.id,
        "store_id": tills[0]["store"],
        "wallet_type_id": program.wallet_type_id.id,
        "today": today,
        "now": fields.Datetime.now(),
        "country_id": env.ref("base.ua").id,
        "city_store": [city_store.get(c[0], 0) for c in data.CITIES],
        "store_pick": [t["store"] for t in tills for _n in range(t["weight"])],
        "pricelist_id": env["pos.config"].browse(tills[0]["config"]).pricelist_id.id
        or None,
    }
    gen = ChainGenerator(
        env,
        scale_for(members),
        fx,
        people_arrays(data),
        seed=seed,
        log=log,
        amounts=CREDITS,
    )
    log(f"members {have}..{members - 1}, their cards, wallets and ledger ...")
    st = gen.add_members(have, members, bulk=False)
    problems = gen.verify()
    if problems:
        raise RuntimeError(f"the generated ledger breaks its invariants: {problems}")
    log(f"POS orders at {time.monotonic() - started:.0f} s ...")
    orders, lines = _orders(env, gen, st, tills, products, seed)
    log(f"{orders} orders, {lines} lines at {time.monotonic() - started:.0f} s")
    env.invalidate_all()
    service = env["loyalty.club.service"]
    service._cron_expire(today=today)
    service._cron_tier_review(today=today)
    env["loyalty.club.sales.day"]._refresh(full=True)
    env["loyalty.club.geo.city"]._refresh()
    env["loyalty.club.rfm.run"].create({})._compute_scores()
    log(f"reports refreshed at {time.monotonic() - started:.0f} s")
    env.cr.commit()
    log(f"the chain has {members} members, grown in {time.monotonic() - started:.0f} s")
    return True


# ------------------------------------------------------------ from ./club
def members_of_chain(psql, db):
    """The chain's member count read with psql (None: no chain or no database)."""
    out = psql(
        "SELECT count(*) FROM loyalty_club_wallet w JOIN loyalty_club_program p "
        "ON p.id = w.program_id JOIN ir_model_data d ON d.model = 'res.company' "
        "AND d.res_id = p.company_id AND d.module = 'base' "
        "AND d.name = 'demo_company_ua'",
        db=db,
    )
    return int(out) if out and out.isdigit() else None


def grow_db(db, members=MEMBERS, seed=SEED):
    """Run ``grow`` in an Odoo shell on ``db`` unless the chain has the members."""
    from club_base import LOCAL, ClubError  # noqa: PLC0415
    from club_odoo import odoo_cmd  # noqa: PLC0415
    from club_pg import psql  # noqa: PLC0415

    have = members_of_chain(psql, db)
    if have is None:
        raise ClubError(f"no demo chain in {db!r}: install loyalty_club_demo first.")
    if have >= members:
        say(f"the chain already has {have} members.")
        return 0
    log = LOCAL / "demo-large.log"
    say(f"growing the chain from {have} to {members} members (log: {log}) ...")
    script = (
        "import sys\n"
        f"sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tools')!r}]\n"
        "import club_demo_large\n"
        f"club_demo_large.grow(env, members={int(members)}, seed={int(seed)})\n"
    )
    cmd = odoo_cmd("-d", db, f"--db-filter=^{db}$", "--no-http", sub="shell")
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as err:
        proc = subprocess.run(
            [str(c) for c in cmd],
            input=script,
            text=True,
            stderr=err,
            cwd=ROOT,
            check=False,
            env=dict(os.environ),
        )
    if proc.returncode or members_of_chain(psql, db) != members:
        raise ClubError(f"growing the demo chain failed; see {log}.")
    say(f"done in {(time.monotonic() - started) / 60:.1f} min.")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="club_demo_large", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    from club_base import ClubError  # noqa: PLC0415

    try:
        return grow_db(args.db, args.members, args.seed)
    except ClubError as exc:
        say(str(exc))
        return 2


if __name__ == "__main__":
    sys.exit(main())
