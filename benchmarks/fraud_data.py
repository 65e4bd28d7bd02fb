"""Planted fraud for ``./club fraud-check``: a seeded month of club checks of
normal cashiers (with the near misses a real store has) plus, per anti-fraud
rule, cashiers planted with that rule's pattern; ``Generator.truth`` says who is
who. Written set-based (one ``INSERT ... SELECT FROM unnest(...)`` per table and
chunk); the command, the evaluation and the report are in ``fraud.py``.

One-time codes (``loyalty_club_code``) come from a random stream of their own
(``seed + 1``), so that their draws do not shift the checks': each store has a till
(``pos.config``) whose codes are the store's.
"""

import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

try:
    from .datagen_sql import insert_select, phone_sql, reserve_ids
except ImportError:  # imported by fraud.py run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.datagen_sql import insert_select, phone_sql, reserve_ids

CHUNK = 50_000
# members' phones start far from the main generator's (unique phones)
PHONE_BASE = 500_000_000


class Generator:
    """Seeded normal activity plus planted fraud; ``truth`` says who is who."""

    def __init__(
        self,
        env,
        cashiers=200,
        stores=30,
        planted=24,
        days=30,
        seed=42,
        members_per_store=1000,
        log=print,
    ):
        self.env = env
        self.cr = env.cr
        # the rules as the core lists them (the generator runs inside Odoo)
        from odoo.addons.loyalty_club.domain.fraud import RULES  # noqa: PLC0415

        self.rules = RULES
        self.n_normal, self.n_stores, self.planted = cashiers, stores, planted
        self.days, self.seed, self.log = days, seed, log
        self.members_per_store = members_per_store
        self.rng = random.Random(seed)
        self.code_rng = random.Random(seed + 1)
        self.today = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        self.start = self.today - timedelta(days=days)
        self.tx = []  # transaction rows (dicts)
        self.partners = []  # extra members registered by cashiers in the period
        self.cards = []
        self.codes = []  # one-time codes asked by cashiers (dicts)

    # ------------------------------------------------------------------ setup
    def setup(self):
        env = self.env(
            context=dict(
                self.env.context, tracking_disable=True, no_reset_password=True
            ),
            su=True,
        )
        self.admin = env.ref("base.user_admin")
        self.company = self.admin.company_id
        # opening hours are local time: the data is written in the company's zone
        self.company.partner_id.tz = "UTC"
        self.program = env["loyalty.club.program"].create(
            {
                "name": f"Fraud bench club {self.seed}",
                "company_id": self.company.id,
                "earn_percent": 10,
                "burn_cap_percent": 30,
                "welcome_bonus": 0,
            }
        )
        self.stores = env["loyalty.club.store"].create(
            [
                {
                    "name": f"Fraud bench store {n}",
                    "code": f"FB{self.seed}-{n:02d}",
                    "company_id": self.company.id,
                }
                for n in range(self.n_stores)
            ]
        )
        # a till per store: the codes it asks for are the store's (one create
        # each: tills created together would all take the same free cash method)
        self.till_of = {
            store.id: env["pos.config"]
            .create(
                {
                    "name": f"Fraud bench till {self.seed}-{n:02d}",
                    "club_program_id": self.program.id,
                    "club_store_id": store.id,
                }
            )
            .id
            for n, store in enumerate(self.stores)
        }
        total = self.n_normal + self.planted * len(self.rules)
        group = env.ref("loyalty_club.group_club_user")
        self.users = env["res.users"].create(
            [
                {
                    "name": f"Bench cashier {n:03d}",
                    "login": f"fraud_bench_{self.seed}_{n:03d}",
                    "company_id": self.company.id,
                    "company_ids": [(6, 0, [self.company.id])],
                    "groups_id": [(6, 0, [group.id])],
                }
                for n in range(total)
            ]
        )
        order = list(self.users)
        self.rng.shuffle(order)
        self.truth = {
            rule: {u.id for u in order[i * self.planted : (i + 1) * self.planted]}
            for i, rule in enumerate(self.rules)
        }
        self.store_of = {
            u.id: self.stores[n % self.n_stores].id for n, u in enumerate(self.users)
        }
        env.flush_all()
        self._members()

    def _members(self):
        """Members of each store (partners, wallets, cards activated long ago)
        and a wallet for every cashier's own partner, in SQL."""
        n = self.members_per_store * self.n_stores
        uid = self.admin.id
        now = datetime.now()
        params = {
            "n": n,
            "company": self.company.id,
            "program": self.program.id,
            "wtype": self.program.wallet_type_id.id,
            "uid": uid,
            "now": now,
            "stores": self.stores.ids,
            "per": self.members_per_store,
            "old": (self.start - timedelta(days=400)).date(),
        }
        params["pbase"] = reserve_ids(self.cr, "res_partner", n)
        e164, typed = phone_sql(f"g + {PHONE_BASE}", self.seed)
        insert_select(
            self.cr,
            "res_partner",
            "id name complete_name type active is_company commercial_partner_id "
            "company_id lang mobile phone_sanitized club_phone club_status "
            "club_join_date club_store_id partner_share autopost_bills color "
            "customer_rank supplier_rank create_uid write_uid create_date "
            "write_date".split(),
            f"""
            SELECT %(pbase)s + g, 'Bench member ' || g, 'Bench member ' || g,
                   'contact', true, false, %(pbase)s + g, %(company)s, 'en_US',
                   {typed}, {e164}, {e164}, 'active', %(old)s,
                   (%(stores)s::int[])[1 + g / %(per)s], true, 'ask', 0, 1, 0,
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM generate_series(0, %(n)s - 1) AS g
            """,
            params,
        )
        self.member_base = params["pbase"]
        self._wallets([params["pbase"] + g for g in range(n)])
        self._insert_cards(
            [(params["pbase"] + g, params["old"]) for g in range(n)], "M"
        )
        own = [u.partner_id.id for u in self.users]
        self._wallets(own)
        self.cr.execute(
            "SELECT partner_id, id FROM loyalty_club_wallet WHERE program_id = %s",
            [self.program.id],
        )
        self.wallet_of = dict(self.cr.fetchall())

    def _wallets(self, partner_ids):
        base = reserve_ids(self.cr, "loyalty_club_wallet", len(partner_ids))
        insert_select(
            self.cr,
            "loyalty_club_wallet",
            "id partner_id program_id company_id wallet_type_id kind tier_since "
            "available_minor pending_minor expiring_soon_minor balance_available "
            "balance_pending balance_expiring_soon balance_date create_uid write_uid "
            "create_date write_date".split(),
            """
            SELECT %(base)s + k - 1, p, %(program)s, %(company)s, %(wtype)s, 'bonus',
                   %(today)s, 0, 0, 0, 0, 0, 0, %(today)s, %(uid)s, %(uid)s,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM unnest(%(partners)s::int[]) WITH ORDINALITY AS u(p, k)
            """,
            {
                "base": base,
                "partners": partner_ids,
                "program": self.program.id,
                "company": self.company.id,
                "wtype": self.program.wallet_type_id.id,
                "today": self.today.date(),
                "uid": self.admin.id,
            },
        )

    def _insert_cards(self, rows, tag):
        """Cards ``(partner_id, activated_on)``, codes unique per run."""
        if not rows:
            return
        base = reserve_ids(self.cr, "loyalty_club_card", len(rows))
        insert_select(
            self.cr,
            "loyalty_club_card",
            "id code kind state program_id company_id partner_id activated_on "
            "create_uid write_uid create_date write_date".split(),
            """
            SELECT %(base)s + k - 1, %(prefix)s || (%(base)s + k - 1), 'physical',
                   'active', %(program)s, %(company)s, p, d, %(uid)s, %(uid)s,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM unnest(%(partners)s::int[], %(dates)s::date[])
                   WITH ORDINALITY AS u(p, d, k)
            """,
            {
                "base": base,
                "prefix": f"FB{self.seed}{tag}",
                "partners": [r[0] for r in rows],
                "dates": [r[1] for r in rows],
                "program": self.program.id,
                "company": self.company.id,
                "uid": self.admin.id,
            },
        )

    # --------------------------------------------------------------- activity
    def _member(self, store_index, rng=None):
        return (
            self.member_base
            + store_index * self.members_per_store
            + (rng or self.rng).randrange(self.members_per_store)
        )

    def _sale(self, user, partner, when, entry="scan", burn=0, earn=True):
        rng = self.rng
        amount = rng.randint(300, 30000)
        burn = min(burn, amount * 3 // 10)
        row = {
            "user": user,
            "partner": partner,
            "wallet": self.wallet_of[partner],
            "store": self.store_of[user],
            "date": when,
            "kind": "sale",
            "entry": entry,
            "amount": amount,
            "burn": burn,
            "earn": (amount - burn) // 10 if earn else 0,
            "refund_of": None,
        }
        self.tx.append(row)
        return row

    def _refund(self, sale, when):
        self.tx.append(
            dict(sale, date=when, kind="refund", burn=0, earn=0, refund_of=sale)
        )

    def _day_time(self, day, lo=8 * 60 + 5, hi=21 * 60 + 55):
        minute = self.rng.randint(lo, hi)
        return self.start + timedelta(
            days=day, minutes=minute, seconds=self.rng.randrange(60)
        )

    @staticmethod
    def _open(when):
        return 8 * 60 <= when.hour * 60 + when.minute < 22 * 60

    def normal(self, user):
        """A month of one cashier's ordinary work, near misses included."""
        rng = self.rng
        store = self.stores.ids.index(self.store_of[user.id])
        favourites = [self._member(store) for _ in range(5)]
        typed_rate = 0.15 if rng.random() < 0.1 else 0.04
        # some cashiers (or their customers) mistype codes more often
        sloppy_codes = self.code_rng.random() < 0.1
        for day in range(self.days):
            for _k in range(rng.randint(6, 16)):
                when = self._day_time(day)
                if rng.random() < 0.003:  # just outside the opening hours
                    when = self.start + timedelta(
                        days=day,
                        minutes=rng.choice(
                            [rng.randint(1320, 1334), rng.randint(465, 479)]
                        ),
                    )
                member = (
                    rng.choice(favourites)
                    if rng.random() < 0.1
                    else self._member(store)
                )
                r = rng.random()
                entry = (
                    "typed"
                    if r < typed_rate
                    else "qr"
                    if r < typed_rate + 0.08
                    else "phone"
                    if r < typed_rate + 0.15
                    else "scan"
                )
                burn = rng.randint(100, 2000) if rng.random() < 0.1 else 0
                sale = self._sale(user.id, member, when, entry, burn)
                if entry == "phone" and self.code_rng.random() < 0.5:
                    self._code(user, member, when, self._normal_code(sloppy_codes))
                r = rng.random()
                if r < 0.02:  # refunded later (also checks paid with bonuses)
                    later = self._day_time(min(day + rng.randint(0, 2), self.days - 1))
                    if later > when:
                        self._refund(sale, later)
                elif r < 0.035:  # back within the hour, another purchase
                    later = when + timedelta(minutes=rng.randint(10, 50))
                    if self._open(later):
                        self._sale(user.id, member, later)
                elif r < 0.045:  # back later to spend what was earned
                    later = when + timedelta(minutes=rng.randint(40, 120))
                    if self._open(later):
                        self._sale(
                            user.id,
                            member,
                            later,
                            burn=rng.randint(100, 1000),
                        )
        if rng.random() < 0.1:  # bought once with the own card
            self._sale(
                user.id, user.partner_id.id, self._day_time(rng.randrange(self.days))
            )
        # members registered in the period: a replaced card now and then, a
        # family sharing one phone
        for _n in range(rng.randint(0, 4)):
            extra = 2 if rng.random() < 0.1 else 1
            self._registered(user, store, cards=extra, members=1)
        if rng.random() < 0.05:
            self._registered(user, store, cards=1, members=2)
        if self.code_rng.random() < 0.05:  # a day the SMS came late: unused codes
            day = self.code_rng.randrange(self.days)
            for _n in range(self.code_rng.randint(3, 6)):
                when = self._code_time(day)
                member = self._member(store, self.code_rng)
                self._code(user, member, when, ("expired", 0))

    def _code_time(self, day, hi=21 * 60 + 55):
        minute = self.code_rng.randint(8 * 60 + 5, hi)
        return self.start + timedelta(days=day, minutes=minute)

    def _normal_code(self, sloppy):
        """``(state, wrong attempts)`` of a code at an honest till: mostly used at
        the first attempt; near misses: a typo (or two) before the right code, a
        code never typed (the SMS came late), now and then a code given up after
        a wrong attempt or locked."""
        r = self.code_rng.random()
        if sloppy:
            outcomes = [
                (0.75, ("used", 0)),
                (0.90, ("used", 1)),
                (0.95, ("used", 2)),
                (0.96, ("expired", 0)),
                (0.985, (self.code_rng.choice(["expired", "void"]), 1)),
            ]
        else:
            outcomes = [
                (0.86, ("used", 0)),
                (0.92, ("used", 1)),
                (0.97, ("expired", 0)),
                (0.99, (self.code_rng.choice(["expired", "void"]), 1)),
            ]
        return next((o for p, o in outcomes if r < p), ("locked", 3))

    def _code(self, user, member, when, outcome):
        state, attempts = outcome
        self.codes.append(
            {
                "user": user.id,
                "partner": member,
                "till": self.till_of[self.store_of[user.id]],
                "date": when - timedelta(minutes=1),
                "state": state,
                "attempts": attempts,
            }
        )

    def _registered(self, user, store, cards, members):
        phone = len(self.partners)
        for _m in range(members):
            self.partners.append(
                {
                    "user": user.id,
                    "store": self.store_of[user.id],
                    "phone": phone,
                    "cards": cards,
                    "day": self.rng.randrange(self.days),
                }
            )

    def plant(self, rule, user):
        """Add ``rule``'s fraud pattern to the cashier's month."""
        store = self.stores.ids.index(self.store_of[user.id])
        getattr(self, f"_plant_{rule}")(user, store)

    def _plant_card_reuse(self, user, store):
        rng = self.rng
        if rng.random() < 0.5:
            card, times = user.partner_id.id, rng.randint(3, 6)
        else:
            card, times = self._member(store), rng.randint(25, 40)
        for _n in range(times):
            self._sale(user.id, card, self._day_time(rng.randrange(self.days)))

    def _plant_accrual_burst(self, user, store):
        rng = self.rng
        for day in rng.sample(range(self.days), rng.randint(2, 4)):
            card = self._member(store)
            when = self._day_time(day, hi=20 * 60)
            for _n in range(rng.randint(5, 7)):
                self._sale(user.id, card, when)
                when += timedelta(minutes=rng.randint(2, 8))

    def _plant_quick_burn(self, user, store):
        rng = self.rng
        for day in rng.sample(range(self.days), rng.randint(4, 8)):
            card = self._member(store)
            when = self._day_time(day, hi=21 * 60)
            self._sale(user.id, card, when)
            later = when + timedelta(minutes=rng.randint(3, 20))
            self._sale(user.id, card, later, burn=rng.randint(300, 2000))

    def _plant_typed_cards(self, user, store):
        rng = self.rng
        share = rng.uniform(0.45, 0.7)
        for row in self.tx:
            if row["user"] == user.id and row["kind"] == "sale":
                if rng.random() < share:
                    row["entry"] = "typed"

    def _plant_refund_after_burn(self, user, store):
        rng = self.rng
        for _n in range(rng.randint(12, 18)):
            when = self._day_time(rng.randrange(self.days), hi=21 * 60)
            burn = rng.randint(500, 3000)
            sale = self._sale(user.id, self._member(store), when, burn=burn)
            self._refund(sale, when + timedelta(minutes=rng.randint(10, 50)))

    def _plant_off_hours(self, user, store):
        rng = self.rng
        for _n in range(rng.randint(10, 20)):
            day = rng.randrange(self.days)
            minute = rng.choice([rng.randint(0, 300), rng.randint(23 * 60, 1439)])
            when = self.start + timedelta(days=day, minutes=minute)
            self._sale(user.id, self._member(store), when)

    def _plant_phone_cards(self, user, store):
        rng = self.rng
        for _n in range(rng.randint(1, 2)):
            if rng.random() < 0.5:
                self._registered(user, store, cards=1, members=rng.randint(3, 5))
            else:
                self._registered(user, store, cards=rng.randint(3, 5), members=1)

    def _plant_failed_codes(self, user, store):
        """Codes asked on members' phones (found by a typed phone, the member
        away) and guessed: mostly locked, some replaced by a new code or left
        to expire after a wrong guess or two."""
        rng = self.code_rng
        for _n in range(rng.randint(8, 15)):
            r = rng.random()
            outcome = (
                ("locked", 3)
                if r < 0.7
                else ("void", rng.randint(1, 2))
                if r < 0.9
                else ("expired", rng.randint(1, 2))
            )
            when = self._code_time(rng.randrange(self.days))
            self._code(user, self._member(store, rng), when, outcome)

    # ------------------------------------------------------------------ load
    def generate(self):
        started = time.monotonic()
        self.setup()
        for user in self.users:
            self.normal(user)
        for rule in self.rules:
            for user in self.users.filtered(lambda u, r=rule: u.id in self.truth[r]):
                self.plant(rule, user)
        self._load_registered()
        self._load_transactions()
        self._load_codes()
        self.env.invalidate_all()
        self.log(
            f"fraud: {len(self.users)} cashiers in {self.n_stores} stores, "
            f"{len(self.tx)} checks, {len(self.partners)} members registered in the "
            f"period, {len(self.codes)} one-time codes, in "
            f"{time.monotonic() - started:.1f} s"
        )
        return self

    def _load_registered(self):
        """Members registered by cashiers in the period (created by them) and
        their cards: phones unique per group, shared within it."""
        rows = self.partners
        if not rows:
            return
        base = reserve_ids(self.cr, "res_partner", len(rows))
        e164, typed = phone_sql(f"ph + {PHONE_BASE} + 100000000", self.seed)
        insert_select(
            self.cr,
            "res_partner",
            "id name complete_name type active is_company commercial_partner_id "
            "company_id lang mobile phone_sanitized club_phone club_status "
            "club_join_date club_store_id partner_share autopost_bills color "
            "customer_rank supplier_rank create_uid write_uid create_date "
            "write_date".split(),
            f"""
            SELECT %(base)s + k - 1, 'Bench new member ' || k, 'Bench new member ' || k,
                   'contact', true, false, %(base)s + k - 1, %(company)s, 'en_US',
                   {typed}, {e164}, {e164}, 'active', d, s, true, 'ask', 0, 1, 0,
                   u, u, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM unnest(%(users)s::int[], %(stores)s::int[], %(phones)s::int[],
                          %(days)s::date[]) WITH ORDINALITY AS x(u, s, ph, d, k)
            """,
            {
                "base": base,
                "company": self.company.id,
                "users": [r["user"] for r in rows],
                "stores": [r["store"] for r in rows],
                "phones": [r["phone"] for r in rows],
                "days": [(self.start + timedelta(days=r["day"])).date() for r in rows],
            },
        )
        self._wallets([base + k for k in range(len(rows))])
        cards = []
        for k, r in enumerate(rows):
            for c in range(r["cards"]):
                day = min(r["day"] + c, self.days - 1)
                cards.append((base + k, (self.start + timedelta(days=day)).date()))
        self._insert_cards(cards, "R")

    def _load_transactions(self):
        rows = sorted(self.tx, key=lambda r: (r["date"], r["kind"] == "refund"))
        base = reserve_ids(self.cr, "loyalty_club_transaction", len(rows))
        for k, row in enumerate(rows):
            row["id"] = base + k
        columns = (
            "id ref idempotency_key kind refund_of_id wallet_id partner_id program_id "
            "company_id currency_id store_id channel entry_method date user_id "
            "amount_minor paid_minor burn_minor earn_minor refunded_minor "
            "create_uid write_uid create_date write_date".split()
        )
        for lo in range(0, len(rows), CHUNK):
            chunk = rows[lo : lo + CHUNK]
            insert_select(
                self.cr,
                "loyalty_club_transaction",
                columns,
                """
                SELECT i, 'FB/' || i, 'fraud-bench-' || %(seed)s || '-' || i, kind,
                       ref_of, w, p, %(program)s, %(company)s, %(currency)s, s, 'pos',
                       e, d, u, a, a - b, b, ea,
                       CASE WHEN kind = 'refund' THEN a ELSE 0 END,
                       u, u, d, d
                  FROM unnest(%(ids)s::int[], %(kinds)s::varchar[], %(refs)s::int[],
                              %(wallets)s::int[], %(partners)s::int[],
                              %(stores)s::int[], %(entries)s::varchar[],
                              %(dates)s::timestamp[], %(users)s::int[],
                              %(amounts)s::int[], %(burns)s::int[], %(earns)s::int[])
                       AS x(i, kind, ref_of, w, p, s, e, d, u, a, b, ea)
                """,
                {
                    "seed": self.seed,
                    "program": self.program.id,
                    "company": self.company.id,
                    "currency": self.program.currency_id.id,
                    "ids": [r["id"] for r in chunk],
                    "kinds": [r["kind"] for r in chunk],
                    "refs": [
                        r["refund_of"]["id"] if r["refund_of"] else None for r in chunk
                    ],
                    "wallets": [r["wallet"] for r in chunk],
                    "partners": [r["partner"] for r in chunk],
                    "stores": [r["store"] for r in chunk],
                    "entries": [r["entry"] for r in chunk],
                    "dates": [r["date"] for r in chunk],
                    "users": [r["user"] for r in chunk],
                    "amounts": [r["amount"] for r in chunk],
                    "burns": [r["burn"] for r in chunk],
                    "earns": [r["earn"] for r in chunk],
                },
            )

    def _load_codes(self):
        """The one-time codes the cashiers asked at their tills, with the
        member's phone; no hash (nobody types them any more)."""
        rows = self.codes
        if not rows:
            return
        base = reserve_ids(self.cr, "loyalty_club_code", len(rows))
        insert_select(
            self.cr,
            "loyalty_club_code",
            "id partner_id program_id company_id phone purpose state expires_at "
            "attempts channel pos_config_ref user_id create_uid write_uid "
            "create_date write_date".split(),
            """
            SELECT %(base)s + k - 1, x.p, %(program)s, %(company)s, rp.club_phone,
                   'spend', x.st, x.d + interval '5 minutes', x.a, 'pos', x.t, x.u,
                   x.u, x.u, x.d, x.d
              FROM unnest(%(partners)s::int[], %(states)s::varchar[],
                          %(attempts)s::int[], %(tills)s::int[], %(users)s::int[],
                          %(dates)s::timestamp[])
                   WITH ORDINALITY AS x(p, st, a, t, u, d, k)
              JOIN res_partner rp ON rp.id = x.p
            """,
            {
                "base": base,
                "program": self.program.id,
                "company": self.company.id,
                "partners": [r["partner"] for r in rows],
                "states": [r["state"] for r in rows],
                "attempts": [r["attempts"] for r in rows],
                "tills": [r["till"] for r in rows],
                "users": [r["user"] for r in rows],
                "dates": [r["date"] for r in rows],
            },
        )
