"""Members' transactional messages: the purchase SMS beside the till's sync and
the sending job over a queue of many.

A fake SMS gateway (``loyalty_club/tests/fake_sms_gateway.py``, SMS.ru's wire
format) runs in this process on 127.0.0.1 and the company's gateway points at
it, so the real adapter sends over real HTTP and nothing leaves the machine.
The sending job runs as Odoo's cron would: one run (1000 messages) per request,
committed, until the queue is empty; then what it made is deleted, so the
benchmarks after it see the same data.
"""

from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path

from .harness import statement_profile

SEND_CRON = "loyalty_club.ir_cron_loyalty_club_message_send"
GATEWAY_NAME = "Bench fake SMS.ru"
CONSENT_WORDING = "Bench: purchase SMS"
DUE = ("queued", "held", "sending")


def _fake_class():
    """The addon's fake gateway (standard library only), loaded from its file:
    importing it as ``odoo.addons.loyalty_club.tests...`` would import Odoo's
    test framework outside a test run (an ERROR in the log)."""
    import importlib.util  # noqa: PLC0415

    from odoo.modules.module import get_module_path  # noqa: PLC0415

    path = Path(get_module_path("loyalty_club")) / "tests" / "fake_sms_gateway.py"
    if not path.is_file():  # the addon without its tests
        return None
    spec = importlib.util.spec_from_file_location("bench_fake_sms_gateway", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FakeSmsGateway


@contextmanager
def gateway(ctx):
    """The fake gateway and the company's gateway pointing at it, for the
    benchmarks run inside; ``ctx.sms`` is the fake (None when it cannot run)."""
    fake_class = _fake_class()
    env = ctx.env(su=True)
    if fake_class is None or "loyalty.club.sms.gateway" not in env:
        ctx.notes.append("no fake SMS gateway here: no message figures.")
        yield None
        return
    fake = fake_class(status="delivered").start()
    record = env["loyalty.club.sms.gateway"].create(
        {
            "name": GATEWAY_NAME,
            "provider": "smsru",
            "company_id": ctx.fx["company_id"],
            "base_url": fake.url,
            "api_id": "bench-api-id",
            "sender": "Club",
            "is_default": True,
            "timeout": 5.0,
        }
    )
    ctx.fx["sms_gateway_id"] = record.id
    ctx.sms = fake
    ctx.commit()
    try:
        yield fake
    finally:
        ctx.sms = None
        ctx.fx.pop("sms_gateway_id", None)
        fake.stop()
        if not ctx.test:
            ctx.rollback()
            ctx.env["loyalty.club.sms.gateway"].sudo().browse(record.id).active = False
            ctx.commit()


def grant_sms(ctx, partner_ids):
    """SMS consent (granted now) for these members, set-based."""
    ctx.env["loyalty.club.consent"].flush_model()
    ctx.env.cr.execute(
        """
        INSERT INTO loyalty_club_consent (partner_id, channel, granted, date, source,
                    user_id, wording, create_uid, write_uid, create_date, write_date)
        SELECT DISTINCT u.pid, 'sms', true, now() at time zone 'UTC', 'import', %s,
               %s, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM unnest(%s::int[]) AS u(pid)
        """,
        [ctx.fx["uid"], CONSENT_WORDING, ctx.fx["uid"], ctx.fx["uid"], partner_ids],
    )


def notify_purchase(ctx, on):
    """The program's purchase SMS on or off, committed outside any measure."""
    ctx.env.cr.execute(
        "UPDATE loyalty_club_program SET notify_purchase_sms = %s WHERE id = %s",
        [on, ctx.fx["program_id"]],
    )
    ctx.commit()
    ctx.env["loyalty.club.program"].invalidate_model(["notify_purchase_sms"])
    ctx.end_request()


def queued_for(ctx, transaction_id):
    ctx.env.cr.execute(
        "SELECT count(*) FROM loyalty_club_message WHERE transaction_id = %s "
        "AND event = 'purchase' AND channel = 'sms'",
        [transaction_id],
    )
    return ctx.env.cr.fetchone()[0]


def _due(cr):
    cr.execute(
        "SELECT count(*) FROM loyalty_club_message WHERE state IN %s", [tuple(DUE)]
    )
    return cr.fetchone()[0]


def _queue(ctx, count):
    """``count`` purchase SMS of generated members (one each, members without a
    message yet), set-based, with figures as the sale freezes them (numbers,
    formatted in the member's language when the SMS is rendered)."""
    env, cr = ctx.env, ctx.env.cr
    program = env["loyalty.club.program"].sudo().browse(ctx.fx["program_id"])
    env.flush_all()
    cr.execute(
        """
        INSERT INTO loyalty_club_message (event, channel, event_key, partner_id,
                    wallet_id, program_id, company_id, figures, state, attempts,
                    next_attempt, create_uid, write_uid, create_date, write_date)
        SELECT 'purchase', 'sms', 'purchase:bench-' || w.id || ':sms', p.id, w.id,
               w.program_id, w.company_id,
               jsonb_build_object(
                   'member_name', p.name, 'program_name', %(program_name)s,
                   'amount', 10 * (1 + mod(w.id, 400)), 'earned', 1 + mod(w.id, 400),
                   'spent', mod(w.id, 3) * 50,
                   'balance', w.available_minor / 100.0,
                   'pending', w.pending_minor / 100.0,
                   'expiring', 0, 'expiry_date', ''),
               'queued', 0, %(now)s, %(uid)s, %(uid)s, %(now)s, %(now)s
          FROM loyalty_club_wallet w
          JOIN res_partner p ON p.id = w.partner_id
         WHERE w.program_id = %(program)s AND p.club_phone IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM loyalty_club_message m
                            WHERE m.partner_id = p.id)
         ORDER BY w.id
         LIMIT %(count)s
        """,
        {
            "program_name": program.name,
            "now": ctx.fx["now"],
            "uid": ctx.fx["uid"],
            "program": program.id,
            "count": count,
        },
    )
    queued = cr.rowcount
    cr.execute(
        "SELECT DISTINCT partner_id FROM loyalty_club_message WHERE state IN %s "
        "AND channel = 'sms' AND NOT EXISTS (SELECT 1 FROM loyalty_club_consent c "
        "WHERE c.partner_id = loyalty_club_message.partner_id AND c.channel = 'sms' "
        "AND c.granted)",
        [tuple(DUE)],
    )
    grant_sms(ctx, [row[0] for row in cr.fetchall()])
    return queued


def _noon_after(now):
    """The next 12:00 UTC: outside the quiet hours (21:00-9:00) of any time zone
    from UTC-9 to UTC+9, and after every message's ``next_attempt``."""
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    return noon if noon > now else noon + timedelta(days=1)


def send_job(ctx):
    """Top the queue up to ``scale.messages`` purchase SMS (the till's ones
    count), run the job until it is empty, and check that the fake gateway got
    each message once."""
    from odoo import fields  # noqa: PLC0415

    fake = ctx.sms
    if fake is None:
        raise RuntimeError("no fake SMS gateway")
    env, cr = ctx.env, ctx.env.cr
    total = ctx.scale.messages
    notify_purchase(ctx, True)
    queued = _queue(ctx, max(0, total - _due(cr)))
    ctx.commit()
    todo = _due(cr)
    if todo != total:
        raise AssertionError(f"{todo} messages due instead of {total}")
    fake.reset()
    Message = env["loyalty.club.message"].sudo()
    now = _noon_after(fields.Datetime.now())
    runs = queries = handled = 0
    elapsed = 0.0
    try:
        with statement_profile(ctx, "messages.profile"):
            while True:
                took, q, done = ctx.call(partial(Message._cron_send, now=now), True)
                runs, elapsed, queries = runs + 1, elapsed + took, queries + q
                handled += done
                if not done or runs > total:
                    break
        cr.execute(
            """
            SELECT m.state, count(*), array_agg(s.number), array_agg(s.body)
              FROM loyalty_club_message m
              LEFT JOIN sms_sms s ON s.id = m.sms_id
             GROUP BY m.state
            """
        )
        states = {row[0]: row[1:] for row in cr.fetchall()}
        sent = states.get("sent", (0, [], []))
        # what the gateway got, message by message: nothing lost, nothing twice
        expected = Counter(
            ("".join(ch for ch in number if ch.isdigit()), body)
            for number, body in zip(sent[1], sent[2], strict=True)
        )
        received = Counter((m["phone"], m["text"]) for m in fake.messages)
        others = {k: v[0] for k, v in states.items() if k != "sent"}
        if sent[0] != total or others or received != expected:
            raise AssertionError(
                f"{sent[0]} of {total} messages sent (others: {others}); the "
                f"gateway got {len(fake.messages)} SMS, {sum(received.values())} "
                f"distinct, {sum((received - expected).values())} unexpected, "
                f"{sum((expected - received).values())} missing"
            )
    finally:
        _clean(ctx)
        notify_purchase(ctx, False)
    ctx.figure("messages.count", total)
    ctx.figure("messages.queued_bulk", queued)
    ctx.figure("messages.handled", handled)
    ctx.figure("messages.received", len(fake.messages))
    ctx.figure("messages.requests", len(fake.requests))
    ctx.figure("messages.runs", runs)
    ctx.figure("messages.s", elapsed)
    ctx.figure("messages.rate", total / elapsed if elapsed else None)
    ctx.figure("messages.queries", queries)
    ctx.figure("messages.queries_per_message", queries / total if total else None)


def _clean(ctx):
    """Delete the messages, their SMS and the consents the benchmarks made."""
    if ctx.test:
        ctx.rollback()
        return
    cr = ctx.env.cr
    cr.rollback()
    cr.execute(
        "DELETE FROM sms_sms WHERE club_gateway_id = %s", [ctx.fx["sms_gateway_id"]]
    )
    cr.execute("DELETE FROM loyalty_club_message")
    cr.execute("DELETE FROM loyalty_club_consent WHERE wording = %s", [CONSENT_WORDING])
    cr.execute(
        "DELETE FROM ir_cron_trigger WHERE cron_id = %s", [ctx.env.ref(SEND_CRON).id]
    )
    ctx.commit()
    ctx.env.clear()
