from odoo import _, api, fields, models
from odoo.exceptions import UserError

CASE_STATES = [
    ("new", "New"),
    ("review", "In review"),
    ("confirmed", "Confirmed fraud"),
    ("dismissed", "Dismissed"),
]


class LoyaltyClubFraudCase(models.Model):
    _name = "loyalty.club.fraud.case"
    _description = "Club Anti-fraud Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_to desc, score desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    user_id = fields.Many2one("res.users", "Cashier", readonly=True, index=True)
    store_id = fields.Many2one("loyalty.club.store", readonly=True)
    date_from = fields.Date(required=True, readonly=True)
    date_to = fields.Date(required=True, readonly=True)
    score = fields.Integer(readonly=True, tracking=True)
    state = fields.Selection(
        CASE_STATES, default="new", required=True, tracking=True, index=True
    )
    reviewer_id = fields.Many2one("res.users", tracking=True)
    outcome = fields.Text("Outcome notes")
    signal_ids = fields.One2many("loyalty.club.fraud.signal", "case_id", readonly=True)

    _sql_constraints = [
        (
            "period_uniq",
            "unique(company_id, user_id, store_id, date_from, date_to)",
            "There is already a case for this cashier, store and period.",
        ),
    ]

    @api.depends("user_id", "store_id", "date_from", "date_to")
    def _compute_name(self):
        for case in self:
            case.name = _(
                "%(cashier)s, %(store)s, %(start)s - %(end)s",
                cashier=case.user_id.name or "-",
                store=case.store_id.name or "-",
                start=case.date_from,
                end=case.date_to,
            )

    def action_review(self):
        self.write({"state": "review", "reviewer_id": self.env.uid})

    def action_confirm(self):
        self._check_outcome()
        self.write({"state": "confirmed", "reviewer_id": self.env.uid})
        self.activity_feedback(["mail.mail_activity_data_todo"])

    def action_dismiss(self):
        self._check_outcome()
        self.write({"state": "dismissed", "reviewer_id": self.env.uid})
        self.activity_feedback(["mail.mail_activity_data_todo"])

    def _check_outcome(self):
        for case in self:
            if not (case.outcome or "").strip():
                raise UserError(
                    _("Write the outcome notes before closing case %s.", case.name)
                )
