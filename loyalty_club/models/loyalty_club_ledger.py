from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..selections import CHANNELS, LEDGER_KINDS


class LoyaltyClubLedger(models.Model):
    """One movement of a wallet. Append-only: never updated, never deleted."""

    _name = "loyalty.club.ledger"
    _description = "Club Ledger Line"
    _order = "date desc, id desc"
    _rec_name = "idempotency_key"

    # searched through the (wallet_id, date) index made in init()
    wallet_id = fields.Many2one(
        "loyalty.club.wallet", required=True, ondelete="restrict"
    )
    partner_id = fields.Many2one(
        "res.partner", readonly=True, index=True, ondelete="restrict"
    )
    program_id = fields.Many2one("loyalty.club.program", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="program_id.currency_id")
    kind = fields.Selection(LEDGER_KINDS, required=True, readonly=True)
    amount_minor = fields.Integer(
        required=True, readonly=True, help="Signed, in minor units."
    )
    amount = fields.Float(digits=(16, 2), readonly=True, aggregator="sum")
    money_minor = fields.Integer(
        readonly=True, help="Signed value in the company currency's minor units."
    )
    date = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now, index=True
    )
    store_id = fields.Many2one(
        "loyalty.club.store", readonly=True, index="btree_not_null"
    )
    channel = fields.Selection(
        CHANNELS, required=True, readonly=True, default="backoffice"
    )
    user_id = fields.Many2one(
        "res.users", readonly=True, default=lambda self: self.env.uid
    )
    transaction_id = fields.Many2one(
        "loyalty.club.transaction", readonly=True, index="btree_not_null"
    )
    reversed_id = fields.Many2one(
        "loyalty.club.ledger", readonly=True, string="Reverses"
    )
    idempotency_key = fields.Char(required=True, readonly=True, copy=False)
    reason = fields.Char(readonly=True)
    lot_id = fields.Many2one(
        "loyalty.club.lot", readonly=True, help="The lot a credit opened."
    )
    allocation_ids = fields.One2many(
        "loyalty.club.allocation", "ledger_id", readonly=True
    )

    _sql_constraints = [
        (
            "idempotency_key_uniq",
            "unique(idempotency_key)",
            "This movement was already recorded (same idempotency key).",
        ),
        (
            "amount_not_zero",
            "CHECK(amount_minor <> 0)",
            "A ledger line moves something.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS loyalty_club_ledger_wallet_date_idx "
            "ON loyalty_club_ledger (wallet_id, date)"
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("loyalty_club_service"):
            raise UserError(_("Ledger lines are written by the club services only."))
        return super().create(vals_list)

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(_("Ledger lines cannot be changed; record a reversal instead."))

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(_("Ledger lines cannot be deleted; record a reversal instead."))

    # ============================================ posting (journal entries)
    posting_ids = fields.One2many("loyalty.club.posting", "ledger_id", readonly=True)
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        compute="_compute_posting",
        search="_search_move_id",
    )
    posted = fields.Boolean(
        compute="_compute_posting",
        search="_search_posted",
        help="Carried by a club posting (a journal entry, or a POS session's).",
    )

    @api.depends("posting_ids.state", "posting_ids.move_id")
    def _compute_posting(self):
        for line in self:
            current = line.sudo().posting_ids.filtered(lambda p: p.state == "posted")
            line.posted = bool(current)
            line.move_id = current[:1].move_id

    def _posted_query(self):
        return (
            self.env["loyalty.club.posting"]
            .sudo()
            ._search([("state", "=", "posted")])
            .subselect("ledger_id")
        )

    def _search_posted(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Unsupported search on posted."))
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", self._posted_query())]

    def _search_move_id(self, operator, value):
        postings = (
            self.env["loyalty.club.posting"]
            .sudo()
            ._search([("state", "=", "posted"), ("move_id", operator, value)])
        )
        return [("id", "in", postings.subselect("ledger_id"))]
