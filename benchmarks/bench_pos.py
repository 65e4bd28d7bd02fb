"""POS session opening and order sync: plain POS, ours (with the members'
purchase SMS off, and on) and Odoo's pos_loyalty.

Both are measured on the server, in process, as the POS's RPCs run them: one
call is one request (its own transaction), the JSON is encoded as Odoo's
``/web/dataset/call_kw`` answer would be.
"""

import json
import uuid
from functools import partial

from . import bench_messages
from .report import percentile, summarize


def _json_size(data):
    from odoo.tools import json_default  # noqa: PLC0415

    return len(json.dumps(data, ensure_ascii=False, default=json_default).encode())


def _load(session):
    return _json_size(session.load_data([]))


def _partners_read(config):
    """Odoo's POS read of the contacts a till loads, with the fields its loader
    sends (computed ones included); the number read."""
    partners = config.env["res.partner"]
    ids = [row[0] for row in config.get_limited_partners_loading()]
    partners.browse(ids).read(partners._load_pos_data_fields(config.id), load=False)
    return len(ids)


def session_open(ctx, level):
    """pos.session.load_data of every till, with ``level`` members in the DB.

    The tills take turns (one warm-up round, then the measured rounds) so that
    caches and background noise fall on all of them alike; a till whose load
    outlasts two minutes stops repeating."""
    fx, env = ctx.fx, ctx.admin_env
    sessions = {
        variant: env["pos.session"].browse(session_id)
        for variant, session_id in fx.get("sessions", {}).items()
    }
    samples = {variant: [] for variant in sessions}
    spent = dict.fromkeys(sessions, 0.0)
    for round_ in range(1 + max(1, ctx.scale.session_repeats)):
        for variant, session in sessions.items():
            if round_ > 1 and spent[variant] > 120:
                continue
            elapsed, q, size = ctx.call(partial(_load, session))
            spent[variant] += elapsed
            if round_:
                samples[variant].append((elapsed, size, q))
    for variant, rows in samples.items():
        key = f"session.{variant}.{level}"
        ctx.figure(f"{key}.s", percentile([r[0] for r in rows], 50))
        ctx.figure(f"{key}.bytes", max(r[1] for r in rows))
        ctx.figure(f"{key}.queries", max(r[2] for r in rows))
    if sessions:
        # Odoo's own query behind the 100 partners a till loads, for the "why"
        for variant, suffix in (("plain", ""), ("club", "_club")):
            if variant not in fx["configs"]:
                continue
            config = env["pos.config"].browse(fx["configs"][variant])
            times = [
                ctx.call(config.get_limited_partners_loading)[0] for _n in range(3)
            ]
            ctx.figure(
                f"session.partners_query{suffix}.{level}.s", percentile(times, 50)
            )
        if "club" in fx["configs"]:
            config = env["pos.config"].browse(fx["configs"]["club"])
            reads = [ctx.call(partial(_partners_read, config)) for _n in range(3)]
            ctx.figure(
                f"session.partners_read.{level}.s",
                percentile([r[0] for r in reads], 50),
            )
            ctx.figure(f"session.partners_read.{level}.count", reads[0][2])


def _order(ctx, variant, partner_id, n, bonus=0.0):
    from odoo import fields  # noqa: PLC0415

    fx, env = ctx.fx, ctx.admin_env
    products = env["product.product"].browse(fx["product_ids"])
    lines, total = [], 0.0
    for product in products:
        price = product.lst_price
        total += price
        lines.append(
            [
                0,
                0,
                {
                    "product_id": product.id,
                    "qty": 1,
                    "price_unit": price,
                    "price_subtotal": price,
                    "price_subtotal_incl": price,
                    "discount": 0,
                    "tax_ids": [[6, 0, []]],
                    "pack_lot_ids": [],
                    "full_product_name": product.name,
                    "uuid": str(uuid.uuid4()),
                },
            ]
        )
    now = fields.Datetime.to_string(fields.Datetime.now())
    payments = [
        [
            0,
            0,
            {
                "amount": total - bonus,
                "name": now,
                "payment_method_id": fx["card_pm_id"],
            },
        ]
    ]
    if bonus:
        payments.insert(
            0,
            [
                0,
                0,
                {"amount": bonus, "name": now, "payment_method_id": fx["bonus_pm_id"]},
            ],
        )
    order_uuid = str(uuid.uuid4())
    config = "club" if variant.startswith("club") else variant
    return {
        "amount_paid": total,
        "amount_return": 0,
        "amount_tax": 0,
        "amount_total": total,
        "date_order": now,
        "fiscal_position_id": False,
        "pricelist_id": fx["pricelist_id"] or False,
        "name": f"Order {order_uuid}",
        "last_order_preparation_change": "{}",
        "lines": lines,
        "partner_id": partner_id,
        "session_id": fx["sessions"][config],
        "sequence_number": n + 1,
        "payment_ids": payments,
        "uuid": order_uuid,
        "user_id": fx["uid"],
        "to_invoice": False,
        "state": "paid",
    }, total


def _sync(env, data):
    result = env["pos.order"].sync_from_ui([data])
    return env["pos.order"].browse(result["pos.order"][0]["id"])


def _loyalty_confirm(env, order_id, card, points):
    """What pos_loyalty's payment screen sends after the sync: the points the
    order earned on the member's card, then the history line."""
    order = env["pos.order"].browse(order_id)
    coupon = {
        card.id: {
            "points": points,
            "program_id": card.program_id.id,
            "coupon_id": card.id,
            "barcode": False,
            "partner_id": card.partner_id.id,
        }
    }
    return order.confirm_coupon_programs(coupon)


def _loyalty_history(env, order_id, card, points):
    order = env["pos.order"].browse(order_id)
    won = [{"order_id": order_id, "card_id": card.id, "spent": 0, "won": points}]
    order.add_loyalty_history_lines(won, [{"id": card.id, "old_id": card.id}])


def _one_order(ctx, variant, row, n):
    """Sync one order as ``variant``'s till does; (seconds, queries)."""
    fx, env = ctx.fx, ctx.admin_env
    pid, wid, code, _mobile, avail = row
    bonus = 1.0 if variant == "club_bonus" and avail >= 100 else 0.0
    data, total = _order(ctx, variant, pid, n, bonus)
    if variant.startswith("club"):
        data.update(club_wallet_id=wid, club_identifier=code or "")
    if variant == "club_sms":
        bench_messages.notify_purchase(ctx, True)
    elapsed, q, order = ctx.call(partial(_sync, env, data), write=True)
    if variant.startswith("club") and not order.club_transaction_id:
        raise AssertionError(f"the club did not apply to {order.name}")
    if variant == "club_sms":
        bench_messages.notify_purchase(ctx, False)
        if bench_messages.queued_for(ctx, order.club_transaction_id.id) != 1:
            raise AssertionError(f"no purchase SMS queued for {order.name}")
    if variant == "loyalty":
        card = env["loyalty.card"].search(
            [("partner_id", "=", pid), ("program_id", "=", fx["loyalty_program_id"])],
            limit=1,
        )
        for step in (_loyalty_confirm, _loyalty_history):
            more, q2, _r = ctx.call(
                partial(step, env, order.id, card, total), write=True
            )
            elapsed, q = elapsed + more, q + q2
    return elapsed, q


def order_sync(ctx):
    """The same 3-line order of a member, synced as each till would; the tills
    take turns, after one warm-up round."""
    variants = [v for v in ("plain", "club", "loyalty") if v in ctx.fx["sessions"]]
    if "club" in variants and ctx.fx.get("bonus_pm_id"):
        variants.insert(2, "club_bonus")
    if "club" in variants and ctx.sms is not None:
        # the club's till again, the program sending the purchase SMS
        variants.insert(2, "club_sms")
    rounds = ctx.scale.sync_orders + 1
    rows = ctx.members(rounds * len(variants))
    if "club_sms" in variants:
        at = variants.index("club_sms")
        bench_messages.grant_sms(ctx, [row[0] for row in rows[at :: len(variants)]])
        ctx.commit()
    samples = {variant: [] for variant in variants}
    for n in range(rounds):
        for index, variant in enumerate(variants):
            measure = _one_order(ctx, variant, rows[n * len(variants) + index], n)
            if n:
                samples[variant].append(measure)
    for variant, rows_ in samples.items():
        times = [t for t, _q in rows_]
        summarize(times, f"sync.{variant}", ctx.figures)
        ctx.figure(f"sync.{variant}.queries", sum(q for _t, q in rows_) / len(rows_))
        ctx.figure(f"sync.{variant}.rate", len(times) / sum(times))
