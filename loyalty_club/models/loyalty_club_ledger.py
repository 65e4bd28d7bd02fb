from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..domain import money
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
    unit_name = fields.Char(
        "Unit", related="wallet_id.unit_name", help="What the wallet counts."
    )
    balance_after = fields.Float(
        digits=(16, 2),
        compute="_compute_balance_after",
        help="The wallet's ledger total once this line is counted (lines in date "
        "order), pending bonuses included.",
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

    def _compute_balance_after(self):
        """One window over the shown lines' wallets, up to the newest shown line
        of each: cheap for a page of lines, whatever the ledger's size."""
        balances = {}
        ids = [line_id for line_id in self.ids if line_id]
        if ids:
            self.env["loyalty.club.ledger"].flush_model(
                ["wallet_id", "date", "amount_minor"]
            )
            self.env.cr.execute(
                """
                WITH shown AS (
                    SELECT wallet_id, max(date) AS until
                      FROM loyalty_club_ledger WHERE id = ANY(%(ids)s)
                     GROUP BY wallet_id
                )
                SELECT id, total FROM (
                    SELECT l.id, (sum(l.amount_minor) OVER (
                               PARTITION BY l.wallet_id ORDER BY l.date, l.id
                           ))::bigint AS total
                      FROM loyalty_club_ledger l
                      JOIN shown s ON s.wallet_id = l.wallet_id AND l.date <= s.until
                ) running
                 WHERE id = ANY(%(ids)s)
                """,
                {"ids": ids},
            )
            balances = dict(self.env.cr.fetchall())
        for line in self:
            minor = balances.get(line.id)
            line.balance_after = (
                float(money.from_minor(minor, line.wallet_id.sudo()._unit_digits()))
                if minor is not None
                else 0.0
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
