"""The ledger history of a stage of members: lots, ledger lines, allocations,
checks and past POS orders, built from one temporary table per chunk of lots.

Lots ``j`` of a stage are laid out as [old closed | expiring | current]:

- old lots (expired long ago) are closed by one debit (burn or expiry) or by a
  partial burn and then the rest;
- expiring lots passed their date in the last ten days and are still open, the
  expiry job's work (some were partly burnt);
- current lots (the last 180 days, the newest still pending) are open, the
  older ones partly burnt.

Each credit opens its lot; a debit allocates to exactly one lot of its wallet,
so the invariants hold by construction (``Generator.verify`` checks them).
"""

from .datagen_sql import insert_select, missing_required, mix_sql, reserve_ids

CHUNK = 1_000_000


def stage_plan(scale, lo, hi):
    """Counts of a stage: lots by group and how the debits spread over them."""
    total = scale.share(scale.credits, lo, hi)
    current = total // 3
    expiring = min(scale.share(scale.lots, lo, hi), total - current)
    old = total - expiring - current
    debits = scale.share(scale.debits, lo, hi)
    extra = max(0, debits - old)
    spendable = min(current, (165 * current + 178) // 179)  # bought 15+ days ago
    burnt_expiring = min(extra, expiring)
    burnt_current = min(extra - burnt_expiring, spendable)
    old_twice = min(extra - burnt_expiring - burnt_current, old)
    orders = scale.share(scale.orders, lo, hi)
    return {
        "lots": total,
        "old": old,
        "expiring": expiring,
        "current": current,
        "burnt_expiring": burnt_expiring,
        "burnt_current": burnt_current,
        "old_twice": old_twice,
        "step": total // orders if orders and total else 0,
    }


def _source_sql(seed):
    m = lambda salt: mix_sql("j", seed * 100 + salt)  # noqa: E731
    return f"""
    SELECT j, %(wbase)s + m AS wallet, %(pbase)s + m AS partner, grp, a, t, two,
           has1, p1, k1, d1 + sec * interval '1 second' AS d1ts,
           CASE WHEN two THEN a - p1 END AS p2,
           CASE WHEN two THEN k2 END AS k2,
           CASE WHEN NOT two THEN NULL
                WHEN k2 = 'expire' THEN (t + 180) + interval '3 hours'
                ELSE d1 + 1 + mod({m(7)}, 50) + sec * interval '1 second' END AS d2ts,
           a - COALESCE(p1, 0) - CASE WHEN two THEN a - p1 ELSE 0 END AS rem,
           ckind, t + sec * interval '1 second' AS cts,
           (%(step)s > 0 AND mod(j, GREATEST(%(step)s, 1)) = 0
            AND ckind = 'earn') AS chk
      FROM (
        SELECT *,
               CASE WHEN NOT has1 THEN NULL WHEN grp = 'O' AND NOT two THEN a
                    ELSE a * (2 + mod({m(4)}, 7)) / 10 END AS p1,
               CASE WHEN grp = 'O' AND NOT two AND mod({m(6)}, 2) = 0 THEN 'expire'
                    ELSE 'burn' END AS k1,
               CASE WHEN mod({m(6)}, 2) = 0 THEN 'expire' ELSE 'burn' END AS k2,
               CASE WHEN grp = 'O' AND NOT two AND mod({m(6)}, 2) = 0 THEN t + 180
                    WHEN grp = 'O' AND NOT two THEN t + 14 + mod({m(5)}, 150)
                    WHEN grp = 'C'
                     THEN t + 14 + mod({m(5)}, GREATEST(%(today)s::date - t - 14, 1))
                    ELSE t + 14 + mod({m(5)}, 100) END AS d1
          FROM (
            SELECT *,
                   grp = 'O' OR (grp = 'X' AND j - %(old)s < %(burnt_expiring)s)
                   OR (grp = 'C' AND j - %(old)s - %(expiring)s < %(burnt_current)s)
                   AS has1
              FROM (
                SELECT j, mod({m(1)}, %(n)s) AS m,
                       %(amount_least)s + mod({m(2)}, %(amount_span)s) AS a,
                       9 * 3600 + mod({m(9)}, 36000) AS sec,
                       CASE WHEN mod({m(8)}, 20) = 0 THEN 'gift' ELSE 'earn' END
                       AS ckind,
                       CASE WHEN j < %(old)s THEN 'O'
                            WHEN j < %(old)s + %(expiring)s THEN 'X'
                            ELSE 'C' END AS grp,
                       j < %(old_twice)s AS two,
                       CASE WHEN j < %(old)s THEN %(today)s::date - 730
                                 + mod({m(3)}, 541)
                            WHEN j < %(old)s + %(expiring)s THEN %(today)s::date - 189
                                 + mod({m(3)}, 10)
                            ELSE %(today)s::date - 179 + ((j - %(old)s - %(expiring)s)
                                 ::bigint * 179 / GREATEST(%(current)s, 1))::int
                       END AS t
                  FROM generate_series(%(j0)s, %(j1)s - 1) AS j) AS s0) AS s1) AS s2
    """


LEDGER_COLUMNS = (
    "id wallet_id partner_id program_id company_id kind amount_minor amount "
    "money_minor date store_id channel user_id transaction_id idempotency_key reason "
    "lot_id create_uid write_uid create_date write_date".split()
)


def _debit_select(n, offset):
    p, k, d = f"p{n}", f"k{n}", f"d{n}ts"
    return f"""
    SELECT %(ledbase)s + {offset} + j, wallet, partner, %(program)s, %(company)s,
           {k}, -{p}, -{p} / 100.0, -{p}, {d},
           CASE WHEN {k} = 'burn' THEN %(store)s END,
           CASE WHEN {k} = 'burn' THEN 'pos' ELSE 'job' END, %(uid)s, NULL,
           'bench:' || %(seed)s || ':' || (%(ledbase)s + {offset} + j), NULL, NULL,
           %(uid)s, %(uid)s, {d}, {d}
      FROM bench_src WHERE {p} IS NOT NULL"""


def generate(gen, st):
    cr, scale = gen.cr, gen.scale
    plan = stage_plan(scale, st["lo"], st["hi"])
    st["plan"] = plan
    total, step = plan["lots"], plan["step"]
    if not total:
        return
    st["lotbase"] = reserve_ids(cr, "loyalty_club_lot", total)
    st["ledbase"] = reserve_ids(cr, "loyalty_club_ledger", 3 * total)
    checks = total // step + 1 if step else 0
    st["txbase"] = reserve_ids(cr, "loyalty_club_transaction", checks) if checks else 0
    pos = bool(checks and gen.fx.get("history_session_id"))
    if pos:
        st["ordbase"] = reserve_ids(cr, "pos_order", checks)
        st["linebase"] = reserve_ids(cr, "pos_order_line", 3 * checks)
    for j0 in range(0, total, CHUNK):
        params = gen.params(
            st,
            **plan,
            n=st["n"],
            j0=j0,
            j1=min(total, j0 + CHUNK),
            seed=gen.seed,
        )
        cr.execute("DROP TABLE IF EXISTS bench_src")
        cr.execute(f"CREATE TEMP TABLE bench_src AS {_source_sql(gen.seed)}", params)
        if checks:
            _checks(gen, params, pos)
        _lots_and_ledger(cr, params)
        if pos:
            _pos_history(gen, params)
        cr.execute("DROP TABLE bench_src")


def _checks(gen, params, pos):
    insert_select(
        gen.cr,
        "loyalty_club_transaction",
        "id ref idempotency_key kind wallet_id partner_id program_id company_id "
        "currency_id store_id channel date user_id origin_model origin_id "
        "amount_minor paid_minor burn_minor burn_money_minor earn_minor "
        "refunded_minor reversed_earn_minor reversed_burn_minor amount earned spent "
        "line_count needs_review create_uid write_uid create_date write_date".split(),
        f"""
        SELECT %(txbase)s + j / %(step)s, 'BENCH-' || (%(txbase)s + j / %(step)s),
               'bench:' || %(seed)s || ':txn:' || (%(txbase)s + j / %(step)s), 'sale',
               wallet, partner, %(program)s, %(company)s, %(currency)s, %(store)s,
               'pos', cts, %(uid)s, {"'pos.order'" if pos else "NULL"},
               {"%(ordbase)s + j / %(step)s" if pos else "0"}, a * 10, a * 10, 0, 0,
               a, 0, 0, 0, a / 10.0, a / 100.0, 0, 3, false, %(uid)s, %(uid)s,
               cts, cts
          FROM bench_src WHERE chk""",
        params,
    )


def _lots_and_ledger(cr, params):
    """Lots and the credits that opened them in one statement (they reference
    each other: the foreign keys are checked at its end), then debits and their
    allocations."""
    lot_columns = (
        "id wallet_id company_id ledger_id initial_minor remaining_minor "
        "available_from expires_on create_uid write_uid create_date write_date".split()
    )
    credit_select = """
        SELECT %(ledbase)s + j, wallet, partner, %(program)s, %(company)s, ckind, a,
               a / 100.0, a, cts, CASE WHEN ckind = 'earn' THEN %(store)s END,
               CASE WHEN ckind = 'earn' THEN 'pos' ELSE 'job' END, %(uid)s,
               CASE WHEN chk THEN %(txbase)s + j / GREATEST(%(step)s, 1) END,
               'bench:' || %(seed)s || ':' || (%(ledbase)s + j),
               CASE WHEN ckind = 'gift' THEN 'Welcome bonus' END, %(lotbase)s + j,
               %(uid)s, %(uid)s, cts, cts
          FROM bench_src"""
    lots = f"""
        INSERT INTO loyalty_club_lot ({", ".join(lot_columns)})
        SELECT %(lotbase)s + j, wallet, %(company)s, %(ledbase)s + j, a, rem, t + 14,
               t + 180, %(uid)s, %(uid)s, cts, cts FROM bench_src RETURNING 1"""
    for table, columns in (
        ("loyalty_club_lot", lot_columns),
        ("loyalty_club_ledger", LEDGER_COLUMNS),
    ):
        missing = missing_required(cr, table, columns)
        if missing:
            raise RuntimeError(f"{table}: the generator does not fill {missing}")
    cols = ", ".join(LEDGER_COLUMNS)
    cr.execute(
        f"WITH new_lots AS ({lots}) INSERT INTO loyalty_club_ledger ({cols}) "
        f"{credit_select}",
        params,
    )
    for n, offset in ((1, "%(lots)s"), (2, "2 * %(lots)s")):
        insert_select(
            cr, "loyalty_club_ledger", LEDGER_COLUMNS, _debit_select(n, offset), params
        )
        insert_select(
            cr,
            "loyalty_club_allocation",
            "ledger_id lot_id amount_minor create_uid write_uid create_date "
            "write_date".split(),
            f"""
            SELECT %(ledbase)s + {offset} + j, %(lotbase)s + j, -p{n}, %(uid)s,
                   %(uid)s, d{n}ts, d{n}ts
              FROM bench_src WHERE p{n} IS NOT NULL""",
            params,
        )


def _pos_history(gen, params):
    fx = gen.fx
    params = dict(
        params,
        session=fx["history_session_id"],
        config=fx["club_config_id"],
        pricelist=fx["pricelist_id"],
        products=fx["product_ids"],
        product_names=fx["product_names"],
    )
    order = "%(ordbase)s + j / %(step)s"
    insert_select(
        gen.cr,
        "pos_order",
        "id name pos_reference uuid session_id config_id company_id pricelist_id "
        "partner_id user_id sequence_number date_order state amount_total "
        "amount_paid amount_tax amount_return club_wallet_id club_transaction_id "
        "club_earned create_uid write_uid create_date write_date".split(),
        f"""
        SELECT {order}, 'BENCH/' || lpad(({order})::text, 9, '0'),
               'Order ' || ({order}), md5('bench' || %(seed)s || '-' || ({order})),
               %(session)s, %(config)s, %(company)s, %(pricelist)s, partner, %(uid)s,
               j / %(step)s, cts, 'done', a / 10.0, a / 10.0, 0, 0, wallet,
               %(txbase)s + j / %(step)s, a / 100.0, %(uid)s, %(uid)s, cts, cts
          FROM bench_src WHERE chk""",
        params,
    )
    share = "CASE k WHEN 0 THEN a * 5 WHEN 1 THEN a * 3 ELSE a * 10 - a * 5 - a * 3 END"
    insert_select(
        gen.cr,
        "pos_order_line",
        "id order_id product_id name full_product_name qty price_unit price_subtotal "
        "price_subtotal_incl discount uuid company_id create_uid write_uid "
        "create_date write_date".split(),
        f"""
        SELECT %(linebase)s + 3 * (j / %(step)s) + k, {order},
               (%(products)s::int[])[k + 1], 'BENCH-L' || (3 * (j / %(step)s) + k),
               (%(product_names)s::varchar[])[k + 1], 1, ({share}) / 100.0,
               ({share}) / 100.0, ({share}) / 100.0, 0,
               md5('bench-line' || %(seed)s || '-' || (3 * (j / %(step)s) + k)),
               %(company)s, %(uid)s, %(uid)s, cts, cts
          FROM bench_src CROSS JOIN generate_series(0, 2) AS k WHERE chk""",
        params,
    )
