"""The RFM segments (cells of the R x F grid) a member segment can select."""

from odoo import fields, models

from odoo.addons.loyalty_club_reports.models.loyalty_club_rfm import SEGMENT_SELECTION


class LoyaltyClubRfmCell(models.Model):
    _name = "loyalty.club.rfm.cell"
    _description = "Club RFM Segment"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(SEGMENT_SELECTION, required=True, readonly=True)
    sequence = fields.Integer(default=10)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Each RFM segment is listed once."),
    ]
