"""The project's own PostgreSQL cluster: system binaries, own data directory,
127.0.0.1 only, an OS user of its own when started as root."""

import hashlib
import os
import shutil
import socket
import subprocess
import time
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

MAX_CONNECTIONS = 200
# the streaming replica of ./club run --replica, and the one ./club test makes
REPLICA_PORT = int(os.environ.get("CLUB_PG_REPLICA_PORT", str(PG_PORT + 1)))
REPLICA_TEST_PORT = int(os.environ.get("CLUB_PG_REPLICA_TEST_PORT", str(PG_PORT + 2)))


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
    if _running(bindir, data):
        return
    if port_busy(PG_PORT):
        raise ClubError(
            f"port {PG_PORT} on 127.0.0.1 is taken by another program; stop it, or "
            "choose a free port for the project's cluster: CLUB_PG_PORT=5433 ./club ..."
        )
    # wal_level and wal senders as a streaming replica needs (./club run --replica)
    opts = (
        f"-c listen_addresses=127.0.0.1 -c port={PG_PORT} "
        f"-c unix_socket_directories={sock} -c synchronous_commit=off "
        f"-c max_connections={MAX_CONNECTIONS} -c shared_buffers=512MB "
        "-c wal_level=replica -c max_wal_senders=10"
    )
    _start(bindir, data, log, opts)


def _running(bindir, data):
    status = subprocess.run(
        _as_pg_user([bindir / "pg_ctl", "status", "-D", data]),
        capture_output=True,
        check=False,
    )
    return status.returncode == 0


def _start(bindir, data, log, opts, timeout=60, why=None):
    proc = run(
        _as_pg_user(
            [
                bindir / "pg_ctl",
                "start",
                "-w",
                "-t",
                str(timeout),
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
        raise ClubError(why or f"PostgreSQL did not start; its log says why: {log}")


def stop_pg():
    bindir, data = pg_bindir(), pg_home() / "data"
    if bindir and (data / "PG_VERSION").exists():
        _stop(bindir, data)


# --------------------------------------------------------------- the replica


def replica_home(name="replica"):
    """Where a streaming replica lives: .local/pg-<name> (as root: beside the
    primary's data, linked from there); CLUB_PG_REPLICA_HOME=<dir> puts it in
    <dir>/pg-<name> instead."""
    base = os.environ.get("CLUB_PG_REPLICA_HOME")
    if base:
        return Path(base).resolve() / f"pg-{name}"
    if not IS_ROOT:
        return LOCAL / f"pg-{name}"
    primary = pg_home()
    home = primary.parent / f"{primary.name}-{name}"
    link = LOCAL / f"pg-{name}"
    if home.exists() and not link.is_symlink() and not link.exists():
        LOCAL.mkdir(exist_ok=True)
        link.symlink_to(home)  # where to look, once there is something
    return home


def ensure_replication():
    """Let the primary stream to a standby; idempotent: WAL for a replica, the
    REPLICATION right of the role and a pg_hba line for it on 127.0.0.1."""
    level, senders = psql("SHOW wal_level"), psql("SHOW max_wal_senders")
    if level is None:
        raise ClubError(
            f"the project's PostgreSQL on port {PG_PORT} does not answer; "
            "run ./club run (or ./club stop, then ./club run) and retry."
        )
    if level == "minimal" or senders == "0":
        say("restarting the project's PostgreSQL with WAL for a replica ...")
        stop_pg()
        ensure_pg()  # starts it with wal_level=replica and wal senders
    if psql("SELECT rolreplication FROM pg_roles WHERE rolname = current_user") != "t":
        psql(f'ALTER ROLE "{PG_ROLE}" REPLICATION')
    rules = psql(
        "SELECT count(*) FROM pg_hba_file_rules WHERE error IS NULL "
        "AND type = 'host' AND 'replication' = ANY(database) "
        f"AND user_name && ARRAY['all', '{PG_ROLE}'] AND CASE "
        "WHEN address IN ('all', 'samehost', 'samenet') THEN true "
        "WHEN address ~ '^[0-9.]+$' THEN '127.0.0.1'::inet <<= "
        "set_masklen(address::inet, masklen(netmask::inet)) ELSE false END"
    )
    if rules in (None, "0"):
        hba = Path(psql("SHOW hba_file"))
        with open(hba, "a", encoding="utf-8") as fh:
            fh.write(
                "\n# ./club run --replica: the streaming replica on 127.0.0.1\n"
                f"host replication {PG_ROLE} 127.0.0.1/32 scram-sha-256\n"
            )
        psql("SELECT pg_reload_conf()")
        say(f"allowed replication connections in {hba}.")


def _stop(bindir, data):
    run(
        _as_pg_user([bindir / "pg_ctl", "stop", "-D", data, "-m", "fast"]),
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def replica_caught_up(port, timeout=120, log=None, since=0):
    """Wait until the replica on ``port`` has replayed all the primary wrote so
    far; False if it has not within ``timeout`` seconds, or as soon as its
    ``log`` says (after byte ``since``) that the primary recycled WAL it needs."""
    target = psql("SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = psql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'", port=port)
        if done == "t":
            return True
        if log and log.exists():
            with open(log, "rb") as fh:
                fh.seek(since)
                if b"has already been removed" in fh.read():
                    return False
        time.sleep(0.2)
    return False


def ensure_replica(home, port, fresh=False, durable=True):
    """A hot standby of the project's cluster on 127.0.0.1:``port``, streaming
    from it, caught up; copied with pg_basebackup -R when missing, of another
    primary, too far behind or ``fresh``. Returns its port.

    ``durable=False`` (a throwaway replica of a test): neither the copy nor the
    standby is fsynced, which spares a busy disk a minute of syncing."""
    bindir = pg_bindir()
    if not bindir or not (bindir / "pg_basebackup").exists():
        raise ClubError("pg_basebackup not found; install postgresql and retry.")
    ensure_replication()
    data, sock, log = home / "data", home / "run", home / "postgresql.log"
    home.mkdir(parents=True, exist_ok=True)
    sock.mkdir(exist_ok=True)
    if IS_ROOT:
        shutil.chown(home, PG_OS_USER)
        shutil.chown(sock, PG_OS_USER)
    primary_id = psql("SELECT system_identifier FROM pg_control_system()")
    stamp = home / "primary-id"
    ours = stamp.exists() and stamp.read_text() == primary_id
    has_data = (data / "standby.signal").exists()
    if has_data and _running(bindir, data):
        standby = psql("SELECT pg_is_in_recovery()", port=port) == "t"
        if ours and standby and not fresh and replica_caught_up(port, 60):
            return port
        _stop(bindir, data)
    if port_busy(port):
        raise ClubError(
            f"port {port} on 127.0.0.1 (the replica's) is taken by another program; "
            "stop it or choose another: CLUB_PG_REPLICA_PORT=5435 ./club ..."
        )
    max_conn = psql("SHOW max_connections") or str(MAX_CONNECTIONS)
    opts = (
        f"-c listen_addresses=127.0.0.1 -c port={port} "
        f"-c unix_socket_directories={sock} -c hot_standby=on "
        "-c hot_standby_feedback=on -c shared_buffers=128MB "
        f"-c max_connections={max_conn} "
    )
    if not durable:
        opts += "-c fsync=off"
    elif int(psql("SHOW server_version_num") or 0) >= 140000:
        opts += "-c recovery_init_sync_method=syncfs"  # one syncfs, not a walk
    if has_data and ours and not fresh:
        since = log.stat().st_size if log.exists() else 0
        _start(bindir, data, log, opts, timeout=300, why=_standby_wait(port, log))
        if replica_caught_up(port, 120, log, since):
            return port
        say("the replica misses WAL the primary has recycled; copying it again ...")
        _stop(bindir, data)
    if data.exists():
        shutil.rmtree(data)
    say(f"copying the primary into a streaming replica in {data} ...")
    conn = (
        f"host=127.0.0.1 port={PG_PORT} user={PG_ROLE} password={PG_PASSWORD} "
        "application_name=club_replica"
    )
    backup_log = home / "basebackup.log"
    run(
        _as_pg_user(
            [bindir / "pg_basebackup", "-D", data, "-R", "-X", "stream"]
            + ["-c", "fast", "-d", conn]
            + ([] if durable else ["--no-sync"])
        ),
        log=backup_log,
    )
    stamp.write_text(primary_id or "")
    _start(bindir, data, log, opts, timeout=300, why=_standby_wait(port, log))
    if not replica_caught_up(port, 300):
        raise ClubError(f"the replica did not catch up with the primary; see {log}.")
    return port


def _standby_wait(port, log):
    return (
        f"the replica on port {port} does not accept connections yet: a hot "
        "standby waits until the transactions open on the primary when it last "
        "started (with many savepoints, as Odoo's tests make) have ended; see "
        f"{log} and pg_stat_activity on the primary, then retry."
    )


def stop_replica(home, remove=False):
    """Stop the replica in ``home`` (and delete its copy with ``remove``)."""
    bindir, data = pg_bindir(), home / "data"
    if bindir and (data / "PG_VERSION").exists():
        _stop(bindir, data)
    if remove and data.exists():
        shutil.rmtree(data)


def psql(sql, db="postgres", port=PG_PORT):
    """One statement's rows as text ('|' between columns), None on an error."""
    env = dict(os.environ, PGPASSWORD=PG_PASSWORD)
    proc = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
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


def db_state(db, addons=ADDONS):
    """'missing', 'ready' (all ``addons`` installed) or 'partial'."""
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") != "1":
        return "missing"
    names = ",".join(f"'{a}'" for a in addons)
    count = psql(
        "SELECT count(*) FROM ir_module_module "
        f"WHERE name IN ({names}) AND state = 'installed'",
        db=db,
    )
    return "ready" if count == str(len(addons)) else "partial"


# ------------------------------------------------------------------------ Odoo
