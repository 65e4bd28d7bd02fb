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
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

try:
    from .datagen_sql import insert_select, phone_sql, reserve_ids
except ImportError:  # imported by fraud.py run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.datagen_sql import insert_select, phone_sql, reserve_ids

CHUNK = 50_000
# members' phones start far from the main generator's (unique phones)
PHONE_BASE = 500_000_000


class Generator:
    """Seeded normal activity plus planted fraud; ``truth`` says who is who.

    Times are written in the company's time zone ``tz`` (UTC here) and stored
    in UTC (``_localize``)."""

    tz = "UTC"
    phone_base = PHONE_BASE
    label = "population"

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
        self.extra_cards = []  # (partner, activated_on, user, store)

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
        self.company.partner_id.tz = self.tz
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
        e164, typed = phone_sql(f"g + {self.phone_base}", self.seed)
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
        """Cards ``(partner_id, activated_on[, user, store])``, codes unique per
        run: activated by the cashier at the store's till, or (no user) by the
        administrator's import of the old system's members."""
        if not rows:
            return
        base = reserve_ids(self.cr, "loyalty_club_card", len(rows))
        insert_select(
            self.cr,
            "loyalty_club_card",
            "id code kind state program_id company_id partner_id activated_on "
            "activated_by_id activated_store_id activated_channel "
            "create_uid write_uid create_date write_date".split(),
            """
            SELECT %(base)s + k - 1, %(prefix)s || (%(base)s + k - 1), 'physical',
                   'active', %(program)s, %(company)s, p, d, COALESCE(u, %(uid)s),
                   s, CASE WHEN u IS NULL THEN 'import' ELSE 'pos' END,
                   %(uid)s, %(uid)s,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM unnest(%(partners)s::int[], %(dates)s::date[], %(users)s::int[],
                          %(stores)s::int[])
                   WITH ORDINALITY AS x(p, d, u, s, k)
            """,
            {
                "base": base,
                "prefix": f"FB{self.seed}{tag}",
                "partners": [r[0] for r in rows],
                "dates": [r[1] for r in rows],
                "users": [r[2] if len(r) > 2 else None for r in rows],
                "stores": [r[3] if len(r) > 2 else None for r in rows],
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
        self._localize()
        self._load_registered()
        self._insert_cards(self.extra_cards, "X")
        self._load_transactions()
        self._load_codes()
        # fresh statistics, as a database that took these rows over a month
        # has (the planner sees this transaction's own rows)
        self.cr.execute(
            "ANALYZE res_partner, loyalty_club_card, loyalty_club_wallet, "
            "loyalty_club_transaction, loyalty_club_code"
        )
        self.env.invalidate_all()
        self.log(
            f"fraud: {len(self.users)} cashiers in {self.n_stores} stores, "
            f"{len(self.tx)} checks, {len(self.partners)} members registered in the "
            f"period, {len(self.codes)} one-time codes, in "
            f"{time.monotonic() - started:.1f} s"
        )
        return self

    def _localize(self):
        """Local times (the company's zone) of checks and codes to UTC."""
        if self.tz == "UTC":
            return
        zone = ZoneInfo(self.tz)
        for row in [*self.tx, *self.codes]:
            row["date"] = (
                row["date"]
                .replace(tzinfo=zone)
                .astimezone(timezone.utc)
                .replace(tzinfo=None)
            )

    def _load_registered(self):
        """Members registered by cashiers in the period (created by them) and
        their cards: phones unique per group, shared within it."""
        rows = self.partners
        if not rows:
            return
        base = reserve_ids(self.cr, "res_partner", len(rows))
        e164, typed = phone_sql(f"ph + {self.phone_base} + 100000000", self.seed)
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
                cards.append(
                    (
                        base + k,
                        (self.start + timedelta(days=day)).date(),
                        r["user"],
                        r["store"],
                    )
                )
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


# ---------------------------------------------------------------- population 2
# A convenience chain shaped unlike the first population: stores with their own
# hours (a 24-hour store, late Fridays), a clock change inside the month, busy,
# regular and part-time cashiers working shifts, a returns desk per store
# handling the store's refunds, members' regulars, cashiers who are members
# under a personal phone, a member earning at one till and spending at the next.
PROFILES = {
    # share of cashiers, checks per shift, shift days in the month
    "busy": (0.25, (45, 70), (19, 24)),
    "regular": (0.5, (15, 30), (14, 20)),
    "part": (0.25, (6, 14), (6, 10)),
}
# (opens, closes) in minutes per store; Fridays close later in half of them
STORE_HOURS = [(7 * 60, 23 * 60), (8 * 60, 22 * 60), (9 * 60, 21 * 60)]
FRIDAY = 4


class ShapedGenerator(Generator):
    """The second population (see above): the month of 2026-10-06 to
    2026-11-04 in Kyiv (clocks go back on 25 October), one store open 24
    hours, a returns desk per store; planted cashiers per rule, as in the
    first population, plus ``combined`` ones with two signals at about half
    their thresholds (found when weak signals make their case)."""

    tz = "Europe/Kyiv"
    phone_base = PHONE_BASE + 300_000_000

    def __init__(self, env, *args, start=datetime(2026, 10, 6), **kwargs):
        super().__init__(env, *args, **kwargs)
        self.rules = (*self.rules, "combined")
        self.start = start
        self.today = start + timedelta(days=self.days)

    # ------------------------------------------------------------------ setup
    def setup(self):
        super().setup()
        rng = self.rng
        # the cashiers' order, not their ids: the same data in any database
        self.index = {uid: n for n, uid in enumerate(self.users.ids)}
        # the first store is open 24 hours; the others have their own hours,
        # half of them late on Fridays
        self.hours = {}
        Hours = self.env["loyalty.club.fraud.hours"].sudo()
        for n, store in enumerate(self.stores):
            if n == 0:
                store.fraud_open_24h = True
                self.hours[store.id] = {d: (0, 1440) for d in range(7)}
                continue
            opens, closes = STORE_HOURS[n % len(STORE_HOURS)]
            store.write(
                {"fraud_open_hour": opens / 60, "fraud_close_hour": closes / 60}
            )
            week = {d: (opens, closes) for d in range(7)}
            if n % 2:
                week[FRIDAY] = (opens, 1440)
                Hours.create(
                    {
                        "store_id": store.id,
                        "weekday": str(FRIDAY),
                        "open_hour": opens / 60,
                        "close_hour": 24,
                    }
                )
            self.hours[store.id] = week
        planted = set().union(*self.truth.values())
        normal = [u for u in self.users if u.id not in planted]
        # a returns desk per store, among the normal cashiers
        self.desk = {}
        for user in normal:
            self.desk.setdefault(self.store_of[user.id], user.id)
        self.desks = set(self.desk.values())
        # off-hours plants work where there are hours; a friend's card and the
        # combined signals need a cashier working more than a few days
        for rule in ("off_hours", "combined"):
            for uid in self.truth[rule]:
                if self.store_of[uid] == self.stores[0].id:
                    n = self.index[uid] % (len(self.stores) - 1)
                    self.store_of[uid] = self.stores[1 + n].id
        steady = self.truth["card_reuse"] | self.truth["combined"]
        self.profile, self.shifts = {}, {}
        for user in self.users:
            r, acc = rng.random(), 0
            for name, (share, _checks, _days) in PROFILES.items():  # noqa: B007
                acc += share
                if r < acc:
                    break
            if name == "part" and user.id in steady:
                name = "regular"
            self.profile[user.id] = name
            days = PROFILES[name][2]
            self.shifts[user.id] = sorted(
                rng.sample(range(self.days), min(self.days, rng.randint(*days)))
            )
        # cashiers who are members under a personal phone: a member (a contact
        # of its own) of the store near home, whose phone is also on the user's
        # contact
        self.personal = {}
        self.served = set()  # (cashier, day, regular): once a day
        pairs = []
        for user in self.users:
            if rng.random() < 0.3 or user.id in self.truth["card_reuse"]:
                store = self.stores.ids.index(self.store_of[user.id])
                member = self._member((store + 1) % len(self.stores))
                self.personal[user.id] = member
                pairs.append((user.partner_id.id, member))
        self.cr.execute(
            """UPDATE res_partner u
                  SET mobile = m.mobile, club_phone = m.club_phone
                 FROM unnest(%s::int[], %s::int[]) AS x(u, m)
                 JOIN res_partner m ON m.id = x.m
                WHERE u.id = x.u""",
            [[u for u, _m in pairs], [m for _u, m in pairs]],
        )
        self.env.invalidate_all()

    # ------------------------------------------------------------- helpers
    def _hours_of(self, user, day):
        weekday = (self.start + timedelta(days=day)).weekday()
        return self.hours[self.store_of[user]][weekday]

    def _shift(self, user, day):
        """The cashier's working minutes of the day (inside the store's hours)."""
        opens, closes = self._hours_of(user, day)
        kind = (self.index[user] + day) % 3
        if closes - opens <= 8 * 60 + 30:
            return opens, closes
        if closes - opens == 1440 and kind == 2:  # the 24-hour store's day shift
            return 8 * 60, 16 * 60
        if kind == 0:
            return opens, opens + 8 * 60
        if kind == 1:
            return closes - 8 * 60, closes
        return opens, closes

    def _at(self, day, minute):
        return self.start + timedelta(
            days=day, minutes=minute, seconds=self.rng.randrange(60)
        )

    def _in_shift(self, user, day, margin=5):
        lo, hi = self._shift(user, day)
        return self._at(day, self.rng.randint(lo + margin, hi - margin - 1))

    def _colleague(self, user):
        store = self.store_of[user]
        others = [u for u in self.users.ids if self.store_of[u] == store and u != user]
        return self.rng.choice(others) if others else user

    def _regular(self, store):
        # the first 60 members of a store are its regulars
        return (
            self.member_base
            + store * self.members_per_store
            + self.rng.randrange(min(60, self.members_per_store))
        )

    def _refund_later(self, sale, day):
        """The member brings ``sale`` back to the returns desk a day or two
        later, in the store's opening hours."""
        later = day + self.rng.randint(1, 2)
        if later >= self.days:
            return
        desk = self.desk.get(sale["store"], sale["user"])
        opens, closes = self._hours_of(desk, later)
        self._refund_at_desk(
            sale, self._at(later, self.rng.randint(opens + 5, closes - 6))
        )

    def _refund_at_desk(self, sale, when):
        """The store's returns desk refunds ``sale`` (whoever sold it)."""
        desk = self.desk.get(sale["store"], sale["user"])
        self.tx.append(
            dict(
                sale,
                user=desk,
                date=when,
                kind="refund",
                burn=0,
                earn=0,
                refund_of=sale,
            )
        )

    def _spread_days(self, user, count, per_day):
        """``count`` days of the cashier's shifts, ``per_day`` times each at
        most (the same day repeated when the cashier works few days)."""
        days = list(self.shifts[user]) * per_day
        self.rng.shuffle(days)
        return days[:count]

    # --------------------------------------------------------------- activity
    def normal(self, user):
        """A month of shifts: checks, the near misses of each rule, members
        registered, codes."""
        rng = self.rng
        uid = user.id
        store = self.stores.ids.index(self.store_of[uid])
        low, high = (3, 8) if uid in self.desks else PROFILES[self.profile[uid]][1]
        habits = {
            "typed": 0.15 if rng.random() < 0.1 else 0.04,
            "sloppy_codes": self.code_rng.random() < 0.1,
        }
        for day in self.shifts[uid]:
            lo, hi = self._shift(uid, day)
            opens, closes = self._hours_of(uid, day)
            for _k in range(rng.randint(low, high)):
                self._normal_check(user, store, day, hi, habits)
            if closes < 1440 and hi == closes and rng.random() < 0.3:
                # the last customers, a few minutes after closing
                for _n in range(rng.randint(1, 2)):
                    self._sale(
                        uid,
                        self._member(store),
                        self._at(day, closes + rng.randint(1, 12)),
                    )
            if opens > 0 and lo == opens and rng.random() < 0.1:
                self._sale(
                    uid, self._member(store), self._at(day, opens - rng.randint(2, 10))
                )
        if uid in self.personal:  # buys with the own card now and then
            for _n in range(rng.randint(0, 2)):
                day = rng.choice(self.shifts[uid])
                self._sale(uid, self.personal[uid], self._in_shift(uid, day))
        for _n in range(rng.randint(0, 5)):
            self._registered(
                user, store, cards=2 if rng.random() < 0.1 else 1, members=1
            )
        if rng.random() < 0.05:
            self._registered(user, store, cards=1, members=2)
        if self.code_rng.random() < 0.05:  # a day the SMS came late
            day = self.code_rng.choice(self.shifts[uid])
            for _n in range(self.code_rng.randint(3, 6)):
                member = self._member(store, self.code_rng)
                self._code(user, member, self._in_shift(uid, day), ("expired", 0))

    def _normal_check(self, user, store, day, hi, habits):
        rng, uid = self.rng, user.id
        when = self._in_shift(uid, day)
        member = self._member(store)
        if rng.random() < 0.15:  # a regular, who comes once a day
            regular = self._regular(store)
            if (uid, day, regular) not in self.served:
                self.served.add((uid, day, regular))
                member = regular
        r = rng.random()
        typed = habits["typed"]
        entry = (
            "typed"
            if r < typed
            else "qr"
            if r < typed + 0.08
            else "phone"
            if r < typed + 0.15
            else "scan"
        )
        burn = rng.randint(100, 2000) if rng.random() < 0.1 else 0
        sale = self._sale(uid, member, when, entry, burn)
        if entry == "phone" and self.code_rng.random() < 0.5:
            self._code(user, member, when, self._normal_code(habits["sloppy_codes"]))
        r = rng.random()
        later = when + timedelta(minutes=rng.randint(10, 50))
        if r < 0.02:  # brought back to the returns desk
            self._refund_later(sale, day)
        elif r < 0.035 and later.hour * 60 + later.minute < hi:  # back within the hour
            self._sale(uid, member, later)
        elif r < 0.045:  # back later to spend what was earned
            later = when + timedelta(minutes=rng.randint(40, 120))
            if later.hour * 60 + later.minute < hi:
                self._sale(uid, member, later, burn=rng.randint(100, 1000))
        elif r < 0.055:  # spends it at a colleague's till right away
            later = when + timedelta(minutes=rng.randint(3, 15))
            self._sale(self._colleague(uid), member, later, burn=rng.randint(100, 1000))

    def _registered(self, user, store, cards, members):
        phone = len(self.partners)
        for _m in range(members):
            self.partners.append(
                {
                    "user": user.id,
                    "store": self.store_of[user.id],
                    "phone": phone,
                    "cards": cards,
                    "day": self.rng.choice(self.shifts[user.id]),
                }
            )

    # --------------------------------------------------------------- planted
    def _volume(self, uid):
        return sum(1 for r in self.tx if r["user"] == uid and r["kind"] == "sale")

    def _plant_card_reuse(self, user, store):
        """Half: a friend's card scanned on strangers' purchases, at least 22
        times and 3.5-5 % of the cashier's checks, twice a day at most; half:
        the own card, a member under the cashier's personal phone."""
        rng, uid = self.rng, user.id
        if rng.random() < 0.5:
            card = self.personal[uid]
            for day in self._spread_days(uid, rng.randint(3, 6), 1):
                self._sale(uid, card, self._in_shift(uid, day))
            return
        card = self._member(store)
        wanted = max(22, round(self._volume(uid) * rng.uniform(0.035, 0.05)))
        for day in self._spread_days(uid, wanted, 2):
            self._sale(uid, card, self._in_shift(uid, day))

    def _plant_accrual_burst(self, user, store):
        """A slow drip: six accruals 20-30 minutes apart on three days."""
        rng, uid = self.rng, user.id
        card = self._member(store)
        for day in self._spread_days(uid, 3, 1):
            lo, hi = self._shift(uid, day)
            when = self._at(day, rng.randint(lo + 5, max(lo + 6, hi - 200)))
            for _n in range(6):
                self._sale(uid, card, when)
                when += timedelta(minutes=rng.randint(20, 30))

    def _plant_quick_burn(self, user, store):
        rng, uid = self.rng, user.id
        for day in self._spread_days(uid, rng.randint(4, 7), 1):
            card = self._member(store)
            when = self._in_shift(uid, day, margin=40)
            self._sale(uid, card, when)
            later = when + timedelta(minutes=rng.randint(3, 25))
            self._sale(uid, card, later, burn=rng.randint(300, 2000))

    def _plant_typed_cards(self, user, store):
        share = self.rng.uniform(0.4, 0.65)
        for row in self.tx:
            if row["user"] == user.id and row["kind"] == "sale":
                if self.rng.random() < share:
                    row["entry"] = "typed"

    def _plant_refund_after_burn(self, user, store):
        """Checks paid with a member's bonuses, refunded (in money) at the
        returns desk soon after: ten to fifteen, a small share for a busy
        cashier."""
        rng, uid = self.rng, user.id
        for day in self._spread_days(uid, rng.randint(10, 15), 2):
            when = self._in_shift(uid, day, margin=60)
            sale = self._sale(
                uid, self._member(store), when, burn=rng.randint(500, 3000)
            )
            self._refund_at_desk(sale, when + timedelta(minutes=rng.randint(10, 50)))

    def _off_hours_time(self, uid, day):
        opens, closes = self._hours_of(uid, day)
        if self.rng.random() < 0.5 or closes >= 1440:
            return self._at(day, opens - self.rng.randint(30, min(120, opens)))
        return self._at(day, closes + self.rng.randint(30, min(120, 1439 - closes)))

    def _plant_off_hours(self, user, store):
        """Seven to ten checks 30 minutes to two hours before opening or after
        closing (the store's hours of that day)."""
        uid = user.id
        for day in self._spread_days(uid, self.rng.randint(7, 10), 1):
            self._sale(uid, self._member(store), self._off_hours_time(uid, day))

    def _plant_phone_cards(self, user, store):
        """Three or four cards activated on one phone: new members sharing it,
        or new cards on an existing member's phone."""
        rng, uid = self.rng, user.id
        if rng.random() < 0.5:
            self._registered(user, store, cards=1, members=rng.randint(3, 4))
            return
        member = self._member(store)
        for day in self._spread_days(uid, rng.randint(3, 4), 1):
            self.extra_cards.append(
                (
                    member,
                    (self.start + timedelta(days=day)).date(),
                    uid,
                    self.store_of[uid],
                )
            )

    def _plant_failed_codes(self, user, store):
        """Codes guessed on members' phones: at least a quarter of the codes
        asked, or ten and more for a busy cashier."""
        rng, uid = self.code_rng, user.id
        asked = sum(1 for c in self.codes if c["user"] == uid)
        # a quarter of the codes asked, or (a busy till) ten and more
        count = max(rng.randint(6, 9), min(asked // 3 + 2, rng.randint(11, 14)))
        for _n in range(count):
            r = rng.random()
            outcome = (
                ("locked", 3)
                if r < 0.7
                else ("void", rng.randint(1, 2))
                if r < 0.9
                else ("expired", rng.randint(1, 2))
            )
            day = rng.choice(self.shifts[uid])
            self._code(
                user, self._member(store, rng), self._in_shift(uid, day), outcome
            )

    def _plant_combined(self, user, store):
        """Two signals at about half their thresholds: three checks well
        outside opening hours (six fire) and 17-20 % of the cards typed by
        hand (30 % fire)."""
        rng, uid = self.rng, user.id
        for day in self._spread_days(uid, 3, 1):
            self._sale(uid, self._member(store), self._off_hours_time(uid, day))
        # typed by hand in all: 17-20 % of the checks, the cashier's own
        # habit included
        sales = [r for r in self.tx if r["user"] == uid and r["kind"] == "sale"]
        typed = sum(1 for r in sales if r["entry"] == "typed")
        target = rng.uniform(0.17, 0.2)
        more = max(0.0, (target * len(sales) - typed) / max(len(sales) - typed, 1))
        for row in sales:
            if row["entry"] != "typed" and rng.random() < more:
                row["entry"] = "typed"

    def plant(self, rule, user):
        store = self.stores.ids.index(self.store_of[user.id])
        getattr(self, f"_plant_{rule}")(user, store)
