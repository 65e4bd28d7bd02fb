"""EXPLAIN ANALYZE of the hot paths, with the exact SQL the ORM sends: does each
use an index on its table? A plan without one names the index it needs."""

from datetime import timedelta

IDENTIFY = {  # the paths identify takes
    "identify by card code",
    "identify by phone (club_phone)",
    "wallet of a member",
    "open lots of a wallet",
    "last checks of a wallet",
}
SLOW_MS = 20  # a hot path's plan slower than this is flagged even with an index
# (name, table, proposed index when the plan finds none or is slow)
CHECKS = [
    (
        "identify by card code",
        "loyalty_club_card",
        "CREATE UNIQUE INDEX ON loyalty_club_card (code)",
    ),
    (
        "identify by phone (club_phone)",
        "res_partner",
        "CREATE INDEX ON res_partner (club_phone) WHERE club_phone IS NOT NULL",
    ),
    (
        "wallet of a member",
        "loyalty_club_wallet",
        "CREATE UNIQUE INDEX ON loyalty_club_wallet (partner_id, program_id)",
    ),
    (
        "open lots of a wallet",
        "loyalty_club_lot",
        "CREATE INDEX ON loyalty_club_lot (wallet_id, expires_on) "
        "WHERE remaining_minor > 0",
    ),
    (
        "ledger by wallet and date",
        "loyalty_club_ledger",
        "CREATE INDEX ON loyalty_club_ledger (wallet_id, date)",
    ),
    (
        "last checks of a wallet",
        "loyalty_club_transaction",
        "CREATE INDEX ON loyalty_club_transaction (wallet_id, date) "
        "WHERE wallet_id IS NOT NULL",
    ),
    (
        "paid in the tier period",
        "loyalty_club_transaction",
        "CREATE INDEX ON loyalty_club_transaction (wallet_id, date) "
        "WHERE wallet_id IS NOT NULL",
    ),
    (
        "idempotency key",
        "loyalty_club_transaction",
        "CREATE UNIQUE INDEX ON loyalty_club_transaction (idempotency_key)",
    ),
    (
        "open lots by expiry (expiry job)",
        "loyalty_club_lot",
        "the lots due are read once per run (not once per batch) through the "
        "partial index loyalty_club_lot_open_idx (expires_on, wallet_id) WHERE "
        "remaining_minor > 0",
    ),
]


def _queries(ctx):
    """SQL objects of the checks, in the order of CHECKS."""
    from odoo.tools import SQL  # noqa: PLC0415

    env, fx = ctx.env, ctx.fx
    pid, wid, code, mobile, _avail = ctx.members(1, where="c.code IS NOT NULL")[0]
    e164 = env["res.partner"]._club_normalize_phone(mobile)
    since = fx["today"] - timedelta(days=365)
    env.cr.execute(
        "SELECT idempotency_key FROM loyalty_club_transaction WHERE wallet_id = %s "
        "ORDER BY id DESC LIMIT 1",
        [wid],
    )
    key = (env.cr.fetchone() or ["bench:none"])[0]

    def orm(model, domain, order=None, limit=None):
        return env[model]._search(domain, order=order, limit=limit).select()

    return [
        orm("loyalty.club.card", [("code", "=", code)], limit=1),
        orm(
            "res.partner",
            [("club_phone", "=", e164), ("club_status", "!=", False)],
            limit=1,
        ),
        orm(
            "loyalty.club.wallet",
            [("partner_id", "=", pid), ("program_id", "=", fx["program_id"])],
            limit=1,
        ),
        orm("loyalty.club.lot", [("wallet_id", "=", wid), ("remaining_minor", ">", 0)]),
        orm(
            "loyalty.club.ledger",
            [("wallet_id", "=", wid), ("date", ">=", since)],
            order="date desc, id desc",
            limit=80,
        ),
        orm(
            "loyalty.club.transaction",
            [("wallet_id", "=", wid), ("kind", "=", "sale")],
            limit=5,
        ),
        SQL(
            "SELECT COALESCE(SUM(paid_minor), 0) FROM loyalty_club_transaction "
            "WHERE wallet_id = %s AND date >= %s",
            wid,
            since,
        ),
        orm("loyalty.club.transaction", [("idempotency_key", "=", key)], limit=1),
        # the lots due, read once by service._cron_expire (one of two parts)
        SQL(
            "SELECT wallet_id, id FROM loyalty_club_lot WHERE remaining_minor > 0 "
            "AND expires_on <= %s AND mod(wallet_id, %s) = %s ORDER BY wallet_id, id",
            fx["today"],
            2,
            0,
        ),
    ]


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def summarize_plan(plan, table):
    """(uses an index on ``table``, one-line description) of a JSON plan."""
    on_table = [n for n in _nodes(plan) if n.get("Relation Name") == table]
    index_nodes = [
        n
        for n in _nodes(plan)
        if n.get("Index Name") and (n.get("Relation Name") in (table, None))
    ]
    seq = [n for n in on_table if n["Node Type"] == "Seq Scan"]
    parts = [f"{n['Node Type']} using {n['Index Name']}" for n in index_nodes] + [
        f"Seq Scan on {table}" for _n in seq
    ]
    return bool(index_nodes) and not seq, "; ".join(parts) or plan["Node Type"]


def check(ctx):
    from odoo.tools import SQL  # noqa: PLC0415

    cr = ctx.env.cr
    for (name, table, proposal), query in zip(CHECKS, _queries(ctx), strict=True):
        cr.execute(SQL("EXPLAIN (ANALYZE, FORMAT JSON) %s", query))
        result = cr.fetchone()[0][0]
        ok, described = summarize_plan(result["Plan"], table)
        slow = result.get("Execution Time", 0) > SLOW_MS
        ctx.plans.append(
            {
                "name": name,
                "table": table,
                "uses_index": ok,
                "slow": slow,
                "plan": described,
                "ms": result.get("Execution Time"),
                "proposal": None if ok and not slow else proposal,
            }
        )
    ctx.rollback()
