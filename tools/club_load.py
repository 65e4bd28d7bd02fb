"""./club load: concurrent API clients against a running Odoo, then the ledger's
invariants.

Standard library only (it runs under the system python3 like tools/club.py).
Loopback only and bounded: a fixed number of clients for a fixed duration.

1. an Odoo shell on the database makes (or finds) the load's own program
   "Load club", a store, an API key allowed everything with no rate limit (a new
   secret each run) and its members (phones +7999..., registered through the
   club service, so each has a wallet and a welcome bonus);
2. ``--processes`` processes run ``--clients`` threads between them, each a
   till with one keep-alive connection, drawing calls by the mix (identify 40%,
   quote 30%, confirm 20%, refund 5%, balance 5%) until ``--duration`` is over;
   a confirm in 20 is sent twice with its Idempotency-Key (a till's retry) and
   must come back replayed;
3. a table: requests/s, p50/p95/p99 per call, errors by code, the
   serialization retries Odoo logged meanwhile;
4. the invariants, in SQL on the primary over the load program's wallets: no
   negative balance nor lot, every Idempotency-Key booked once, ledger = open
   lots = stored balances.
"""

import http.client
import json
import multiprocessing
import os
import random
import subprocess
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

from club_base import DB_RUN, HTTP_PORT, LOCAL, ROOT, ClubError, say
from club_pg import psql

API = "/api/loyalty/v1"
MIX = {"identify": 40, "quote": 30, "confirm": 20, "refund": 5, "balance": 5}
PHONE_BASE = 79990000000
RESULT_TAG = "CLUB-LOAD-FIXTURES"

FIXTURE_SCRIPT = """
import json, os, secrets
opts = json.loads(os.environ["CLUB_LOAD_ARGS"])
env = env(context=dict(env.context, tracking_disable=True, lang="en_US"))
company = env.ref("base.main_company")
Program = env["loyalty.club.program"].sudo()
program = Program.search(
    [("name", "=", "Load club"), ("company_id", "=", company.id)], limit=1
)
if not program:
    program = Program.create({
        "name": "Load club", "sequence": 100, "company_id": company.id,
        "earn_percent": 10, "burn_cap_percent": 30, "pending_days": 0,
        "expiry_days": 365, "welcome_bonus": 100,
    })
Store = env["loyalty.club.store"].sudo()
store = Store.search([("code", "=", "LOAD")], limit=1) or Store.create(
    {"name": "Load store", "code": "LOAD", "company_id": company.id}
)
Key = env["loyalty.club.api.key"].sudo()
key = Key.search([("name", "=", "Load driver")], limit=1) or Key.create({
    "name": "Load driver", "channel": "eshop", "company_id": company.id,
    "program_id": program.id, "store_id": store.id, "rate_limit": 0,
    "allow_lookup": True, "allow_register": True, "allow_quote": True,
    "allow_confirm": True, "allow_refund": True, "allow_read": True,
})
secret = key._generate_secret()
env.cr.commit()
phones = ["+" + str(opts["phone_base"] + n) for n in range(opts["members"])]
Partner = env["res.partner"].sudo()
have = set(Partner.search([("club_phone", "in", phones)]).mapped("club_phone"))
service = env["loyalty.club.service"].sudo()
for n, phone in enumerate(phones):
    if phone not in have:
        service.register_member(
            {"name": "Load member " + str(n), "phone": phone, "store_id": store.id},
            source="api", program_id=program.id,
        )
        if n % 100 == 99:
            env.cr.commit()
env.cr.commit()
wallets = env["loyalty.club.wallet"].sudo().search_read(
    [("program_id", "=", program.id), ("partner_id.club_phone", "in", phones)],
    ["partner_id"],
)
members = {w["partner_id"][0] for w in wallets}
by_phone = {
    p.club_phone: p.id for p in Partner.browse(list(members)) if p.club_phone
}
portal = {}
if opts.get("portal") and phones[0] in by_phone:
    # the first member signs in to the portal (a new password each run)
    Users = env["res.users"].sudo().with_context(no_reset_password=True)
    user = Users.search([("login", "=", "club-load-portal")], limit=1)
    password = secrets.token_urlsafe(16)
    if not user:
        user = Users.create({
            "login": "club-load-portal", "partner_id": by_phone[phones[0]],
            "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
        })
    user.password = password
    env.cr.commit()
    portal = {"login": user.login, "password": password}
print(TAG, json.dumps({
    "secret": secret, "key_id": key.id, "program_id": program.id,
    "members": [[by_phone[p], p] for p in phones if p in by_phone],
    "portal": portal,
}), flush=True)
""".replace("TAG", repr(RESULT_TAG), 1)


def prepare(db, members, extra=(), portal=False):
    """The load's program, key (a fresh secret) and ``members`` members in
    ``db``, made by an Odoo shell (``extra`` options); with ``portal``, the
    first member's portal login and a new password. Returns what the clients
    need."""
    from club_odoo import odoo_cmd  # noqa: PLC0415 - only when Odoo is set up

    cmd = odoo_cmd("-d", db, f"--db-filter=^{db}$", "--no-http", *extra, sub="shell")
    args = json.dumps({"members": members, "phone_base": PHONE_BASE, "portal": portal})
    proc = subprocess.run(
        [str(c) for c in cmd] + ["--log-level=warn"],
        input=FIXTURE_SCRIPT,
        text=True,
        capture_output=True,
        cwd=ROOT,
        check=False,
        env=dict(os.environ, CLUB_LOAD_ARGS=args),
    )
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_TAG):
            return json.loads(line[len(RESULT_TAG) :])
    log = LOCAL / "load-fixtures.log"
    log.write_text(proc.stdout + proc.stderr)
    raise ClubError(f"could not prepare the load's members in {db!r} (see {log}).")


# ------------------------------------------------------------------ the client


class Api:
    """One till's keep-alive connection to the API: JSON in, JSON out."""

    def __init__(self, port, secret, host="127.0.0.1", timeout=60):
        self.host, self.port, self.secret, self.timeout = host, port, secret, timeout
        self.conn = None

    def call(self, method, path, body=None, key=None):
        """(status, JSON answer, headers, seconds); a connection refused or
        reset is tried again twice (a POST keeps its Idempotency-Key, as a
        till's retry would)."""
        headers = {
            "Authorization": f"Bearer {self.secret}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        }
        if key:
            headers["Idempotency-Key"] = key
        data = json.dumps(body) if body is not None else None
        for attempt in (1, 2, 3):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout
                )
            start = time.perf_counter()
            try:
                self.conn.request(method, API + path, body=data, headers=headers)
                resp = self.conn.getresponse()
                raw = resp.read()
            except (ConnectionError, http.client.HTTPException, OSError):
                self.close()
                if attempt == 3:
                    raise
                time.sleep(0.2 * attempt)
                continue
            elapsed = time.perf_counter() - start
            try:
                answer = json.loads(raw) if raw else {}
            except ValueError:
                answer = {"code": "not_json", "message": raw[:200].decode("latin-1")}
            return resp.status, answer, dict(resp.getheaders()), elapsed
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def lookup_path(phone):
    return "/members/lookup?identifier=" + urllib.parse.quote(phone)


def order_body(phone, ref, rng, burn=0):
    lines = [
        {"sku": f"LOAD-{rng.randint(1, 50)}", "qty": rng.randint(1, 3)}
        | {"unit_price": f"{rng.randint(100, 5000) / 100:.2f}"}
        for _ in range(rng.randint(1, 4))
    ]
    body = {"identifier": phone, "external_ref": ref, "lines": lines}
    if burn:
        body["burn"] = burn
    return body


# ------------------------------------------------------------------- the load


def _call(api, kind, cfg, rng, member, confirmed, n, out):
    """One call of ``kind``; appends its (kind, status, seconds, code, key)."""
    member_id, phone = member
    key = None
    if kind == "identify":
        status, answer, _h, secs = api.call("GET", lookup_path(phone))
    elif kind == "balance":
        status, answer, _h, secs = api.call("GET", f"/members/{member_id}")
    elif kind == "quote":
        body = order_body(phone, "q", rng, burn=rng.choice([0, 5]))
        body.pop("external_ref")
        status, answer, _h, secs = api.call("POST", "/orders/quote", body)
    elif kind == "confirm":
        key = f"load-{cfg['run_id']}-{cfg['process']}-{cfg['index']}-{n}"
        body = order_body(phone, key, rng, burn=rng.choice([0, 0, 5]))
        try:
            status, answer, _h, secs = api.call("POST", "/orders", body, key)
        except OSError:
            out.append(("confirm", 0, 0.0, "connection_failed", key))
            return
        if status == 201:
            confirmed.append(key)
            if rng.random() < 0.05:  # the till did not see the answer
                again = api.call("POST", "/orders", body, key)
                replayed = again[2].get("Idempotent-Replayed") == "true"
                code = None if replayed else "retry_not_replayed"
                out.append(("confirm", again[0], again[3], code, key))
    else:  # refund part of an order this till confirmed
        ref = confirmed.pop(rng.randrange(len(confirmed)))
        status, answer, _h, secs = api.call(
            "POST", f"/orders/{ref}/refunds", {"amount": "1.00"}, ref + "-r"
        )
    code = None if 200 <= status < 300 else answer.get("code", str(status))
    out.append((kind, status, secs, code, key))


def _till(cfg, index, deadline, out):
    """One client until the deadline; appends (kind, status, seconds, code,
    key) per call to ``out``; a call whose connection failed three times is an
    error (``connection_failed``, status 0) and the till goes on."""
    rng = random.Random(cfg["seed"] * 1000 + index)
    api = Api(cfg["port"], cfg["secret"])
    cfg = dict(cfg, index=index)
    kinds, weights = zip(*cfg["mix"].items(), strict=True)
    confirmed, n = [], 0
    pace = pacer(cfg.get("interval"), rng)
    try:
        while pace(deadline):
            kind = rng.choices(kinds, weights)[0]
            if kind == "refund" and not confirmed:
                kind = "confirm"
            n += 1
            try:
                _call(
                    api, kind, cfg, rng, rng.choice(cfg["members"]), confirmed, n, out
                )
            except OSError:
                out.append((kind, 0, 0.0, "connection_failed", None))
    except Exception as exc:  # noqa: BLE001 - a dead client is an error, reported
        out.append(("client", 0, 0.0, f"client_died:{type(exc).__name__}", None))
    finally:
        api.close()


def pacer(interval, rng, clock=time.monotonic, sleep=time.sleep):
    """``pace(deadline)``: whether a client makes its next call before the
    deadline. Without ``interval`` at once (a closed loop: the next call as soon
    as the last one answered); with it, a call starts every ``interval``
    seconds from a random phase (an open loop at a fixed offered rate): the
    client waits for its next start, or goes at once when it is late."""
    if not interval:
        return lambda deadline: clock() < deadline
    state = {"next": clock() + rng.uniform(0, interval)}

    def pace(deadline):
        now = clock()
        wait = state["next"] - now
        if wait > 0:
            if state["next"] >= deadline:
                return False
            sleep(wait)
        state["next"] = max(state["next"], now) + interval
        return clock() < deadline

    return pace


def listen_overflows():
    """Connections the kernel dropped at a full accept queue on this machine
    (``TcpExtListenOverflows``), or None where /proc does not say."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            row = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            if "ListenOverflows" in row:
                return int(row["ListenOverflows"])
    return None


def _process(cfg):
    """One load process: its share of the clients as threads."""
    delay = cfg["start_at"] - time.time()
    if delay > 0:
        time.sleep(delay)
    deadline = time.monotonic() + cfg["duration"]
    out = []
    threads = [
        threading.Thread(target=_till, args=(cfg, i, deadline, out), daemon=True)
        for i in range(cfg["clients"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(cfg["duration"] + 120)
    return out


def run_load(
    port, fixtures, clients=50, duration=30, processes=4, seed=42, mix=None, rate=None
):
    """Every call's (kind, status, seconds, code, key) and the run's id;
    ``rate``: the requests per second offered by all clients together (each
    client paced at ``clients / rate`` seconds), else each goes flat out."""
    processes = max(1, min(processes, clients))
    run_id = uuid.uuid4().hex[:8]
    start_at = time.time() + 1.0
    cfgs = []
    for p in range(processes):
        share = clients // processes + (1 if p < clients % processes else 0)
        cfgs.append(
            {
                "port": port,
                "secret": fixtures["secret"],
                "members": fixtures["members"],
                "mix": mix or MIX,
                "run_id": run_id,
                "process": p,
                "clients": share,
                "duration": duration,
                "start_at": start_at,
                "seed": seed + p,
                "interval": clients / rate if rate else None,
            }
        )
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes) as pool:
        outs = pool.map(_process, cfgs)
    calls = [call for out in outs for call in out]
    return calls, run_id


# ---------------------------------------------------------------- the figures


def percentile(values, q):
    """The q-th percentile (0-100) by nearest rank; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-q * len(ordered) // 100))
    return ordered[min(len(ordered), int(rank)) - 1]


def summarize(calls, duration):
    """Rows per kind and a total: count, per second, p50/p95/p99 in ms, errors."""
    rows = []
    kinds = [k for k in MIX if any(c[0] == k for c in calls)]
    kinds += sorted({c[0] for c in calls} - set(kinds))
    for kind in [*kinds, "all"]:
        mine = [c for c in calls if kind in ("all", c[0])]
        secs = [c[2] * 1000 for c in mine if c[0] != "client"]
        errors = [c[3] for c in mine if c[3]]
        rows.append(
            {
                "kind": kind,
                "count": len(mine),
                "rate": len(mine) / duration if duration else 0.0,
                "p50": percentile(secs, 50),
                "p95": percentile(secs, 95),
                "p99": percentile(secs, 99),
                "errors": len(errors),
                "codes": sorted(set(errors)),
            }
        )
    return rows


def table(rows):
    def ms(value):
        return "-" if value is None else f"{value:.0f}"

    head = f"{'call':<10} {'count':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}"
    head += f" {'p99 ms':>7} {'errors':>7}"
    lines = [head, "-" * len(head)]
    for row in rows:
        line = (
            f"{row['kind']:<10} {row['count']:>7} {row['rate']:>7.1f} "
            f"{ms(row['p50']):>7} {ms(row['p95']):>7} {ms(row['p99']):>7} "
            f"{row['errors']:>7}"
        )
        if row["codes"]:
            line += "  " + ", ".join(row["codes"][:4])
        lines.append(line)
    return "\n".join(lines)


# ------------------------------------------------------------- the invariants


def invariants(db, fixtures, run_id, confirmed_keys, unanswered=()):
    """{check: count of violations} over the load program's wallets, in SQL
    on the primary; every count must be 0. ``unanswered``: confirms whose
    connection failed, booked or not."""
    program, key_id = int(fixtures["program_id"]), int(fixtures["key_id"])
    prefix = f"api:{key_id}:load-{run_id}-"
    wallets = f"SELECT id FROM loyalty_club_wallet WHERE program_id = {program}"
    checks = {
        "negative balances": f"""
            SELECT count(*) FROM loyalty_club_wallet
             WHERE program_id = {program}
               AND (available_minor < 0 OR pending_minor < 0)""",
        "negative lots": f"""
            SELECT count(*) FROM loyalty_club_lot
             WHERE wallet_id IN ({wallets}) AND remaining_minor < 0""",
        "ledger <> open lots": f"""
            SELECT count(*) FROM ({wallets}) w
              LEFT JOIN (SELECT wallet_id, SUM(amount_minor) s
                           FROM loyalty_club_ledger GROUP BY wallet_id) l
                     ON l.wallet_id = w.id
              LEFT JOIN (SELECT wallet_id, SUM(remaining_minor) s
                           FROM loyalty_club_lot GROUP BY wallet_id) o
                     ON o.wallet_id = w.id
             WHERE COALESCE(l.s, 0) <> COALESCE(o.s, 0)""",
        "lots <> allocations": f"""
            SELECT count(*) FROM loyalty_club_lot o
              LEFT JOIN (SELECT lot_id, SUM(amount_minor) s
                           FROM loyalty_club_allocation GROUP BY lot_id) a
                     ON a.lot_id = o.id
             WHERE o.wallet_id IN ({wallets})
               AND o.initial_minor + COALESCE(a.s, 0) <> o.remaining_minor""",
        "stored balances <> open lots": f"""
            SELECT count(*) FROM loyalty_club_wallet w
              LEFT JOIN (SELECT wallet_id, SUM(remaining_minor) s
                           FROM loyalty_club_lot
                          WHERE remaining_minor > 0
                            AND (expires_on IS NULL OR expires_on > CURRENT_DATE)
                          GROUP BY wallet_id) o ON o.wallet_id = w.id
             WHERE w.program_id = {program}
               AND w.available_minor + w.pending_minor <> COALESCE(o.s, 0)""",
        "keys booked twice": f"""
            SELECT count(*) FROM (SELECT t.id FROM loyalty_club_transaction t
              JOIN loyalty_club_ledger l ON l.transaction_id = t.id
             WHERE t.idempotency_key LIKE '{prefix}%' AND t.kind = 'sale'
               AND l.kind = 'earn'
             GROUP BY t.id HAVING count(*) > 1) twice""",
    }
    found = {}
    for name, sql in checks.items():
        value = psql(" ".join(sql.split()), db=db)
        found[name] = -1 if value is None else int(value)
    booked = psql(
        "SELECT count(*) FROM loyalty_club_transaction "
        f"WHERE idempotency_key LIKE '{prefix}%' AND kind = 'sale'",
        db=db,
    )
    booked = -1 if booked is None else int(booked)
    # every confirm answered 201 booked once, nothing booked that was refused
    low, high = len(confirmed_keys), len(confirmed_keys) + len(set(unanswered))
    found["confirms answered <> booked"] = max(low - booked, booked - high, 0)
    return found, booked


def serialization_retries(log, offset):
    """Serialization failures Odoo retried, logged after ``offset`` bytes."""
    if not log or not log.exists():
        return None
    with open(log, "rb") as fh:
        fh.seek(offset)
        text = fh.read().decode("utf-8", "replace")
    return sum(
        1
        for line in text.splitlines()
        if "odoo.service.model" in line and "tries left, try again" in line
    )


def cmd_load(args):
    port = args.port or HTTP_PORT
    db = args.db or DB_RUN
    probe = Api(port, "none", timeout=10)
    try:
        probe.call("GET", "/members/lookup?identifier=1")
    except OSError as exc:
        raise ClubError(
            f"no Odoo answers on 127.0.0.1:{port}; start one first: "
            "./club run --detach --workers 2 [--replica]."
        ) from exc
    finally:
        probe.close()
    say(f"preparing {args.members} members of the load program in {db!r} ...")
    fixtures = prepare(db, args.members)
    log = LOCAL / "odoo.log"
    offset = log.stat().st_size if log.exists() else 0
    paced = f", {args.rate:g} requests/s offered" if args.rate else ""
    say(
        f"{args.clients} clients in {args.processes} processes for {args.duration} s"
        f"{paced} against http://127.0.0.1:{port} ..."
    )
    dropped = listen_overflows()
    calls, run_id = run_load(
        port,
        fixtures,
        clients=args.clients,
        duration=args.duration,
        processes=args.processes,
        seed=args.seed,
        rate=args.rate,
    )
    if dropped is not None:
        dropped = listen_overflows() - dropped
    rows = summarize(calls, args.duration)
    print(table(rows))
    confirms = {c[4] for c in calls if c[0] == "confirm" and c[1] == 201}
    rate = len(confirms) / args.duration
    cores = os.cpu_count() or 1
    retries = serialization_retries(log, offset)
    say(
        f"confirms: {rate:.1f}/s ({rate / cores:.1f}/s per core on {cores} cores); "
        "serialization retries in Odoo's log: "
        + ("unknown (no .local/odoo.log)" if retries is None else str(retries))
    )
    if dropped:
        say(
            f"connections dropped at a full accept queue (Odoo's listen backlog is "
            f"8 x workers; the client connects again after 1 s, 3 s...): {dropped}"
        )
    lost = {c[4] for c in calls if c[0] == "confirm" and c[1] == 0} - confirms
    found, booked = invariants(db, fixtures, run_id, confirms, lost)
    bad = {name: count for name, count in found.items() if count}
    for name, count in found.items():
        say(f"invariant {name}: {'OK' if not count else f'{count} violation(s)'}")
    total = rows[-1]
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(
                {
                    "clients": args.clients,
                    "duration": args.duration,
                    "rows": rows,
                    "confirms_per_s": rate,
                    "booked": booked,
                    "rate": args.rate,
                    "serialization_retries": retries,
                    "listen_overflows": dropped,
                    "invariants": found,
                },
                fh,
                indent=1,
            )
    if total["errors"] or bad:
        say(f"FAILED: {total['errors']} error(s), {len(bad)} invariant(s) broken.")
        return 1
    say("no errors; every invariant holds.")
    return 0
