"""./club bench books: the club's books at scale (issue 24, point 5).

On top of a history of ``posted`` ledger lines already posted (a year of a
chain's stores, built set-based in SQL: the lines, their postings, their
totals and one opening entry carrying their value in the general ledger), one
business day of ``day_lines`` new lines is posted by the nightly job; then the
reconciliation and the roll-forward are computed. Each figure is timed at two
history sizes (a tenth of ``posted``, then ``posted``) to show whether it grows
with the history or with the day's work. Goals: posting <= 30 s, reconciliation
and roll-forward <= 3 s each, flat as history grows; the reconciliation must
end at 0.00 for every wallet kind and store once the day is posted.

    python3 benchmarks/bench_books.py [--scale small|full] [--posted N]
                                      [--day-lines 50000] [--stores 300]
                                      [--db loyalty_club_books] [--base DB]

``--scale full`` is 20M posted lines; small (default) is 2M. Inside Odoo (the
smoke test): ``run(env, posted=..., day_lines=..., stores=...)``.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
DB = "loyalty_club_books"
SCALES = {"small": 2_000_000, "full": 20_000_000}
KEY = "bench-books"
CHUNK = 2_000_000
GOALS = {"posting": 30.0, "reconciliation": 3.0, "rollforward": 3.0}

# a line of a wallet on a store and a day: earns and burns of bonuses, a
# tenth of the credits are 'gift' bonuses; money follows the units (1 unit =
# 1 minor unit of money, the club's default rate)
LINES_SQL = """
SELECT %(first)s + g - %(lo)s, w.wallet, w.partner, %(program)s, %(company)s,
       CASE WHEN mod(g, 2) = 0 THEN 'earn' WHEN mod(g, 20) = 1 THEN 'gift'
            ELSE 'burn' END,
       CASE WHEN mod(g, 2) = 0 OR mod(g, 20) = 1 THEN 100 + mod(g * 7, 900)
            ELSE -(50 + mod(g * 13, 400)) END,
       CASE WHEN mod(g, 2) = 0 OR mod(g, 20) = 1 THEN 1.0 + mod(g * 7, 900)
            ELSE -(0.5 + mod(g * 13, 400)) END,
       CASE WHEN mod(g, 2) = 0 OR mod(g, 20) = 1 THEN 100 + mod(g * 7, 900)
            ELSE -(50 + mod(g * 13, 400)) END,
       %(start)s::timestamp
           + (g - %(lo)s)::bigint * %(step)s * interval '1 microsecond',
       (%(stores)s)[1 + mod(g, %(nstores)s)], 'api', %(uid)s,
       %(key)s || '-' || %(tag)s || '-' || g, %(uid)s, %(uid)s,
       %(start)s::timestamp, %(start)s::timestamp
  FROM generate_series(%(lo)s, %(hi)s - 1) g
  JOIN LATERAL (SELECT (%(wallets)s)[1 + mod(g * 31, %(nwallets)s)] AS wallet,
                       (%(partners)s)[1 + mod(g * 31, %(nwallets)s)] AS partner
               ) w ON true
"""
LINE_COLUMNS = (
    "id wallet_id partner_id program_id company_id kind amount_minor amount "
    "money_minor date store_id channel user_id idempotency_key create_uid "
    "write_uid create_date write_date"
).split()
POSTINGS_SQL = """
INSERT INTO loyalty_club_posting
       (ledger_id, company_id, store_id, move_id, day, date, state, policy,
        value_minor, create_uid, write_uid, create_date, write_date)
SELECT l.id, l.company_id, l.store_id, NULL, d.day, d.day, 'posted', %(policy)s,
       COALESCE(l.money_minor, 0), %(uid)s, %(uid)s, now(), now()
  FROM loyalty_club_ledger l,
       LATERAL (SELECT (l.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day) d
 WHERE l.id BETWEEN %(lo)s AND %(hi)s
"""
TOTALS_SQL = """
INSERT INTO loyalty_club_posting_total
       (company_id, day, date, store_id, program_id, wallet_kind, kind,
        line_count, amount_minor, money_minor, value_minor)
SELECT p.company_id, p.day, p.date, p.store_id, l.program_id, w.kind, l.kind,
       COUNT(*), SUM(l.amount_minor), SUM(COALESCE(l.money_minor, 0)),
       SUM(p.value_minor)
  FROM loyalty_club_posting p
  JOIN loyalty_club_ledger l ON l.id = p.ledger_id
  JOIN loyalty_club_wallet w ON w.id = l.wallet_id
 WHERE p.ledger_id BETWEEN %(lo)s AND %(hi)s
 GROUP BY p.company_id, p.day, p.date, p.store_id, l.program_id, w.kind, l.kind
"""


COMPACT_SQL = """
WITH old AS (
    DELETE FROM loyalty_club_posting_total WHERE company_id = %(company)s
    RETURNING *
)
INSERT INTO loyalty_club_posting_total
       (company_id, day, date, store_id, program_id, wallet_kind, kind,
        line_count, amount_minor, money_minor, value_minor)
SELECT company_id, day, date, store_id, program_id, wallet_kind, kind,
       SUM(line_count), SUM(amount_minor), SUM(money_minor), SUM(value_minor)
  FROM old
 GROUP BY company_id, day, date, store_id, program_id, wallet_kind, kind
"""


def _log(msg):
    print(f"books: {msg}", file=sys.stderr, flush=True)


def _reserve(cr, count):
    cr.execute("SELECT pg_get_serial_sequence('loyalty_club_ledger', 'id')")
    seq = cr.fetchone()[0]
    cr.execute("SELECT nextval(%s)", [seq])
    first = cr.fetchone()[0]
    cr.execute("SELECT setval(%s, %s)", [seq, first + count - 1])
    return first


class Books:
    """The club of the benchmark: a company with its club accounting, a program,
    ``stores`` stores and members, and the history built so far."""

    def __init__(self, env, stores, members):
        self.env, self.cr = env, env.cr
        self.company = env.company
        self._accounting()
        self.program = env["loyalty.club.program"].create(
            {
                "name": "Books benchmark",
                "company_id": self.company.id,
                "pending_days": 0,
                "welcome_bonus": 0,
            }
        )
        self.stores = env["loyalty.club.store"].create(
            [{"name": f"Books {i}", "code": f"BK{i:03d}"} for i in range(stores)]
        )
        service = env["loyalty.club.service"]
        wallets = []
        for i in range(members):
            answer = service.register_member(
                {"name": f"Books member {i}", "phone": f"+7997{i:07d}"},
                program_id=self.program.id,
            )
            wallets.append(answer["wallet_id"])
        self.wallets = env["loyalty.club.wallet"].browse(wallets)
        self.tz = self.company._loyalty_club_tz()
        self.job = env["loyalty.club.accounting"]
        self.day = self.job._yesterday(self.company)
        # what the database already holds is posted first: the benchmark's
        # day is the only pending work
        self.job.sudo()._post(self.company, self.day)
        self.posted = 0
        self.opening = env["account.move"]

    def _accounting(self):
        company = self.company
        if company._loyalty_club_missing():
            if not company.chart_template:
                self.env["account.chart.template"].try_loading(
                    "generic_coa", company, install_demo=False
                )
            company._loyalty_club_setup_accounting()
        company._loyalty_club_check_accounting()

    def _params(self, lo, hi, start, step, tag):
        return {
            "lo": lo,
            "hi": hi,
            "start": start,
            "step": step,
            "tag": tag,
            "key": KEY,
            "program": self.program.id,
            "company": self.company.id,
            "uid": self.env.uid,
            "stores": self.stores.ids,
            "nstores": len(self.stores),
            "wallets": self.wallets.ids,
            "partners": self.wallets.partner_id.ids,
            "nwallets": len(self.wallets),
        }

    def _insert_lines(self, count, start, span, tag):
        """``count`` lines spread evenly over ``span`` from ``start``; returns
        the (first, last) ids."""
        first = _reserve(self.cr, count)
        step = max(int(span.total_seconds() * 1e6 // max(count, 1)), 1)
        for lo in range(0, count, CHUNK):
            hi = min(lo + CHUNK, count)
            params = self._params(lo, hi, start, step, tag)
            params["first"] = first
            cols = ", ".join(LINE_COLUMNS)
            self.cr.execute(
                f"INSERT INTO loyalty_club_ledger ({cols}) {LINES_SQL}", params
            )
        return first, first + count - 1

    def grow_history(self, posted):
        """Add posted history up to ``posted`` lines: a year before the day,
        posted (postings, totals) and carried by one opening entry."""
        count = posted - self.posted
        if count <= 0:
            return
        started = time.monotonic()
        # every size spans the year before the day: the totals hold as many
        # days and stores whatever the number of lines
        end = self.job._day_end(self.company, self.day - timedelta(days=1))
        span = timedelta(days=365)
        tag = f"h{posted}"
        first, last = self._insert_lines(count, end - span, span, tag)
        _log(f"  {count:,} lines in {time.monotonic() - started:.0f} s")
        policy = self.company.loyalty_club_policy
        for lo in range(first, last + 1, CHUNK):
            params = {
                "lo": lo,
                "hi": min(lo + CHUNK - 1, last),
                "uid": self.env.uid,
                "tz": self.tz,
                "policy": policy,
            }
            self.cr.execute(POSTINGS_SQL, params)
            self.cr.execute(TOTALS_SQL, params)
        _log(f"  postings and totals at {time.monotonic() - started:.0f} s")
        # one row per key, as a night's posting of each day would have left them
        self.cr.execute(COMPACT_SQL, {"company": self.company.id})
        self.cr.execute(
            "SELECT w.kind, l.store_id, COALESCE(SUM(l.money_minor), 0) "
            "FROM loyalty_club_ledger l "
            "JOIN loyalty_club_wallet w ON w.id = l.wallet_id "
            "WHERE l.id BETWEEN %s AND %s GROUP BY 1, 2",
            [first, last],
        )
        self._opening_entries(self.cr.fetchall(), end - span)
        _log(f"  opening entries at {time.monotonic() - started:.0f} s")
        # the job's own frontier: up to the first line still pending
        self.job.sudo()._advance_frontier(self.company.sudo())
        _log(f"  frontier at {time.monotonic() - started:.0f} s")
        for table in (
            "loyalty_club_ledger",
            "loyalty_club_posting",
            "loyalty_club_posting_total",
        ):
            self.cr.execute(f"ANALYZE {table}")
        self.posted = posted
        _log(
            f"history of {posted:,} posted lines in {time.monotonic() - started:.0f} s"
        )

    def _opening_entries(self, values, when):
        """The history's value in the general ledger: one club entry a store
        (the reconciliation compares store by store)."""
        digits = self.company.currency_id.decimal_places
        counter = self.company._loyalty_club_account("clearing")
        by_store = {}
        for kind, store_id, minor in values:
            if not minor:
                continue
            account = self.company._loyalty_club_liability_account(kind)
            amount = abs(minor) / 10**digits
            credit = minor > 0
            by_store.setdefault(store_id, []).extend([
                (0, 0, {"account_id": account.id, "name": "history",
                        "credit": amount if credit else 0.0,
                        "debit": 0.0 if credit else amount}),
                (0, 0, {"account_id": counter.id, "name": "history",
                        "debit": amount if credit else 0.0,
                        "credit": 0.0 if credit else amount}),
            ])  # fmt: skip
        if not by_store:
            return
        moves = (
            self.env["account.move"]
            .sudo()
            .create(
                [
                    {
                        "move_type": "entry",
                        "journal_id": self.company.loyalty_club_journal_id.id,
                        "company_id": self.company.id,
                        "date": when.date(),
                        "ref": "Books benchmark history",
                        "loyalty_club_day": when.date(),
                        "loyalty_club_store_id": store_id or False,
                        "line_ids": lines,
                    }
                    for store_id, lines in by_store.items()
                ]
            )
        )
        moves.action_post()
        self.opening |= moves

    def day_lines(self, count, tag):
        """The day's ``count`` lines, still pending."""
        start = self.job._day_end(self.company, self.day - timedelta(days=1))
        return self._insert_lines(count, start, timedelta(hours=20), tag)


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def measure(books, day_lines, tag):
    """Post one day of ``day_lines`` lines on the history; reconcile and roll
    forward. Rolled back after (the next size starts from the same state)."""
    env, job, company = books.env, books.job, books.company.sudo()
    cr = env.cr
    cr.execute("SAVEPOINT books_day")
    books.day_lines(day_lines, tag)
    env.invalidate_all()
    post_s, (moves, left) = _timed(lambda: job.sudo()._post_company(company, books.day))
    recon_s, rows = _timed(lambda: job._reconciliation(company, books.day))
    roll_s, roll = _timed(
        lambda: job._rollforward(company, books.day.replace(month=1, day=1), books.day)
    )
    differences = sum(abs(r["difference"]) for r in rows)
    closing = sum(r["closing"][1] for r in roll)
    ledger = sum(r["ledger"] for r in rows)
    cr.execute("ROLLBACK TO SAVEPOINT books_day")
    env.invalidate_all()
    return {
        "history": books.posted,
        "day_lines": day_lines,
        "moves": len(moves),
        "left": left,
        "posting_s": round(post_s, 2),
        "reconciliation_s": round(recon_s, 3),
        "rollforward_s": round(roll_s, 3),
        "difference_minor": differences,
        "closing_equals_ledger": closing == ledger,
    }


def run(env, posted=SCALES["small"], day_lines=50_000, stores=300, members=300):
    env = env(context=dict(env.context, loyalty_club_service=True))
    books = Books(env, stores, members)
    results = []
    for size in sorted({max(posted // 10, 1), posted}):
        books.grow_history(size)
        env.cr.commit()
        results.append(measure(books, day_lines, f"d{size}"))
        _log(json.dumps(results[-1]))
    return {"results": results, "goals": GOALS}


def render(result):
    rows = result["results"]
    lines = [
        "| posted history | day's lines | entries | posting s | reconciliation s "
        "| roll-forward s | reconciliation difference | closing = ledger |",
        "|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['history']:,} | {r['day_lines']:,} | {r['moves']} "
            f"| {r['posting_s']:.1f} | {r['reconciliation_s']:.2f} "
            f"| {r['rollforward_s']:.2f} | {r['difference_minor'] / 100:.2f} "
            f"| {'yes' if r['closing_equals_ledger'] else 'NO'} |"
        )
    last = rows[-1]
    goals = result["goals"]
    ok = (
        last["posting_s"] <= goals["posting"]
        and last["reconciliation_s"] <= goals["reconciliation"]
        and last["rollforward_s"] <= goals["rollforward"]
        and all(r["difference_minor"] == 0 for r in rows)
    )
    lines.append("")
    lines.append(
        f"Goals at {last['history']:,} posted lines: posting <= "
        f"{goals['posting']:.0f} s, reconciliation and roll-forward <= "
        f"{goals['reconciliation']:.0f} s, difference 0.00: "
        f"{'met' if ok else 'MISSED'}."
    )
    return "\n".join(lines) + "\n", ok


def _shell_script(options, out):
    return (
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from benchmarks import bench_books\n"
        f"result = bench_books.run(env, **{options!r})\n"
        f"open({str(out)!r}, 'w').write(json.dumps(result))\n"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="bench_books", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--posted", type=int, help="posted history (overrides scale)")
    parser.add_argument("--day-lines", type=int, default=50_000)
    parser.add_argument("--stores", type=int, default=300)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--db", default=DB, help="database to (re)create")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--base",
        help="template database (default: the benchmarks' base, made or upgraded "
        "as ./club bench does)",
    )
    args = parser.parse_args(argv)
    sys.path[:0] = [str(ROOT), str(ROOT / "tools")]
    import club  # noqa: PLC0415

    from benchmarks import run as bench_run  # noqa: PLC0415

    started = time.monotonic()
    base = args.base
    if not base:
        bench_run.ensure_base(club)
        base = bench_run.BASE
    bench_run._dropdb(club, args.db)
    if club.psql(f'CREATE DATABASE "{args.db}" TEMPLATE "{base}"') is None:
        raise SystemExit(f"books: could not copy {base} to {args.db} (in use?)")
    if bench_run._filestore(base).exists():
        shutil.copytree(bench_run._filestore(base), bench_run._filestore(args.db))
    odoo = bench_run.shell_cmd(
        club.odoo_cmd(
            "-d", args.db, f"--db-filter=^{args.db}$", "--no-http", sub="shell"
        )
    )
    out = club.LOCAL / "bench-books.json"
    out.unlink(missing_ok=True)
    log = club.LOCAL / "bench-books-odoo.log"
    options = {
        "posted": args.posted or SCALES[args.scale],
        "day_lines": args.day_lines,
        "stores": args.stores,
        "members": args.members,
    }
    print(f"books: building and measuring in {args.db} (log: {log}) ...", flush=True)
    with open(log, "w", encoding="utf-8") as err:
        proc = subprocess.run(
            odoo,
            input=_shell_script(options, out),
            text=True,
            stderr=err,
            cwd=ROOT,
            check=False,
            env=dict(os.environ),
        )
    if proc.returncode or not out.exists():
        raise SystemExit(f"books: the Odoo shell failed; see {log}")
    result = json.loads(out.read_text())
    text, ok = render(result)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "books.md").write_text(text)
    print(text)
    print(
        f"books: written {RESULTS / 'books.md'} in "
        f"{(time.monotonic() - started) / 60:.1f} min",
        flush=True,
    )
    if not args.keep:
        bench_run._dropdb(club, args.db)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
