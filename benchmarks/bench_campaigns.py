"""Marketing at scale: a campaign to every member of the program (SMS consent
given to all, 10% control group, weekly caps applied, coupons drawn) and one
daily run of the chain "bonuses expiring in 7 days". Both run in a transaction
rolled back afterwards, so every run sees the same data; the messages they
queue are counted, not sent (the sending job is measured on its own)."""

from datetime import timedelta

from .bench_messages import grant_sms


def _installed(ctx):
    if "loyalty.club.campaign" in ctx.env:
        return True
    ctx.notes.append("loyalty_club_campaign is not installed: no campaign figures.")
    return False


def _members(ctx):
    ctx.env.cr.execute(
        "SELECT partner_id FROM loyalty_club_wallet "
        "WHERE program_id = %s AND partner_id IS NOT NULL",
        [ctx.fx["program_id"]],
    )
    return [row[0] for row in ctx.env.cr.fetchall()]


def campaign(ctx):
    """Launch a campaign with a personal coupon to the whole program."""
    if not _installed(ctx):
        return
    env = ctx.env
    members = _members(ctx)
    grant_sms(ctx, members)
    program = env["loyalty.club.program"].browse(ctx.fx["program_id"])
    today = ctx.fx["today"]
    promotion = env["loyalty.club.promotion"].create(
        {
            "name": "Bench coupon",
            "program_id": program.id,
            "effect": "discount_fixed",
            "value": 10,
            "requires_coupon": True,
        }
    )
    segment = env["loyalty.club.segment"].create(
        {"name": "Bench: everyone", "program_id": program.id, "consent_sms": True}
    )
    record = env["loyalty.club.campaign"].create(
        {
            "name": "Bench campaign",
            "program_id": program.id,
            "segment_id": segment.id,
            "send_sms": True,
            "sms_text": "Your coupon inside",
            "promotion_id": promotion.id,
            "control_percent": 10,
            "seed": "bench-seed",
            "date_end": today + timedelta(days=30),
        }
    )
    env.flush_all()
    _done, elapsed, queries = ctx.job(record._launch)
    env.cr.execute(
        "SELECT state, reason, count(*) FROM loyalty_club_message "
        "WHERE campaign_id = %s GROUP BY state, reason",
        [record.id],
    )
    rows = env.cr.fetchall()
    queued = sum(n for state, _reason, n in rows if state == "queued")
    capped = sum(n for _state, reason, n in rows if reason and reason.startswith("cap"))
    env.cr.execute(
        "SELECT count(*) FILTER (WHERE member_group = 'target'), count(*) FILTER "
        "(WHERE member_group = 'control') FROM loyalty_club_campaign_member "
        "WHERE campaign_id = %s",
        [record.id],
    )
    target, control = env.cr.fetchone()
    ctx.rollback()
    ctx.figure("campaign.members", len(members))
    ctx.figure("campaign.target", target)
    ctx.figure("campaign.control", control)
    ctx.figure("campaign.queued", queued)
    ctx.figure("campaign.capped", capped)
    ctx.figure("campaign.s", elapsed)
    ctx.figure("campaign.queries", queries)


def chain(ctx):
    """One daily run of "bonuses expiring in 7 days" over the whole program."""
    if not _installed(ctx):
        return
    env = ctx.env
    grant_sms(ctx, _members(ctx))
    record = env["loyalty.club.chain"].create(
        {
            "name": "Bench: expiring in 7 days",
            "program_id": ctx.fx["program_id"],
            "trigger": "expiring",
            "days": 7,
            "send_sms": True,
            "sms_text": "Your bonuses expire soon",
        }
    )
    env.flush_all()
    queued, elapsed, queries = ctx.job(lambda: record._run(today=ctx.fx["today"]))
    ctx.rollback()
    ctx.figure("chain.rows", queued)
    ctx.figure("chain.s", elapsed)
    ctx.figure("chain.queries", queries)
