from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    club_fraud_reviewer_id = fields.Many2one(
        "res.users",
        "Anti-fraud reviewer",
        help="Club manager who gets an activity for each new anti-fraud case "
        "(by default the user who runs the analysis).",
    )
