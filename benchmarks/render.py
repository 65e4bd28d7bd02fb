"""results (the driver's raw figures) -> the Markdown of results/latest.md."""

from .report import GOAL_LEVEL, VARIANTS, count, ms, ratio, secs, shared, size


def _scale_line(r):
    s = r["scale"]
    return (
        f"scale **{s['name']}**: {count(s['members'])} members, {count(s['cards'])} "
        f"cards, {count(s['ledger_lines'])} ledger lines, {count(s['lots'])} lots "
        f"past expiry, {count(s['order_lines'])} past order lines; seed {r['seed']}"
    )


def _machine_line(r):
    m = r["machine"]
    line = (
        f"{m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, PostgreSQL "
        f"{m['postgresql'].split()[0]}, Python {m['python']}, {m['os']}"
    )
    if m.get("load_max") is not None:
        line += f"; load average during the run {m['load_mean']} (max {m['load_max']})"
        if shared(m):
            line += ": **the machine was shared**, the figures are inflated"
    return line


def _session_table(r):
    f, levels = r["figures"], r["scale"]["session_levels"]
    rows = [
        "| members | till | time | payload | queries | vs 0 members | vs plain POS |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for level in levels:
        for v in ("plain", "club", "loyalty"):
            key = f"session.{v}.{level}"
            if f"{key}.s" not in f:
                continue
            rows.append(
                f"| {count(level)} | {VARIANTS[v]} | {ms(f[f'{key}.s'])} | "
                f"{size(f[f'{key}.bytes'])} | {f[f'{key}.queries']} | "
                f"{ratio(f[f'{key}.s'], f.get(f'session.{v}.0.s'))} | "
                f"{ratio(f[f'{key}.s'], f.get(f'session.plain.{level}.s'))} |"
            )
    return rows


def _sync_table(r):
    f = r["figures"]
    rows = [
        "| till | mean | p95 | orders/s | queries/order | vs plain POS |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for v in ("plain", "club", "club_sms", "club_bonus", "loyalty"):
        if f"sync.{v}.mean" in f:
            rows.append(
                f"| {VARIANTS[v]} | {ms(f[f'sync.{v}.mean'])} | "
                f"{ms(f[f'sync.{v}.p95'])} | {f[f'sync.{v}.rate']:.1f} | "
                f"{f[f'sync.{v}.queries']:.0f} | "
                f"{ratio(f[f'sync.{v}.mean'], f.get('sync.plain.mean'))} |"
            )
    return rows


def _service_table(r):
    f = r["figures"]
    rows = [
        "| call | p50 | p95 | p99 | queries | throughput |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, label in (
        ("identify.card", "identify by card"),
        ("identify.phone", "identify by phone (3 spellings)"),
        ("quote", "quote (3 lines)"),
        ("confirm", "confirm (3 lines, half spend 1.00), 1 worker"),
    ):
        if f"{key}.p50" in f:
            rate = f.get(f"{key}.rate")
            rows.append(
                f"| {label} | {ms(f[f'{key}.p50'])} | {ms(f[f'{key}.p95'])} | "
                f"{ms(f[f'{key}.p99'])} | {f[f'{key}.queries']:.1f} | "
                f"{f'{rate:.1f}/s' if rate else ''} |"
            )
    if "confirm2.rate" in f:
        rows.append(
            f"| confirm, 2 workers (threads, own cursors) | | | | | "
            f"{f['confirm2.rate']:.1f}/s "
            f"({ratio(f['confirm2.rate'], f.get('confirm.rate'))} of 1 worker; "
            f"{f['confirm2.retries']} retries) |"
        )
    return rows


def _jobs_table(r):
    f = r["figures"]
    rows = [
        "| job | volume | time | rate | queries | heaviest statement |",
        "|---|---:|---:|---:|---:|---|",
    ]

    def top(key):
        heavy = (f.get(key) or [None])[0]
        return f"{heavy['share']:.0%} `{heavy['sql']}...`" if heavy else ""

    if "expiry.s" in f and f.get("expiry.done"):
        done, lots = f["expiry.done"], f["expiry.lots"]
        note = "" if done == lots else f" (ran {count(done)} of them; total by rate)"
        rows.append(
            f"| expiry (`_cron_expire`), one worker | {count(lots)} lots | "
            f"{secs(f['expiry.s'])}{note} | {done / f['expiry.s']:,.0f} lots/s | "
            f"{f.get('expiry.queries_per_lot') or 0:.2f}/lot | "
            f"{top('expiry.profile')} |"
        )
        two = f.get("expiry.two_workers_s")
        if two:
            rows.append(
                f"| expiry as deployed: two cron jobs side by side (`parts=2`) | "
                f"{count(lots)} lots | {secs(two)} | {done / two:,.0f} lots/s | | |"
            )
    if "tiers.s" in f:
        rows.append(
            f"| tier review (`_cron_tier_review`) | {count(f['tiers.wallets'])} "
            f"wallets ({f['tiers.changed']} changed) | {secs(f['tiers.s'])} | "
            f"{f['tiers.wallets'] / f['tiers.s']:,.0f} wallets/s | "
            f"{f.get('tiers.queries', 'n/a')} | {top('tiers.profile')} |"
        )
    if "messages.s" in f:
        rows.append(
            f"| members' purchase SMS (`loyalty.club.message._cron_send`, a run per "
            f"request until the queue is empty) | {count(f['messages.count'])} SMS, "
            f"{f['messages.runs']} runs; the fake gateway got "
            f"{count(f['messages.received'])} in {count(f['messages.requests'])} "
            f"requests | {secs(f['messages.s'])} | "
            f"{f['messages.rate']:,.0f} messages/s | "
            f"{f['messages.queries_per_message']:.2f}/message | "
            f"{top('messages.profile')} |"
        )
    if "campaign.s" in f:
        rows.append(
            f"| campaign launch (`loyalty.club.campaign._launch`: draw, 10% "
            f"control, caps, coupons, messages queued) | "
            f"{count(f['campaign.members'])} members: {count(f['campaign.target'])} "
            f"target, {count(f['campaign.control'])} control, "
            f"{count(f['campaign.queued'])} SMS queued, "
            f"{count(f['campaign.capped'])} capped | {secs(f['campaign.s'])} | "
            f"{f['campaign.members'] / f['campaign.s']:,.0f} members/s | "
            f"{f.get('campaign.queries', 'n/a')} | |"
        )
    if "chain.s" in f:
        rows.append(
            f"| daily chain run, bonuses expiring in 7 days "
            f"(`loyalty.club.chain._run`) | {count(f['campaign.members'])} members: "
            f"{count(f['chain.rows'])} messages | {secs(f['chain.s'])} | "
            f"{f['campaign.members'] / f['chain.s']:,.0f} members/s | "
            f"{f.get('chain.queries', 'n/a')} | |"
        )
    if "emission.s" in f:
        rows.append(
            f"| card emission with CSV | {count(f['emission.cards'])} cards | "
            f"{secs(f['emission.s'])} | {f['emission.cards'] / f['emission.s']:,.0f} "
            f"cards/s | {f.get('emission.queries', 'n/a')} | "
            f"{top('emission.profile')} |"
        )
    return rows


def _plans_table(r):
    rows = ["| hot path | table | index used | plan | time |", "|---|---|---|---|---:|"]
    for p in r["plans"]:
        used = "yes" if p["uses_index"] else f"**no**: `{p['proposal']}`"
        if p["uses_index"] and p.get("slow"):
            used = f"yes, **slow**: `{p['proposal']}`"
        rows.append(
            f"| {p['name']} | `{p['table']}` | {used} | {p['plan']} | "
            f"{p['ms']:.2f} ms |"
        )
    return rows


def _reports_table(r):
    f = r["figures"]
    rows = [
        "| report | volume | time | main query |",
        "|---|---:|---:|---|",
    ]
    if "rfm.s" in f:
        rows.append(
            f"| RFM run (`loyalty.club.rfm.run._compute_scores`) | "
            f"{count(f['rfm.members'])} members scored, {count(f['rfm.checks'])} "
            f"checks, {count(f['rfm.order_lines'])} order lines | "
            f"{secs(f['rfm.s'])} | one `INSERT ... SELECT` (plan below) |"
        )
    if "pivot.s" in f:
        rows.append(
            f"| sales pivot by month and store (`read_group` of the pivot view) | "
            f"{count(f['pivot.lines'])} lines, {f['pivot.groups']} cells | "
            f"{secs(f['pivot.s'])} | one `SELECT ... GROUP BY` on the view "
            "(plan below) |"
        )
    if "daily.pivot.s" in f:
        rows.append(
            f"| the same pivot on the sales by day (`loyalty.club.sales.daily`: "
            f"closed days stored, today live) | {count(int(f['daily.pivot.lines']))} "
            f"lines, {f['daily.pivot.groups']} cells | {ms(f['daily.pivot.s'])} | "
            "one `SELECT ... GROUP BY` on the stored days and today (plan below) |"
        )
    if "daily.refresh.s" in f:
        rows.append(
            f"| full refresh of the sales by day (every closed day) | "
            f"{count(f['daily.rows'])} stored rows | {secs(f['daily.refresh.s'])} | "
            "`INSERT ... SELECT ... GROUP BY` per 31 days (plan of the slowest) |"
        )
    for key, title in (
        ("rfm.plan", "RFM"),
        ("pivot.plan", "sales pivot on the view"),
        ("daily.pivot.plan", "sales pivot on the sales by day"),
        ("daily.refresh.plan", "slowest refresh batch of the sales by day"),
    ):
        if f.get(key):
            rows += ["", f"Plan of the {title} query:", "", "```", *f[key], "```"]
    return rows


def render(r, goals):
    counts = ", ".join(f"{t} {n:,}" for t, n in r["counts"].items())
    out = [
        f"Run of {r['started']} ({r['minutes']} min), {_scale_line(r)}.",
        "",
        f"Machine: {_machine_line(r)}.",
        "",
        f"Rows after generation: {counts}.",
        "",
        "**POS session opening**: server-side `pos.session.load_data` of an open "
        "session and its JSON answer, median of the runs after a warm-up.",
        "",
        *_session_table(r),
        "",
        "**Order sync**: the same 3-line order of a member, `pos.order.sync_from_ui` "
        "one order per request, committed (pos_loyalty: then "
        "`confirm_coupon_programs` and `add_loyalty_history_lines`, as its POS does). "
        "Purchase SMS on: the program sends it, the member has SMS consent, the "
        "company's gateway is a fake SMS.ru on 127.0.0.1; the sale queues the "
        "message (sent by the job, below).",
        "",
        *_sync_table(r),
        "",
        "**Club service**: `loyalty.club.service` as the channels call it, one "
        "request per call (committed, empty cache), random members.",
        "",
        *_service_table(r),
        "",
        "**Jobs** (each rolled back after the measure; the message job commits "
        "each run as Odoo's cron does, then what it made is deleted).",
        "",
        *_jobs_table(r),
        "",
        "**Reports** (each rolled back after the measure; plans by `EXPLAIN "
        "(ANALYZE, COSTS OFF, TIMING OFF)` of the statement that took longest).",
        "",
        *_reports_table(r),
        "",
        "**Query plans** (`EXPLAIN ANALYZE` of the SQL the ORM sends).",
        "",
        *_plans_table(r),
        "",
        f"**Goals** (stated for {count(GOAL_LEVEL)} members, lots and cards).",
        "",
        "| goal | figure | verdict |",
        "|---|---|---|",
        *[f"| {g} | {fig} | {verdict} |" for g, fig, verdict in goals],
    ]
    if r["notes"]:
        out += ["", *[f"- {note}" for note in r["notes"]]]
    return "\n".join(out) + "\n"
