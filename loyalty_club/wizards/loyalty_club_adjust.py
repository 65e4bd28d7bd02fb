from odoo import _, fields, models
from odoo.exceptions import UserError


class LoyaltyClubAdjust(models.TransientModel):
    _name = "loyalty.club.adjust"
    _description = "Manual Balance Adjustment"

    wallet_id = fields.Many2one("loyalty.club.wallet", required=True)
    amount = fields.Float(
        digits=(16, 2), required=True, help="Positive credits, negative debits."
    )
    reason = fields.Char(required=True)
    approver_id = fields.Many2one(
        "res.users",
        string="Approved by",
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("loyalty_club.group_club_manager").id)
        ],
        help="A second manager, needed above the program's approval threshold.",
    )

    def action_confirm(self):
        self.ensure_one()
        minor = self.wallet_id.program_id.to_minor(self.amount)
        if not minor:
            raise UserError(_("An adjustment moves a non-zero amount."))
        self.env["loyalty.club.service"].adjust(
            self.wallet_id, minor, self.reason, approved_by=self.approver_id or None
        )
        return {"type": "ir.actions.act_window_close"}
