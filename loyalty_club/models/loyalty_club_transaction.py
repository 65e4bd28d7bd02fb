from odoo import fields, models

from ..selections import CHANNELS


class LoyaltyClubTransaction(models.Model):
    """A confirmed check (sale or refund) as the club saw it: the idempotency record."""

    _name = "loyalty.club.transaction"
    _description = "Club Check"
    _order = "date desc, id desc"
    _rec_name = "ref"

    ref = fields.Char(
        required=True, readonly=True, index=True, help="Order reference in its channel."
    )
    idempotency_key = fields.Char(required=True, readonly=True, copy=False)
    request_hash = fields.Char(readonly=True)
    kind = fields.Selection(
        [("sale", "Sale"), ("refund", "Refund")], required=True, readonly=True
    )
    refund_of_id = fields.Many2one(
        "loyalty.club.transaction", readonly=True, index="btree_not_null"
    )
    wallet_id = fields.Many2one(
        "loyalty.club.wallet", readonly=True, index="btree_not_null"
    )
    partner_id = fields.Many2one("res.partner", readonly=True, index="btree_not_null")
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    store_id = fields.Many2one("loyalty.club.store", readonly=True)
    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    entry_method = fields.Selection(
        [
            ("scan", "Scanned"),
            ("typed", "Typed by hand"),
            ("qr", "Virtual card (QR)"),
            ("phone", "Phone number"),
            ("api", "Other system"),
        ],
        readonly=True,
        index="btree_not_null",
        help="How the member was identified for this check: anti-fraud rules and "
        "the till's limits count cards typed by hand.",
    )
    date = fields.Datetime(required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", readonly=True, default=lambda self: self.env.uid
    )
    origin_model = fields.Char(readonly=True)
    origin_id = fields.Many2oneReference(model_field="origin_model", readonly=True)
    amount_minor = fields.Integer(
        readonly=True, help="Lines total, currency minor units."
    )
    paid_minor = fields.Integer(readonly=True, help="Paid other than with bonuses.")
    burn_minor = fields.Integer(readonly=True)
    burn_money_minor = fields.Integer(readonly=True)
    earn_minor = fields.Integer(readonly=True)
    refunded_minor = fields.Integer(readonly=True)
    reversed_earn_minor = fields.Integer(readonly=True)
    reversed_burn_minor = fields.Integer(readonly=True)
    amount = fields.Monetary(readonly=True)
    earned = fields.Float(digits=(16, 2), readonly=True)
    spent = fields.Float(digits=(16, 2), readonly=True)
    line_count = fields.Integer(readonly=True)
    needs_review = fields.Boolean(readonly=True, index=True)
    review_reason = fields.Char(readonly=True)
    response = fields.Json(readonly=True)
    ledger_ids = fields.One2many("loyalty.club.ledger", "transaction_id")

    _sql_constraints = [
        (
            "idempotency_key_uniq",
            "unique(idempotency_key)",
            "This check was already confirmed.",
        ),
    ]
