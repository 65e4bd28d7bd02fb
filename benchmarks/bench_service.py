"""The club service as every channel calls it: identify, quote and confirm,
then confirm from two workers at once (two threads, each with its own cursor)."""

import time
import uuid
from functools import partial

from .harness import side_by_side
from .report import summarize

LINES = [
    {"key": "1", "amount": 7.0},
    {"key": "2", "amount": 14.5},
    {"key": "3", "amount": 4.8},
]


def _service(ctx):
    return ctx.env["loyalty.club.service"].sudo()


def _spellings(mobile):
    """The ways a cashier types a phone: as stored, national with 8, digits with
    the country code (a phone starts with +, 8, 7 or 0: see parse_identifier)."""
    digits = "".join(c for c in mobile if c.isdigit())[1:]
    national = f"8 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}"
    return [mobile, national, "7" + digits]


def identify(ctx):
    scale, program = ctx.scale, ctx.fx["program_id"]
    rows = ctx.members(scale.identify_samples, where="c.code IS NOT NULL")
    for kind in ("card", "phone"):
        times, queries = [], []
        for n, (_pid, _wid, code, mobile, _avail) in enumerate(rows):
            ident = code if kind == "card" else _spellings(mobile)[n % 3]
            elapsed, q, found = ctx.call(
                partial(_service(ctx).identify, ident, program)
            )
            if found.get("status") != "member":
                raise AssertionError(f"identify({ident!r}) found no member: {found}")
            times.append(elapsed)
            queries.append(q)
        summarize(times, f"identify.{kind}", ctx.figures)
        ctx.figure(f"identify.{kind}.queries", sum(queries) / len(queries))


def _payload(ctx, wallet_id, burn=0):
    return {
        "program_id": ctx.fx["program_id"],
        "store_id": ctx.fx["store_id"],
        "channel": "pos",
        "wallet_id": wallet_id,
        "lines": LINES,
        "burn": burn,
    }


def quote_and_confirm(ctx):
    """quote and confirm latencies; half of the confirms also spend 1.00."""
    svc_rows = ctx.members(ctx.scale.quote_samples)
    times, queries = [], []
    for _pid, wid, _code, _mobile, avail in svc_rows:
        payload = _payload(ctx, wid, burn=1 if avail >= 100 else 0)
        elapsed, q, _res = ctx.call(partial(_service(ctx).quote, payload))
        times.append(elapsed)
        queries.append(q)
    summarize(times, "quote", ctx.figures)
    ctx.figure("quote.queries", sum(queries) / len(queries))
    times, queries = [], []
    for n, (_pid, wid, _code, _mobile, avail) in enumerate(
        ctx.members(ctx.scale.confirm_samples)
    ):
        payload = _payload(ctx, wid, burn=1 if n % 2 and avail >= 100 else 0)
        key = f"bench-confirm-{uuid.uuid4()}"
        elapsed, q, _res = ctx.call(
            partial(_service(ctx).confirm, payload, key), write=True
        )
        times.append(elapsed)
        queries.append(q)
    summarize(times, "confirm", ctx.figures)
    ctx.figure("confirm.queries", sum(queries) / len(queries))
    ctx.figure("confirm.rate", len(times) / sum(times))


def _worker(registry, jobs, out, errors):
    """One till: its own cursor and transaction; serialization failures are
    retried the way Odoo's RPC layer does (odoo.service.model.retrying)."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.service.model import retrying  # noqa: PLC0415

    tries = []

    def confirm(svc, payload, key):
        tries.append(key)
        return svc.confirm(payload, key)

    try:
        with registry.cursor() as cr:
            # hand the thread a transaction of its own (no registry lock)
            cr.transaction = api.Transaction(registry)
            env = api.Environment(cr, SUPERUSER_ID, {})
            svc = env["loyalty.club.service"].sudo()
            for payload, key in jobs:
                start = time.perf_counter()
                retrying(partial(confirm, svc, payload, key), env)
                out.append(time.perf_counter() - start)
    except Exception as exc:  # reported, never swallowed
        errors.append(repr(exc))
    out.append(("retries", len(tries) - len(jobs)))


def confirm_two_workers(ctx):
    rows = ctx.members(ctx.scale.concurrent_confirms)
    # two tills serve different members (the same member twice would queue on
    # the wallet lock, which is correct and not what this measures)
    seen, jobs = set(), []
    for _pid, wid, _code, _mobile, _avail in rows:
        if wid not in seen:
            seen.add(wid)
            jobs.append((_payload(ctx, wid), f"bench-2w-{uuid.uuid4()}"))
    halves = [jobs[0::2], jobs[1::2]]
    if ctx.test:  # one cursor inside the test: run the two halves in turn
        start = time.perf_counter()
        for half in halves:
            for payload, key in half:
                _service(ctx).confirm(payload, key)
        wall, retries = time.perf_counter() - start, 0
    else:
        ctx.commit()
        outs, errors = [[], []], []
        wall = side_by_side(
            "a confirm",
            _worker,
            [
                (ctx.env.registry, half, out, errors)
                for half, out in zip(halves, outs, strict=True)
            ],
        )
        retries = sum(o[-1][1] for o in outs)
        ctx.end_request()
    ctx.figure("confirm2.n", len(jobs))
    ctx.figure("confirm2.wall", wall)
    ctx.figure("confirm2.rate", len(jobs) / wall)
    ctx.figure("confirm2.retries", retries)
