from odoo import fields, models

from ..selections import CONSENT_CHANNELS, CONSENT_SOURCES


class LoyaltyClubConsent(models.Model):
    """Consent history: every change is a new row; the newest row per channel rules."""

    _name = "loyalty.club.consent"
    _description = "Member Consent"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True
    )
    channel = fields.Selection(CONSENT_CHANNELS, required=True)
    granted = fields.Boolean()
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    source = fields.Selection(CONSENT_SOURCES, required=True, default="backoffice")
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, required=True
    )
    wording = fields.Char(help="The text the member agreed to.")
