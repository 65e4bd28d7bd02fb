"""The reports at scale: the RFM scoring of every member and the sales pivot by
month and store (on the sales analysis view and on the sales by day, after a
refresh of every closed day), each with the plan of its main query (EXPLAIN
ANALYZE of the SQL it sent). Each runs in a transaction that is rolled back
afterwards."""

import time
from contextlib import contextmanager

PLAN_LINES = 40  # the plan in the results: its first lines are what matters


@contextmanager
def heaviest_statement(ctx, out):
    """Time the statements sent meanwhile; ``out`` gets the slowest one's
    (seconds, query, params), among those EXPLAIN can show (at a tiny scale a
    ``SET LOCAL`` may outlast the query itself)."""
    cr = ctx.env.cr
    execute = cr.execute

    def timed(query, params=None, log_exceptions=True):
        start = time.perf_counter()
        try:
            return execute(query, params, log_exceptions)
        finally:
            seconds = time.perf_counter() - start
            if _explainable(query) and (not out or seconds > out[0]):
                out[:] = [seconds, query, params]

    cr.execute = timed
    try:
        yield
    finally:
        del cr.execute  # the class's method again


def _code(query):
    """The text of a statement sent as a string or as Odoo's ``SQL``."""
    return query.code if hasattr(query, "code") else query


def _explainable(query):
    code = str(_code(query)).lstrip().upper()
    return code.startswith(("SELECT", "WITH", "INSERT", "UPDATE", "DELETE"))


def explain(ctx, query, params):
    """EXPLAIN ANALYZE of a statement, its plan as text lines (rolled back)."""
    cr = ctx.env.cr
    code = _code(query)
    if hasattr(query, "params") and params is None:
        params = query.params
    cr.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {code}", params or None)
    lines = [row[0] for row in cr.fetchall()]
    ctx.rollback()
    if len(lines) > PLAN_LINES:
        cut = len(lines) - PLAN_LINES
        lines = lines[: PLAN_LINES - 2] + [f"... ({cut} lines more)", lines[-1]]
    return lines


def rfm(ctx):
    """One RFM run over every member (``loyalty.club.rfm.run._compute_scores``)."""
    env = ctx.env(user=ctx.fx["uid"], su=True)
    if "loyalty.club.rfm.run" not in env:
        ctx.notes.append("loyalty_club_reports is not installed: no RFM figures.")
        return
    env.cr.execute("SELECT count(*) FROM loyalty_club_transaction")
    checks = env.cr.fetchone()[0]
    env.cr.execute("SELECT count(*) FROM pos_order_line")
    lines = env.cr.fetchone()[0]
    run = env["loyalty.club.rfm.run"].create({})
    env.flush_all()
    heavy = []
    with heaviest_statement(ctx, heavy):
        start = time.perf_counter()
        run._compute_scores()
        env.flush_all()
        elapsed = time.perf_counter() - start
    ctx.figure("rfm.s", elapsed)
    ctx.figure("rfm.members", run.member_count)
    ctx.figure("rfm.checks", checks)
    ctx.figure("rfm.order_lines", lines)
    # the plan of the scoring INSERT ... SELECT, run again in the same
    # transaction (same settings) once its rows are gone
    env.cr.execute("DELETE FROM loyalty_club_rfm WHERE run_id = %s", [run.id])
    ctx.figure("rfm.plan", explain(ctx, heavy[1], heavy[2]))


def sales_pivot(ctx):
    """The sales analysis pivot by month and store: the read_group Odoo's pivot
    view sends (its default measures, the "Sales" filter of its action)."""
    env = ctx.env(user=ctx.fx["uid"], su=False)
    model = "loyalty.club.sales.report"
    if model not in env:
        ctx.notes.append("loyalty_club_reports is not installed: no pivot figures.")
        return
    _timed_pivot(
        ctx,
        env[model],
        "pivot",
        ["amount:sum", "check_id:count_distinct", "qty:sum", "__count"],
        "date:month",
        "__count",
    )
    sales_daily(ctx)  # the same pivot on the stored aggregate, beside it


def _timed_pivot(ctx, report, prefix, measures, month, lines):
    """One read_group by month and store of the sales, timed, with the plan of
    its heaviest statement; ``lines`` is the measure that counts order lines."""
    heavy = []
    with heaviest_statement(ctx, heavy):
        start = time.perf_counter()
        groups = report.read_group(
            [("kind", "=", "sale")], measures, [month, "store_id"], lazy=False
        )
        elapsed = time.perf_counter() - start
    ctx.figure(f"{prefix}.s", elapsed)
    ctx.figure(f"{prefix}.groups", len(groups))
    ctx.figure(f"{prefix}.lines", sum(g.get(lines) or 0 for g in groups))
    ctx.figure(f"{prefix}.plan", explain(ctx, heavy[1], heavy[2]))


def sales_daily(ctx):
    """The sales by day: a full refresh of the stored closed days (its slowest
    ``INSERT ... SELECT``, one per batch of days, explained), then the same
    pivot by month and store on the model that reads them (the open day live)."""
    env = ctx.env(user=ctx.fx["uid"], su=True)
    if "loyalty.club.sales.day" not in env:
        return
    day = env["loyalty.club.sales.day"]
    heavy = []
    with heaviest_statement(ctx, heavy):
        start = time.perf_counter()
        rows = day._refresh(full=True)
        elapsed = time.perf_counter() - start
    ctx.figure("daily.refresh.s", elapsed)
    ctx.figure("daily.rows", rows)
    # the slowest batch again, its rows gone first (same transaction)
    env.cr.execute("DELETE FROM loyalty_club_sales_day")
    ctx.figure("daily.refresh.plan", explain(ctx, heavy[1], heavy[2]))
    # explain() rolled the refresh back outside tests: store the days again
    day._refresh(full=True)
    _timed_pivot(
        ctx,
        ctx.env(user=ctx.fx["uid"], su=False)["loyalty.club.sales.daily"],
        "daily.pivot",
        ["amount:sum", "checks:sum", "qty:sum", "lines:sum"],
        "day:month",
        "lines",
    )
