"""Set up, run and test the Loyalty Club addons on a real Odoo 18.0.

Standard library only: this is what builds the virtualenv, so it cannot need it.
Every failure the user can fix ends in one sentence saying what to do, never a
traceback; nothing outside ``.local/`` (and the project's own PostgreSQL data
directory) is created or deleted.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from club_base import (  # noqa: F401 - the rest re-exported for the benchmarks
    ADDONS,
    DB_RUN,
    HTTP_PORT,
    LOCAL,
    PG_PASSWORD,
    PG_PORT,
    PG_ROLE,
    ROOT,
    RUN_ADDONS,
    ClubError,
    run,
    say,
)
from club_demo_large import grow_db
from club_load import cmd_load
from club_odoo import odoo_cmd, server_args, server_env, setup_all
from club_pg import (  # noqa: F401 - the rest re-exported for the benchmarks
    REPLICA_PORT,
    db_state,
    ensure_replica,
    pg_bindir,
    port_busy,
    psql,
    replica_home,
    stop_pg,
    stop_replica,
)
from club_test import cmd_test

FAKE_SMS_PORT = 8079  # the demo gateway's address (loyalty_club/demo)
# what an upgrade reads: fields and models, views and data, translations
UPGRADE_SUFFIXES = {".py", ".xml", ".csv", ".po"}


def code_fingerprint(addons):
    """A hash of the files an upgrade would read in ``addons`` (tests and static
    assets aside: Odoo rebuilds its asset bundles from the files by itself)."""
    digest = hashlib.sha256()
    for addon in sorted(addons):
        base = ROOT / addon
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(base).parts
            if path.suffix not in UPGRADE_SUFFIXES or rel[0] in ("tests", "static"):
                continue
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint_file(db):
    return LOCAL / f"installed-{db}.sha256"


def start_fake_sms(watch_pid, detach):
    """The demo company's SMS go to a fake gateway on 127.0.0.1 (nothing leaves
    the machine); it stops with Odoo (``--watch-pid``) or with ./club stop."""
    if port_busy(FAKE_SMS_PORT):
        say(f"port {FAKE_SMS_PORT} is taken: the demo's SMS go to what listens there.")
        return
    log = LOCAL / "fake_sms.log"
    script = ROOT / "loyalty_club" / "tests" / "fake_sms_gateway.py"
    with open(log, "a", encoding="utf-8") as fh:
        proc = subprocess.Popen(
            [sys.executable, str(script), "--port", str(FAKE_SMS_PORT)]
            + ["--watch-pid", str(watch_pid)],
            stdout=fh,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=detach,
        )
    (LOCAL / "fake_sms.pid").write_text(str(proc.pid))
    say(f"fake SMS gateway on http://127.0.0.1:{FAKE_SMS_PORT} (log {log}).")


def cmd_run(args):
    setup_all()
    state = db_state(DB_RUN, RUN_ADDONS)
    fingerprint = code_fingerprint(RUN_ADDONS)
    stamp = fingerprint_file(DB_RUN)
    outdated = state == "ready" and (
        not stamp.exists() or stamp.read_text().strip() != fingerprint
    )
    if outdated and not args.update:
        say(
            f"the addons' code changed since database {DB_RUN!r} was installed "
            "or upgraded: upgrading it first."
        )
    if state != "ready" or args.update or outdated:
        if port_busy(HTTP_PORT):
            raise ClubError(
                f"port {HTTP_PORT} is taken; stop what listens there first."
            )
        log = LOCAL / "install.log"
        log.write_text("")
        flag = "-u" if state == "ready" else "-i"
        doing = "upgrading" if flag == "-u" else "installing"
        say(
            f"{doing} the addons with demo data in database {DB_RUN!r} "
            f"(log: {log}) ..."
        )
        proc = run(
            odoo_cmd(
                "-d",
                DB_RUN,
                flag,
                ",".join(RUN_ADDONS),
                # screens in Ukrainian and Russian: every module's terms. English
                # first: Odoo makes the first language of a new database its
                # default (admin, new contacts) and would drop English otherwise
                "--load-language=en_US,uk_UA,ru_RU",
                "--stop-after-init",
            ),
            log=log,
            check=False,
            cwd=ROOT,
        )
        if proc.returncode or db_state(DB_RUN, RUN_ADDONS) != "ready":
            raise ClubError(
                f"installing into {DB_RUN!r} failed (see {log}); the database is kept: "
                "fix the cause and rerun ./club run to resume."
            )
        stamp.write_text(fingerprint + "\n")
    if args.demo_size == "large":
        grow_db(DB_RUN)  # once: a chain that has the members is left alone
    if port_busy(HTTP_PORT):
        raise ClubError(
            f"port {HTTP_PORT} on 127.0.0.1 is taken (an Odoo already running? "
            "./club stop stops ours)."
        )
    replica = ensure_replica(replica_home(), REPLICA_PORT) if args.replica else None
    cmd = odoo_cmd("-d", DB_RUN, *server_args(args.workers, replica_port=replica))
    layout = f" with {args.workers} workers" if args.workers else ""
    if replica:
        layout += f", read-only routes on the replica 127.0.0.1:{replica}"
    say(
        f"Odoo on http://127.0.0.1:{HTTP_PORT}{layout} (admin / admin). "
        "Stop: Ctrl+C (or ./club stop with --detach)."
    )
    if args.detach:
        log = LOCAL / "odoo.log"
        with open(log, "a", encoding="utf-8") as fh:
            proc = subprocess.Popen(
                [str(c) for c in cmd],
                stdout=fh,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,
                env=server_env(replica),
            )
        (LOCAL / "odoo.pid").write_text(str(proc.pid))
        start_fake_sms(proc.pid, detach=True)
        for _ in range(120):
            if port_busy(HTTP_PORT):
                say(f"running in the background (pid {proc.pid}, log {log}).")
                return 0
            if proc.poll() is not None:
                raise ClubError(f"Odoo stopped at start; see {log}.")
            time.sleep(0.5)
        raise ClubError(f"Odoo did not open port {HTTP_PORT} in 60 s; see {log}.")
    start_fake_sms(os.getpid(), detach=False)  # this pid becomes Odoo's
    os.chdir(ROOT)
    os.execve(str(cmd[0]), [str(c) for c in cmd], server_env(replica))
    return 0


def cmd_stop(_args):
    pidfile = LOCAL / "odoo.pid"
    if pidfile.exists():
        try:
            os.killpg(int(pidfile.read_text()), 15)
        except (ProcessLookupError, ValueError, PermissionError):
            pass
        pidfile.unlink()
    fake_sms = LOCAL / "fake_sms.pid"
    if fake_sms.exists():
        try:
            os.kill(int(fake_sms.read_text()), 15)
        except (ProcessLookupError, ValueError, PermissionError):
            pass
        fake_sms.unlink()
    for name in ("replica", "replica-test"):
        stop_replica(replica_home(name))
    stop_pg()
    say(
        "stopped Odoo (if started with --detach), the replica (if any) and the "
        "project's PostgreSQL."
    )
    return 0


def cmd_shell(args):
    setup_all()
    os.chdir(ROOT)
    cmd = [str(c) for c in odoo_cmd("-d", args.db, "--no-http", sub="shell")]
    os.execv(cmd[0], cmd)


def cmd_bench(args):
    setup_all()
    bench = ROOT / "benchmarks" / "run.py"
    if not bench.exists():
        raise ClubError("no benchmarks yet (benchmarks/run.py).")
    cmd = odoo_cmd("-d", "loyalty_club_bench", "--no-http", sub="shell")
    extra = ["--update-readme"] if getattr(args, "update_readme", False) else []
    if getattr(args, "messages", None):
        extra += ["--messages", str(args.messages)]
    return subprocess.run(
        [sys.executable, str(bench), "--scale", args.scale, *extra, "--odoo"]
        + list(map(str, cmd)),
        cwd=ROOT,
        check=False,
    ).returncode


def cmd_fraud_check(args):
    """Planted fraud among normal cashiers: precision and recall of each rule."""
    setup_all()
    db = "loyalty_club_fraud"
    cmd = odoo_cmd("-d", db, f"--db-filter=^{db}$", "--no-http", sub="shell")
    knobs = [
        "--cashiers",
        args.cashiers,
        "--planted",
        args.planted,
        "--seed",
        args.seed,
        "--second-cashiers",
        args.second_cashiers,
        "--second-planted",
        args.second_planted,
    ]
    return subprocess.run(
        [sys.executable, ROOT / "benchmarks" / "fraud.py", "--db", db]
        + [str(k) for k in knobs]
        + ["--odoo"]
        + [str(c) for c in cmd],
        cwd=ROOT,
        check=False,
    ).returncode


def cmd_import(args):
    """Import a file from an old discount system through the back office's job:
    dry run and error file, then batches committed one by one (rerun to resume)."""
    setup_all()
    path = Path(args.file).resolve()
    if not path.is_file():
        raise ClubError(f"no file {args.file}")
    cmd = odoo_cmd("-d", args.db, f"--db-filter=^{args.db}$", "--no-http", sub="shell")
    options = {
        "file": str(path),
        "kind": args.kind,
        "program": args.program,
        "template": args.template,
        "source": args.source,
        "batch_size": args.batch_size,
        "date": args.date,
        "dry_run": args.dry_run,
        "resume": args.resume,
        "fresh": args.fresh,
    }
    script = (ROOT / "tools" / "club_import.py").read_text(encoding="utf-8")
    return subprocess.run(
        [str(c) for c in cmd] + ["--log-level=warn"],
        input=script,
        text=True,
        cwd=ROOT,
        check=False,
        env=dict(os.environ, CLUB_IMPORT_ARGS=json.dumps(options)),
    ).returncode


def cmd_screenshots(args):
    """The README's pictures of the demo chain from a running Odoo (./club run)."""
    setup_all(for_tests=True)  # with the browser
    return subprocess.run(
        [LOCAL / "venv" / "bin" / "python", ROOT / "tools" / "screenshots.py"]
        + ["--url", args.url, "--db", args.db]
        + (["--only", *args.only] if args.only else []),
        cwd=ROOT,
        check=False,
    ).returncode


def main():
    parser = argparse.ArgumentParser(prog="club", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="set up what is missing and start Odoo")
    p_run.add_argument("--detach", action="store_true", help="run in the background")
    p_run.add_argument("--update", action="store_true", help="upgrade the addons first")
    p_run.add_argument(
        "--demo-size",
        choices=["small", "large"],
        default="small",
        help="large: the demo chain grown to 100,000 members with two years of "
        "POS history, set-based (about 8 minutes, once)",
    )
    p_run.add_argument(
        "--workers",
        type=int,
        default=0,
        help="prefork HTTP workers, as in production (default: 0, threaded)",
    )
    p_run.add_argument(
        "--replica",
        action="store_true",
        help="read-only routes served by a streaming replica of the database "
        f"(127.0.0.1:{REPLICA_PORT}, CLUB_PG_REPLICA_PORT to change)",
    )
    p_test = sub.add_parser("test", help="lint, Odoo-free tests and Odoo tests")
    p_test.add_argument("--no-odoo", action="store_true", help="skip the Odoo tests")
    p_test.add_argument(
        "--fast",
        action="store_true",
        help="pytest-odoo over the existing test database, no reinstall",
    )
    p_test.add_argument("--keep", action="store_true", help="skip the uninstall check")
    p_test.add_argument(
        "--no-replica",
        action="store_true",
        help="skip the replica phase (a streaming replica and Odoo with 2 workers)",
    )
    p_test.add_argument("--tags", default="", help="extra Odoo --test-tags filter")
    p_test.add_argument(
        "--no-odoo-suites",
        action="store_true",
        help="skip Odoo's own tests of point_of_sale, pos_loyalty and loyalty (not "
        "their tours) with the club's addons installed beside them",
    )
    sub.add_parser("stop", help="stop Odoo (--detach), the replica and PostgreSQL")
    p_load = sub.add_parser(
        "load",
        help="concurrent API clients against a running Odoo, then the ledger's "
        "invariants",
    )
    p_load.add_argument("--clients", type=int, default=50)
    p_load.add_argument("--duration", type=int, default=30, help="seconds")
    p_load.add_argument(
        "--processes", type=int, default=4, help="client processes (threads in each)"
    )
    p_load.add_argument(
        "--members", type=int, default=500, help="members of the load program"
    )
    p_load.add_argument("--db", default=DB_RUN)
    p_load.add_argument("--port", type=int, default=HTTP_PORT)
    p_load.add_argument(
        "--rate",
        type=float,
        help="requests per second offered by all clients together (each client "
        "paced); default: every client flat out",
    )
    p_load.add_argument("--seed", type=int, default=42)
    p_load.add_argument("--json", help="also write the figures to this file")
    p_shell = sub.add_parser("shell", help="Odoo shell on a database")
    p_shell.add_argument("--db", default=DB_RUN)
    p_bench = sub.add_parser("bench", help="run the benchmarks")
    p_bench.add_argument("--scale", default="small")
    p_bench.add_argument(
        "--update-docs",
        "--update-readme",  # the old name still works
        dest="update_readme",
        action="store_true",
        help="copy the results into docs/benchmarks.md",
    )
    p_bench.add_argument(
        "--messages",
        type=int,
        help="purchase SMS the sending job hands to the fake gateway (default: the "
        "scale's)",
    )
    p_fraud = sub.add_parser(
        "fraud-check", help="anti-fraud rules against planted fraud (precision, recall)"
    )
    p_fraud.add_argument("--cashiers", type=int, default=200)
    p_fraud.add_argument("--planted", type=int, default=24)
    p_fraud.add_argument("--seed", type=int, default=42)
    p_fraud.add_argument(
        "--second-cashiers",
        type=int,
        default=110,
        help="normal cashiers of the second population (10 stores)",
    )
    p_fraud.add_argument(
        "--second-planted",
        type=int,
        default=15,
        help="planted cashiers per rule (and combined) in the second population",
    )
    p_import = sub.add_parser(
        "import", help="import members or purchase history from an old system"
    )
    p_import.add_argument("file", help="CSV export (cp1251 or UTF-8, any delimiter)")
    p_import.add_argument(
        "--kind", choices=["members", "cards", "checks", "products"], default="members"
    )
    p_import.add_argument("--db", default=DB_RUN)
    p_import.add_argument("--program", type=int, help="program id (default: first)")
    p_import.add_argument("--template", help="import template (name or source)")
    p_import.add_argument("--source", help="the old system's name")
    p_import.add_argument("--batch-size", type=int, default=1000)
    p_import.add_argument("--date", help="import day YYYY-MM-DD (default: today)")
    p_import.add_argument(
        "--dry-run", action="store_true", help="report and error file only"
    )
    p_import.add_argument("--resume", type=int, help="resume this import job id")
    p_import.add_argument(
        "--fresh", action="store_true", help="a new job even if one can be resumed"
    )
    p_shots = sub.add_parser(
        "screenshots", help="the README's pictures, from the running demo"
    )
    p_shots.add_argument("--url", default=f"http://127.0.0.1:{HTTP_PORT}")
    p_shots.add_argument("--db", default=DB_RUN)
    p_shots.add_argument("--only", nargs="*", default=[], help="PNG file names")
    args = parser.parse_args()
    handlers = {
        "run": cmd_run,
        "test": cmd_test,
        "stop": cmd_stop,
        "load": cmd_load,
        "shell": cmd_shell,
        "bench": cmd_bench,
        "fraud-check": cmd_fraud_check,
        "import": cmd_import,
        "screenshots": cmd_screenshots,
    }
    try:
        return handlers[args.command](args)
    except ClubError as exc:
        say(str(exc))
        return 2
    except KeyboardInterrupt:
        say("interrupted; rerun the same command to resume.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
