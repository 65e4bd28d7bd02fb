"""Limits of a program: how often a card may earn, how many cards a cashier may type.

Each limit has a mode: ``warn`` (the channel shows a message, the action goes
on and the check notes the limit) or ``block`` (the service refuses unless a
manager overrode it; the override is recorded on the check: who and why).
The service counts and decides (``loyalty_club_service_limits``); the channels
(the till) only show what it says.
"""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..selections import LIMIT_MODES


class LoyaltyClubProgram(models.Model):
    _inherit = "loyalty.club.program"

    limit_accruals_per_day = fields.Integer(
        string="Accruals per Card per Day",
        help="Most checks a member's card may earn on in one day (0: no limit).",
    )
    limit_accruals_mode = fields.Selection(
        LIMIT_MODES,
        string="When a Card Earns Too Often",
        default="warn",
        required=True,
    )
    limit_typed_per_shift = fields.Integer(
        string="Cards Typed by Hand per Cashier per Shift",
        help="Most different cards one cashier may type by hand in one POS session "
        "(0: no limit). Scanned cards, QR codes and phones are not counted.",
    )
    limit_typed_mode = fields.Selection(
        LIMIT_MODES,
        string="When a Cashier Types Too Many Cards",
        default="warn",
        required=True,
    )

    @api.constrains("limit_accruals_per_day", "limit_typed_per_shift")
    def _check_limits(self):
        for program in self:
            if program.limit_accruals_per_day < 0 or program.limit_typed_per_shift < 0:
                raise ValidationError(_("A limit cannot be negative (0: no limit)."))


class LoyaltyClubTransaction(models.Model):
    _inherit = "loyalty.club.transaction"

    limit_notes = fields.Char(
        string="Limits Exceeded",
        readonly=True,
        help="The program limits this check went over (warned or overridden).",
    )
    override_user_id = fields.Many2one(
        "res.users",
        string="Overridden by (User)",
        readonly=True,
        index="btree_not_null",
    )
    override_by = fields.Char(
        string="Overridden by",
        readonly=True,
        help="The manager who let the check go over a blocking limit.",
    )
    override_reason = fields.Char(readonly=True)
