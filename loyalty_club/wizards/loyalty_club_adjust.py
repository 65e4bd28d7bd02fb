from odoo import _, api, fields, models
from odoo.exceptions import UserError


class LoyaltyClubAdjust(models.TransientModel):
    _name = "loyalty.club.adjust"
    _description = "Manual Balance Adjustment"

    wallet_id = fields.Many2one("loyalty.club.wallet", required=True)
    amount = fields.Float(
        digits=(16, 2), required=True, help="Positive credits, negative debits."
    )
    reason = fields.Char(required=True)
    needs_approval = fields.Boolean(compute="_compute_needs_approval")

    @api.depends("wallet_id", "amount")
    def _compute_needs_approval(self):
        service = self.env["loyalty.club.service"]
        for wizard in self:
            program = wizard.wallet_id.program_id
            wizard.needs_approval = bool(program) and service._needs_approval(
                program, program.to_minor(wizard.amount)
            )

    def action_confirm(self):
        """Adjust now, or above the program's threshold send the request to the
        other club managers (and show it)."""
        self.ensure_one()
        minor = self.wallet_id.program_id.to_minor(self.amount)
        if not minor:
            raise UserError(_("An adjustment moves a non-zero amount."))
        done = self.env["loyalty.club.service"].request_adjustment(
            self.wallet_id, minor, self.reason
        )
        if done._name != "loyalty.club.adjustment.request":
            return {"type": "ir.actions.act_window_close"}
        return {
            "type": "ir.actions.act_window",
            "name": _("Adjustment waiting for approval"),
            "res_model": done._name,
            "res_id": done.id,
            "view_mode": "form",
        }
