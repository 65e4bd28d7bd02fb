"""A program's frequency caps on marketing messages (campaigns and chains)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class LoyaltyClubProgram(models.Model):
    _inherit = "loyalty.club.program"

    cap_week_sms = fields.Integer(
        "Marketing SMS per Member a Week",
        default=2,
        help="Most campaign and chain SMS one member gets in seven days (what is "
        "already queued counts); 0: no cap.",
    )
    cap_week_email = fields.Integer(
        "Marketing E-mails per Member a Week",
        default=3,
        help="Most campaign and chain e-mails one member gets in seven days; "
        "0: no cap.",
    )
    cap_day = fields.Integer(
        "Marketing Messages a Day",
        help="Most campaign and chain messages of the program's company in one "
        "day (UTC), both channels; 0: no cap.",
    )

    @api.constrains("cap_week_sms", "cap_week_email", "cap_day")
    def _check_caps(self):
        for program in self:
            if min(program.cap_week_sms, program.cap_week_email, program.cap_day) < 0:
                raise ValidationError(
                    self.env._("A frequency cap is 0 (none) or more.")
                )

    def _week_caps(self):
        self.ensure_one()
        return {"sms": self.cap_week_sms, "email": self.cap_week_email}
