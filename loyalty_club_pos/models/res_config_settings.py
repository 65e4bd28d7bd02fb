from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pos_club_program_id = fields.Many2one(
        related="pos_config_id.club_program_id", readonly=False
    )
    pos_club_store_id = fields.Many2one(
        related="pos_config_id.club_store_id", readonly=False
    )
    pos_club_consent_wording = fields.Text(
        related="pos_config_id.club_consent_wording", readonly=False
    )
