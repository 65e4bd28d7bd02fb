from odoo import fields, models


class LoyaltyClubConsent(models.Model):
    _inherit = "loyalty.club.consent"

    source = fields.Selection(
        selection_add=[("sms_reply", "SMS reply (STOP)")],
        ondelete={"sms_reply": "set default"},
    )
