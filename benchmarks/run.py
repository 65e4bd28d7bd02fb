"""./club bench: the benchmark run, from a fresh database to results/latest.md.

Standard library only (it runs under the system python3 like tools/club.py):

1. ``loyalty_club_bench_base`` holds point_of_sale, pos_loyalty and the club's
   addons without demo data; it is made once, and upgraded when the addons'
   files change;
2. ``loyalty_club_bench`` is copied from it for every run, so each run starts
   from the same state (session opening is measured at 0 members first);
3. ``driver.main`` runs inside one Odoo shell on it: fixtures, data generation
   stage by stage, the benchmarks; its raw figures come back as JSON;
4. the tables go to results/latest.md (and, with --update-docs, formerly
   --update-readme, between the ``<!-- bench:start -->`` and
   ``<!-- bench:end -->`` markers of docs/benchmarks.md).
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]

from benchmarks import goals as goals_mod  # noqa: E402
from benchmarks import render, report  # noqa: E402

DB = "loyalty_club_bench"
BASE = "loyalty_club_bench_base"
MODULES = ["point_of_sale", "pos_loyalty"]
HTTP_PORT = 8569
RESULTS = ROOT / "benchmarks" / "results"
# the page whose benchmark block --update-docs rewrites
DOC = ROOT / "docs" / "benchmarks.md"
STAMP_KEY = "loyalty_club.bench_addons_hash"


def say(msg):
    print(f"bench: {msg}", flush=True)


def addons_hash(addons):
    digest = hashlib.sha256()
    for addon in addons:
        for path in sorted((ROOT / addon).rglob("*")):
            if path.is_file() and path.suffix not in (".pyc", ".po", ".pot"):
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _odoo(club, db, *args, log):
    cmd = club.odoo_cmd(
        "-d",
        db,
        f"--db-filter=^{db}$",
        f"--http-port={HTTP_PORT}",
        "--max-cron-threads=0",
        "--stop-after-init",
        *args,
    )
    return club.run(cmd, log=log, check=False, cwd=ROOT).returncode == 0


def _dropdb(club, db):
    env = dict(os.environ, PGPASSWORD=club.PG_PASSWORD)
    subprocess.run(
        [
            str(club.pg_bindir() / "dropdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(club.PG_PORT),
            "-U",
            club.PG_ROLE,
            "--if-exists",
            "--force",
            db,
        ],
        env=env,
        check=False,
        capture_output=True,
    )
    shutil.rmtree(_filestore(db), ignore_errors=True)


def _filestore(db):
    return club_local() / "filestore" / "filestore" / db


def club_local():
    import club  # noqa: PLC0415

    return club.LOCAL


def ensure_base(club):
    """The template database, installed or upgraded to the addons' current files."""
    log = club.LOCAL / "bench-install.log"
    stamp = addons_hash(club.ADDONS)
    state = club.db_state(BASE)
    stored = (
        club.psql(
            f"SELECT value FROM ir_config_parameter WHERE key = '{STAMP_KEY}'", db=BASE
        )
        if state == "ready"
        else None
    )
    if state == "ready" and stored == stamp:
        return
    log.write_text("")
    ok = False
    if state == "ready":
        say(f"upgrading the addons in {BASE} (they changed; log: {log}) ...")
        ok = _odoo(club, BASE, "-u", ",".join(club.ADDONS), log=log)
    if not ok:
        _dropdb(club, BASE)
        say(
            f"creating {BASE}: point_of_sale, pos_loyalty and the club's addons, "
            f"no demo data (once; log: {log}) ..."
        )
        mods = ",".join(MODULES + club.ADDONS)
        ok = _odoo(club, BASE, "-i", mods, "--without-demo=all", log=log)
    if not ok or club.db_state(BASE) != "ready":
        raise club.ClubError(f"installing the addons into {BASE} failed (see {log}).")
    drop_stale_indexes(club)
    club.psql(
        "INSERT INTO ir_config_parameter (key, value) VALUES "
        f"('{STAMP_KEY}', '{stamp}') ON CONFLICT (key) DO UPDATE SET value = "
        "EXCLUDED.value",
        db=BASE,
    )


# Odoo makes ``<table>__<column>_index`` for a field with ``index=True`` but never
# drops it when the field loses it: an upgraded base would keep indexes a fresh
# install has not (and every insert would pay for them).
STALE_INDEXES = """
SELECT format('DROP INDEX IF EXISTS %I', i.indexname)
  FROM ir_model_fields f
  JOIN ir_model m ON m.id = f.model_id
  JOIN pg_indexes i ON i.tablename = replace(m.model, '.', '_')
       AND i.indexname = replace(m.model, '.', '_') || '__' || f.name || '_index'
 WHERE f.store AND NOT COALESCE(f.index, false) AND m.model LIKE 'loyalty.club.%'
"""


def drop_stale_indexes(club):
    drops = club.psql(STALE_INDEXES, db=BASE)
    for statement in (drops or "").splitlines():
        say(f"{BASE}: {statement} (no field asks for it any more)")
        club.psql(statement, db=BASE)


def fresh_db(club):
    _dropdb(club, DB)
    if club.psql(f'CREATE DATABASE "{DB}" TEMPLATE "{BASE}"') is None:
        raise club.ClubError(f"could not copy {BASE} to {DB} (is it in use?).")
    source = _filestore(BASE)
    if source.exists():
        shutil.copytree(source, _filestore(DB))


def shell_cmd(odoo):
    """Odoo's command line with the ``shell`` subcommand right after odoo-bin
    (Odoo only takes a subcommand as its first argument)."""
    cmd = [str(c) for c in odoo]
    if "shell" in cmd:
        cmd.remove("shell")
        bin_at = next(i for i, c in enumerate(cmd) if c.endswith("odoo-bin"))
        cmd.insert(bin_at + 1, "shell")
    return cmd


def run_driver(odoo, scale, seed, raw, messages=None):
    log = club_local() / "bench-odoo.log"
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from benchmarks import driver\n"
        f"options = {{'scale': {scale!r}, 'seed': {seed}, 'out': {str(raw)!r}, "
        f"'messages': {messages!r}}}\n"
        "driver.main(env, options)\n"
    )
    say(f"running the benchmarks in an Odoo shell on {DB} (Odoo's log: {log}) ...")
    with open(log, "w", encoding="utf-8") as err:
        proc = subprocess.run(
            shell_cmd(odoo), input=script, text=True, stderr=err, cwd=ROOT, check=False
        )
    text = log.read_text(errors="replace")
    bad = [ln for ln in text.splitlines() if " ERROR " in ln or " WARNING " in ln]
    if bad:
        say(f"Odoo logged {len(bad)} ERROR/WARNING line(s), the first ones:")
        print("\n".join(ln[:300] for ln in bad[:10]))
    if proc.returncode or not raw.exists():
        raise SystemExit(
            f"bench: the Odoo shell failed (exit {proc.returncode}); see {log}"
        )


def write_results(raw):
    results = json.loads(raw.read_text())
    text = render.render(results, goals_mod.judge(results))
    RESULTS.mkdir(exist_ok=True)
    raw_json = json.dumps(results, indent=1, sort_keys=True)
    # latest.* feed docs/benchmarks.md; <scale>.* keep the last run of each scale
    for name in ("latest", results["scale"]["name"]):
        (RESULTS / f"{name}.md").write_text(text)
        (RESULTS / f"{name}.json").write_text(raw_json)
    return text


def update_docs():
    latest = RESULTS / "latest.md"
    if not latest.exists():
        raise SystemExit("bench: no results/latest.md yet; run ./club bench first.")
    DOC.write_text(report.replace_block(DOC.read_text(), latest.read_text()))
    say(f"{DOC}: the benchmark block now shows results/latest.md.")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="club bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--scale", default="small", choices=["tiny", "small", "full"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--messages",
        type=int,
        help="purchase SMS the sending job hands to the fake gateway (default: the "
        "scale's; at most its members)",
    )
    parser.add_argument(
        "--update-docs",
        "--update-readme",  # its old name, when the block lived in README.md
        dest="update_docs",
        action="store_true",
        help="rewrite the benchmark block of docs/benchmarks.md from results/latest.md",
    )
    parser.add_argument(
        "--odoo",
        nargs=argparse.REMAINDER,
        help="Odoo shell command on loyalty_club_bench (given by ./club)",
    )
    args = parser.parse_args(argv)
    if not args.odoo:
        if args.update_docs:
            update_docs()
            return 0
        parser.error("--odoo is required to run the benchmarks (use ./club bench)")
    import club  # noqa: PLC0415

    start = time.monotonic()
    try:
        ensure_base(club)
        fresh_db(club)
    except club.ClubError as exc:
        say(str(exc))
        return 2
    raw = club.LOCAL / f"bench-{args.scale}.json"
    raw.unlink(missing_ok=True)
    run_driver(args.odoo, args.scale, args.seed, raw, messages=args.messages)
    print(write_results(raw))
    say(f"written {RESULTS / 'latest.md'} in {(time.monotonic() - start) / 60:.1f} min")
    if args.update_docs:
        update_docs()
    return 0


if __name__ == "__main__":
    sys.exit(main())
