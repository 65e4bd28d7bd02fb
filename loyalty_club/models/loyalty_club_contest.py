"""Contests: who buys the most of a category in a period, on a leaderboard.

The club's checks do not keep their lines, so a running contest records, when a
member's check is confirmed, the items of its category (``loyalty.club.contest.
entry``); the leaderboard is a SQL view over them, net of fully refunded checks.
A contest must therefore be started before its period's purchases.
"""

from odoo import _, api, fields, models
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

    @api.model
    def _record_sale(self, payload, txn, wallet, today):
        """The sale's items of each running contest's category (the service's
        effects of a booked sale)."""
        contests = self.sudo().search(
            [
                ("state", "=", "running"),
                ("program_id", "=", txn.program_id.id),
                ("date_from", "<=", today),
                ("date_to", ">=", today),
            ]
        )
        if not wallet or not contests:
            return
        engine = self.env["loyalty.club.promotion.engine"]
        lines = self.env["loyalty.club.service"]._core_lines(payload, txn.program_id)
        Entry = self.env["loyalty.club.contest.entry"].sudo()
        for contest in contests:
            qty = amount = 0
            for raw, line in zip(payload.get("lines") or [], lines, strict=True):
                product = engine._promo_product(raw)
                path = product.categ_id.parent_path or ""
                if str(contest.categ_id.id) not in path.split("/"):
                    continue
                qty += engine._promo_qty(raw.get("qty", 1))
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
