from odoo import fields, models


class LoyaltyClubReconciliationEntry(models.TransientModel):
    _name = "loyalty.club.reconciliation.entry"
    _description = "Club Liability Entry Not Made by the Club"
    _order = "date, id"

    line_id = fields.Many2one(
        "loyalty.club.reconciliation.line", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="line_id.currency_id")
    date = fields.Date(readonly=True)
    move_name = fields.Char("Entry", readonly=True)
    journal_name = fields.Char("Journal", readonly=True)
    ref = fields.Char("Reference", readonly=True)
    label = fields.Char(readonly=True)
    amount = fields.Monetary("Credit - Debit", readonly=True)
