"""Program economics at scale: the what-if's replay of a past period and the
economics report read from its stored aggregates.

The data, set-based and seeded (rows built by ``INSERT ... SELECT`` over
``generate_series`` with the generator's integer mix, as ``./club bench``
does):

- ``members`` members with their wallets and a ledger history
  (``datagen.Generator``: credits opening lots, spends and expiries, past till
  orders of three lines with their checks over the last two years, about
  ``order_lines`` order lines);
- a period of ``months`` full months before the current one holding
  ``checks`` more checks of those members, booked as the service books them:
  each earns 10 % of what was paid in money (its ledger line keyed
  ``<check>:earn``, opening a lot available 14 days later and expiring after
  180), one check in four spends bonuses (``<check>:burn``, allocated to an
  opening balance each member got before the period).

Then, each timed: the stored aggregates refreshed from nothing (sales by day,
ledger money by day, accrual flows), the economics report grouped by month and
by month and store (the pivot's requests, cold then warm), outstanding bonuses
by expiry, breakage per accrual month, and the what-if of the period with the
earn rate halved (the wizard's ``action_run``: both replays, the rules tried
and the current ones), optionally under cProfile.

    python3 benchmarks/bench_economics.py --base DB --db NEW_DB \\
        [--members 10000] [--checks 30000] [--order-lines 30000] [--months 3] \\
        [--history 4] [--profile] [--seed 42]

copies ``--base`` (a database with the addons installed, nobody connected to
it) to ``--db``, runs inside one Odoo shell there and writes
``benchmarks/results/economics.md`` (and ``.json``). Inside Odoo (the smoke
test): ``run(env, members=..., checks=..., ...)``.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
# the goals of issue 20, at 1M members
GOAL_WHATIF_S = 300.0  # 3 months, ~3M checks
GOAL_REPORT_S = 3.0  # 10M order lines
FULL_CHECKS = 3_000_000

try:
    from . import datagen, datagen_ledger, datagen_sql, scales
except ImportError:  # run as a script
    sys.path.insert(0, str(ROOT))
    from benchmarks import datagen, datagen_ledger, datagen_sql, scales


def _scale(members, order_lines, history):
    orders = order_lines // 3
    credits = max(orders, members * history // 2, 1)
    return scales.Scale(
        name="economics",
        members=members,
        cards=0,
        ledger_lines=2 * credits,
        lots=0,
        order_lines=order_lines,
        session_levels=(0, members),
        emission=0,
        identify_samples=0,
        quote_samples=0,
        confirm_samples=0,
        concurrent_confirms=0,
        sync_orders=0,
        session_repeats=0,
        expiry_budget_s=0.0,
        messages=0,
    )


def period_bounds(today, months):
    """The ``months`` full months before the current one: (first, last day)."""
    first = today.replace(day=1)
    start = first
    for _ in range(months):
        start = (start - timedelta(days=1)).replace(day=1)
    return start, first - timedelta(days=1)


# the period's checks, one row each: member, moment, amount, bonuses spent
PERIOD_SOURCE = """
SELECT k, %(wbase)s + w AS wallet, %(pbase)s + w AS partner, a,
       b, a - b AS paid, (a - b) / 10 AS earn, ts,
       (ts AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day
  FROM (
    SELECT k, mod({m1}, %(n)s) AS w, 500 + mod({m2}, 20000) AS a,
           CASE WHEN mod({m3}, 4) = 0
                THEN LEAST(100 + mod({m4}, 400), (500 + mod({m2}, 20000)) * 3 / 10)
                ELSE 0 END AS b,
           %(start)s::timestamp + (k::bigint * %(span)s / %(checks)s)
               * interval '1 second' AS ts
      FROM generate_series(0, %(checks)s - 1) AS k) AS s
"""


def _period(gen, st, checks, start_day, end_day, log):
    """``checks`` checks of the stage's members between the two days, with
    their earn, spend, lots and allocations, and an opening balance a member."""
    cr, seed = gen.cr, gen.seed
    n = st["n"]
    mix = datagen_sql.mix_sql
    tz = gen.env["loyalty.club.sales.day"]._tz().zone
    start = datetime.combine(start_day, datetime.min.time())
    end = datetime.combine(end_day + timedelta(days=1), datetime.min.time())
    params = gen.params(
        st,
        n=n,
        checks=checks,
        start=start,
        span=int((end - start).total_seconds()),
        tz=tz,
        seed=seed,
        opened=start - timedelta(days=20),
        opened_day=start_day - timedelta(days=20),
        opening_expires=start_day + timedelta(days=365),
    )
    started = time.monotonic()
    cr.execute("DROP TABLE IF EXISTS bench_period")
    source = PERIOD_SOURCE.format(
        m1=mix("k", seed * 1000 + 1),
        m2=mix("k", seed * 1000 + 2),
        m3=mix("k", seed * 1000 + 3),
        m4=mix("k", seed * 1000 + 4),
    )
    cr.execute(f"CREATE TEMP TABLE bench_period AS {source}", params)
    cr.execute("SELECT count(*) FILTER (WHERE b > 0) FROM bench_period")
    burns = cr.fetchone()[0]
    params["txbase"] = datagen_sql.reserve_ids(cr, "loyalty_club_transaction", checks)
    params["ledbase"] = datagen_sql.reserve_ids(
        cr, "loyalty_club_ledger", 2 * checks + n
    )
    params["lotbase"] = datagen_sql.reserve_ids(cr, "loyalty_club_lot", checks + n)
    tables = [
        "loyalty_club_transaction",
        "loyalty_club_ledger",
        "loyalty_club_lot",
        "loyalty_club_allocation",
    ]
    with datagen_sql.relaxed(cr, tables if checks >= 100_000 else [], log=log):
        _period_rows(cr, params)
    for table in tables:
        cr.execute(f'ANALYZE "{table}"')
    log(
        f"period {start_day}..{end_day}: {checks:,} checks ({burns:,} spending) "
        f"generated in {time.monotonic() - started:.1f} s"
    )
    return {"checks": checks, "burns": burns}


def _period_rows(cr, params):
    insert = datagen_sql.insert_select
    key = "'bench-econ:' || %(seed)s || ':' || (%(txbase)s + k)"
    insert(
        cr,
        "loyalty_club_transaction",
        "id ref idempotency_key kind wallet_id partner_id program_id company_id "
        "currency_id store_id channel date user_id amount_minor paid_minor burn_minor "
        "burn_money_minor earn_minor refunded_minor reversed_earn_minor "
        "reversed_burn_minor amount earned spent line_count needs_review create_uid "
        "write_uid create_date write_date".split(),
        f"""
        SELECT %(txbase)s + k, 'BENCH-E' || (%(txbase)s + k), {key}, 'sale', wallet,
               partner, %(program)s, %(company)s, %(currency)s, %(store)s, 'api', ts,
               %(uid)s, a, paid, b, b, earn, 0, 0, 0, a / 100.0, earn / 100.0,
               b / 100.0, 1, false, %(uid)s, %(uid)s, ts, ts
          FROM bench_period""",
        params,
    )
    ledger = ", ".join(datagen_ledger_columns())
    lot_columns = (
        "id wallet_id company_id ledger_id initial_minor remaining_minor "
        "available_from expires_on create_uid write_uid create_date write_date"
    ).replace(" ", ", ")
    # the members' opening balances (what the period's spending takes from),
    # then each check's earn with its lot: a lot and its credit reference each
    # other, both written in one statement
    cr.execute(
        f"""
        WITH spent AS (SELECT wallet, SUM(b) AS b FROM bench_period GROUP BY wallet),
        lots AS (
            INSERT INTO loyalty_club_lot ({lot_columns})
            SELECT %(lotbase)s + g, %(wbase)s + g, %(company)s, %(ledbase)s + g,
                   20000, 20000 - COALESCE(s.b, 0), %(opened_day)s,
                   %(opening_expires)s, %(uid)s, %(uid)s, %(opened)s, %(opened)s
              FROM generate_series(0, %(n)s - 1) AS g
              LEFT JOIN spent s ON s.wallet = %(wbase)s + g
            RETURNING 1)
        INSERT INTO loyalty_club_ledger ({ledger})
        SELECT %(ledbase)s + g, %(wbase)s + g, %(pbase)s + g, %(program)s,
               %(company)s, 'gift', 20000, 200.0, 20000, %(opened)s, NULL, 'job',
               %(uid)s, NULL, 'bench-econ:' || %(seed)s || ':open:' || g,
               'Opening balance', %(lotbase)s + g, %(uid)s, %(uid)s, %(opened)s,
               %(opened)s
          FROM generate_series(0, %(n)s - 1) AS g""",
        params,
    )
    cr.execute(
        f"""
        WITH lots AS (
            INSERT INTO loyalty_club_lot ({lot_columns})
            SELECT %(lotbase)s + %(n)s + k, wallet, %(company)s,
                   %(ledbase)s + %(n)s + k, earn, earn, day + 14, day + 180,
                   %(uid)s, %(uid)s, ts, ts
              FROM bench_period WHERE earn > 0
            RETURNING 1)
        INSERT INTO loyalty_club_ledger ({ledger})
        SELECT %(ledbase)s + %(n)s + k, wallet, partner, %(program)s, %(company)s,
               'earn', earn, earn / 100.0, earn, ts, %(store)s, 'api', %(uid)s,
               %(txbase)s + k, {key} || ':earn', NULL, %(lotbase)s + %(n)s + k,
               %(uid)s, %(uid)s, ts, ts
          FROM bench_period WHERE earn > 0""",
        params,
    )
    insert(
        cr,
        "loyalty_club_ledger",
        datagen_ledger_columns(),
        f"""
        SELECT %(ledbase)s + %(n)s + %(checks)s + k, wallet, partner, %(program)s,
               %(company)s, 'burn', -b, -b / 100.0, -b, ts, %(store)s, 'api',
               %(uid)s, %(txbase)s + k, {key} || ':burn', NULL, NULL, %(uid)s,
               %(uid)s, ts, ts
          FROM bench_period WHERE b > 0""",
        params,
    )
    insert(
        cr,
        "loyalty_club_allocation",
        "ledger_id lot_id amount_minor create_uid write_uid create_date "
        "write_date".split(),
        """
        SELECT %(ledbase)s + %(n)s + %(checks)s + k, %(lotbase)s + (wallet - %(wbase)s),
               -b, %(uid)s, %(uid)s, ts, ts
          FROM bench_period WHERE b > 0""",
        params,
    )


def datagen_ledger_columns():
    return datagen_ledger.LEDGER_COLUMNS


def _timed(fn, repeat=1):
    """(result, seconds of the fastest of ``repeat`` runs, first run's seconds)."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return result, min(times), times[0]


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _count(cr, table):
    cr.execute(f'SELECT count(*) FROM "{table}"')
    return cr.fetchone()[0]


def _profile_text(profile, top=18):
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    # from the table's header on, with the repository's paths shortened
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(
        line.replace(str(ROOT) + "/", "") for line in lines[start : start + top + 1]
    )


def run(
    env,
    members=10_000,
    checks=30_000,
    order_lines=30_000,
    months=3,
    history=4,
    seed=42,
    profile=False,
    log=print,
):
    """Generate, refresh, measure; the figures as a dict (JSON-able)."""
    from . import fixtures  # noqa: PLC0415 - Odoo's, inside its shell only

    started = time.monotonic()
    fx = fixtures.setup(env, seed)
    scale = _scale(members, order_lines, history)
    gen = datagen.Generator(env, scale, fx, seed=seed, log=log)
    st = gen.add_members(0, members)
    today = fx["today"]
    start_day, end_day = period_bounds(today, months)
    generated = _period(gen, st, checks, start_day, end_day, log)
    env.cr.commit()  # the what-if reads on a cursor of its own
    cr = env.cr
    counts = {
        table: _count(cr, table)
        for table in (
            "loyalty_club_wallet",
            "loyalty_club_ledger",
            "loyalty_club_lot",
            "loyalty_club_allocation",
            "loyalty_club_transaction",
            "pos_order_line",
        )
    }
    figures = []

    def measure(what, fn, rows, unit, goal=None, repeat=1):
        load = os.getloadavg()[0]
        cpu = time.process_time()
        children = _children_cpu()
        result, best, first = _timed(fn, repeat)
        figures.append(
            {
                "what": what,
                "rows": rows,
                "unit": unit,
                "seconds": best,
                "first": first,
                "goal": goal,
                # the machine's load (1 min) before and after; the CPU of this
                # process and of the worker processes it waited for, all runs
                "load": [load, os.getloadavg()[0]],
                "cpu": time.process_time() - cpu,
                "workers_cpu": _children_cpu() - children,
            }
        )
        log(f"{what}: {best:.2f} s")
        return result

    refresh = [
        ("sales by day", "loyalty.club.sales.day", {"full": True}),
        ("ledger money by day", "loyalty.club.economics.day", {"full": True}),
        ("accrual flows", "loyalty.club.cohort.flow", {"full": True, "lag_hours": 0}),
    ]
    for label, model, kwargs in refresh:
        rows = counts["pos_order_line"] if model.endswith("sales.day") else None
        measure(
            f"refresh from nothing: {label}",
            lambda model=model, kwargs=kwargs: env[model].sudo()._refresh(**kwargs),
            rows or counts["loyalty_club_ledger"],
            "order lines" if rows else "ledger lines",
        )
    env.cr.commit()
    report = env["loyalty.club.economics.report"]
    measures = [
        "sales_all:sum",
        "sales_members:sum",
        "club_share",
        "earned:sum",
        "spent:sum",
        "expired:sum",
        "discounts:sum",
        "messages:sum",
        "cost:sum",
        "cost_percent",
    ]
    report.invalidate_model()
    by_month = measure(
        "economics report by month",
        lambda: report.read_group([], measures, ["month:month"], lazy=False),
        counts["pos_order_line"],
        "order lines",
        GOAL_REPORT_S,
        repeat=3,
    )
    measure(
        "economics report by month and store",
        lambda: report.read_group(
            [], measures, ["month:month", "store_id"], lazy=False
        ),
        counts["pos_order_line"],
        "order lines",
        GOAL_REPORT_S,
        repeat=3,
    )
    measure(
        "outstanding bonuses by expiry month",
        lambda: env["loyalty.club.expiry.report"].read_group(
            [], ["amount:sum", "value:sum"], ["expiry_month:month"], lazy=False
        ),
        counts["loyalty_club_lot"],
        "lots",
        repeat=2,
    )
    measure(
        "breakage per accrual month",
        lambda: env["loyalty.club.breakage.report"].read_group(
            [],
            ["accrued:sum", "expired:sum", "breakage_rate"],
            ["cohort:month"],
            lazy=False,
        ),
        counts["loyalty_club_lot"],
        "lots",
        repeat=2,
    )
    wizard = env["loyalty.club.whatif"].create(
        {
            "program_id": fx["program_id"],
            "date_from": start_day,
            "date_to": end_day,
            "earn_percent": 5.0,
        }
    )
    profiler = cProfile.Profile() if profile else None

    def replay():
        if profiler:
            profiler.enable()
        try:
            wizard.action_run()
        finally:
            if profiler:
                profiler.disable()

    measure(
        f"what-if of {months} months (earn 5 % instead of 10 %, both replays)",
        replay,
        wizard.checks if wizard.checks else checks,
        "checks",
        GOAL_WHATIF_S,
    )
    figures[-1]["rows"] = wizard.checks
    figures[-1]["members"] = wizard.members
    total = wizard.line_ids.filtered(lambda line: line.scope == "total")
    tried = env["loyalty.club.whatif"].create(
        {
            "program_id": fx["program_id"],
            "date_from": start_day,
            "date_to": end_day,
            "earn_percent": 5.0,
            "replay_current": False,
        }
    )
    measure(
        f"what-if of {months} months, the rules tried only",
        tried.action_run,
        wizard.checks,
        "checks",
        GOAL_WHATIF_S,
    )
    figures[-1]["members"] = wizard.members
    result = {
        "started": datetime.now().isoformat(timespec="minutes"),
        "members": members,
        "period": [str(start_day), str(end_day)],
        "generated": generated,
        "counts": counts,
        "figures": figures,
        "report_months": len(by_month),
        "whatif": {
            "checks": wizard.checks,
            "members": wizard.members,
            "earned": total.actual_earned,
            "earned_whatif": total.whatif_earned,
        },
        "profile": _profile_text(profiler) if profiler else "",
        "minutes": (time.monotonic() - started) / 60,
    }
    env.cr.rollback()
    return result


# ---------------------------------------------------------------- the tables
def _rate(figure):
    rows, seconds = figure["rows"], figure["seconds"]
    return f"{rows / seconds:,.0f} {figure['unit']}/s" if seconds and rows else ""


def render(result):
    counts = result["counts"]
    lines = [
        f"Run of {result['started']} ({result['minutes']:.1f} min): "
        f"{result['members']:,} members; period {result['period'][0]} to "
        f"{result['period'][1]}.",
        "",
        "Rows: " + ", ".join(f"{table} {n:,}" for table, n in counts.items()) + ".",
        "",
        "| what | over | time | rate | goal |",
        "| --- | --- | --- | --- | --- |",
    ]
    for figure in result["figures"]:
        goal = figure["goal"]
        verdict = ""
        if goal:
            verdict = f"{goal:g} s: " + (
                "met" if figure["seconds"] <= goal else "missed"
            )
        rows = f"{figure['rows']:,} {figure['unit']}" if figure["rows"] else ""
        if figure.get("members"):
            rows += f" of {figure['members']:,} members"
        first = ""
        if figure["first"] > figure["seconds"] * 1.2:
            first = f" (first {figure['first']:.2f} s)"
        lines.append(
            f"| {figure['what']} | {rows} | {figure['seconds']:.2f} s{first} | "
            f"{_rate(figure)} | {verdict} |"
        )
    replays = [f for f in result["figures"] if f["what"].startswith("what-if")]
    for whatif in replays:
        # below the goal's volume only: at it, the table says what was measured
        if whatif["rows"] and whatif["seconds"] and whatif["rows"] < FULL_CHECKS:
            per_check = whatif["seconds"] / whatif["rows"]
            lines += [
                "",
                f"Extrapolated, not measured ({whatif['what']}): {FULL_CHECKS:,} "
                f"checks at this rate would take {per_check * FULL_CHECKS / 60:.1f} "
                f"min (goal {GOAL_WHATIF_S / 60:g} min).",
            ]
    for whatif in replays:
        if "load" in whatif:
            lines += [
                "",
                f"{whatif['what']}: load average (1 min, 2 shared cores) "
                f"{whatif['load'][0]:.1f} before, {whatif['load'][1]:.1f} after; "
                f"CPU of the reading process {whatif['cpu']:.1f} s, of the "
                f"worker processes replaying {whatif['workers_cpu']:.1f} s.",
            ]
    extra = 0
    if len(replays) == 2 and replays[0]["rows"]:
        # the replays run in worker processes while the next batch is read:
        # the current rules' replay adds what the difference says
        extra = replays[0]["seconds"] - replays[1]["seconds"]
    if extra > 0:
        # a busy machine can make the difference meaningless: said only when
        # it comes out positive
        lines += [
            "",
            f"Derived from the two: replaying the current rules as well adds "
            f"{extra:.1f} s (the replays run in worker processes alongside the "
            f"reading).",
        ]
    if result.get("profile"):
        lines += ["", "Profile of the what-if (by own time):", "", "```"]
        lines += [result["profile"], "```"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- command line
def _shell_script(options, out):
    return (
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from benchmarks import bench_economics\n"
        f"result = bench_economics.run(env, **{options!r})\n"
        f"open({str(out)!r}, 'w').write(json.dumps(result, default=str))\n"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="database to copy")
    parser.add_argument("--db", required=True, help="database to (re)create")
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--checks", type=int, default=30_000)
    parser.add_argument("--order-lines", type=int, default=30_000)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--history", type=int, default=4, help="ledger lines a member")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--profile", action="store_true", help="profile the what-if")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args(argv)
    if args.db == args.base:
        parser.error("--db is dropped and re-created: it cannot be --base")
    sys.path[:0] = [str(ROOT), str(ROOT / "tools")]
    import club  # noqa: PLC0415

    from benchmarks import run as bench_run  # noqa: PLC0415

    started = time.monotonic()
    bench_run._dropdb(club, args.db)
    if club.psql(f'CREATE DATABASE "{args.db}" TEMPLATE "{args.base}"') is None:
        raise SystemExit(f"bench-economics: could not copy {args.base} (in use?)")
    if bench_run._filestore(args.base).exists():
        shutil.copytree(bench_run._filestore(args.base), bench_run._filestore(args.db))
    odoo = [
        str(c)
        for c in club.odoo_cmd(
            "-d", args.db, f"--db-filter=^{args.db}$", "--no-http", sub="shell"
        )
    ]
    out = RESULTS / "economics.json"
    out.unlink(missing_ok=True)
    log = club.LOCAL / "bench-economics-odoo.log"
    options = {
        "members": args.members,
        "checks": args.checks,
        "order_lines": args.order_lines,
        "months": args.months,
        "history": args.history,
        "seed": args.seed,
        "profile": args.profile,
    }
    print(f"bench-economics: generating and measuring in {args.db} (log: {log})")
    with open(log, "w", encoding="utf-8") as err:
        proc = subprocess.run(
            odoo,
            input=_shell_script(options, out),
            text=True,
            stdout=err,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            check=False,
            env=dict(os.environ),
        )
    if not args.keep:
        bench_run._dropdb(club, args.db)
        shutil.rmtree(bench_run._filestore(args.db), ignore_errors=True)
    if proc.returncode or not out.exists():
        raise SystemExit(f"bench-economics: the Odoo shell failed; see {log}")
    result = json.loads(out.read_text())
    text = render(result)
    (RESULTS / "economics.md").write_text(text)
    print(text)
    print(f"bench-economics: done in {(time.monotonic() - started) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
