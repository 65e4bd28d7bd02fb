from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    club_fraud_reviewer_id = fields.Many2one(
        "res.users",
        "Anti-fraud reviewer",
        help="Club manager who gets an activity for each new anti-fraud case "
        "(by default the user who runs the analysis).",
    )
    club_sms_cost = fields.Monetary(
        "Cost of an SMS to a Member",
        currency_field="currency_id",
        help="Counted in the program economics for each SMS sent to a member that "
        "its gateway did not price (Odoo's IAP, a gateway without a price).",
    )
    club_email_cost = fields.Monetary(
        "Cost of an E-mail to a Member",
        currency_field="currency_id",
        help="Counted in the program economics for each e-mail sent to a member.",
    )

    @api.constrains("club_sms_cost", "club_email_cost")
    def _check_club_message_costs(self):
        for company in self:
            if company.club_sms_cost < 0 or company.club_email_cost < 0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: a message cannot cost less than nothing.",
                        company=company.name,
                    )
                )
