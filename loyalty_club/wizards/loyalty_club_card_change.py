from odoo import fields, models
from odoo.exceptions import UserError

ACTIONS = [
    ("replace", "Replace (lost or damaged)"),
    ("block", "Block"),
    ("lost", "Mark lost"),
    ("unblock", "Unblock"),
]


class LoyaltyClubCardChange(models.TransientModel):
    """Replace, block or unblock a member's card, with the reason in its chatter."""

    _name = "loyalty.club.card.change"
    _description = "Change of a Member's Card"

    card_id = fields.Many2one("loyalty.club.card", required=True, readonly=True)
    partner_id = fields.Many2one(related="card_id.partner_id")
    card_state = fields.Selection(related="card_id.state")
    action = fields.Selection(ACTIONS, required=True, default="replace")
    reason = fields.Char(required=True)
    new_card_code = fields.Char(
        string="New Card",
        help="The number of a card from stock; empty: a new virtual card.",
    )

    def action_confirm(self):
        self.ensure_one()
        service = self.env["loyalty.club.service"]
        if not self.card_id.partner_id:
            raise UserError(self.env._("Only a member's card can be changed here."))
        if self.action == "replace":
            service.replace_card(
                self.card_id.partner_id.id,
                self.card_id.code,
                self.new_card_code or None,
                self.reason,
            )
        else:
            service.set_card_state(
                self.card_id.partner_id.id, self.card_id.code, self.action, self.reason
            )
        return {"type": "ir.actions.act_window_close"}
