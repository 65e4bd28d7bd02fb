from odoo import api, fields, models
from odoo.exceptions import ValidationError


class LoyaltyClubProgram(models.Model):
    _inherit = "loyalty.club.program"

    nps_survey_id = fields.Many2one(
        "survey.survey",
        "NPS Survey",
        ondelete="set null",
        help="Sent to members after a purchase; its first 0-10 scale question is "
        "the score, its first text question the comment.",
    )
    notify_nps_sms = fields.Boolean(
        "NPS Survey by SMS", help="The survey's link goes by SMS (preferred)."
    )
    notify_nps_email = fields.Boolean(
        "NPS Survey by E-mail",
        help="The survey's link goes by e-mail when the program sends none by SMS.",
    )
    nps_delay_hours = fields.Integer(
        "Ask after (Hours)", default=2, help="Hours between the purchase and the ask."
    )
    nps_every_days = fields.Integer(
        "Ask a Member at Most Every (Days)",
        default=30,
        help="A member asked within this many days is not asked again (0: after "
        "every purchase).",
    )

    @api.constrains("nps_delay_hours", "nps_every_days")
    def _check_nps(self):
        for program in self:
            if program.nps_delay_hours < 0 or program.nps_every_days < 0:
                raise ValidationError(
                    self.env._(
                        "The delay and the interval of the NPS survey cannot be "
                        "negative."
                    )
                )
