"""The scheduled jobs over the whole club and the card emission. Each runs in
a transaction that is rolled back afterwards, so every run sees the same data."""

import base64
import time

from .harness import side_by_side, statement_profile

EMISSION_PREFIX = "2996"  # the members' cards are 2995...


def expiry(ctx):
    """One nightly _cron_expire over the lots that passed their date (in the
    last ten days) and are still open: by one worker, then as deployed, by the
    two cron jobs that share the wallets (``parts=2``), each on its own cursor
    (two Odoo cron threads, the default)."""
    env, today = ctx.env, ctx.fx["today"]
    env.cr.execute(
        "SELECT count(*) FROM loyalty_club_lot WHERE remaining_minor > 0 "
        "AND expires_on <= %s",
        [today],
    )
    todo = env.cr.fetchone()[0]
    svc = env["loyalty.club.service"].sudo()
    with statement_profile(ctx, "expiry.profile"):
        done, elapsed, queries = ctx.job(lambda: svc._cron_expire(today=today))
    ctx.rollback()
    ctx.figure("expiry.lots", todo)
    ctx.figure("expiry.done", done)
    ctx.figure("expiry.s", elapsed)
    ctx.figure("expiry.queries", queries)
    ctx.figure("expiry.queries_per_lot", queries / done if done else None)
    if ctx.test:  # one cursor inside the test: the two parts in turn
        start = time.perf_counter()
        parts = [svc._cron_expire(today=today, part=k, parts=2) for k in (0, 1)]
        env.flush_all()
        wall = time.perf_counter() - start
        ctx.rollback()
    else:
        ctx.commit()
        parts, errors = [None, None], []
        wall = side_by_side(
            "an expiry",
            _expire_part,
            [(env.registry, today, k, parts, errors) for k in (0, 1)],
        )
    ctx.figure("expiry.two_workers_s", wall)
    ctx.figure("expiry.two_workers_done", parts)
    # the goal is the job as deployed: its two cron jobs side by side
    ctx.figure("expiry.all_s", wall if sum(parts) == done else elapsed)


def _expire_part(registry, today, part, out, errors):
    """One expiry cron job: its own cursor and transaction, rolled back."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    try:
        with registry.cursor() as cr:
            # hand the thread a transaction of its own (no registry lock)
            cr.transaction = api.Transaction(registry)
            env = api.Environment(cr, SUPERUSER_ID, {})
            svc = env["loyalty.club.service"].sudo()
            out[part] = svc._cron_expire(today=today, part=part, parts=2)
            env.flush_all()
            cr.rollback()
    except Exception as exc:  # reported, never swallowed
        errors.append(repr(exc))


def tier_review(ctx):
    env = ctx.env
    env.cr.execute(
        "SELECT count(*) FROM loyalty_club_wallet WHERE program_id = %s",
        [ctx.fx["program_id"]],
    )
    wallets = env.cr.fetchone()[0]
    svc = env["loyalty.club.service"].sudo()
    with statement_profile(ctx, "tiers.profile"):
        changed, elapsed, queries = ctx.job(
            lambda: svc._cron_tier_review(ctx.fx["today"])
        )
    ctx.rollback()
    ctx.figure("tiers.wallets", wallets)
    ctx.figure("tiers.changed", changed)
    ctx.figure("tiers.s", elapsed)
    ctx.figure("tiers.queries", queries)


def emission(ctx, quantity=None):
    """Emit a batch of cards with its CSV (prefix 2996, away from the members')."""
    env = ctx.env(user=ctx.fx["uid"], su=True)
    quantity = quantity or ctx.scale.emission
    batch = env["loyalty.club.emission"].create(
        {
            "name": "Bench emission",
            "program_id": ctx.fx["program_id"],
            "prefix": EMISSION_PREFIX,
            "start": 1,
            "quantity": quantity,
        }
    )
    # where the time goes: the numbers and the CSV are plain Python
    from odoo.addons.loyalty_club.domain import cards  # noqa: PLC0415

    start = time.perf_counter()
    codes = cards.emission_numbers(EMISSION_PREFIX, 1, quantity)
    ctx.figure("emission.numbers_s", time.perf_counter() - start)
    start = time.perf_counter()
    batch._csv(codes)
    ctx.figure("emission.csv_s", time.perf_counter() - start)
    del codes
    with statement_profile(ctx, "emission.profile"):
        _done, elapsed, queries = ctx.job(batch.action_emit)
    csv_bytes = len(base64.b64decode(batch.csv_file or b""))
    env.cr.execute(
        "SELECT count(*) FROM loyalty_club_card WHERE emission_id = %s", [batch.id]
    )
    emitted = env.cr.fetchone()[0]
    ctx.rollback()
    if emitted != quantity:
        raise AssertionError(f"emitted {emitted} cards of {quantity}")
    ctx.figure("emission.cards", quantity)
    ctx.figure("emission.s", elapsed)
    ctx.figure("emission.csv_bytes", csv_bytes)
    ctx.figure("emission.queries", queries)
