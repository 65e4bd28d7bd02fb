from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .. import edge
from ..domain import money, rules


class LoyaltyClubProgram(models.Model):
    _name = "loyalty.club.program"
    _description = "Club Program"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    wallet_type_id = fields.Many2one(
        "loyalty.club.wallet.type",
        required=True,
        default=lambda self: self.env.ref(
            "loyalty_club.wallet_type_bonus", raise_if_not_found=False
        ),
        help="The unit members collect in this program.",
    )
    unit_name = fields.Char(related="wallet_type_id.unit_name")
    date_from = fields.Date(help="Empty: the program runs from its creation.")
    date_to = fields.Date(help="Empty: the program has no end.")
    earn_percent = fields.Float(
        "Earn (%)",
        digits=(5, 2),
        default=10.0,
        tracking=True,
        help="Share of the amount actually paid (after discounts and bonuses) earned.",
    )
    burn_cap_percent = fields.Float(
        "Pay with bonuses up to (%)", digits=(5, 2), default=30.0, tracking=True
    )
    point_value = fields.Float(
        "Value of one unit",
        digits=(12, 4),
        default=1.0,
        help="Currency value of one unit when spent.",
    )
    earn_rounding = fields.Selection(
        [("down", "Down"), ("half_up", "Half up")], default="down", required=True
    )
    max_earn_per_order = fields.Float(digits=(16, 2), help="0 means no cap.")
    pending_days = fields.Integer(
        default=14, help="Earned units become spendable after this many days (returns)."
    )
    expiry_days = fields.Integer(
        default=180,
        help="Each accrual expires this many days after it was earned; 0 never.",
    )
    tier_ids = fields.One2many("loyalty.club.tier", "program_id")
    tier_period_days = fields.Integer(
        default=365, help="Rolling period of paid amounts that qualifies for a tier."
    )
    welcome_bonus = fields.Float(digits=(16, 2))
    birthday_bonus = fields.Float(digits=(16, 2))
    birthday_window_days = fields.Integer(default=7)
    birthday_expiry_days = fields.Integer(default=30)
    comeback_bonus = fields.Float(digits=(16, 2))
    comeback_inactive_days = fields.Integer(default=90)
    card_prefix = fields.Char(
        default="299", help="Leading digits of emitted card numbers."
    )
    issue_card_threshold = fields.Monetary(
        help="Offer a card when a purchase reaches this amount (0: never)."
    )
    adjustment_approval_threshold = fields.Float(
        digits=(16, 2),
        default=1000.0,
        help="Manual adjustments above this need a second manager's approval.",
    )
    gift_card_validity_days = fields.Integer(
        default=365, help="Gift cards sold in this program expire after this many days."
    )
    receipt_message = fields.Text(
        translate=True, help="Printed on receipts of members."
    )
    member_count = fields.Integer(compute="_compute_member_count")

    @api.constrains(
        "earn_percent", "burn_cap_percent", "point_value", "pending_days", "expiry_days"
    )
    def _check_rates(self):
        for program in self:
            if (
                not 0 <= program.earn_percent <= 100
                or not 0 <= program.burn_cap_percent <= 100
            ):
                raise ValidationError(_("Percentages must lie between 0 and 100."))
            if program.point_value <= 0:
                raise ValidationError(_("The value of one unit must be positive."))
            if program.pending_days < 0 or program.expiry_days < 0:
                raise ValidationError(_("Days cannot be negative."))

    def _compute_member_count(self):
        data = self.env["loyalty.club.wallet"]._read_group(
            [("program_id", "in", self.ids), ("partner_id", "!=", False)],
            ["program_id"],
            ["__count"],
        )
        counts = {program.id: count for program, count in data}
        for program in self:
            program.member_count = counts.get(program.id, 0)

    # -- adapters to the plain-Python core ------------------------------------
    @property
    def digits(self):
        return self.wallet_type_id.digits

    def to_minor(self, value):
        """Units typed in the UI (an Odoo float) as integer minor units."""
        return money.to_minor(edge.decimal(value), self.digits)

    def from_minor(self, minor):
        return money.from_minor(minor, self.digits)

    def money_to_minor(self, value):
        return money.to_minor(edge.decimal(value), self.currency_id.decimal_places)

    def money_from_minor(self, minor):
        return money.from_minor(minor, self.currency_id.decimal_places)

    def _policy(self):
        self.ensure_one()
        return rules.Policy(
            earn_percent=edge.decimal(self.earn_percent),
            burn_cap_percent=edge.decimal(self.burn_cap_percent),
            currency_digits=self.currency_id.decimal_places,
            point_digits=self.digits,
            point_value=edge.decimal(self.point_value),
            earn_rounding=self.earn_rounding,
            max_earn_per_order=self.to_minor(self.max_earn_per_order) or None,
        )

    def _tier_specs(self):
        return [
            rules.TierSpec(
                key=tier.id,
                threshold=self.money_to_minor(tier.threshold),
                earn_percent=edge.decimal(tier.earn_percent),
                sequence=tier.sequence,
            )
            for tier in self.tier_ids
        ]

    def _check_running(self, today):
        self.ensure_one()
        if (
            not self.active
            or (self.date_to and today > self.date_to)
            or (self.date_from and today < self.date_from)
        ):
            raise ValidationError(
                _(
                    "The program %(name)s is not running on %(date)s.",
                    name=self.name,
                    date=today,
                )
            )

    def action_view_members(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Members"),
            "res_model": "loyalty.club.wallet",
            "view_mode": "list,form",
            "domain": [("program_id", "=", self.id), ("partner_id", "!=", False)],
        }
