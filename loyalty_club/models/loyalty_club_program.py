from datetime import datetime, time, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get

from .. import edge
from ..domain import messages, money, rules
from ..selections import LIMIT_MODES


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

    # ========================================================== one-time codes
    code_spend_required = fields.Boolean(
        string="Spending on a Typed Phone Needs a Code",
        default=True,
        help="When the cashier found the member by a phone number typed by hand "
        "(not a scanned card or QR), spending more than the amount below needs the "
        "code the member receives by SMS.",
    )
    code_spend_threshold = fields.Float(
        string="Spend without a Code up to",
        digits=(16, 2),
        help="In the program's unit; 0: every spend on a typed phone needs a code.",
    )
    code_verify_phone = fields.Boolean(
        string="Verify the Phone at Registration",
        default=True,
        help="A member registered at a till or on the portal gets a code by SMS "
        "to prove the phone is theirs; the member stays registered if the code "
        "is not given, with the phone marked as not verified.",
    )
    code_digits = fields.Integer(default=4)
    code_validity_minutes = fields.Integer(string="Code Valid for (Minutes)", default=5)
    code_max_attempts = fields.Integer(string="Attempts per Code", default=3)
    code_max_per_phone = fields.Integer(
        string="Codes per Phone per Hour",
        default=5,
        help="Most codes one phone receives in an hour (0: no limit).",
    )
    code_max_per_till = fields.Integer(
        string="Codes per Till per Hour",
        default=30,
        help="Most codes one till asks for in an hour (0: no limit).",
    )

    @api.constrains(
        "code_digits",
        "code_validity_minutes",
        "code_max_attempts",
        "code_spend_threshold",
    )
    def _check_codes(self):
        for program in self:
            if not 4 <= program.code_digits <= 6:
                raise ValidationError(_("A one-time code has 4 to 6 digits."))
            if program.code_validity_minutes < 1 or program.code_max_attempts < 1:
                raise ValidationError(
                    _("A one-time code is valid at least a minute and for one attempt.")
                )
            if program.code_spend_threshold < 0:
                raise ValidationError(
                    _("The amount spent without a code cannot be negative.")
                )

    # ================================================================ limits
    # How often a card may earn and how many cards a cashier may type. Each
    # limit has a mode: ``warn`` (the channel shows a message, the action goes
    # on and the check notes the limit) or ``block`` (the service refuses unless
    # a manager overrode it; the override is recorded on the check: who and
    # why). The service counts and decides; the channels only show what it says.
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

    def _limit_hit(self, code, count, limit, message):
        """A hit as the channels show it: ``{code, mode, count, limit, message}``."""
        self.ensure_one()
        mode = (
            self.limit_accruals_mode
            if code == "accruals_per_day"
            else self.limit_typed_mode
        )
        return {
            "code": code,
            "mode": mode,
            "count": count,
            "limit": limit,
            "message": message,
        }

    def _accrual_limit_hit(self, wallet, today):
        """Hit when this card already earned on as many checks today as allowed
        (the day runs from midnight to midnight UTC)."""
        self.ensure_one()
        limit = self.limit_accruals_per_day
        if not (limit and wallet):
            return None
        start = datetime.combine(today, time.min)
        count = (
            self.env["loyalty.club.transaction"]
            .sudo()
            .search_count(
                [
                    ("wallet_id", "=", wallet.id),
                    ("kind", "=", "sale"),
                    ("earn_minor", ">", 0),
                    ("date", ">=", start),
                    ("date", "<", start + timedelta(days=1)),
                ]
            )
        )
        if count < limit:
            return None
        message = self.env._(
            "%(member)s already earned on %(count)s checks today; the program "
            "allows %(limit)s a day.",
            member=wallet.partner_id.name or wallet.display_name,
            count=count,
            limit=limit,
        )
        return self._limit_hit("accruals_per_day", count, limit, message)

    def _typed_limit_hit(self, typed_count):
        """Hit when one more card typed by hand goes over the limit."""
        self.ensure_one()
        limit = self.limit_typed_per_shift
        if not limit or typed_count < limit:
            return None
        message = self.env._(
            "%(count)s cards were already typed by hand in this shift; the program "
            "allows %(limit)s. Scan the card or ask a manager.",
            count=typed_count,
            limit=limit,
        )
        return self._limit_hit("typed_per_shift", typed_count, limit, message)

    # ================================================= members' messages
    # Which events a member is told of, by which channel (see
    # loyalty.club.message), and the quiet hours that hold an SMS until morning.
    notify_purchase_sms = fields.Boolean("SMS on a Purchase")
    notify_purchase_email = fields.Boolean("E-mail on a Purchase")
    notify_refund_sms = fields.Boolean("SMS on a Refund")
    notify_refund_email = fields.Boolean("E-mail on a Refund")
    notify_tier_change_sms = fields.Boolean("SMS on a Tier Change")
    notify_tier_change_email = fields.Boolean("E-mail on a Tier Change")
    notify_card_activation_sms = fields.Boolean("SMS on a Card Activation")
    notify_card_activation_email = fields.Boolean("E-mail on a Card Activation")
    notify_gift_card_sms = fields.Boolean("SMS on a Gift Card")
    notify_gift_card_email = fields.Boolean("E-mail on a Gift Card")
    notify_coupon_sms = fields.Boolean(
        "SMS with a Personal Coupon",
        help="A member given a personal coupon gets its code by SMS.",
    )
    notify_coupon_email = fields.Boolean(
        "E-mail with a Personal Coupon",
        help="A member given a personal coupon gets its code by e-mail.",
    )
    notify_quiet_start = fields.Float("Quiet Hours From", default=21.0)
    notify_quiet_end = fields.Float("Quiet Hours Until", default=9.0)
    notify_tz = fields.Selection(
        _tz_get,
        string="Members' Time Zone",
        help="For the quiet hours of members who have no time zone of their own; "
        "empty: the company's.",
    )

    @api.constrains("notify_quiet_start", "notify_quiet_end")
    def _check_notify_quiet_hours(self):
        for program in self:
            if not (
                messages.valid_hours(program.notify_quiet_start)
                and messages.valid_hours(program.notify_quiet_end)
            ):
                raise ValidationError(_("Quiet hours lie between 0:00 and 24:00."))

    # ================================================ goods that earn nothing
    # Goods the program keeps out of earning and/or of being paid with bonuses
    # (tobacco, alcohol, gift cards, lottery, goods already at a promotional
    # price). The service applies them to every line of every channel's quote
    # and sale; a channel may exclude more, never less.
    no_earn_product_ids = fields.Many2many(
        "product.product",
        "loyalty_club_program_no_earn_product_rel",
        "program_id",
        "product_id",
        string="Products That Earn Nothing",
    )
    no_earn_categ_ids = fields.Many2many(
        "product.category",
        "loyalty_club_program_no_earn_categ_rel",
        "program_id",
        "categ_id",
        string="Categories That Earn Nothing",
        help="With their subcategories.",
    )
    no_burn_product_ids = fields.Many2many(
        "product.product",
        "loyalty_club_program_no_burn_product_rel",
        "program_id",
        "product_id",
        string="Products Not Paid with Bonuses",
    )
    no_burn_categ_ids = fields.Many2many(
        "product.category",
        "loyalty_club_program_no_burn_categ_rel",
        "program_id",
        "categ_id",
        string="Categories Not Paid with Bonuses",
        help="With their subcategories.",
    )
    discounted_no_earn = fields.Boolean(
        string="Discounted Lines Earn Nothing",
        help="A line sold with a discount (typed at the till, given by the channel "
        "or by a club promotion) earns nothing.",
    )
    discounted_no_burn = fields.Boolean(
        string="Discounted Lines Are Not Paid with Bonuses",
        help="The bonuses pay only for the lines sold at their full price; the "
        "cap of spending is taken of those lines.",
    )

    # ============================================ earning per item (cups, litres)
    earn_mode = fields.Selection(
        [("percent", "A Share of the Amount Paid"), ("quantity", "Per Item Bought")],
        default="percent",
        required=True,
        tracking=True,
        help="Per item: the goods chosen below earn a number of units per item "
        "(a stamp a cup of coffee, a point a litre of fuel), the others earn "
        "the share above (0: nothing).",
    )
    earn_per_item = fields.Float(
        string="Units Earned per Item",
        digits=(12, 4),
        default=1.0,
        help="Earned for each item (or unit of measure: a litre) of the goods "
        "chosen, in the share of the line paid in money.",
    )
    earn_item_product_ids = fields.Many2many(
        "product.product",
        "loyalty_club_program_earn_item_product_rel",
        "program_id",
        "product_id",
        string="Products Earning per Item",
    )
    earn_item_categ_ids = fields.Many2many(
        "product.category",
        "loyalty_club_program_earn_item_categ_rel",
        "program_id",
        "categ_id",
        string="Categories Earning per Item",
        help="With their subcategories. No product and no category: every "
        "product earns per item.",
    )

    # does any line's product or discount matter to what it earns or pays? Read
    # with the program's row: every quote and sale asks it, and the four lists
    # behind it would be four more queries each time
    has_goods_rules = fields.Boolean(
        compute="_compute_has_goods_rules",
        store=True,
        help="Some goods or discounted lines earn or pay otherwise than the rest.",
    )

    @api.depends(
        "no_earn_product_ids",
        "no_earn_categ_ids",
        "no_burn_product_ids",
        "no_burn_categ_ids",
        "discounted_no_earn",
        "discounted_no_burn",
        "earn_mode",
    )
    def _compute_has_goods_rules(self):
        for program in self:
            program.has_goods_rules = bool(
                program.no_earn_product_ids
                or program.no_earn_categ_ids
                or program.no_burn_product_ids
                or program.no_burn_categ_ids
                or program.discounted_no_earn
                or program.discounted_no_burn
                or program.earn_mode == "quantity"
            )

    @api.constrains("earn_per_item")
    def _check_earn_per_item(self):
        for program in self:
            if program.earn_per_item < 0:
                raise ValidationError(
                    _("The units earned per item cannot be negative.")
                )

    @staticmethod
    def _listed(product, products, categs):
        """Is ``product`` among ``products`` or in one of ``categs`` (or below)?"""
        if not product:
            return False
        if product.id in products.ids:
            return True
        path = {int(i) for i in (product.categ_id.parent_path or "").split("/") if i}
        return bool(path & set(categs.ids))

    def _goods_rules(self, product, discounted=False):
        """``(earns, payable with bonuses, earns per item)`` of a line selling
        ``product`` (maybe none), sold with a discount or not."""
        self.ensure_one()
        listed = self._listed
        per_item = self.earn_mode == "quantity" and (
            not (self.earn_item_product_ids or self.earn_item_categ_ids)
            or listed(product, self.earn_item_product_ids, self.earn_item_categ_ids)
        )
        return (
            not (discounted and self.discounted_no_earn)
            and not listed(product, self.no_earn_product_ids, self.no_earn_categ_ids),
            not (discounted and self.discounted_no_burn)
            and not listed(product, self.no_burn_product_ids, self.no_burn_categ_ids),
            per_item,
        )

    def _pos_goods_rules(self):
        """The exclusions as a till applies them while offline."""
        self.ensure_one()
        Categ = self.env["product.category"]

        def with_children(categs):
            return Categ.search([("id", "child_of", categs.ids)]).ids if categs else []

        return {
            "no_earn_product_ids": self.no_earn_product_ids.ids,
            "no_earn_categ_ids": with_children(self.no_earn_categ_ids),
            "no_burn_product_ids": self.no_burn_product_ids.ids,
            "no_burn_categ_ids": with_children(self.no_burn_categ_ids),
            "discounted_no_earn": self.discounted_no_earn,
            "discounted_no_burn": self.discounted_no_burn,
        }

    # ========================================================= virtual cards
    virtual_card_on_registration = fields.Boolean(
        string="Issue a Virtual Card at Registration",
        default=True,
        help="A member registered without a physical card (at a till, by the API, "
        "on the portal or in the back office) gets a virtual card: its number "
        "and QR code identify the member at any till.",
    )
    receipt_card_qr = fields.Boolean(
        string="Print the Member's Card QR on Receipts",
        help="The receipt of a member's purchase prints the QR code of their "
        "virtual card (the card they can scan next time).",
    )

    # ========================================================= offline tills
    offline_burn_per_check = fields.Float(
        string="Spent Offline per Check at Most",
        digits=(16, 2),
        help="In the program's unit: the most a card may spend on one check while "
        "the till cannot reach the club (0: no limit other than the balance the "
        "till knew).",
    )
    offline_burn_per_day = fields.Float(
        string="Spent Offline per Card per Day at Most",
        digits=(16, 2),
        help="In the program's unit: the most a card may spend offline in a day "
        "(0: no limit). The till counts its own offline checks; the sync checks "
        "all of them again and flags the checks above the limits for review.",
    )

    @api.constrains("offline_burn_per_check", "offline_burn_per_day")
    def _check_offline_limits(self):
        for program in self:
            if program.offline_burn_per_check < 0 or program.offline_burn_per_day < 0:
                raise ValidationError(_("A limit cannot be negative (0: no limit)."))
