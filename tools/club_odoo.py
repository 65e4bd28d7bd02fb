"""Odoo for ./club: the 18.0 source, the virtualenv built from its requirements,
the odoo-bin command line and the whole set-up (source, system packages,
virtualenv, PostgreSQL) that every sub-command starts with."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

from club_base import (
    CONF,
    DEFAULT_ARCHIVE,
    LOCAL,
    ODOO_LINK,
    PG_PORT,
    ROOT,
    VENV,
    ClubError,
    ensure_system,
    run,
    say,
)
from club_geo import ensure_geodata
from club_pg import ensure_pg


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


# ------------------------------------------------------------------- virtualenv


def _python_for_venv():
    ok = (3, 10) <= sys.version_info[:2] <= (3, 12)
    if ok:
        return sys.executable
    for name in ("python3.11", "python3.12", "python3.10"):
        exe = shutil.which(name)
        if exe:
            return exe
    raise ClubError("Odoo 18 needs Python 3.10-3.12; install python3.11 and retry.")


# pkg_resources of setuptools<70 cannot find distributions whose metadata
# directory has a normalized name (zope_interface-8.x.dist-info): gevent's
# plugin loading then fails and the websocket process of prefork Odoo
# (--workers) dies at start, again and again. These releases keep the old names.
VENV_PINS = ["zope.interface<7.3", "zope.event<5.1"]


def vpy():
    return VENV / "bin" / "python"


def ensure_venv(src):
    """Virtualenv with the dev tools, and Odoo + project deps when src is given."""
    reqs = [ROOT / "requirements-dev.txt"]
    if src:
        reqs += [src / "requirements.txt", ROOT / "requirements.txt"]
    digest = hashlib.sha256(str(src).encode())
    digest.update(" ".join(VENV_PINS).encode())
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
        kept = [x for x in lines if not x.startswith("psycopg2")]
        filtered.write_text("\n".join(kept + VENV_PINS) + "\n")
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


# ---------------------------------------------------------- odoo-bin and set-up


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
    ensure_geodata()
    ensure_pg()
    return src


# ------------------------------------------------------- Odoo as a server


def server_args(workers=0, http_port=None, gevent_port=None, replica_port=None):
    """odoo-bin options of the production layout: prefork ``workers`` (with the
    gevent port of the websocket process) and read-only routes served by the
    replica on 127.0.0.1:``replica_port`` (see ``server_env``)."""
    args = []
    if http_port:
        args.append(f"--http-port={http_port}")
    if workers:
        args.append(f"--workers={workers}")
        if gevent_port:
            args.append(f"--gevent-port={gevent_port}")
    if replica_port:
        # two hosts, no db_replica_port: libpq tries the replica, then the
        # primary (the ports come from PGPORT, see server_env)
        args.append("--db_replica_host=127.0.0.1,127.0.0.1")
    return args


def server_env(replica_port=None):
    """The environment of an Odoo started with ``server_args``: with a replica,
    PGPORT lists its port, then the primary's, so that a read-only connection
    falls back to the primary while the replica is down. Odoo's own connections
    to the primary name their port and ignore PGPORT."""
    env = dict(os.environ)
    if replica_port:
        env["PGPORT"] = f"{replica_port},{PG_PORT}"
    return env


def start_server(cmd, log, port, timeout=120, env=None):
    """Start Odoo in a session of its own (``os.killpg`` stops it with its
    workers), logging to ``log``; return the process once ``port`` answers."""
    from club_pg import port_busy  # noqa: PLC0415

    with open(log, "a", encoding="utf-8") as fh:
        proc = subprocess.Popen(
            [str(c) for c in cmd],
            stdout=fh,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
            env=env,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_busy(port):
            return proc
        if proc.poll() is not None:
            raise ClubError(f"Odoo stopped at start; see {log}.")
        time.sleep(0.5)
    stop_server(proc.pid)
    raise ClubError(f"Odoo did not open port {port} in {timeout} s; see {log}.")


def stop_server(pid, timeout=30):
    """Stop the Odoo started with ``start_server`` (pid), workers included."""
    try:
        os.killpg(pid, 15)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.2)
    try:
        os.killpg(pid, 9)
    except ProcessLookupError:
        pass
