"""Everything a run does inside Odoo, in order; returns (and can write) the raw
figures that ``render`` turns into tables.

    from benchmarks import driver
    driver.main(env, {"scale": "small", "seed": 42, "out": "/tmp/raw.json"})
"""

import dataclasses
import json
import os
import time

from . import (
    bench_campaigns,
    bench_jobs,
    bench_messages,
    bench_pos,
    bench_reports,
    bench_service,
    datagen,
    fixtures,
    plans,
    scales,
)
from .harness import Ctx
from .report import machine

GENERATED = [
    "res_partner",
    "loyalty_club_wallet",
    "loyalty_club_card",
    "loyalty_club_lot",
    "loyalty_club_ledger",
    "loyalty_club_allocation",
    "loyalty_club_transaction",
    "loyalty_card",
    "pos_order",
    "pos_order_line",
]


def _vacuum(env, log):
    """VACUUM ANALYZE the loaded tables (outside any transaction), as a
    database that lived through these rows would be."""
    import psycopg2  # noqa: PLC0415

    from odoo.sql_db import connection_info_for  # noqa: PLC0415

    start = time.monotonic()
    _name, info = connection_info_for(env.cr.dbname)
    conn = psycopg2.connect(**info)
    try:
        conn.autocommit = True
        with conn.cursor() as cr:
            for table in GENERATED:
                cr.execute("SELECT to_regclass(%s)", [table])
                if cr.fetchone()[0]:
                    cr.execute(f'VACUUM ANALYZE "{table}"')
    finally:
        conn.close()
    log(f"VACUUM ANALYZE in {time.monotonic() - start:.1f} s")


def _step(ctx, name, fn, *args):
    ctx.loads.append(os.getloadavg()[0])
    start = time.monotonic()
    ctx.log(f"{name} ...")
    try:
        fn(ctx, *args)
    except Exception as exc:
        if ctx.test:
            raise
        ctx.rollback()
        ctx.notes.append(f"{name} failed: {exc!r}")
        ctx.log(f"{name} FAILED: {exc!r}")
        return
    ctx.figures[f"step.{name}.s"] = time.monotonic() - start


def _counts(env):
    out = {}
    for table in GENERATED:
        env.cr.execute("SELECT to_regclass(%s)", [table])
        if env.cr.fetchone()[0]:
            env.cr.execute(f'SELECT count(*) FROM "{table}"')
            out[table] = env.cr.fetchone()[0]
    return out


def main(env, options):
    test = bool(options.get("test"))
    scale = scales.get(options.get("scale", "small"))
    if options.get("messages"):
        scale = dataclasses.replace(scale, messages=int(options["messages"])).check()
    seed = int(options.get("seed", 42))
    log = options.get("log") or (lambda msg: print(f"bench: {msg}", flush=True))
    started = time.time()
    fx = fixtures.setup(env, seed=seed)
    gen = datagen.Generator(env, scale, fx, seed=seed, log=log)
    ctx = Ctx(env, scale, fx, gen, seed=seed, test=test, log=log)
    ctx.commit()
    if not fx["pos"]:
        ctx.notes.append("point_of_sale is not installed: no POS figures.")
    for lo, hi in [(0, 0), *scale.stages()]:
        if hi:
            log(f"generating members {lo}..{hi - 1} ...")
            gen.add_members(lo, hi, bulk=False if test else None)
            ctx.commit()
            if not test:
                _vacuum(env, log)
        _step(ctx, f"session opening at {hi} members", bench_pos.session_open, hi)
    unusable = [] if test else gen.unusable_indexes()
    if unusable:
        ctx.notes.append(
            "indexes older transactions cannot use yet (indcheckxmin): "
            + ", ".join(unusable)
        )
    problems = gen.verify()
    if problems:
        raise AssertionError(f"generated data breaks invariants: {problems}")
    _step(ctx, "query plans", plans.check)
    _step(ctx, "identify", bench_service.identify)
    _step(ctx, "quote and confirm", bench_service.quote_and_confirm)
    _step(ctx, "confirm with two workers", bench_service.confirm_two_workers)
    with bench_messages.gateway(ctx):
        if fx["pos"]:
            _step(ctx, "order sync", bench_pos.order_sync)
        _step(ctx, "message sending", bench_messages.send_job)
    _step(ctx, "campaign", bench_campaigns.campaign)
    _step(ctx, "chain", bench_campaigns.chain)
    _step(ctx, "expiry job", bench_jobs.expiry)
    _step(ctx, "tier review", bench_jobs.tier_review)
    _step(ctx, "card emission", bench_jobs.emission)
    _step(ctx, "rfm", bench_reports.rfm)
    _step(ctx, "sales pivot", bench_reports.sales_pivot)
    ctx.loads.append(os.getloadavg()[0])
    env.cr.execute("SHOW server_version")
    results = {
        "scale": {k: v for k, v in vars(scale).items()},
        "seed": seed,
        "started": time.strftime("%Y-%m-%d %H:%M", time.localtime(started)),
        "minutes": round((time.time() - started) / 60, 1),
        "machine": dict(
            machine(),
            postgresql=env.cr.fetchone()[0],
            load_max=round(max(ctx.loads), 1),
            load_mean=round(sum(ctx.loads) / len(ctx.loads), 1),
        ),
        "variants": sorted(fx.get("sessions", {})),
        "counts": _counts(env),
        "invariants": problems,
        "figures": ctx.figures,
        "plans": ctx.plans,
        "notes": ctx.notes,
    }
    if options.get("out"):
        with open(options["out"], "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=1, default=str)
    return results
