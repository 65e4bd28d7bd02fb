"""Which journal entry carries which ledger line: the link that is never doubled.

The ledger stays append-only: it refuses ``write()``, so nothing is stored on its
lines. A line is posted when it has a ``loyalty.club.posting`` in state
``posted``; a partial unique index on ``ledger_id`` lets the database itself
refuse a second one, whatever two workers or two runs of the job do. A
correction reverses the entry (``account.move._reverse_moves``) and turns its
links to ``reversed``: the lines are pending again and the next run posts them
anew.
"""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..selections import POLICIES


class LoyaltyClubPosting(models.Model):
    _name = "loyalty.club.posting"
    _description = "Club Ledger Posting"
    _order = "id desc"
    _rec_name = "ledger_id"

    ledger_id = fields.Many2one(
        "loyalty.club.ledger", required=True, readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    store_id = fields.Many2one("loyalty.club.store", readonly=True)
    move_id = fields.Many2one(
        "account.move",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="Empty when the line books nothing here (settled by a POS session "
        "entry, a transfer between cards, a zero value).",
    )
    day = fields.Date(readonly=True, help="Business day of the ledger line.")
    date = fields.Date("Accounting Date", readonly=True)
    state = fields.Selection(
        [("posted", "Posted"), ("reversed", "Reversed")],
        required=True,
        readonly=True,
        default="posted",
    )
    policy = fields.Selection(POLICIES, readonly=True)
    value_minor = fields.Integer(
        readonly=True,
        help="Signed change of the liability this line carries, company currency "
        "minor units (the face value, or the IFRS 15 deferral).",
    )

    def init(self):
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS loyalty_club_posting_posted_uniq "
            "ON loyalty_club_posting (ledger_id) WHERE state = 'posted'"
        )

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")
        if not self.env.context.get("loyalty_club_posting"):
            raise UserError(_("Club postings are made by the posting job only."))
        return super().create(vals_list)

    def write(self, vals):
        self.check_access("write")
        if not self.env.context.get("loyalty_club_posting"):
            raise UserError(_("Club postings cannot be changed; reverse the entry."))
        return super().write(vals)

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(_("Club postings cannot be deleted; reverse the entry."))
