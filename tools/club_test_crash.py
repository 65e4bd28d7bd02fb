"""./club test, crash phase: a worker killed mid-confirm and a full connection pool.

Both need real Odoo processes, which an Odoo test cannot spawn and kill
cleanly, so they run here against the installed test database:

1. **Pool exhausted.** Odoo threaded with ``db_maxconn=1``: every API request
   needs a second connection (the key's rate counter is committed on a cursor
   of its own) or finds the only one taken by a concurrent request. Each call
   answers 503 with the API's JSON error body and ``Retry-After``, never an
   HTML page, and a confirm refused so books nothing.
2. **A worker killed mid-confirm.** Odoo with two prefork workers; the test
   holds the member's wallet row locked from its own connection, so the confirm
   sent over the API waits inside its transaction. The worker serving it (the
   ``odoo-<pid>`` of its connection) is killed with SIGKILL, the lock released,
   and the channel retries with the same Idempotency-Key against the worker
   the master started instead: the sale is booked once, a second retry is
   answered from it, the ledger holds one earn. The sale refused with 503 in
   part 1 is booked by its retry here, once.
"""

import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time
import uuid

from club_base import LOCAL, PG_PASSWORD, PG_PORT, PG_ROLE, TEST_HTTP_PORT, ClubError
from club_base import say as club_say
from club_load import API, Api, lookup_path, prepare
from club_odoo import odoo_cmd, server_args, start_server, stop_server
from club_pg import psql

TEST_GEVENT_PORT = TEST_HTTP_PORT + 3
LOG_LINE_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) ")


def say(msg):
    club_say(f"crash: {msg}")


class Checks:
    def __init__(self, tally):
        self.tally, self.failed = tally, []

    def __call__(self, name, ok, detail=""):
        if ok:
            self.tally.add(passed=1)
            say(f"{name}: OK")
        else:
            self.tally.add(failed=1)
            self.failed.append(name)
            say(f"{name}: FAILED {detail}")
        return ok


def _order(phone, ref):
    return {
        "identifier": phone,
        "external_ref": ref,
        "lines": [{"sku": "CRASH-1", "qty": 1, "unit_price": "120.00"}],
    }


def _raw_call(port, secret, method, path, body=None, key=None, timeout=60):
    """One attempt, no retry: (status, JSON or None, headers), or the exception
    the connection ended with."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {
        "Authorization": f"Bearer {secret}",
        "Content-Type": "application/json",
        "Accept-Language": "en",
    }
    if key:
        headers["Idempotency-Key"] = key
    try:
        conn.request(
            method,
            API + path,
            body=json.dumps(body) if body is not None else None,
            headers=headers,
        )
        resp = conn.getresponse()
        raw = resp.read()
        try:
            answer = json.loads(raw) if raw else {}
        except ValueError:
            answer = None
        return resp.status, answer, dict(resp.getheaders())
    except (OSError, http.client.HTTPException) as exc:
        return exc
    finally:
        conn.close()


def _effects(db, key_id, ref):
    """'sales|earn lines' booked under the API's idempotency key of ``ref``."""
    return psql(
        "SELECT count(DISTINCT t.id), count(l.id) FROM loyalty_club_transaction t "
        "LEFT JOIN loyalty_club_ledger l ON l.transaction_id = t.id "
        f"AND l.kind = 'earn' WHERE t.idempotency_key = 'api:{key_id}:{ref}'",
        db=db,
    )


class RowLock:
    """The wallet row locked FOR UPDATE by a psql session of the test's own."""

    def __init__(self, db, wallet_id):
        self.proc = subprocess.Popen(
            ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", PG_ROLE]
            + ["-d", db, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=dict(os.environ, PGPASSWORD=PG_PASSWORD),
        )
        self.proc.stdin.write(
            "BEGIN;\nSELECT 'locked' FROM loyalty_club_wallet "
            f"WHERE id = {int(wallet_id)} FOR UPDATE;\n"
        )
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().strip()
        if line != "locked":
            self.release()
            raise ClubError(f"could not lock wallet {wallet_id}: {line}")

    def release(self):
        if self.proc.poll() is None:
            try:
                self.proc.communicate("ROLLBACK;\n\\q\n", timeout=30)
            except (subprocess.TimeoutExpired, OSError, ValueError):
                self.proc.kill()


def _descendants(root):
    """The pids of the processes below ``root`` (Odoo's master: its workers)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            found.append(child)
            todo.append(child)
    return found


def _owner_of_port(port, root):
    """The process below ``root`` holding the TCP socket bound to local ``port``
    (Odoo names its connections after the master's pid: the port tells the
    worker)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="utf-8") as fh:
                rows = fh.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            parts = row.split()
            if int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{parts[9]}]")
    for pid in _descendants(root):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    return pid
            except OSError:
                continue
    return None


def _waiting_worker(db, root, timeout=60):
    """(pid, backend pid) of the Odoo worker whose transaction waits for a lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = psql(
            "SELECT client_port, pid FROM pg_stat_activity "
            f"WHERE datname = '{db}' AND wait_event_type = 'Lock' "
            "AND application_name LIKE 'odoo-%' LIMIT 1"
        )
        if row:
            port, backend = (int(v) for v in row.split("|"))
            return _owner_of_port(port, root), backend
        time.sleep(0.2)
    return None, None


def _gone(backend, timeout=60):
    """Wait until the killed worker's PostgreSQL backend has ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = psql(f"SELECT count(*) FROM pg_stat_activity WHERE pid = {backend}")
        if left == "0":
            return True
        time.sleep(0.2)
    return False


def _ready(log, timeout=180):
    """Wait until Odoo has loaded the database's registry (the addons' code,
    the API's error handling with it): before, a request meets Odoo alone."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "Registry loaded in" in log.read_text(errors="replace"):
            return True
        time.sleep(0.5)
    return False


def _pool_checks(check, port, fx, db):
    """Odoo with one connection a process: every call is a clean 503."""
    (_member, phone) = fx["members"][0]
    ref = f"crash-pool-{uuid.uuid4().hex[:10]}"
    answer = _raw_call(port, fx["secret"], "POST", "/orders", _order(phone, ref), ref)
    ok = (
        isinstance(answer, tuple)
        and answer[0] == 503
        and (answer[1] or {}).get("code") == "service_unavailable"
        and bool((answer[1] or {}).get("message"))
        and answer[2].get("Retry-After", "").isdigit()
        and answer[2].get("Content-Type", "").startswith("application/json")
    )
    check("a confirm without a free connection: 503, JSON, Retry-After", ok, answer)
    check(
        "the refused confirm booked nothing",
        _effects(db, fx["key_id"], ref) == "0|0",
        _effects(db, fx["key_id"], ref),
    )
    answers, barrier = [], threading.Barrier(6)

    def lookup():
        try:
            barrier.wait(10)
        except threading.BrokenBarrierError:
            pass
        answers.append(
            _raw_call(port, fx["secret"], "GET", lookup_path(phone), timeout=120)
        )

    threads = [threading.Thread(target=lookup) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(150)
    statuses = [a[0] if isinstance(a, tuple) else repr(a) for a in answers]
    check(
        "6 lookups at once on one connection: each a JSON 503 (none an HTML page)",
        len(answers) == 6
        and all(
            isinstance(a, tuple)
            and a[0] == 503
            and (a[1] or {}).get("code") == "service_unavailable"
            and a[2].get("Retry-After")
            for a in answers
        ),
        statuses,
    )
    return ref


def _crash_checks(check, port, fx, db, refused_ref, master):
    (member, phone) = fx["members"][0]
    wallet_id = psql(
        "SELECT id FROM loyalty_club_wallet WHERE partner_id = "
        f"{int(member)} AND program_id = {int(fx['program_id'])}",
        db=db,
    )
    api = Api(port, fx["secret"])
    try:
        for _ in range(4):  # both workers load the registry
            status = api.call("GET", lookup_path(phone))[0]
        check("the prefork server answers", status == 200, status)
        ref = f"crash-kill-{uuid.uuid4().hex[:10]}"
        lock = RowLock(db, wallet_id)
        first = []
        try:
            sender = threading.Thread(
                target=lambda: first.append(
                    _raw_call(
                        port, fx["secret"], "POST", "/orders", _order(phone, ref), ref
                    )
                )
            )
            sender.start()
            pid, backend = _waiting_worker(db, master)
            check(
                "the confirm waits inside its transaction, in a worker",
                pid is not None and pid != master,
                f"{pid} (master {master})",
            )
            if pid is None or pid == master:
                return
            before = set(_descendants(master))
            os.kill(pid, signal.SIGKILL)
            sender.join(60)
            check(
                "the killed worker's client gets no answer",
                bool(first)
                and isinstance(first[0], ConnectionError | http.client.HTTPException),
                first,
            )
        finally:
            lock.release()
        check("the killed worker's transaction is gone", _gone(backend), backend)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            fresh = set(_descendants(master)) - before
            if fresh and pid not in _descendants(master):
                break
            time.sleep(0.5)
        check("the master replaced the killed worker", bool(fresh), fresh)
        check(
            "nothing of the killed confirm is in the ledger",
            _effects(db, fx["key_id"], ref) == "0|0",
            _effects(db, fx["key_id"], ref),
        )
        status, sale, headers, _s = api.call("POST", "/orders", _order(phone, ref), ref)
        check(
            "the retry with the same key books the sale on a fresh worker",
            status == 201 and not headers.get("Idempotent-Replayed"),
            f"{status} {sale}",
        )
        status, again, headers, _s = api.call(
            "POST", "/orders", _order(phone, ref), ref
        )
        check(
            "a second retry is answered from the booked sale",
            status == 201
            and headers.get("Idempotent-Replayed")
            and again.get("transaction_id") == sale.get("transaction_id"),
            f"{status} {again}",
        )
        check(
            "exactly one sale and one earn in the ledger",
            _effects(db, fx["key_id"], ref) == "1|1",
            _effects(db, fx["key_id"], ref),
        )
        if refused_ref:
            status = api.call(
                "POST", "/orders", _order(phone, refused_ref), refused_ref
            )[0]
            check(
                "the sale refused with 503 is booked once by its retry",
                status == 201 and _effects(db, fx["key_id"], refused_ref) == "1|1",
                f"{status} {_effects(db, fx['key_id'], refused_ref)}",
            )
    finally:
        api.close()


def crash_phase(
    tally, db, http_port=TEST_HTTP_PORT, gevent_port=TEST_GEVENT_PORT, extra=()
):
    started = time.monotonic()
    check = Checks(tally)
    pool_log = LOCAL / "odoo-crash-pool.log"
    log = LOCAL / "odoo-crash.log"
    for f in (pool_log, log):
        f.write_text("")
    refused = None
    try:
        fx = prepare(db, 2, extra)
        base = ("-d", db, f"--db-filter=^{db}$", "--max-cron-threads=0", *extra)
        say(f"Odoo threaded with db_maxconn=1 on {db!r} (log: {pool_log}) ...")
        server = start_server(
            odoo_cmd(*base, *server_args(0, http_port), "--db_maxconn=1"),
            pool_log,
            http_port,
        )
        try:
            check("Odoo loaded the registry", _ready(pool_log))
            refused = _pool_checks(check, http_port, fx, db)
        finally:
            stop_server(server.pid)
        say(f"Odoo with 2 workers on {db!r} (log: {log}) ...")
        server = start_server(
            odoo_cmd(*base, *server_args(2, http_port, gevent_port)), log, http_port
        )
        try:
            _crash_checks(check, http_port, fx, db, refused, server.pid)
        finally:
            stop_server(server.pid)
        bad = [
            line
            for line in log.read_text(errors="replace").splitlines()
            if LOG_LINE_RE.match(line)
            and LOG_LINE_RE.match(line).group(1) in ("WARNING", "ERROR", "CRITICAL")
        ]
        check("no warning nor error in the prefork server's log", not bad, bad[:5])
    except (ClubError, OSError) as exc:
        check("the crash phase ran", False, str(exc))
    if check.failed:
        tally.problems.append(f"crash phase: {', '.join(check.failed)}")
    say(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--http-port", type=int, default=TEST_HTTP_PORT)
    parser.add_argument("--gevent-port", type=int, default=TEST_GEVENT_PORT)
    cli = parser.parse_args()

    class _Tally:
        passed = failed = skipped = 0
        problems = []

        def add(self, passed=0, failed=0, skipped=0):
            self.passed += passed
            self.failed += failed
            self.skipped += skipped

    result = _Tally()
    crash_phase(result, cli.db, cli.http_port, cli.gevent_port)
    print(f"{result.passed} passed, {result.failed} failed")
    raise SystemExit(1 if result.failed else 0)
