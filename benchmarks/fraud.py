"""./club fraud-check: do the anti-fraud rules find planted fraud among normal cashiers?

Two populations, generated one after the other in the same database and each
analysed over its own month: the first (``Generator``), a month of UTC checks
of cashiers alike; the second (``ShapedGenerator``), shaped otherwise: a
convenience chain in Kyiv across the October clock change, stores with their
own hours (late Fridays, one open 24 hours), busy, regular and part-time
cashiers on shifts, a returns desk per store, slow drips, a friend's card,
cashiers' own cards under a personal phone, and cashiers with two signals at
about half their thresholds (``combined``: found when weak signals add up).

The generator writes a month of checks of ``cashiers`` normal cashiers in
``stores`` stores, set-based (rows built from a seeded ``random.Random`` and
loaded with one ``INSERT ... SELECT FROM unnest(...)`` per table and chunk);
then, for each rule of the core, ``planted`` more cashiers (separate ones per
rule) with the same normal activity plus that rule's fraud pattern. Normal
activity holds the near misses a real store has: a few cards typed by hand
(some sloppy cashiers type one card in seven), a refund now and then (also of
checks paid with bonuses), a check just after closing time, a member back twice
within the hour or back to spend an hour later, regular customers, a cashier
buying once with the own card, replaced cards and families sharing a phone,
one-time codes typed wrong once or twice before the right one, a code given up
or locked now and then, a day of late SMS leaving codes unused.

The analysis (``loyalty.club.fraud.analysis``) then scores the period and the
command prints, per rule: planted, found (generated cashiers the rule flags),
true positives, precision and recall; written to ``benchmarks/results/fraud.md``.

    ./club fraud-check [--cashiers 200] [--planted 24] [--seed 42]
                       [--second-cashiers 110] [--second-planted 15]

Inside Odoo (the smoke test): ``run(env, cashiers=..., planted=...)``.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

try:
    from .fraud_data import Generator, ShapedGenerator
except ImportError:  # run as a script by ./club fraud-check
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.fraud_data import Generator, ShapedGenerator

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
DB = "loyalty_club_fraud"


def evaluate(env, gen):
    """Run the analysis of the generated month; per rule, who was found."""
    started = time.monotonic()
    date_from = gen.start.date()
    date_to = (gen.today - timedelta(days=1)).date()
    analysis = env["loyalty.club.fraud.analysis"].sudo()
    results = analysis._analyse(gen.company, date_from, date_to)
    seconds = time.monotonic() - started
    ours = set(gen.users.ids)
    found = {rule: set() for rule in gen.rules}
    cases = set()
    for (user_id, _store_id), (score, signals) in results.items():
        if user_id not in ours or not score:
            continue
        cases.add(user_id)
        fired = [s.rule for s in signals if s.fired]
        for rule in fired:
            found[rule].add(user_id)
        if not fired and "combined" in found:
            found["combined"].add(user_id)
    rows = []
    for rule in gen.rules:
        planted, hit = gen.truth[rule], found[rule]
        tp = len(planted & hit)
        rows.append(
            {
                "rule": rule,
                "planted": len(planted),
                "found": len(hit),
                "tp": tp,
                "precision": tp / len(hit) if hit else 0.0,
                "recall": tp / len(planted) if planted else 0.0,
            }
        )
    # overall, by cashier: planted ones against those with a case
    planted_all = set().union(*gen.truth.values())
    tp = len(planted_all & cases)
    overall = {
        "rule": "overall (cashiers with a case)",
        "planted": len(planted_all),
        "found": len(cases),
        "tp": tp,
        "precision": tp / len(cases) if cases else 0.0,
        "recall": tp / len(planted_all) if planted_all else 0.0,
    }
    return {
        "name": gen.label,
        "tz": gen.tz,
        "rows": rows,
        "overall": overall,
        "cashiers": len(gen.users),
        "normal": gen.n_normal,
        "stores": gen.n_stores,
        "checks": len(gen.tx),
        "days": gen.days,
        "seed": gen.seed,
        "analysis_seconds": round(seconds, 2),
        "period": [str(date_from), str(date_to)],
    }


def run(
    env,
    cashiers=200,
    stores=30,
    planted=24,
    days=30,
    seed=42,
    members_per_store=1000,
    log=print,
    second=None,
):
    """Both populations: the first with these figures, the second with
    ``second`` (a dict of the same knobs; by default a convenience chain of
    110 cashiers and 10 stores, 15 planted per rule, seed ``seed + 1000``).
    Returns the list of their results."""
    gen = Generator(env, cashiers, stores, planted, days, seed, members_per_store, log)
    gen.label = "first population (today's)"
    results = [evaluate(env, gen.generate())]
    second = {
        "cashiers": 110,
        "stores": 10,
        "planted": 15,
        "days": days,
        "seed": seed + 1000,
        "members_per_store": 1500,
        **(second or {}),
    }
    gen = ShapedGenerator(
        env,
        second["cashiers"],
        second["stores"],
        second["planted"],
        second["days"],
        second["seed"],
        second["members_per_store"],
        log,
    )
    gen.label = "second population (shaped otherwise)"
    results.append(evaluate(env, gen.generate()))
    return results


def _met(result):
    return all(
        r["precision"] >= 0.9 and r["recall"] >= 0.9
        for r in [*result["rows"], result["overall"]]
    )


def render_one(result):
    head = (
        f"## {result['name'].capitalize()}\n\n"
        f"{result['period'][0]} to {result['period'][1]} ({result['tz']}): "
        f"{result['cashiers']} cashiers in {result['stores']} stores "
        f"({result['normal']} normal, {result['rows'][0]['planted']} planted per "
        f"rule), {result['checks']:,} checks, seed {result['seed']}; the analysis "
        f"took {result['analysis_seconds']} s.\n\n"
        "| rule | planted | found | true positives | precision | recall |\n"
        "|---|---:|---:|---:|---:|---:|\n"
    )
    lines = [
        f"| {r['rule']} | {r['planted']} | {r['found']} | {r['tp']} | "
        f"{r['precision']:.2f} | {r['recall']:.2f} |"
        for r in [*result["rows"], result["overall"]]
    ]
    return head + "\n".join(lines) + "\n"


def render(results):
    """The report of both populations and whether the goal is met on both."""
    if isinstance(results, dict):
        results = [results]
    ok = all(_met(r) for r in results)
    text = (
        "# Anti-fraud check\n\n"
        "Planted fraud among normal cashiers (`./club fraud-check`, "
        "`benchmarks/fraud.py`). *found*: generated cashiers the rule fires "
        "on (for *combined*: cases made by weak signals alone, no rule "
        "fired); *overall*: planted cashiers against all cashiers with a "
        "case.\n\n"
        + "\n".join(render_one(r) for r in results)
        + "\nGoal (precision and recall >= 0.9 for every rule and overall, on "
        "both populations): " + ("**met**." if ok else "**missed**.") + "\n"
    )
    return text, ok


# ---------------------------------------------------------------- command line
def _shell_script(options, out):
    return (
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from benchmarks import fraud\n"
        f"result = fraud.run(env, **{options!r})\n"
        "env.cr.commit()\n"
        f"open({str(out)!r}, 'w').write(json.dumps(result))\n"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="club fraud-check", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--cashiers", type=int, default=200)
    parser.add_argument("--stores", type=int, default=30)
    parser.add_argument("--planted", type=int, default=24)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--second-cashiers",
        type=int,
        default=110,
        help="normal cashiers of the second population (10 stores)",
    )
    parser.add_argument(
        "--second-planted",
        type=int,
        default=15,
        help="planted cashiers per rule (and combined) in the second population",
    )
    parser.add_argument("--db", default=DB, help="database to (re)create")
    parser.add_argument(
        "--base",
        help="template database (default: the benchmarks' base, made or upgraded "
        "as ./club bench does)",
    )
    parser.add_argument(
        "--odoo", nargs=argparse.REMAINDER, help="Odoo shell command (given by ./club)"
    )
    args = parser.parse_args(argv)
    if not args.odoo:
        parser.error("--odoo is required (use ./club fraud-check)")
    sys.path[:0] = [str(ROOT), str(ROOT / "tools")]
    import club  # noqa: PLC0415

    from benchmarks import run as bench_run  # noqa: PLC0415

    started = time.monotonic()
    base = args.base
    if not base:
        bench_run.ensure_base(club)
        base = bench_run.BASE
    bench_run._dropdb(club, args.db)
    if club.psql(f'CREATE DATABASE "{args.db}" TEMPLATE "{base}"') is None:
        raise SystemExit(f"fraud-check: could not copy {base} to {args.db} (in use?)")
    if bench_run._filestore(base).exists():
        shutil.copytree(bench_run._filestore(base), bench_run._filestore(args.db))
    odoo = bench_run.shell_cmd(args.odoo)
    out = club.LOCAL / "fraud-check.json"
    out.unlink(missing_ok=True)
    log = club.LOCAL / "fraud-check-odoo.log"
    options = {
        "cashiers": args.cashiers,
        "stores": args.stores,
        "planted": args.planted,
        "days": args.days,
        "seed": args.seed,
        "second": {
            "cashiers": args.second_cashiers,
            "planted": args.second_planted,
        },
    }
    print(
        f"fraud-check: generating and analysing in {args.db} (log: {log}) ...",
        flush=True,
    )
    with open(log, "w", encoding="utf-8") as err:
        proc = subprocess.run(
            odoo,
            input=_shell_script(options, out),
            text=True,
            stderr=err,
            cwd=ROOT,
            check=False,
            env=dict(os.environ),
        )
    if proc.returncode or not out.exists():
        raise SystemExit(f"fraud-check: the Odoo shell failed; see {log}")
    result = json.loads(out.read_text())
    text, ok = render(result)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "fraud.md").write_text(text)
    print(text)
    print(
        f"fraud-check: written {RESULTS / 'fraud.md'} in "
        f"{(time.monotonic() - started) / 60:.1f} min",
        flush=True,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
