from odoo import _, api, fields, models

from ..selections import WALLET_KINDS


class LoyaltyClubRollforwardLine(models.TransientModel):
    _name = "loyalty.club.rollforward.line"
    _description = "Club Liability Roll-Forward Line"
    _order = "program_id, wallet_kind"

    report_id = fields.Many2one(
        "loyalty.club.liability.report", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="report_id.currency_id")
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    wallet_kind = fields.Selection(WALLET_KINDS, readonly=True)
    unit_name = fields.Char("Unit", compute="_compute_unit_name")
    opening = fields.Float("Opening (units)", digits=(16, 2), readonly=True)
    earned = fields.Float("Earned (units)", digits=(16, 2), readonly=True)
    spent = fields.Float("Spent (units)", digits=(16, 2), readonly=True)
    expired = fields.Float("Expired (units)", digits=(16, 2), readonly=True)
    adjusted = fields.Float("Adjusted (units)", digits=(16, 2), readonly=True)
    reversed = fields.Float("Reversed (units)", digits=(16, 2), readonly=True)
    closing = fields.Float("Closing (units)", digits=(16, 2), readonly=True)
    opening_money = fields.Monetary("Opening (money)", readonly=True)
    earned_money = fields.Monetary("Earned (money)", readonly=True)
    spent_money = fields.Monetary("Spent (money)", readonly=True)
    expired_money = fields.Monetary("Expired (money)", readonly=True)
    adjusted_money = fields.Monetary("Adjusted (money)", readonly=True)
    reversed_money = fields.Monetary("Reversed (money)", readonly=True)
    closing_money = fields.Monetary("Closing (money)", readonly=True)

    @api.depends("program_id", "wallet_kind")
    def _compute_unit_name(self):
        for line in self:
            line.unit_name = (
                line.currency_id.name
                if line.wallet_kind == "gift_card"
                else line.program_id.unit_name
            )

    @api.model
    def _bucket_labels(self):
        return {
            "opening": _("Opening"),
            "earned": _("Earned"),
            "spent": _("Spent"),
            "expired": _("Expired"),
            "adjusted": _("Adjusted"),
            "reversed": _("Reversed"),
            "closing": _("Closing"),
        }
