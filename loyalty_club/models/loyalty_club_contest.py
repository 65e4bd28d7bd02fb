"""Contests: who buys the most of a category in a period, on a leaderboard.

The club's checks do not keep their lines, so a running contest records, when a
member's check is confirmed, the items of its category (``loyalty.club.contest.
entry``); the leaderboard is a SQL view over them, net of fully refunded checks.
A contest must therefore be started before its period's purchases.
"""

from odoo import _, fields, models, tools
from odoo.exceptions import UserError

METRICS = [
    ("qty", "Items bought"),
    ("checks", "Checks with the category"),
    ("amount", "Amount spent"),
]


class LoyaltyClubContest(models.Model):
    _name = "loyalty.club.contest"
    _description = "Club Contest"
    _inherit = ["mail.thread", "loyalty.club.reward.mixin"]
    _order = "date_to desc, id desc"

    name = fields.Char(required=True, translate=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("done", "Closed")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    categ_id = fields.Many2one(
        "product.category",
        "Product category",
        required=True,
        help="Its sub-categories count too.",
    )
    metric = fields.Selection(METRICS, required=True, default="qty")
    rank_ids = fields.One2many("loyalty.club.contest.rank", "contest_id", "Leaderboard")
    winner_ids = fields.One2many("loyalty.club.winner", "contest_id", readonly=True)

    def write(self, vals):
        rules = {"program_id", "date_from", "date_to", "categ_id", "metric"}
        if rules & set(vals) and self.filtered(lambda c: c.state != "draft"):
            raise UserError(_("The rules of a started contest cannot change."))
        return super().write(vals)

    def _check_manager(self):
        if not self.env.user.has_group("loyalty_club.group_club_manager"):
            raise UserError(_("Only club managers run contests."))

    def action_start(self):
        self._check_manager()
        if self.filtered(lambda c: c.state != "draft"):
            raise UserError(_("This contest has already started."))
        self.write({"state": "running"})
        return True

    def action_close(self):
        """After the period: the leaderboard's top members are the winners."""
        self._check_manager()
        for rec in self:
            if rec.state != "running":
                raise UserError(_("Only a running contest can be closed."))
            if rec._today() <= rec.date_to:
                raise UserError(_("The contest closes after its period."))
            self.env.flush_all()
            top = self.env["loyalty.club.contest.rank"].search(
                [("contest_id", "=", rec.id), ("position", "<=", rec.winner_count)]
            )
            self.env["loyalty.club.winner"].sudo().create(
                [
                    {
                        "contest_id": rec.id,
                        "rank": row.position,
                        "score": row.score,
                        "wallet_id": row.wallet_id.id,
                        "partner_id": row.partner_id.id,
                    }
                    for row in top
                ]
            )
            rec.write({"state": "done"})
            rec.message_post(
                body=_(
                    "Contest closed; winners: %(names)s.",
                    names=", ".join(top.partner_id.mapped("display_name")) or "-",
                )
            )
        return True

    def action_reward(self):
        for rec in self:
            if rec.state != "done":
                raise UserError(_("Reward the winners once the contest is closed."))
            rec._reward_winners()
        return True

    def _record(self, payload, txn, wallet, lines):
        """The check's items of each running contest's category."""
        if not wallet or not self:
            return
        service = self.env["loyalty.club.service"]
        Entry = self.env["loyalty.club.contest.entry"].sudo()
        for contest in self:
            qty = amount = 0
            for raw, line in zip(payload.get("lines") or [], lines, strict=True):
                product = service._promo_product(raw)
                path = product.categ_id.parent_path or ""
                if str(contest.categ_id.id) not in path.split("/"):
                    continue
                qty += service._promo_qty(raw.get("qty", 1))
                amount += line.amount
            if qty:
                Entry.create(
                    {
                        "contest_id": contest.id,
                        "transaction_id": txn.id,
                        "wallet_id": wallet.id,
                        "qty": qty,
                        "amount_minor": amount,
                    }
                )


class LoyaltyClubContestEntry(models.Model):
    _name = "loyalty.club.contest.entry"
    _description = "Club Contest Purchase"

    contest_id = fields.Many2one(
        "loyalty.club.contest", required=True, ondelete="cascade", index=True
    )
    transaction_id = fields.Many2one(
        "loyalty.club.transaction", required=True, ondelete="cascade"
    )
    wallet_id = fields.Many2one("loyalty.club.wallet", required=True)
    qty = fields.Integer(required=True)
    amount_minor = fields.Integer(required=True)


class LoyaltyClubContestRank(models.Model):
    """The leaderboard: one row per member and contest, best first."""

    _name = "loyalty.club.contest.rank"
    _description = "Club Contest Leaderboard"
    _auto = False
    _order = "contest_id, position"
    _depends = {
        "loyalty.club.contest.entry": [
            "contest_id",
            "transaction_id",
            "wallet_id",
            "qty",
            "amount_minor",
        ],
        "loyalty.club.transaction": ["date", "amount_minor", "refunded_minor"],
        "loyalty.club.contest": ["metric", "program_id"],
        "loyalty.club.wallet": ["partner_id"],
    }

    contest_id = fields.Many2one("loyalty.club.contest", readonly=True)
    position = fields.Integer(readonly=True)
    wallet_id = fields.Many2one("loyalty.club.wallet", readonly=True)
    partner_id = fields.Many2one("res.partner", "Member", readonly=True)
    qty = fields.Integer("Items", readonly=True)
    checks = fields.Integer(readonly=True)
    amount = fields.Float(digits=(16, 2), readonly=True)
    score = fields.Float(digits=(16, 2), readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # money back from minor units with the currency's decimals; ties go to
        # the member who reached the score first
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS
            WITH totals AS (
                SELECT e.contest_id, e.wallet_id,
                       SUM(e.qty) AS qty, COUNT(*) AS checks,
                       SUM(e.amount_minor) AS amount_minor,
                       MAX(t.date) AS last_at
                  FROM loyalty_club_contest_entry e
                  JOIN loyalty_club_transaction t ON t.id = e.transaction_id
                 WHERE COALESCE(t.refunded_minor, 0) < t.amount_minor
                 GROUP BY e.contest_id, e.wallet_id
            ), scored AS (
                SELECT totals.*, c.metric,
                       totals.amount_minor / POWER(10, cur.decimal_places)
                           AS amount
                  FROM totals
                  JOIN loyalty_club_contest c ON c.id = totals.contest_id
                  JOIN loyalty_club_program p ON p.id = c.program_id
                  JOIN res_currency cur ON cur.id = p.currency_id
            )
            SELECT ROW_NUMBER() OVER (ORDER BY s.contest_id, s.wallet_id) AS id,
                   s.contest_id, s.wallet_id,
                   w.partner_id, s.qty, s.checks, s.amount,
                   CASE s.metric WHEN 'qty' THEN s.qty
                                 WHEN 'checks' THEN s.checks
                                 ELSE s.amount END AS score,
                   ROW_NUMBER() OVER (
                       PARTITION BY s.contest_id
                       ORDER BY CASE s.metric WHEN 'qty' THEN s.qty
                                              WHEN 'checks' THEN s.checks
                                              ELSE s.amount END DESC,
                                s.last_at, s.wallet_id
                   ) AS position
              FROM scored s
              JOIN loyalty_club_wallet w ON w.id = s.wallet_id
            """
        )


class LoyaltyClubService(models.AbstractModel):
    _inherit = "loyalty.club.service"

    def _confirm_hook(self, payload, key, quote, txn, wallet, now, today):
        res = super()._confirm_hook(payload, key, quote, txn, wallet, now, today)
        if wallet and payload.get("lines"):
            contests = (
                self.env["loyalty.club.contest"]
                .sudo()
                .search(
                    [
                        ("state", "=", "running"),
                        ("program_id", "=", txn.program_id.id),
                        ("date_from", "<=", today),
                        ("date_to", ">=", today),
                    ]
                )
            )
            if contests:
                contests._record(
                    payload, txn, wallet, self._core_lines(payload, txn.program_id)
                )
        return res
