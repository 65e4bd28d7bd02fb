from odoo import fields, models
from odoo.exceptions import UserError

from .. import edge
from ..domain import errors as core_errors
from ..domain import ledger as core_ledger
from ..domain import money
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
    # the program's limits this check met (see loyalty.club.program)
    limit_notes = fields.Char(
        string="Limits Exceeded",
        readonly=True,
        help="The program limits this check went over (warned or overridden).",
    )
    override_user_id = fields.Many2one(
        "res.users",
        string="Overridden by (User)",
        readonly=True,
        index="btree_not_null",
    )
    override_by = fields.Char(
        string="Overridden by",
        readonly=True,
        help="The manager who let the check go over a blocking limit.",
    )
    override_reason = fields.Char(readonly=True)
    ledger_ids = fields.One2many("loyalty.club.ledger", "transaction_id")

    _sql_constraints = [
        (
            "idempotency_key_uniq",
            "unique(idempotency_key)",
            "This check was already confirmed.",
        ),
    ]

    # ================================================================ refunds
    def _ledger_refs(self):
        """What every ledger line of this check carries."""
        return {
            "transaction_id": self.id,
            "store_id": self.store_id.id,
            "channel": self.channel,
        }

    def _refund_shares(self, refund_now):
        """(earn, burn, burn money) a refund of ``refund_now`` of this sale takes
        back: cumulative and exact (the core's ``reversal_amount``)."""
        self.ensure_one()
        program = self.program_id
        left = self.amount_minor - self.refunded_minor
        if refund_now <= 0:
            raise UserError(self.env._("A refund amount must be positive."))
        if refund_now > left:
            raise UserError(
                self.env._(
                    "Only %(left)s of this check is left to refund.",
                    left=program.money_from_minor(left),
                )
            )
        shares = []
        try:
            for total, reversed_before in (
                (self.earn_minor, self.reversed_earn_minor),
                (self.burn_minor, self.reversed_burn_minor),
            ):
                shares.append(
                    core_ledger.reversal_amount(
                        total,
                        self.amount_minor,
                        self.refunded_minor,
                        refund_now,
                        reversed_before,
                    )
                )
        except core_errors.DomainError as exc:
            edge.raise_core(self.env, exc, program)
        earn_back, burn_back = shares
        burn_money_back = 0
        if self.burn_minor:
            weights = [burn_back, self.burn_minor - burn_back]
            burn_money_back = money.allocate(self.burn_money_minor, weights)[0]
        return earn_back, burn_back, burn_money_back

    def _take_back_earn(self, refund, amount, key, today):
        """Debit what this sale earned (its own lot first); return what was gone
        already (the refund is flagged for review)."""
        self.ensure_one()
        if not amount:
            return 0
        wallet = self.wallet_id
        earn_lines = self.ledger_ids.filtered(lambda ln: ln.kind == "earn")
        allocations, shortfall = core_ledger.allocate_debit_partial(
            wallet._core_lots()[1],
            amount,
            today,
            prefer_keys=earn_lines.lot_id.ids,
            include_pending=True,
        )
        if allocations:
            wallet._debit(
                "reversal",
                allocations,
                f"{key}:earn",
                refund.date,
                reversed_id=earn_lines[:1].id,
                **refund._ledger_refs(),
            )
        if shortfall:
            refund.write(
                {
                    "needs_review": True,
                    "review_reason": self.env._(
                        "%(amount)s earned on this check was already spent.",
                        amount=self.program_id.from_minor(shortfall),
                    ),
                }
            )
        return shortfall

    def _give_back_burn(self, refund, amount, key, today):
        """Credit spent bonuses back, expiring when the lots they came from would."""
        self.ensure_one()
        if not amount:
            return
        burn_lines = self.ledger_ids.filtered(lambda ln: ln.kind == "burn")
        expiries = [
            a.lot_id.expires_on
            for a in burn_lines.allocation_ids
            if a.lot_id.expires_on
        ]
        self.wallet_id._credit(
            "reversal",
            amount,
            f"{key}:burn",
            refund.date,
            today,
            pending_days=0,
            expires_on=max(expiries) if expiries else None,
            reversed_id=burn_lines[:1].id,
            **refund._ledger_refs(),
        )
