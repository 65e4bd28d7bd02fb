"""Promotions of a program: conditions and effects as fields, the core decides."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import edge
from ..domain import promo as core_promo

EFFECTS = [
    ("bonus_multiplier", "Bonus multiplier"),
    ("bonus_fixed", "Fixed bonus per item"),
    ("gift_bonus", "Gift bonus per check"),
    ("discount_percent", "Percent discount"),
    ("discount_fixed", "Fixed discount"),
    ("bundle", "Bundle price"),
    ("nth_item", "N-th item discount"),
]


CHANNELS = ("pos", "api", "portal", "backoffice", "sale", "website")


STATUSES = [
    ("draft", "Draft"),
    ("scheduled", "Scheduled"),
    ("running", "Running"),
    ("ended", "Ended"),
    ("exhausted", "Budget exhausted"),
]


def _ids(records):
    return frozenset(records.ids)


class LoyaltyClubPromotion(models.Model):
    _name = "loyalty.club.promotion"
    _description = "Club Promotion"
    _order = "priority desc, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    program_id = fields.Many2one(
        "loyalty.club.program", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="program_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="program_id.currency_id")
    priority = fields.Integer(
        default=10,
        help="Higher first. When the highest eligible promotion is exclusive it "
        "applies alone; otherwise all eligible combinable ones apply.",
    )
    exclusive = fields.Boolean(help="Never combined with other promotions.")
    effect = fields.Selection(EFFECTS, required=True, default="bonus_multiplier")
    scope = fields.Selection(
        [("lines", "Matching lines"), ("order", "Whole order")],
        required=True,
        default="lines",
    )
    value = fields.Float(
        help="Multiplier (2 = double bonuses), percent, bonuses or money, "
        "depending on the effect."
    )
    bundle_product_ids = fields.Many2many(
        "product.product",
        "loyalty_club_promotion_bundle_product_rel",
        "promotion_id",
        "product_id",
        string="Bundle products",
    )
    bundle_price = fields.Monetary(currency_field="currency_id")
    nth = fields.Integer("Every N-th item", default=0)
    receipt_message = fields.Text(
        translate=True,
        help="Printed on the receipt of a sale this promotion applied to.",
    )
    # conditions
    product_ids = fields.Many2many(
        "product.product",
        "loyalty_club_promotion_product_rel",
        "promotion_id",
        "product_id",
        string="Products",
    )
    categ_ids = fields.Many2many("product.category", string="Product categories")
    attribute_value_ids = fields.Many2many(
        "product.attribute.value", string="Attribute values"
    )
    store_ids = fields.Many2many("loyalty.club.store", string="Stores")
    channels = fields.Char(
        help="Comma-separated: pos, api, portal, backoffice, sale (sales orders), "
        "website (the web shop); empty: every channel."
    )
    tier_ids = fields.Many2many("loyalty.club.tier", string="Tiers")
    segment_ids = fields.Many2many("loyalty.club.segment", string="Segments")
    date_from = fields.Date()
    date_to = fields.Date()
    weekdays = fields.Char(help="Comma-separated, 1 = Monday ... 7 = Sunday.")
    hour_from = fields.Integer(default=0)
    hour_to = fields.Integer(default=24)
    first_purchase = fields.Boolean(help="Only the member's first purchase.")
    members_only = fields.Boolean()
    requires_coupon = fields.Boolean(help="Applies only with a valid coupon.")
    min_amount = fields.Monetary(currency_field="currency_id")
    min_qty = fields.Integer("Minimum quantity")
    # limits
    budget = fields.Float(
        help="0: unlimited. Money for discounts, bonuses for bonus effects."
    )
    budget_used_minor = fields.Integer(readonly=True, copy=False, default=0)
    budget_used = fields.Float(compute="_compute_budget_used")
    budget_used_percent = fields.Float(
        "Budget used (%)", compute="_compute_budget_used", digits=(5, 1)
    )
    status = fields.Selection(
        STATUSES,
        compute="_compute_status",
        search="_search_status",
        help="Draft: archived, offered nowhere. Scheduled: starts later. Running: "
        "applies today. Ended: its last day is past. Budget exhausted: the budget "
        "is spent.",
    )
    limit_per_member = fields.Integer(help="Uses per member; 0: unlimited.")
    limit_per_day = fields.Integer(help="Uses per day; 0: unlimited.")
    usage_ids = fields.One2many("loyalty.club.promotion.usage", "promotion_id")

    @api.constrains("value", "hour_from", "hour_to", "weekdays", "channels", "effect")
    def _check_values(self):
        for promo in self:
            if promo.value < 0 or not 0 <= promo.hour_from <= promo.hour_to <= 24:
                raise ValidationError(_("Values and hours must be positive and 0-24."))
            try:
                promo._weekdays()
            except ValueError as exc:
                raise ValidationError(_("Weekdays are numbers from 1 to 7.")) from exc
            if set(promo._channels()) - set(CHANNELS):
                raise ValidationError(
                    _(
                        "Unknown channel in %(channels)s: use %(known)s.",
                        channels=promo.channels,
                        known=", ".join(CHANNELS),
                    )
                )
            if promo.effect == "nth_item" and promo.nth < 1:
                raise ValidationError(_("An N-th item discount needs N of 1 or more."))
            if promo.effect == "bundle" and not promo.bundle_product_ids:
                raise ValidationError(_("A bundle needs its products."))

    def _weekdays(self):
        days = frozenset(
            int(d) - 1 for d in (self.weekdays or "").replace(" ", "").split(",") if d
        )
        if any(not 0 <= d <= 6 for d in days):
            raise ValueError(self.weekdays)
        return days

    def _channels(self):
        return frozenset(
            c.strip() for c in (self.channels or "").split(",") if c.strip()
        )

    def _is_bonus(self):
        return self.effect in core_promo.BONUSES

    def _to_minor(self, value):
        program = self.program_id
        return (
            program.to_minor(value)
            if self._is_bonus()
            else program.money_to_minor(value)
        )

    def _from_minor(self, minor):
        program = self.program_id
        return (
            program.from_minor(minor)
            if self._is_bonus()
            else program.money_from_minor(minor)
        )

    @api.depends("budget_used_minor", "budget")
    def _compute_budget_used(self):
        for promo in self:
            promo.budget_used = float(promo._from_minor(promo.budget_used_minor or 0))
            budget = promo._to_minor(promo.budget) if promo.budget else 0
            promo.budget_used_percent = (
                min(100.0, 100.0 * (promo.budget_used_minor or 0) / budget)
                if budget
                else 0.0
            )

    def _exhausted(self):
        return bool(self.budget) and (self.budget_used_minor or 0) >= self._to_minor(
            self.budget
        )

    @api.depends("active", "date_from", "date_to", "budget", "budget_used_minor")
    @api.depends_context("tz")
    def _compute_status(self):
        today = edge.club_today(self)
        for promo in self:
            if not promo.active:
                promo.status = "draft"
            elif promo.date_to and promo.date_to < today:
                promo.status = "ended"
            elif promo.date_from and promo.date_from > today:
                promo.status = "scheduled"
            elif promo._exhausted():
                promo.status = "exhausted"
            else:
                promo.status = "running"

    def _search_status(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(_("Unsupported search on the promotion status."))
        values = {value} if isinstance(value, str) else set(value or ())
        promos = (
            self.with_context(active_test=False)
            .search([("active", "in", (True, False))])
            .filtered(lambda p: p.status in values)
        )
        op = "in" if operator in ("=", "in") else "not in"
        return [("id", op, promos.ids)]

    def _core_value(self):
        if self.effect in ("bonus_fixed", "gift_bonus"):
            return self.program_id.to_minor(self.value)
        if self.effect == "discount_fixed":
            return self.program_id.money_to_minor(self.value)
        return edge.decimal(self.value)

    def _remaining(self, partner, today):
        """(budget, per member, per day) still left; None where unlimited."""
        self.ensure_one()
        budget = member = day = None
        if self.budget:
            budget = max(0, self._to_minor(self.budget) - self.budget_used_minor)
        Usage = self.env["loyalty.club.promotion.usage"].sudo()
        if self.limit_per_member:
            used = (
                Usage.search_count(
                    [("promotion_id", "=", self.id), ("partner_id", "=", partner.id)]
                )
                if partner
                else 0
            )
            member = max(0, self.limit_per_member - used)
        if self.limit_per_day:
            used = Usage.search_count(
                [("promotion_id", "=", self.id), ("date", "=", today)]
            )
            day = max(0, self.limit_per_day - used)
        return budget, member, day

    def _core(self, partner, today):
        """This promotion for the plain-Python core, with what is left of it."""
        self.ensure_one()
        budget, member, day = self._remaining(partner, today)
        program = self.program_id
        return core_promo.Promotion(
            key=self.id,
            effect=self.effect,
            value=self._core_value(),
            name=self.name,
            priority=self.priority,
            exclusive=self.exclusive,
            scope=self.scope,
            product_ids=_ids(self.product_ids),
            category_ids=_ids(self.categ_ids),
            attribute_value_ids=_ids(self.attribute_value_ids),
            store_ids=_ids(self.store_ids),
            channels=self._channels(),
            tier_ids=_ids(self.tier_ids),
            segment_ids=_ids(self.segment_ids),
            date_from=self.date_from or None,
            date_to=self.date_to or None,
            weekdays=self._weekdays(),
            hour_from=self.hour_from or None,
            hour_to=self.hour_to if self.hour_to < 24 else None,
            first_purchase=self.first_purchase,
            members_only=self.members_only,
            requires_coupon=self.requires_coupon,
            min_amount=program.money_to_minor(self.min_amount),
            min_qty=self.min_qty,
            bundle_product_ids=_ids(self.bundle_product_ids),
            bundle_price=program.money_to_minor(self.bundle_price),
            nth=self.nth,
            budget_remaining=budget,
            member_remaining=member,
            day_remaining=day,
        )

    def _lock(self):
        """Serialise the use of budgets and limits across tills."""
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM loyalty_club_promotion WHERE id IN %s ORDER BY id "
                "FOR UPDATE",
                [tuple(self.ids)],
                # a concurrent winner raises a serialization failure that Odoo's
                # request layer retries: not an error worth a log line
                log_exceptions=False,
            )
            self.invalidate_recordset(["budget_used_minor"])

    def action_try_basket(self):
        """Open the sample basket on this promotion's program and products."""
        self.ensure_one()
        products = (self.product_ids | self.bundle_product_ids)[:5]
        return {
            "type": "ir.actions.act_window",
            "res_model": "loyalty.club.promotion.try",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Try on a sample basket"),
            "context": {
                "default_program_id": self.program_id.id,
                "default_store_id": self.store_ids[:1].id,
                "default_line_ids": [
                    (0, 0, {"product_id": p.id, "price_unit": p.lst_price})
                    for p in products
                ],
            },
        }
