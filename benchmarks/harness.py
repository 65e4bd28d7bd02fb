"""How a benchmark calls the server: one call is one request (its own
transaction, an empty cache), timed with the number of SQL queries it sent."""

import random
import re
import threading
import time
from contextlib import contextmanager


def side_by_side(what, target, args_list):
    """Seconds of wall time for ``target(*args)`` run in one thread per
    ``args`` at once; each worker appends its failure to the list that is its
    last argument, and the first one raises here."""
    threads = [threading.Thread(target=target, args=args) for args in args_list]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    for args in args_list:
        if args[-1]:
            raise RuntimeError(f"{what} worker failed: {args[-1][0]}")
    return wall


class Ctx:
    """What the benchmarks share. ``test`` runs everything inside the caller's
    transaction (the Odoo smoke test): nothing is committed or rolled back."""

    def __init__(self, env, scale, fx, gen, seed=42, test=False, log=print):
        self.env, self.scale, self.fx, self.gen = env, scale, fx, gen
        self.seed, self.test, self.log = seed, test, log
        self.rng = random.Random(seed)
        self.figures, self.plans, self.notes = {}, [], []
        self.loads = []  # 1-minute load average before each step
        self.sms = None  # the fake SMS gateway while the message benchmarks run

    @property
    def admin_env(self):
        return self.env(user=self.fx["uid"], su=False)

    def call(self, fn, write=False):
        """(seconds, queries, result) of ``fn()`` run as one request."""
        env, cr = self.env, self.env.cr
        queries = cr.sql_log_count
        start = time.perf_counter()
        result = fn()
        if self.test:
            env.flush_all()
        elif write:
            cr.commit()
        else:
            cr.rollback()
        elapsed = time.perf_counter() - start
        queries = cr.sql_log_count - queries
        self.end_request()
        return elapsed, queries, result

    def end_request(self):
        if self.test:
            self.env.invalidate_all()
        else:
            self.env.clear()

    def commit(self):
        if not self.test:
            self.env.cr.commit()

    def rollback(self):
        """Undo what a destructive benchmark did (outside tests)."""
        if self.test:
            self.env.invalidate_all()
        else:
            self.env.cr.rollback()
            self.env.clear()

    def members(self, k, where="TRUE"):
        """``k`` generated members drawn with the seed: rows of (partner id, wallet
        id, card code or None, typed mobile, available minor units)."""
        gen = self.gen
        picks = [gen.member(self.rng.randrange(gen.members)) for _ in range(k)]
        cr = self.env.cr
        cr.execute(
            f"""
            SELECT p.id, w.id, c.code, p.mobile, w.available_minor
              FROM unnest(%s::int[]) WITH ORDINALITY AS u(pid, k)
              JOIN res_partner p ON p.id = u.pid
              JOIN loyalty_club_wallet w ON w.partner_id = p.id
                   AND w.program_id = %s
              LEFT JOIN loyalty_club_card c ON c.partner_id = p.id
                   AND c.state = 'active'
             WHERE {where}
             ORDER BY u.k
            """,
            [[pid for pid, _wid in picks], self.fx["program_id"]],
        )
        return cr.fetchall()

    def job(self, fn):
        """Run a scheduled job's work ``fn()`` in the current transaction, its
        writes flushed: (its result, seconds, queries sent)."""
        env = self.env
        queries = env.cr.sql_log_count
        start = time.perf_counter()
        result = fn()
        env.flush_all()
        elapsed = time.perf_counter() - start
        return result, elapsed, env.cr.sql_log_count - queries

    def figure(self, key, value):
        self.figures[key] = value
        return value


def _statement(query):
    text = query.code if hasattr(query, "code") else str(query)
    return re.sub(r"\s+", " ", text).strip()[:70]


@contextmanager
def statement_profile(ctx, key):
    """Time every SQL statement sent on the cursor meanwhile; store the share of
    the heaviest ones under ``key``: where a job spends its time."""
    cr = ctx.env.cr
    spent = {}
    execute = cr.execute

    def timed(query, params=None, log_exceptions=True):
        start = time.perf_counter()
        try:
            return execute(query, params, log_exceptions)
        finally:
            label = _statement(query)
            seconds, calls = spent.get(label, (0.0, 0))
            spent[label] = (seconds + time.perf_counter() - start, calls + 1)

    cr.execute = timed
    start = time.perf_counter()
    try:
        yield
    finally:
        del cr.execute  # the class's method again
        total = time.perf_counter() - start
        top = sorted(spent.items(), key=lambda item: -item[1][0])[:4]
        ctx.figure(
            key,
            [
                {"sql": label, "share": seconds / total, "calls": calls}
                for label, (seconds, calls) in top
            ],
        )
