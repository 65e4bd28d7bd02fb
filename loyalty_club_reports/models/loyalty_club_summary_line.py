"""One figure of the club's summary: this period, the one before and the change."""

from odoo import fields, models


class LoyaltyClubSummaryLine(models.TransientModel):
    _name = "loyalty.club.summary.line"
    _description = "Club Summary Figure"
    _order = "sequence"

    summary_id = fields.Many2one(
        "loyalty.club.summary", required=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    key = fields.Char(readonly=True)
    name = fields.Char("Figure", readonly=True)
    section = fields.Selection(
        [("base", "Summary"), ("effect", "Program effectiveness")], readonly=True
    )
    is_share = fields.Boolean(readonly=True)
    value = fields.Float("Period", readonly=True)
    previous = fields.Float("Previous Period", readonly=True)
    change = fields.Float("Change (%)", readonly=True)
