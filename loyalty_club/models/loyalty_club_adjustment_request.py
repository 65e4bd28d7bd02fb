"""A manual adjustment above the program's threshold waits for another club
manager: the request is approved or rejected by a manager who is not its
requester, and only the approval writes the ledger line."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class LoyaltyClubAdjustmentRequest(models.Model):
    _name = "loyalty.club.adjustment.request"
    _description = "Adjustment Waiting for Approval"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    wallet_id = fields.Many2one(
        "loyalty.club.wallet", required=True, readonly=True, ondelete="restrict"
    )
    partner_id = fields.Many2one(related="wallet_id.partner_id", store=True)
    program_id = fields.Many2one(related="wallet_id.program_id", store=True)
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    amount = fields.Float(
        digits=(16, 2), required=True, readonly=True, help="Credits > 0, debits < 0."
    )
    reason = fields.Char(required=True, readonly=True)
    requested_by_id = fields.Many2one(
        "res.users", required=True, readonly=True, default=lambda self: self.env.user
    )
    state = fields.Selection(
        [
            ("pending", "Waiting for approval"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="pending",
        required=True,
        readonly=True,
        tracking=True,
    )
    decided_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    decided_on = fields.Datetime(readonly=True)
    rejection_reason = fields.Char(readonly=True)
    ledger_id = fields.Many2one("loyalty.club.ledger", readonly=True)

    @api.depends("partner_id", "amount")
    def _compute_display_name(self):
        for request in self:
            request.display_name = self.env._(
                "%(member)s: %(amount)s",
                member=request.partner_id.name or "?",
                amount=request.amount,
            )

    @api.model
    def _request(self, wallet, amount_minor, reason):
        """Record the request and give every other club manager a to-do."""
        program = wallet.program_id
        request = self.sudo().create(
            {
                "wallet_id": wallet.id,
                "amount": float(program.from_minor(amount_minor)),
                "reason": reason,
                "requested_by_id": self.env.user.id,
            }
        )
        request.message_post(
            body=self.env._(
                "%(user)s asks to adjust %(member)s by %(amount)s %(unit)s: "
                "%(reason)s",
                user=self.env.user.name,
                member=wallet.partner_id.name or wallet.display_name,
                amount=request.amount,
                unit=program.unit_name or "",
                reason=reason,
            )
        )
        managers = self.env.ref("loyalty_club.group_club_manager").sudo().users
        for manager in (managers - self.env.user).filtered(
            lambda u: program.company_id in u.company_ids
        )[:20]:
            request.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=manager.id,
                summary=self.env._("Approve or reject an adjustment"),
                note=reason,
            )
        return request

    def _check_decider(self):
        self.ensure_one()
        user = self.env.user
        if not user.has_group("loyalty_club.group_club_manager"):
            raise AccessError(self.env._("Only a club manager may decide on this."))
        if user == self.requested_by_id:
            raise AccessError(
                self.env._(
                    "You asked for this adjustment: another club manager decides."
                )
            )
        if self.state != "pending":
            raise UserError(self.env._("This request was already decided."))

    def action_approve(self):
        """Write the ledger line (as the approving manager)."""
        for request in self:
            request._check_decider()
            wallet = request.wallet_id
            line = self.env["loyalty.club.service"].adjust(
                wallet,
                wallet.program_id.to_minor(request.amount),
                request.reason,
                key=f"adjust-request:{request.id}",
                approved_by=self.env.user,
                requested_by=request.requested_by_id,
            )
            request.sudo().write(
                {
                    "state": "approved",
                    "decided_by_id": self.env.uid,
                    "decided_on": fields.Datetime.now(),
                    "ledger_id": line.id,
                }
            )
            request.sudo().activity_ids.action_feedback(feedback=self.env._("Approved"))
        return True

    def action_reject(self, reason=None):
        for request in self:
            request._check_decider()
            request.sudo().write(
                {
                    "state": "rejected",
                    "decided_by_id": self.env.uid,
                    "decided_on": fields.Datetime.now(),
                    "rejection_reason": (reason or "")[:250] or False,
                }
            )
            request.sudo().activity_ids.action_feedback(feedback=self.env._("Rejected"))
            if reason:
                request.sudo().message_post(
                    body=self.env._("Rejected: %(reason)s", reason=reason)
                )
        return True
