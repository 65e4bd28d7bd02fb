"""What draws and contests share: a period, a reward and winners paid once."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import edge

REWARD_KINDS = [("bonus", "Bonuses"), ("prize", "Prize")]


class LoyaltyClubRewardMixin(models.AbstractModel):
    """Winners of draws and contests, paid once through the service."""

    _name = "loyalty.club.reward.mixin"
    _description = "Club Prize Rewards"

    program_id = fields.Many2one(
        "loyalty.club.program", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(
        related="program_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="program_id.currency_id")
    date_from = fields.Date(
        required=True, help="Whole days in the company's time zone (UTC if unset)."
    )
    date_to = fields.Date(required=True)
    winner_count = fields.Integer("Winners", required=True, default=1)
    reward_kind = fields.Selection(REWARD_KINDS, required=True, default="bonus")
    reward_bonus = fields.Float(
        "Bonuses per winner", digits=(16, 2), help="Credited as a gift bonus."
    )
    prize = fields.Char(translate=True, help="What a winner receives.")
    rewarded_on = fields.Datetime(readonly=True, copy=False)

    @api.constrains("date_from", "date_to", "winner_count", "reward_bonus")
    def _check_rules(self):
        for rec in self:
            if rec.date_to < rec.date_from:
                raise ValidationError(_("The period ends before it starts."))
            if rec.winner_count < 1:
                raise ValidationError(_("There is at least one winner."))
            if rec.reward_kind == "bonus" and rec.reward_bonus <= 0:
                raise ValidationError(
                    _("Winners of bonuses receive a positive amount.")
                )

    def _today(self):
        return edge.club_today(self)

    def _reward_key(self, winner):
        return f"{self._name}:{self.id}:{winner.wallet_id.id}"

    def _reward_winners(self):
        """Credit every winner once; a second call (or click) pays nothing."""
        self.ensure_one()
        if not self.env.user.has_group("loyalty_club.group_club_manager"):
            raise UserError(_("Only club managers reward winners."))
        amount = self.program_id.to_minor(self.reward_bonus)
        today = self._today()
        for winner in self.winner_ids.filtered(lambda w: not w.rewarded):
            vals = {"rewarded": True}
            if self.reward_kind == "bonus":
                key = self._reward_key(winner)
                line = winner.wallet_id._gift_once(
                    key,
                    amount,
                    _("Prize: %(name)s", name=self.display_name),
                    today=today,
                )
                if not line:
                    line = (
                        self.env["loyalty.club.ledger"]
                        .sudo()
                        .search([("idempotency_key", "=", key)], limit=1)
                    )
                winner.wallet_id._refresh_balances(today)
                vals["ledger_id"] = line.id
            winner.sudo().write(vals)
        self.sudo().write({"rewarded_on": fields.Datetime.now()})
