"""Set up, run and test the Loyalty Club addons on a real Odoo 18.0.

Standard library only: this is what builds the virtualenv, so it cannot need it.
Every failure the user can fix ends in one sentence saying what to do, never a
traceback; nothing outside ``.local/`` (and the project's own PostgreSQL data
directory) is created or deleted.
"""

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

from club_base import (  # noqa: F401 - re-exported for club_test and the benchmarks
    ADDONS,
    CONF,
    DB_RUN,
    DB_TEST,
    DEFAULT_ARCHIVE,
    HTTP_PORT,
    IS_ROOT,
    LOCAL,
    ODOO_LINK,
    PG_OS_USER,
    PG_PASSWORD,
    PG_PORT,
    PG_ROLE,
    ROOT,
    TEST_HTTP_PORT,
    VENV,
    ClubError,
    ensure_system,
    run,
    say,
)
from club_pg import (  # noqa: F401 - re-exported for club_test and the benchmarks
    db_state,
    ensure_pg,
    pg_bindir,
    pg_home,
    port_busy,
    psql,
    stop_pg,
)


def find_odoo():
    """Return (kind, path) of the Odoo 18.0 source to use, or None."""
    src = os.environ.get("ODOO_SRC")
    if src:
        path = Path(src).expanduser().resolve()
        if (path / "odoo" / "release.py").exists():
            return "dir", path
        if path.is_file() and tarfile.is_tarfile(path):
            return "archive", path
        raise ClubError(
            f"ODOO_SRC={src} is neither an Odoo 18.0 source tree (with "
            "odoo/release.py) "
            "nor an archive of one; point it at the official 18.0 source."
        )
    if (ODOO_LINK / "odoo" / "release.py").exists():
        return "dir", ODOO_LINK.resolve()
    if DEFAULT_ARCHIVE.exists():
        return "archive", DEFAULT_ARCHIVE
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import odoo, os; print(os.path.dirname(odoo.__path__[0]))",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode == 0:
        path = Path(probe.stdout.strip())
        if (path / "addons").is_dir():
            return "dir", path
    return None


def prepare_source(kind, path):
    """Make .local/odoo point at an Odoo 18.0 source tree and return it."""
    LOCAL.mkdir(exist_ok=True)
    if kind == "archive":
        stamp = f"{path}:{path.stat().st_size}:{int(path.stat().st_mtime)}"
        target = LOCAL / "odoo-src"
        stamp_file = target / ".club-stamp"
        if not (stamp_file.exists() and stamp_file.read_text() == stamp):
            say(f"unpacking Odoo from {path} (once) ...")
            if target.exists():
                shutil.rmtree(target)
            target.mkdir()
            with tarfile.open(path) as tar:
                tar.extractall(target, filter="tar")
            stamp_file.write_text(stamp)
        found = [p.parent.parent for p in target.glob("*/odoo/release.py")]
        if not found:
            raise ClubError(f"{path} holds no Odoo source tree (no */odoo/release.py).")
        path = found[0]
    release = (path / "odoo" / "release.py").read_text()
    if not re.search(r"version_info\s*=\s*\(\s*18\s*,\s*0\b", release):
        raise ClubError(f"{path} is not Odoo 18.0; these addons need 18.0.")
    if ODOO_LINK.is_symlink() or ODOO_LINK.exists():
        if ODOO_LINK.resolve() == path.resolve():
            return path
        if not ODOO_LINK.is_symlink():
            raise ClubError(f"{ODOO_LINK} is a directory, not a link; move it away.")
        ODOO_LINK.unlink()
    ODOO_LINK.symlink_to(path)
    return path


# ----------------------------------------------------------------- system packages


def _python_for_venv():
    ok = (3, 10) <= sys.version_info[:2] <= (3, 12)
    if ok:
        return sys.executable
    for name in ("python3.11", "python3.12", "python3.10"):
        exe = shutil.which(name)
        if exe:
            return exe
    raise ClubError("Odoo 18 needs Python 3.10-3.12; install python3.11 and retry.")


def vpy():
    return VENV / "bin" / "python"


def ensure_venv(src):
    """Virtualenv with the dev tools, and Odoo + project deps when src is given."""
    reqs = [ROOT / "requirements-dev.txt"]
    if src:
        reqs += [src / "requirements.txt", ROOT / "requirements.txt"]
    digest = hashlib.sha256(str(src).encode())
    for req in reqs:
        digest.update(req.read_bytes())
    stamp = digest.hexdigest()
    stamp_file = VENV / ".club-stamp"
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return
    LOCAL.mkdir(exist_ok=True)
    log = LOCAL / "venv.log"
    say(f"building the virtualenv in {VENV} (log: {log}) ...")
    if not vpy().exists():
        proc = run([_python_for_venv(), "-m", "venv", VENV], log=log, check=False)
        if proc.returncode:
            raise ClubError(
                "could not create a virtualenv; install python3-venv and retry."
            )
    pip = [vpy(), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    run([*pip, "pip", "setuptools<70", "wheel", "setuptools_scm"], log=log)
    run([*pip, "-r", ROOT / "requirements-dev.txt"], log=log)
    if src:
        ensure_system(["build"])
        # Odoo's pins, minus psycopg2 (the project uses the psycopg2-binary wheel)
        filtered = LOCAL / "odoo-requirements.txt"
        lines = (src / "requirements.txt").read_text().splitlines()
        filtered.write_text(
            "\n".join(x for x in lines if not x.startswith("psycopg2")) + "\n"
        )
        run([*pip, "--no-build-isolation", "-r", filtered], log=log)
        run(
            [
                *pip,
                "--no-deps",
                "--no-build-isolation",
                "-e",
                src,
                "--config-settings",
                "editable_mode=compat",
            ],
            log=log,
        )
        run([*pip, "-r", ROOT / "requirements.txt"], log=log)
    stamp_file.write_text(stamp)


# ------------------------------------------------------------------- PostgreSQL


def odoo_cmd(*args, sub=None):
    """odoo-bin [sub-command] -c odoo.conf args..."""
    return [
        vpy(),
        ODOO_LINK / "odoo-bin",
        *([sub] if sub else []),
        "-c",
        CONF,
        f"--db_port={PG_PORT}",
        *args,
    ]


def setup_all(for_tests=False):
    found = find_odoo()
    if not found:
        raise ClubError(
            f"no Odoo 18.0 found (looked for ODOO_SRC, {ODOO_LINK}, {DEFAULT_ARCHIVE} "
            "and an importable odoo); set ODOO_SRC to an Odoo 18.0 source tree or "
            "archive."
        )
    src = prepare_source(*found)
    ensure_system(["postgres", "pdf"] + (["browser"] if for_tests else []))
    ensure_venv(src)
    ensure_pg()
    return src


def cmd_run(args):
    setup_all()
    state = db_state(DB_RUN)
    if state != "ready" or args.update:
        if port_busy(HTTP_PORT):
            raise ClubError(
                f"port {HTTP_PORT} is taken; stop what listens there first."
            )
        log = LOCAL / "install.log"
        log.write_text("")
        flag = "-u" if state == "ready" else "-i"
        say(
            f"installing the addons with demo data into database {DB_RUN!r} "
            f"(log: {log}) ..."
        )
        proc = run(
            odoo_cmd("-d", DB_RUN, flag, ",".join(ADDONS), "--stop-after-init"),
            log=log,
            check=False,
            cwd=ROOT,
        )
        if proc.returncode or db_state(DB_RUN) != "ready":
            raise ClubError(
                f"installing into {DB_RUN!r} failed (see {log}); the database is kept: "
                "fix the cause and rerun ./club run to resume."
            )
    if port_busy(HTTP_PORT):
        raise ClubError(
            f"port {HTTP_PORT} on 127.0.0.1 is taken (an Odoo already running? "
            "./club stop stops ours)."
        )
    cmd = odoo_cmd("-d", DB_RUN)
    say(
        f"Odoo on http://127.0.0.1:{HTTP_PORT} (admin / admin). "
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
            )
        (LOCAL / "odoo.pid").write_text(str(proc.pid))
        for _ in range(120):
            if port_busy(HTTP_PORT):
                say(f"running in the background (pid {proc.pid}, log {log}).")
                return 0
            if proc.poll() is not None:
                raise ClubError(f"Odoo stopped at start; see {log}.")
            time.sleep(0.5)
        raise ClubError(f"Odoo did not open port {HTTP_PORT} in 60 s; see {log}.")
    os.chdir(ROOT)
    os.execv(str(cmd[0]), [str(c) for c in cmd])
    return 0


def cmd_stop(_args):
    pidfile = LOCAL / "odoo.pid"
    if pidfile.exists():
        try:
            os.killpg(int(pidfile.read_text()), 15)
        except (ProcessLookupError, ValueError, PermissionError):
            pass
        pidfile.unlink()
    stop_pg()
    say("stopped Odoo (if started with --detach) and the project's PostgreSQL.")
    return 0


def cmd_shell(args):
    setup_all()
    os.chdir(ROOT)
    cmd = [str(c) for c in odoo_cmd("-d", args.db, "--no-http", sub="shell")]
    os.execv(cmd[0], cmd)


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
    ]
    return subprocess.run(
        [sys.executable, ROOT / "benchmarks" / "fraud.py", "--db", db]
        + [str(k) for k in knobs]
        + ["--odoo"]
        + [str(c) for c in cmd],
        cwd=ROOT,
        check=False,
    ).returncode


def main():
    parser = argparse.ArgumentParser(prog="club", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="set up what is missing and start Odoo")
    p_run.add_argument("--detach", action="store_true", help="run in the background")
    p_run.add_argument("--update", action="store_true", help="upgrade the addons first")
    p_test = sub.add_parser("test", help="lint, Odoo-free tests and Odoo tests")
    p_test.add_argument("--no-odoo", action="store_true", help="skip the Odoo tests")
    p_test.add_argument(
        "--fast",
        action="store_true",
        help="pytest-odoo over the existing test database, no reinstall",
    )
    p_test.add_argument("--keep", action="store_true", help="skip the uninstall check")
    p_test.add_argument("--tags", default="", help="extra Odoo --test-tags filter")
    sub.add_parser("stop", help="stop Odoo (--detach) and PostgreSQL")
    p_shell = sub.add_parser("shell", help="Odoo shell on a database")
    p_shell.add_argument("--db", default=DB_RUN)
    p_bench = sub.add_parser("bench", help="run the benchmarks")
    p_bench.add_argument("--scale", default="small")
    p_bench.add_argument(
        "--update-readme", action="store_true", help="copy the results into README"
    )
    p_fraud = sub.add_parser(
        "fraud-check", help="anti-fraud rules against planted fraud (precision, recall)"
    )
    p_fraud.add_argument("--cashiers", type=int, default=200)
    p_fraud.add_argument("--planted", type=int, default=24)
    p_fraud.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    from club_test import cmd_bench, cmd_test  # noqa: PLC0415 - sibling module

    handlers = {
        "run": cmd_run,
        "test": cmd_test,
        "stop": cmd_stop,
        "shell": cmd_shell,
        "bench": cmd_bench,
        "fraud-check": cmd_fraud_check,
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
