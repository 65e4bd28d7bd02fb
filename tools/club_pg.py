"""The project's own PostgreSQL cluster: system binaries, own data directory,
127.0.0.1 only, an OS user of its own when started as root."""

import hashlib
import os
import shutil
import socket
import subprocess
from pathlib import Path

from club_base import (
    ADDONS,
    IS_ROOT,
    LOCAL,
    PG_OS_USER,
    PG_PASSWORD,
    PG_PORT,
    PG_ROLE,
    ROOT,
    ClubError,
    ensure_system,
    run,
    say,
)


def pg_bindir():
    cands = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name)
        if p.parent.parent.name.isdigit()
        else 0,
    )
    if cands:
        return cands[-1].parent
    exe = shutil.which("pg_ctl")
    return Path(exe).parent if exe else None


def pg_home():
    """Data lives in .local/pg, or (as root) in a directory the OS user can reach."""
    if not IS_ROOT:
        return LOCAL / "pg"
    key = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
    home = Path("/var/lib/loyalty-club") / f"pg-{key}"
    link = LOCAL / "pg"
    if not link.is_symlink():
        LOCAL.mkdir(exist_ok=True)
        link.symlink_to(home)
    return home


def _as_pg_user(cmd):
    cmd = [str(c) for c in cmd]
    if IS_ROOT:
        return ["runuser", "-u", PG_OS_USER, "--", *cmd]
    return cmd


def port_busy(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def ensure_pg():
    bindir = pg_bindir()
    if not bindir:
        ensure_system(["postgres"])
        bindir = pg_bindir()
    if not bindir:
        raise ClubError("PostgreSQL binaries not found; install postgresql and retry.")
    home = pg_home()
    data, sock, log = home / "data", home / "run", home / "postgresql.log"
    if IS_ROOT:
        if subprocess.run(
            ["id", PG_OS_USER], capture_output=True, check=False
        ).returncode:
            run(
                [
                    "useradd",
                    "--system",
                    "--no-create-home",
                    "--shell",
                    "/usr/sbin/nologin",
                    PG_OS_USER,
                ]
            )
        home.mkdir(parents=True, exist_ok=True)
        shutil.chown(home, PG_OS_USER)
    else:
        home.mkdir(parents=True, exist_ok=True)
    sock.mkdir(exist_ok=True)
    if IS_ROOT:
        shutil.chown(sock, PG_OS_USER)
    if not (data / "PG_VERSION").exists():
        say(f"creating the project's PostgreSQL cluster in {data} ...")
        pwfile = home / "pwfile"
        pwfile.write_text(PG_PASSWORD + "\n")
        if IS_ROOT:
            shutil.chown(pwfile, PG_OS_USER)
        run(
            _as_pg_user(
                [
                    bindir / "initdb",
                    "-D",
                    data,
                    "-U",
                    PG_ROLE,
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--auth-local=peer",
                    "--auth-host=scram-sha-256",
                    f"--pwfile={pwfile}",
                ]
            ),
            log=LOCAL / "initdb.log",
        )
        pwfile.unlink()
    status = subprocess.run(
        _as_pg_user([bindir / "pg_ctl", "status", "-D", data]),
        capture_output=True,
        check=False,
    )
    if status.returncode == 0:
        return
    if port_busy(PG_PORT):
        raise ClubError(
            f"port {PG_PORT} on 127.0.0.1 is taken by another program; stop it, or "
            "choose a free port for the project's cluster: CLUB_PG_PORT=5433 ./club ..."
        )
    opts = (
        f"-c listen_addresses=127.0.0.1 -c port={PG_PORT} "
        f"-c unix_socket_directories={sock} -c synchronous_commit=off "
        "-c max_connections=200 -c shared_buffers=512MB"
    )
    proc = run(
        _as_pg_user(
            [
                bindir / "pg_ctl",
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                data,
                "-l",
                log,
                "-o",
                opts,
            ]
        ),
        check=False,
        stdout=subprocess.DEVNULL,
    )
    if proc.returncode:
        raise ClubError(f"PostgreSQL did not start; its log says why: {log}")


def stop_pg():
    bindir, data = pg_bindir(), pg_home() / "data"
    if bindir and (data / "PG_VERSION").exists():
        run(
            _as_pg_user([bindir / "pg_ctl", "stop", "-D", data, "-m", "fast"]),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def psql(sql, db="postgres"):
    env = dict(os.environ, PGPASSWORD=PG_PASSWORD)
    proc = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(PG_PORT),
            "-U",
            PG_ROLE,
            "-d",
            db,
            "-tAqc",
            sql,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return proc.stdout.strip() if proc.returncode == 0 else None


def db_state(db):
    """'missing', 'ready' (all addons installed) or 'partial'."""
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") != "1":
        return "missing"
    names = ",".join(f"'{a}'" for a in ADDONS)
    count = psql(
        "SELECT count(*) FROM ir_module_module "
        f"WHERE name IN ({names}) AND state = 'installed'",
        db=db,
    )
    return "ready" if count == str(len(ADDONS)) else "partial"


# ------------------------------------------------------------------------ Odoo
