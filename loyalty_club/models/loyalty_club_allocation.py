from odoo import _, fields, models
from odoo.exceptions import UserError


class LoyaltyClubAllocation(models.Model):
    """Which lots a debit took from (or a credit gave back to)."""

    _name = "loyalty.club.allocation"
    _description = "Club Lot Allocation"

    ledger_id = fields.Many2one(
        "loyalty.club.ledger", required=True, ondelete="restrict", index=True
    )
    lot_id = fields.Many2one(
        "loyalty.club.lot", required=True, ondelete="restrict", index=True
    )
    amount_minor = fields.Integer(required=True)

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(_("Ledger lines cannot be changed; record a reversal instead."))

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(_("Ledger lines cannot be deleted; record a reversal instead."))
