"""Journal entries of the club's posting job: their ledger lines, their day and
store, the IFRS 15 remeasurement they book, and their correction by reversal."""

from odoo import _, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    loyalty_club_posting_ids = fields.One2many(
        "loyalty.club.posting", "move_id", string="Club Ledger Postings", readonly=True
    )
    loyalty_club_store_id = fields.Many2one(
        "loyalty.club.store", string="Club Store", readonly=True, index="btree_not_null"
    )
    loyalty_club_day = fields.Date(
        "Club Day",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Set on the entries the club posting job makes: the business day of "
        "the ledger lines they carry.",
    )
    loyalty_club_line_count = fields.Integer(compute="_compute_loyalty_club_count")
    loyalty_club_remeasure_minor = fields.Integer(
        "Club Remeasurement",
        readonly=True,
        copy=False,
        help="IFRS 15 catch-up of the contract liability this entry books, company "
        "currency minor units.",
    )

    def _compute_loyalty_club_count(self):
        for move in self:
            move.loyalty_club_line_count = len(move.sudo().loyalty_club_posting_ids)

    def button_draft(self):
        if any(move.loyalty_club_day for move in self):
            raise UserError(
                _(
                    "A club posting entry is corrected by its reversal "
                    "(Reverse club posting), not by a reset to draft."
                )
            )
        return super().button_draft()

    def action_loyalty_club_reverse(self):
        """Correct club entries by their reversal (``_reverse_moves``): their
        links turn to ``reversed`` and the next run posts the lines again."""
        job = self.env["loyalty.club.accounting"]
        job._check_rights()
        moves = self.sudo().filtered(
            lambda m: m.loyalty_club_day and m.state == "posted"
        )
        if not moves:
            raise UserError(_("Select posted club entries to reverse."))
        defaults = []
        for move in moves:
            date = job._accounting_date(
                move.company_id, move.journal_id, fields.Date.context_today(self)
            )[0]
            defaults.append(
                {
                    "date": date,
                    "ref": _("Reversal of %(move)s", move=move.name),
                    "loyalty_club_day": move.loyalty_club_day,
                    "loyalty_club_store_id": move.loyalty_club_store_id.id,
                }
            )
        reversals = moves._reverse_moves(defaults, cancel=True)
        postings = moves.loyalty_club_posting_ids.filtered(
            lambda p: p.state == "posted"
        )
        postings.with_context(loyalty_club_posting=True).write({"state": "reversed"})
        job._reopen_frontier(postings)
        return {
            "type": "ir.actions.act_window",
            "name": _("Reversals"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", reversals.ids)],
        }

    def action_loyalty_club_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Club Ledger Lines"),
            "res_model": "loyalty.club.ledger",
            "view_mode": "list,form",
            "domain": [
                ("id", "in", self.sudo().loyalty_club_posting_ids.ledger_id.ids)
            ],
        }
