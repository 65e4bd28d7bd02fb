"""Moving-in benchmark (issue 19): an old system's exports of N members, their
cards and M purchase history lines (``import_files.py``, written by PostgreSQL
into /tmp), imported by ``./club import``'s script (the back office's job):
the dry run and the import of each file timed apart, in rows per second, and
a resume after the process is killed (SIGKILL, as a crash) in the middle of the
members' batches. Prints a Markdown table, and the time the goal's volume (1M
members, 1M cards, 10M lines) would take at the measured rates, labelled as an
extrapolation.

    python benchmarks/bench_import.py --db DB --members 100000 --lines 1000000 \
        --kill-at-batch 10 --out benchmarks/results/import.md

DB must have loyalty_club installed; the benchmark adds a program "Import
bench" (three tiers, old discounts 3/5/10 % in the template "Bench 1C"), the
stores S01 and S02 and three products.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.import_files import write_files  # noqa: E402
from benchmarks.report import count  # noqa: E402

GOAL = {"members": 1_000_000, "cards": 1_000_000, "checks": 10_000_000}
GOAL_SECONDS = 30 * 60
SETUP = """
env = globals()["env"]
Program = env["loyalty.club.program"]
program = Program.search([("name", "=", "Import bench")], limit=1)
if not program:
    program = Program.create({"name": "Import bench", "sequence": 100,
                              "pending_days": 0, "expiry_days": 365})
    tiers = env["loyalty.club.tier"].create([
        {"program_id": program.id, "name": n, "threshold": t}
        for n, t in (("Silver", 0), ("Gold", 20000), ("Platinum", 100000))])
    env["loyalty.club.import.template"].create({
        "name": "Bench 1C", "source": "Bench 1C", "kind": "members",
        "program_id": program.id,
        "tier_map_ids": [(0, 0, {"discount": d, "tier_id": t.id})
                         for d, t in zip((3, 5, 10), tiers)]})
company = program.company_id
for code in ("S01", "S02"):
    if not env["loyalty.club.store"].search([("code", "=", code),
                                             ("company_id", "=", company.id)]):
        env["loyalty.club.store"].create({"name": "Bench " + code, "code": code})
for code in ("SHOE-01", "BAG-02", "SOCK-03"):
    if not env["product.product"].search([("default_code", "=", code)]):
        env["product.product"].create({"name": code, "default_code": code})
env.cr.commit()
print("PROGRAM", program.id)
"""
# what the club holds after the import, to compare a resumed run with the file
CHECK = """
env = globals()["env"]
cr = env.cr
program = int(__import__("os").environ["BENCH_PROGRAM"])
cr.execute("SELECT count(*), count(DISTINCT partner_id) FROM loyalty_club_wallet "
           "WHERE program_id = %s", [program])
wallets, partners = cr.fetchone()
cr.execute("SELECT count(*), COALESCE(sum(amount_minor), 0) FROM loyalty_club_ledger "
           "WHERE program_id = %s AND kind = 'opening'", [program])
openings, carried = cr.fetchone()
print("STATE", wallets, partners, openings, carried)
"""


def odoo_shell(db):
    return [
        str(ROOT / ".local" / "venv" / "bin" / "python"),
        str(ROOT / ".local" / "odoo" / "odoo-bin"),
        "shell",
        "-c",
        str(ROOT / "odoo.conf"),
        "-d",
        db,
        f"--db-filter=^{db}$",
        "--no-http",
        "--log-level=warn",
    ]


def shell(odoo, script, options=None, kill_at_batch=None, extra_env=None):
    """Run ``script`` in the Odoo shell; returns (lines, {event: seconds since
    the start}). With ``kill_at_batch`` the process is killed (SIGKILL) once it
    says that batch is committed."""
    env = dict(os.environ, **(extra_env or {}))
    if options is not None:
        env["CLUB_IMPORT_ARGS"] = json.dumps(options)
    start = time.monotonic()
    proc = subprocess.Popen(
        odoo,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    proc.stdin.write(script)
    proc.stdin.close()
    lines, marks = [], {}
    for line in proc.stdout:
        line = line.rstrip()
        lines.append(line)
        now = time.monotonic() - start
        for event in ("dry run:", "resuming", "imported:", "stopped:"):
            if line.startswith(event):
                marks.setdefault(event.rstrip(":"), now)
        if kill_at_batch and line.startswith(f"batch {kill_at_batch}/"):
            os.killpg(proc.pid, signal.SIGKILL)
            marks["killed"] = now
            break
    proc.wait()
    marks["end"] = time.monotonic() - start
    return lines, marks


def run_file(odoo, kind, path, base, extra=None, kill_at_batch=None):
    """Import one file; {rows, dry_s, import_s, ...} from its output."""
    options = dict(base, file=str(path), kind=kind, **(extra or {}))
    lines, marks = shell(odoo, SCRIPT, options, kill_at_batch)
    text = "\n".join(lines)
    dry = re.search(r"dry run: (\d+) rows in ([\d.]+) s.*?(\d+) to import", text)
    done = re.search(r"imported: (\d+) rows", text)
    if not dry and "resuming" not in marks:
        raise SystemExit(f"{kind}: no dry run\n" + "\n".join(lines[-30:]))
    figures = {"kind": kind, "lines": lines, "marks": marks}
    if dry:
        figures.update(rows=int(dry.group(1)), dry_s=float(dry.group(2)))
        figures["ok"] = int(dry.group(3))
        # the import: from the dry run's report to the end of the process
        figures["import_s"] = marks.get("killed", marks["end"]) - marks["dry run"]
    if done:
        figures["imported"] = int(done.group(1))
    if "resuming" in marks:
        figures["import_s"] = marks["end"] - marks["resuming"]
    return figures


def rate(rows, seconds):
    return f"{rows / seconds:,.0f}" if seconds else "n/a"


def table(results, resume):
    rows = [
        "| file | rows | dry run | rows/s | import | rows/s | total |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    total = 0.0
    for r in results:
        seconds = r["dry_s"] + r["import_s"]
        total += seconds
        rows.append(
            f"| {r['kind']} | {count(r['rows'])} | {r['dry_s']:,.0f} s | "
            f"{rate(r['rows'], r['dry_s'])} | {r['import_s']:,.0f} s | "
            f"{rate(r['ok'], r['import_s'])} | {seconds:,.0f} s |"
        )
    rows.append(f"| **all** | | | | | | **{total:,.0f} s** |")
    if resume:
        rows.append("")
        rows.append(
            f"Resume: the members' import killed (SIGKILL) after batch "
            f"{resume['batch']} of {resume['batches']}, {resume['killed_s']:,.0f} s "
            f"in; the same command resumed after the last committed batch and "
            f"finished in {resume['resume_s']:,.0f} s; the club then held "
            f"{resume['state']} (wallets, members, opening lines, carried minor "
            f"units), {'the same as' if resume['same'] else 'NOT the same as'} "
            "the file says."
        )
    return rows


def file_state(path):
    """(members, members, opening lines, carried minor units) as the members'
    file says: what the club must hold after the import, resumed or not."""
    rows = nonzero = carried = 0
    with open(path, encoding="cp1251", newline="") as stream:
        for row in csv.DictReader(stream, delimiter=";"):
            rows += 1
            minor = int(row["Баланс"].replace(",", ""))
            nonzero += bool(minor)
            carried += minor
    return [rows, rows, nonzero, carried]


def extrapolation(results):
    """The goal's volume at the measured rates (linear: each stage's rows/s
    kept as the tables grow, which a larger run must confirm); at the goal's
    volume, what was measured."""
    by_kind = {r["kind"]: r for r in results}
    if all(
        by_kind.get(kind) and by_kind[kind]["rows"] >= rows
        for kind, rows in GOAL.items()
    ):
        total = sum(r["dry_s"] + r["import_s"] for r in results)
        verdict = "within" if total <= GOAL_SECONDS else "over"
        return [
            "",
            f"**The goal's volume, measured**: {total / 60:,.1f} min, resume "
            f"included ({verdict} the 30 min goal).",
        ]
    lines = [
        "",
        "**Extrapolation, not a measurement**: the goal's volume at the rates "
        "above, assuming they stay linear as the tables grow:",
        "",
        "| file | rows | dry run | import | total |",
        "|---|---:|---:|---:|---:|",
    ]
    total = 0.0
    for kind, rows in GOAL.items():
        r = by_kind.get(kind)
        if not r or not r["rows"]:
            continue
        dry = r["dry_s"] / r["rows"] * rows
        imp = r["import_s"] / max(r["ok"], 1) * rows
        total += dry + imp
        lines.append(
            f"| {kind} | {count(rows)} | {dry / 60:,.0f} min | {imp / 60:,.0f} min "
            f"| {(dry + imp) / 60:,.0f} min |"
        )
    verdict = "within" if total <= GOAL_SECONDS else "over"
    lines.append(
        f"| **all** | | | | **{total / 60:,.0f} min** ({verdict} the 30 min goal) |"
    )
    return lines


SCRIPT = (ROOT / "tools" / "club_import.py").read_text(encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument(
        "--kill-at-batch",
        type=int,
        default=0,
        help="kill the members' import after this batch, then resume (0: no)",
    )
    parser.add_argument("--dir", default="/tmp/club_import_bench")
    parser.add_argument("--skip", nargs="*", default=[], help="files not imported")
    parser.add_argument("--out", help="also write the results as Markdown to this file")
    args = parser.parse_args(argv)
    odoo = odoo_shell(args.db)
    load_start = os.getloadavg()[0]
    start = time.monotonic()
    dsn = f"host=127.0.0.1 user=odoo password=odoo dbname={args.db}"
    paths = write_files(dsn, args.dir, args.members, args.members, args.lines)
    print(
        f"files: {count(args.members)} members, {count(args.members)} cards, "
        f"{count(args.lines)} history lines written in "
        f"{time.monotonic() - start:.0f} s ({args.dir})",
        flush=True,
    )
    lines, _marks = shell(odoo, SETUP)
    program = re.search(r"PROGRAM (\d+)", "\n".join(lines))
    if not program:
        raise SystemExit("\n".join(lines[-30:]))
    program = int(program.group(1))
    base = {
        "program": program,
        "batch_size": args.batch_size,
        "date": "2026-12-01",
        "source": "Bench 1C",
    }
    results, resume = [], None
    for kind in ("members", "cards", "checks"):
        if kind in args.skip:
            continue
        extra = {"template": "Bench 1C"} if kind == "members" else {}
        kill = args.kill_at_batch if kind == "members" else None
        first = run_file(odoo, kind, paths[kind], base, extra, kill)
        print(f"--- {kind}: {first['marks']}", flush=True)
        if "killed" in first["marks"]:
            again = run_file(odoo, kind, paths[kind], base, extra)
            print(f"--- {kind} resumed: {again['marks']}", flush=True)
            state, _m = shell(odoo, CHECK, extra_env={"BENCH_PROGRAM": str(program)})
            state = re.search(r"STATE (.*)", "\n".join(state)).group(1)
            numbers = [int(n) for n in state.split()]
            resume = {
                "batch": kill,
                "batches": -(-first["ok"] // args.batch_size),
                "killed_s": first["import_s"],
                "resume_s": again["import_s"],
                "state": state,
                "same": numbers == file_state(paths[kind]),
            }
            first["import_s"] += again["import_s"]
        results.append(first)
    machine = (
        f"{os.cpu_count()} cores, {platform.python_version()}, load average "
        f"{load_start:.1f} at the start and {os.getloadavg()[0]:.1f} at the end "
        "(the machine is shared)"
    )
    out = [
        f"Import of {count(args.members)} members, {count(args.members)} cards, "
        f"{count(args.lines)} history lines, batches of {args.batch_size}; "
        f"{machine}",
        "",
        *table(results, resume),
        *extrapolation(results),
    ]
    print("\n".join(out), flush=True)
    if args.out:
        command = " ".join(
            ["python benchmarks/bench_import.py", "--db DB"]
            + [
                f"--{name.replace('_', '-')} {value}"
                for name, value in (
                    ("members", args.members),
                    ("lines", args.lines),
                    ("batch_size", args.batch_size),
                    ("kill_at_batch", args.kill_at_batch),
                )
            ]
        )
        head = [
            "# Moving-in benchmark (issue 19)",
            "",
            f"`{command}`, run on {datetime.date.today().isoformat()} in "
            f"{time.monotonic() - start:,.0f} s. The files are written by "
            "`benchmarks/import_files.py` (PostgreSQL `generate_series` and "
            "`COPY TO`, into /tmp), imported by `./club import`'s script: the "
            "dry run (read, check, stage every row, duplicates in SQL, error "
            "file), then the batches, each committed on its own.",
            "",
        ]
        Path(args.out).write_text("\n".join(head + out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
