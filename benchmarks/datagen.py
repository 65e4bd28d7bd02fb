"""Synthetic club data at any scale, reproducible from a seed.

Members (contacts with an E.164 phone), their wallets and club cards, Odoo's own
``loyalty.card`` of a pos_loyalty program for the same members, a ledger history
(credits opening lots, burns and expiries allocated to them), checks and past POS
orders. Rows are written set-based (``INSERT ... SELECT generate_series`` with a
seeded integer mix, arrays for card numbers); every NOT NULL, foreign key, unique
and CHECK constraint of the tables holds, and so do the ledger's invariants:
sum(ledger) = sum(open lots) per wallet, stored balances = what the lots say.

Usage (inside Odoo)::

    gen = Generator(env, scales.get("small"), fixtures, seed=42)
    for lo, hi in gen.scale.stages():
        gen.add_members(lo, hi)
    gen.verify()  # {} when every invariant holds
"""

import sys
import time
from datetime import timedelta

from . import datagen_ledger
from .datagen_sql import insert_select, mix_sql, phone_sql, relaxed, reserve_ids

FIRST = "Anna Boris Daria Egor Fedor Galina Igor Irina Kirill Lena Maksim Nina Oleg "
FIRST += "Olena Pavel Roman Sofia Taras Vera Yulia"
LAST = "Ivanenko Petrova Sokolov Shevchenko Melnyk Kovalenko Bondar Orlova Tkachenko "
LAST += "Kravets Morozova Lysenko Volkov Rudenko Savchenko Marchenko Zaitseva Popov "
LAST += "Klymenko Pavlenko"
CARD_PREFIX = "2995"  # members' cards, away from 299 + small numbers (demo, tests)
# a credit (and its check's earn) is least + [0, span) minor units; the check is
# ten times the credit
AMOUNTS = (100, 4900)
BULK_ROWS = 100_000  # stages of at least this many members load with relaxed()


def _names_sql(array):
    return "ARRAY[" + ", ".join(f"'{n}'" for n in array.split()) + "]"


def emission_numbers(prefix, start, count):
    """The core's EAN-13 numbers: ``odoo.addons.loyalty_club`` inside Odoo, the
    bare ``loyalty_club`` package of the Odoo-free tests otherwise."""
    if "odoo.addons.loyalty_club" in sys.modules:
        from odoo.addons.loyalty_club.domain import cards  # noqa: PLC0415
    else:
        from loyalty_club.domain import cards  # noqa: PLC0415
    return cards.emission_numbers(prefix, start, count)


class Generator:
    def __init__(
        self, env, scale, fixtures, seed=42, today=None, log=print, amounts=AMOUNTS
    ):
        self.env, self.cr = env, env.cr
        self.scale, self.fx, self.seed = scale.check(), fixtures, seed
        self.amounts = amounts  # (least, span) of a credit in minor units
        self.today = today or fixtures["today"]
        self.log = log
        self.stages = []  # dicts: lo, hi, pbase, wbase, ...

    # ----------------------------------------------------------------- stages
    def add_members(self, lo, hi, bulk=None):
        """Members [lo, hi) with everything that belongs to them."""
        n = hi - lo
        if bulk is None:
            bulk = n >= BULK_ROWS
        st = {"lo": lo, "hi": hi, "n": n}
        start = time.monotonic()
        # Tables the generator alone fills, their plain indexes and foreign keys
        # dropped during the load; never a table with rows updated earlier (such
        # as res_partner): re-built over a HOT chain that an older snapshot of
        # any database may still see, an index stays unusable (indcheckxmin)
        # until that snapshot ends, and plans fall back to sequential scans.
        relax = [
            "loyalty_club_wallet",
            "loyalty_club_card",
            "loyalty_club_lot",
            "loyalty_club_ledger",
            "loyalty_club_allocation",
            "loyalty_club_transaction",
        ]
        if self.fx.get("history_session_id"):
            relax += ["pos_order", "pos_order_line"]
        self._partners(st)
        with relaxed(self.cr, relax if bulk else [], log=self.log):
            self._wallets(st)
            self._club_cards(st)
            datagen_ledger.generate(self, st)
        # updates after the indexes are back (see above)
        self._balances(st)
        self._loyalty_cards(st)
        tables = ["res_partner", *relax]
        if self.fx.get("loyalty_program_id"):
            tables.append("loyalty_card")
        for table in tables:
            self.cr.execute(f'ANALYZE "{table}"')
        self.stages.append(st)
        self.log(
            f"members {lo}..{hi - 1}: generated in {time.monotonic() - start:.1f} s"
        )
        return st

    def params(self, st, **extra):
        fx = self.fx
        return dict(
            lo=st["lo"],
            hi=st["hi"],
            today=self.today,
            uid=fx["uid"],
            company=fx["company_id"],
            program=fx["program_id"],
            store=fx["store_id"],
            currency=fx["currency_id"],
            amount_least=self.amounts[0],
            amount_span=self.amounts[1],
            **{k: v for k, v in st.items() if k.endswith("base")},
            **extra,
        )

    # ---------------------------------------------------------------- members
    def _partners(self, st):
        st["pbase"] = reserve_ids(self.cr, "res_partner", st["n"])
        e164, typed = phone_sql("g", self.seed)
        first = (
            f"({_names_sql(FIRST)})[1 + mod({mix_sql('g', self.seed * 10 + 1)}, 20)]"
        )
        last = f"({_names_sql(LAST)})[1 + mod({mix_sql('g', self.seed * 10 + 2)}, 20)]"
        joined = f"mod({mix_sql('g', self.seed * 10 + 3)}, 1500)"
        insert_select(
            self.cr,
            "res_partner",
            "id name complete_name type active is_company commercial_partner_id "
            "company_id lang email email_normalized mobile phone_sanitized club_phone "
            "club_status club_join_date club_store_id partner_share autopost_bills "
            "color customer_rank supplier_rank create_uid write_uid create_date "
            "write_date".split(),
            f"""
            SELECT %(pbase)s + g - %(lo)s, nm, nm, 'contact', true, false,
                   %(pbase)s + g - %(lo)s, %(company)s, 'en_US', mail, mail,
                   {typed}, {e164}, {e164}, 'active', %(today)s::date - {joined},
                   %(store)s, true, 'ask', 0, 1, 0, %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM (SELECT g, {first} || ' ' || {last} AS nm,
                           'member' || g || '@example.com' AS mail
                      FROM generate_series(%(lo)s, %(hi)s - 1) AS g) AS src
            """,
            self.params(st, now=self.fx["now"]),
        )

    def _wallets(self, st):
        st["wbase"] = reserve_ids(self.cr, "loyalty_club_wallet", st["n"])
        insert_select(
            self.cr,
            "loyalty_club_wallet",
            "id partner_id program_id company_id wallet_type_id kind tier_since "
            "available_minor pending_minor expiring_soon_minor balance_available "
            "balance_pending balance_expiring_soon balance_date create_uid write_uid "
            "create_date write_date".split(),
            """
            SELECT %(wbase)s + g - %(lo)s, %(pbase)s + g - %(lo)s, %(program)s,
                   %(company)s, %(wtype)s, 'bonus', %(today)s, 0, 0, 0, 0, 0, 0,
                   %(today)s, %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM generate_series(%(lo)s, %(hi)s - 1) AS g
            """,
            self.params(st, wtype=self.fx["wallet_type_id"], now=self.fx["now"]),
        )

    def _club_cards(self, st):
        count = max(0, min(st["hi"], self.scale.cards) - st["lo"])
        st["cards"] = count
        if not count:
            return
        st["cbase"] = reserve_ids(self.cr, "loyalty_club_card", count)
        columns = (
            "id code kind state program_id company_id partner_id activated_on "
            "create_uid write_uid create_date write_date".split()
        )
        codes = emission_numbers(CARD_PREFIX, st["lo"], count)
        for offset in range(0, count, 200_000):
            insert_select(
                self.cr,
                "loyalty_club_card",
                columns,
                """
                SELECT %(cbase)s + %(offset)s + k - 1, code, 'physical', 'active',
                       %(program)s, %(company)s, %(pbase)s + %(offset)s + k - 1,
                       %(today)s, %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM unnest(%(codes)s::varchar[]) WITH ORDINALITY AS u(code, k)
                """,
                self.params(
                    st,
                    offset=offset,
                    codes=codes[offset : offset + 200_000],
                    now=self.fx["now"],
                ),
            )

    def _loyalty_cards(self, st):
        """Odoo's pos_loyalty: one loyalty.card per member, points = the balance."""
        if not self.fx.get("loyalty_program_id"):
            return
        insert_select(
            self.cr,
            "loyalty_card",
            "program_id company_id partner_id code points active create_uid "
            "write_uid create_date write_date".split(),
            """
            SELECT %(lprogram)s, %(company)s, w.partner_id, 'BL' || %(seed)s || '-' ||
                   (w.id - %(wbase)s + %(lo)s), w.available_minor / 100.0, true,
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM loyalty_club_wallet w
             WHERE w.id BETWEEN %(wbase)s AND %(wbase)s + %(n)s - 1
             ORDER BY w.id
            """,
            self.params(
                st,
                lprogram=self.fx["loyalty_program_id"],
                seed=self.seed,
                n=st["n"],
                now=self.fx["now"],
            ),
        )

    def _balances(self, st):
        """Stored balances of the stage's wallets, from their open lots."""
        self.cr.execute(
            """
            UPDATE loyalty_club_wallet w
               SET available_minor = s.av, pending_minor = s.pe,
                   expiring_soon_minor = s.ex, balance_available = s.av / 100.0,
                   balance_pending = s.pe / 100.0, balance_expiring_soon = s.ex / 100.0,
                   next_expiry_date = s.nx, last_purchase_date = s.last
              FROM (SELECT wallet_id,
                           COALESCE(SUM(remaining_minor) FILTER (
                               WHERE available_from <= %(today)s), 0) AS av,
                           COALESCE(SUM(remaining_minor) FILTER (
                               WHERE available_from > %(today)s), 0) AS pe,
                           COALESCE(SUM(remaining_minor) FILTER (
                               WHERE expires_on <= %(soon)s), 0) AS ex,
                           MIN(expires_on) AS nx, MAX(create_date) AS last
                      FROM loyalty_club_lot
                     WHERE wallet_id BETWEEN %(wbase)s AND %(wbase)s + %(n)s - 1
                       AND remaining_minor > 0 AND expires_on > %(today)s
                     GROUP BY wallet_id) AS s
             WHERE w.id = s.wallet_id
            """,
            self.params(st, soon=self.today + timedelta(days=30), n=st["n"]),
        )

    # ----------------------------------------------------------------- checks
    def unusable_indexes(self):
        """Indexes of the generated tables that older snapshots cannot use yet."""
        self.cr.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_class t ON t.oid = i.indrelid WHERE i.indcheckxmin "
            "AND t.relname LIKE ANY (ARRAY['loyalty_club_%', 'pos_order%', "
            "'loyalty_card'])"
        )
        return [row[0] for row in self.cr.fetchall()]

    def verify(self):
        """{problem: count} over the generated wallets; empty when all hold."""
        if not self.stages:
            return {}
        ranges = " OR ".join(
            f"w.id BETWEEN {int(s['wbase'])} AND {int(s['wbase'] + s['n'] - 1)}"
            for s in self.stages
        )
        checks = {
            "ledger_vs_lots": f"""
                SELECT count(*) FROM loyalty_club_wallet w
                  LEFT JOIN (SELECT wallet_id, SUM(amount_minor) s
                               FROM loyalty_club_ledger GROUP BY wallet_id) l
                         ON l.wallet_id = w.id
                  LEFT JOIN (SELECT wallet_id, SUM(remaining_minor) s
                               FROM loyalty_club_lot GROUP BY wallet_id) o
                         ON o.wallet_id = w.id
                 WHERE ({ranges}) AND COALESCE(l.s, 0) <> COALESCE(o.s, 0)""",
            "lot_vs_allocations": """
                SELECT count(*) FROM loyalty_club_lot o
                  LEFT JOIN (SELECT lot_id, SUM(amount_minor) s
                               FROM loyalty_club_allocation GROUP BY lot_id) a
                         ON a.lot_id = o.id
                 WHERE o.initial_minor + COALESCE(a.s, 0) <> o.remaining_minor""",
            "stored_balances": f"""
                SELECT count(*) FROM loyalty_club_wallet w
                  LEFT JOIN (SELECT wallet_id, SUM(remaining_minor) s
                               FROM loyalty_club_lot
                              WHERE remaining_minor > 0 AND expires_on > %(today)s
                              GROUP BY wallet_id) o ON o.wallet_id = w.id
                 WHERE ({ranges})
                   AND w.available_minor + w.pending_minor <> COALESCE(o.s, 0)""",
        }
        problems = {}
        for name, query in checks.items():
            self.cr.execute(query, {"today": self.today})
            count = self.cr.fetchall()[0][0]
            if count:
                problems[name] = count
        return problems

    # --------------------------------------------------------------- sampling
    def member(self, i):
        """(partner id, wallet id) of member ``i``."""
        for st in self.stages:
            if st["lo"] <= i < st["hi"]:
                return st["pbase"] + i - st["lo"], st["wbase"] + i - st["lo"]
        raise IndexError(i)

    @property
    def members(self):
        return self.stages[-1]["hi"] if self.stages else 0
