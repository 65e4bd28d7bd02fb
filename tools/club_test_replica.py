"""./club test, replica phase: the production layout proved end to end.

A streaming replica of the project's cluster (pg_basebackup -R, hot standby)
and Odoo with two prefork workers and ``db_replica_host/port`` on the test
database. With the replica's replay paused, a member registered and a sale
confirmed over the API are on the primary at once, while the read routes
(lookup, member, transactions) do not see them: they are served by the
replica. The same confirm sent by four clients at once, with one
Idempotency-Key, is booked once. Replay resumed, the reads catch up; the replica
stopped, reads fall back to the primary and writes go on. Odoo's log
must hold no warning (a read-only route that writes would log "retrying with a
read/write cursor") and no error.
"""

import http.client
import re
import threading
import time
import urllib.parse
import uuid

from club_base import LOCAL, TEST_HTTP_PORT, ClubError, say
from club_load import Api, lookup_path, prepare
from club_odoo import odoo_cmd, server_args, server_env, start_server, stop_server
from club_pg import (
    REPLICA_TEST_PORT,
    ensure_replica,
    pg_bindir,
    psql,
    replica_caught_up,
    replica_home,
    stop_replica,
)

TEST_GEVENT_PORT = TEST_HTTP_PORT + 3
LOG_LINE_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) (\S+) (\S+): ")


class Checks:
    """Named checks counted into ./club test's tally."""

    def __init__(self, tally):
        self.tally, self.failed = tally, []

    def __call__(self, name, ok, detail=""):
        if ok:
            self.tally.add(passed=1)
            say(f"replica: {name}: OK")
        else:
            self.tally.add(failed=1)
            self.failed.append(name)
            say(f"replica: {name}: FAILED {detail}")
        return ok


# werkzeug's request line as Odoo 18 logs it, ending with the cursor's mode:
# ro (read-only, the replica), rw (the primary), ro->rw (a read-only route that
# wrote, run again on the primary)
REQUEST_RE = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d+) - \S+ \S+ \S+ (\S+)\s*$')
READ_ROUTES = re.compile(
    r"^(/api/loyalty/v1/(members/lookup|members/\d+(/transactions)?(\?|$)"
    r"|orders/quote)|/my/club$)"
)
WRITE_ROUTES = re.compile(r"^/api/loyalty/v1/(members|orders)$")


class Browser:
    """A member's browser: its cookies, one connection a request."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, form=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for cookie in resp.msg.get_all("Set-Cookie") or []:
            name, _eq, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        return resp.status, text, resp.getheader("Location") or ""

    def login(self, login, password):
        _status, page, _loc = self.request("GET", "/web/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        form = {
            "login": login,
            "password": password,
            "csrf_token": token.group(1) if token else "",
            "redirect": "/my/club",
        }
        status, _text, location = self.request("POST", "/web/login", form)
        return status in (302, 303) and location.endswith("/my/club")


def _cursor_modes(log):
    """{(method, path): set of cursor modes} of the routes this phase checks."""
    modes = {}
    for line in log.read_text(errors="replace").splitlines():
        match = REQUEST_RE.search(line)
        if match:
            method, path, _status, mode = match.groups()
            modes.setdefault((method, path), set()).add(mode)
    return modes


def _order(phone, ref):
    return {
        "identifier": phone,
        "external_ref": ref,
        "lines": [{"sku": "REPLICA-1", "qty": 2, "unit_price": "50.00"}],
    }


def _available(answer):
    return (answer.get("balances") or {}).get("available")


def _same_confirm(port, secret, body, key, clients=4):
    """The same confirm from ``clients`` connections at once."""
    answers, barrier = [], threading.Barrier(clients)

    def send():
        api = Api(port, secret)
        try:
            barrier.wait(10)
            status, answer, headers, _secs = api.call("POST", "/orders", body, key)
            answers.append((status, answer, headers.get("Idempotent-Replayed")))
        except Exception as exc:  # noqa: BLE001 - counted as a wrong answer
            answers.append((0, {"code": repr(exc)}, None))
        finally:
            api.close()

    threads = [threading.Thread(target=send) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers


def _log_problems(log):
    """(lines that fail the phase, serialization failures Odoo retried)."""
    lines = log.read_text(errors="replace").splitlines()
    bad, retried = [], 0
    for n, line in enumerate(lines):
        match = LOG_LINE_RE.match(line)
        if not match or match.group(1) not in ("WARNING", "ERROR", "CRITICAL"):
            continue
        following = []  # the lines of this entry (the query and its error)
        for nxt in lines[n + 1 : n + 40]:
            if LOG_LINE_RE.match(nxt):
                break
            following.append(nxt)
        if "bad query" in line and any(
            "could not serialize access" in x for x in following
        ):
            retried += 1  # retried by Odoo (odoo.service.model.retrying)
            continue
        bad.append(line)
    return bad, retried


def _checks(check, port, fx, db, replica_port, home):
    api = Api(port, fx["secret"])
    (member, phone), other = fx["members"][0], fx["members"][1]
    key_id = fx["key_id"]
    # both workers load the registry: the first calls may take a while
    for _ in range(4):
        status, answer, _h, _s = api.call("GET", lookup_path(phone))
    check("a member is looked up", status == 200, f"{status} {answer}")
    check("the replica has caught up", replica_caught_up(replica_port, 60))
    commits = f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{db}'"
    reads_before = int(psql(commits, port=replica_port) or 0)
    before = api.call("GET", f"/members/{member}")[1]
    history = api.call("GET", f"/members/{member}/transactions")[1]
    psql("SELECT pg_wal_replay_pause()", port=replica_port)
    # "paused" once the pause applies (pg_get_wal_replay_pause_state: 14+)
    pause_state = (
        "SELECT pg_get_wal_replay_pause_state()"
        if int(psql("SHOW server_version_num", port=replica_port) or 0) >= 140000
        else "SELECT CASE WHEN pg_is_wal_replay_paused() THEN 'paused' END"
    )
    for _ in range(50):
        state = psql(pause_state, port=replica_port)
        if state == "paused":
            break
        time.sleep(0.1)
    check("the replica's replay is paused", state == "paused", state)
    # writes go to the primary ...
    new_phone = f"+7998{uuid.uuid4().int % 10**7:07d}"
    status, joined, _h, _s = api.call(
        "POST", "/members", {"name": "Replica Newcomer", "phone": new_phone}
    )
    check("a member registers (a write, on the primary)", status == 201, joined)
    ref = f"replica-{uuid.uuid4().hex[:12]}"
    answers = _same_confirm(port, fx["secret"], _order(phone, ref), ref)
    booked = [a for s, a, replayed in answers if s == 201 and not replayed]
    replays = [a for s, a, replayed in answers if s == 201 and replayed]
    busy = [
        a for s, a, _r in answers if s == 409 and a.get("code") == "concurrent_request"
    ]
    check(
        "one confirm sent by 4 clients at once is booked once",
        len(booked) == 1 and len(booked) + len(replays) + len(busy) == len(answers),
        answers,
    )
    sale = booked[0] if booked else {}
    same = {a.get("transaction_id") for a in booked + replays}
    check("the replays answer the booked sale", len(same) == 1, same)
    svc_key = f"api:{key_id}:{ref}"
    rows = psql(
        "SELECT count(DISTINCT t.id), count(l.id) FROM loyalty_club_transaction t "
        "LEFT JOIN loyalty_club_ledger l ON l.transaction_id = t.id "
        f"AND l.kind = 'earn' WHERE t.idempotency_key = '{svc_key}'",
        db=db,
    )
    check("the primary holds the sale and its earn once", rows == "1|1", rows)
    earned = (sale.get("balance") or {}).get("available")
    check(
        "the confirm answers the new balance (read-your-writes)",
        earned is not None and earned > (_available(before) or 0),
        f"{earned} after {_available(before)}",
    )
    # ... while the read routes are served by the paused replica
    status, answer, _h, _s = api.call("GET", lookup_path(new_phone))
    check(
        "the lookup does not see the new member yet (served by the replica)",
        status == 404 and answer.get("code") == "member_not_found",
        f"{status} {answer}",
    )
    stale = api.call("GET", f"/members/{member}")[1]
    check(
        "the balance read is the replica's, before the sale",
        _available(stale) == _available(before),
        f"{_available(stale)} != {_available(before)}",
    )
    items = api.call("GET", f"/members/{member}/transactions")[1].get("items")
    check(
        "the history read is the replica's, without the sale",
        items == history.get("items"),
        items,
    )
    status = api.call("GET", f"/members/{other[0]}")[0]
    check("reads go on while the replica lags", status == 200, status)
    quote = {"identifier": phone, "lines": _order(phone, ref)["lines"]}
    status, answer, _h, _s = api.call("POST", "/orders/quote", quote)
    check("a quote answers while the replica lags", status == 200, answer)
    if fx.get("portal"):
        browser = Browser(port)
        signed = browser.login(fx["portal"]["login"], fx["portal"]["password"])
        check("the member signs in to the portal (on the primary)", signed)
        status, page, _loc = browser.request("GET", "/my/club")
        check(
            "the member's portal page answers while the replica lags",
            status == 200 and "Load member 0" in page,
            status,
        )
    # replay resumed: the reads catch up
    psql("SELECT pg_wal_replay_resume()", port=replica_port)
    check("the replica catches up again", replica_caught_up(replica_port, 60))
    status = api.call("GET", lookup_path(new_phone))[0]
    check("the lookup finds the new member after replay", status == 200, status)
    fresh = api.call("GET", f"/members/{member}")[1]
    check(
        "the balance read after replay is the confirm's",
        _available(fresh) == earned,
        f"{_available(fresh)} != {earned}",
    )
    reads = int(psql(commits, port=replica_port) or 0) - reads_before
    check("the replica served the reads", reads >= 6, f"{reads} transactions")
    # the replica down: reads fall back to the primary, writes go on
    stop_replica(home)
    statuses = [api.call("GET", lookup_path(phone))[0] for _ in range(4)]
    check(
        "with the replica down, lookups fall back to the primary",
        statuses == [200] * 4,
        statuses,
    )
    ref = f"replica-down-{uuid.uuid4().hex[:8]}"
    status = api.call("POST", "/orders", _order(other[1], ref), ref)[0]
    check("with the replica down, a confirm is booked", status == 201, status)
    api.close()


def replica_phase(
    tally,
    db,
    http_port=TEST_HTTP_PORT,
    gevent_port=TEST_GEVENT_PORT,
    replica_port=REPLICA_TEST_PORT,
    extra=(),
):
    """Start a replica and Odoo with 2 workers on ``db``, run the checks, stop
    both and delete the replica's copy."""
    bindir = pg_bindir()
    if not bindir or not (bindir / "pg_basebackup").exists():
        say("replica: SKIPPED: no pg_basebackup on this machine (install postgresql)")
        tally.add(skipped=1)
        return
    started = time.monotonic()
    home = replica_home("replica-test")
    log = LOCAL / "odoo-replica.log"
    log.write_text("")
    check = Checks(tally)
    server = None
    try:
        say(f"replica: a streaming replica on 127.0.0.1:{replica_port} ...")
        ensure_replica(home, replica_port, fresh=True, durable=False)
        fx = prepare(db, 2, extra, portal=True)
        cmd = odoo_cmd(
            "-d",
            db,
            f"--db-filter=^{db}$",
            "--max-cron-threads=0",
            *server_args(2, http_port, gevent_port, replica_port),
            *extra,
        )
        say(f"replica: Odoo with 2 workers on {db!r} (log: {log}) ...")
        server = start_server(cmd, log, http_port, env=server_env(replica_port))
        _checks(check, http_port, fx, db, replica_port, home)
    except (ClubError, OSError) as exc:
        check("the replica phase ran", False, str(exc))
    finally:
        if server is not None:
            stop_server(server.pid)
        stop_replica(home, remove=True)
    modes = _cursor_modes(log)
    reads = {k: v for k, v in modes.items() if READ_ROUTES.match(k[1])}
    writes = {k: v for k, v in modes.items() if WRITE_ROUTES.match(k[1])}
    check(
        "every read route ran on a read-only cursor (ro), every write on rw",
        reads
        and writes
        and all(v == {"ro"} for v in reads.values())
        and all(v == {"rw"} for v in writes.values()),
        {**reads, **writes},
    )
    bad, retried = _log_problems(log)
    if bad:
        print("\n".join(bad[:20]))
    check("no warning nor error in Odoo's log", not bad, f"{len(bad)} line(s) in {log}")
    if retried:
        say(f"replica: {retried} serialization failure(s) retried by Odoo (log: {log})")
    if check.failed:
        tally.problems.append(f"replica phase: {', '.join(check.failed)}")
    say(f"replica: done in {time.monotonic() - started:.0f} s")
