from odoo import fields, models


class LoyaltyClubApiKeySecret(models.TransientModel):
    """Shows a new secret once; opened unsaved, so the secret is never stored."""

    _name = "loyalty.club.api.key.secret"
    _description = "Club API Key Secret"

    key_id = fields.Many2one("loyalty.club.api.key", readonly=True)
    secret = fields.Char(readonly=True)
