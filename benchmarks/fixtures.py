"""What every benchmark stands on, made through the ORM: the club program with
tiers and a store and, where the POS addons are installed, three products, three
POS configurations with an open session each (plain POS, ours, Odoo's
pos_loyalty) and the pos_loyalty program of the comparison."""

from odoo import Command, fields

PRODUCTS = (("Bench coffee", 3.5), ("Bench sandwich", 7.25), ("Bench juice", 2.4))


def installed(env, module):
    return bool(
        env["ir.module.module"]
        .sudo()
        .search_count([("name", "=", module), ("state", "=", "installed")])
    )


def setup(env, seed=42):
    """Create the fixtures; return their ids (and what the generator needs)."""
    admin = env.ref("base.user_admin")
    company = admin.company_id
    env = env(user=admin, context=dict(env.context, tracking_disable=True), su=True)
    program = env["loyalty.club.program"].create(
        {
            "name": f"Bench club {seed}",
            "sequence": 0,
            "company_id": company.id,
            "earn_percent": 10,
            "burn_cap_percent": 30,
            "pending_days": 14,
            "expiry_days": 180,
            "welcome_bonus": 0,
            "card_prefix": "2995",
        }
    )
    env["loyalty.club.tier"].create(
        [
            {"name": "Silver", "program_id": program.id, "threshold": 300},
            {"name": "Gold", "program_id": program.id, "threshold": 1000},
        ]
    )
    store = env["loyalty.club.store"].create(
        {"name": f"Bench store {seed}", "code": f"B{seed}", "company_id": company.id}
    )
    fx = {
        "uid": admin.id,
        "company_id": company.id,
        "currency_id": program.currency_id.id,
        "program_id": program.id,
        "store_id": store.id,
        "wallet_type_id": program.wallet_type_id.id,
        "today": fields.Date.context_today(admin),
        "now": fields.Datetime.now(),
        "pos": installed(env, "point_of_sale"),
        "club_pos": installed(env, "loyalty_club_pos"),
        "pos_loyalty": installed(env, "pos_loyalty"),
    }
    if fx["pos"]:
        _pos(env, fx, program, store, seed)
    return fx


def _pos(env, fx, program, store, seed):
    company = env.company
    products = env["product.product"].create(
        [
            {
                "name": name,
                "list_price": price,
                "available_in_pos": True,
                "taxes_id": [Command.clear()],
                "type": "consu",
            }
            for name, price in PRODUCTS
        ]
    )
    fx["product_ids"] = products.ids
    fx["product_names"] = products.mapped("name")
    Config = env["pos.config"]
    configs = {"plain": Config.create({"name": f"Bench plain POS {seed}"})}
    card = env["pos.payment.method"].search(
        [("journal_id.type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    fx["card_pm_id"] = card.id
    if fx["club_pos"]:
        configs["club"] = Config.create({"name": f"Bench club POS {seed}"})
        bonus = env["pos.payment.method"]._club_ensure_bonus_method(company)
        configs["club"].write(
            {
                "club_program_id": program.id,
                "club_store_id": store.id,
                "payment_method_ids": [Command.link(bonus.id)],
            }
        )
        fx["bonus_pm_id"] = bonus.id
    if fx["pos_loyalty"]:
        configs["loyalty"] = Config.create({"name": f"Bench pos_loyalty {seed}"})
        fx["loyalty_program_id"] = _loyalty_program(env, configs["loyalty"], seed)
    for config in configs.values():
        if card not in config.payment_method_ids:
            config.payment_method_ids = [Command.link(card.id)]
    if "club" in configs:
        # past orders of members live in a closed session of the club's till
        history = env["pos.session"].create({"config_id": configs["club"].id})
        env.cr.execute(
            "UPDATE pos_session SET state = 'closed', start_at = %s, stop_at = %s "
            "WHERE id = %s",
            [fx["now"], fx["now"], history.id],
        )
        history.invalidate_recordset()
        fx["history_session_id"] = history.id
        fx["club_config_id"] = configs["club"].id
    fx["pricelist_id"] = configs["plain"].pricelist_id.id or None
    fx["configs"], fx["sessions"] = {}, {}
    for key, config in configs.items():
        config.open_ui()
        session = config.current_session_id
        session.set_opening_control(0, None)
        fx["configs"][key], fx["sessions"][key] = config.id, session.id


def _loyalty_program(env, config, seed):
    """A points program of Odoo's pos_loyalty: 1 point per unit of currency paid,
    spent as a discount; only the comparison's till offers it."""
    program = env["loyalty.program"].create(
        {
            "name": f"Bench pos_loyalty points {seed}",
            "program_type": "loyalty",
            "applies_on": "both",
            "trigger": "auto",
            "pos_ok": True,
            "pos_config_ids": [Command.set(config.ids)],
            "rule_ids": [
                Command.create(
                    {
                        "reward_point_mode": "money",
                        "reward_point_amount": 1,
                        "minimum_amount": 0,
                    }
                )
            ],
            "reward_ids": [
                Command.create(
                    {
                        "reward_type": "discount",
                        "discount": 1,
                        "discount_mode": "per_point",
                        "discount_applicability": "order",
                        "required_points": 1,
                    }
                )
            ],
        }
    )
    return program.id
