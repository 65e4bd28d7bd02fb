from odoo import api, fields, models

from odoo.addons.loyalty_club import edge
from odoo.addons.loyalty_club.domain import promo as core_promo
from odoo.addons.loyalty_club.models.loyalty_club_promotion import EFFECTS

# what the copy holds of a promotion: the replay applies these as they are
# tried; the conditions it cannot check (segments, coupons, first purchase,
# channels, limits, budgets) hold where the promotion applied
COPIED = (
    "name",
    "effect",
    "value",
    "scope",
    "priority",
    "exclusive",
    "product_ids",
    "categ_ids",
    "store_ids",
    "tier_ids",
    "date_from",
    "date_to",
    "min_amount",
    "min_qty",
    "nth",
)


def _ids(records):
    return frozenset(records.ids)


class LoyaltyClubWhatifPromotion(models.TransientModel):
    """A promotion of the program as the what-if would have it: a copy of a
    promotion (changed or switched off) or a new one. The program's own
    promotions never change."""

    _name = "loyalty.club.whatif.promotion"
    _description = "Club What-if Promotion"
    _order = "promotion_id, id"

    whatif_id = fields.Many2one(
        "loyalty.club.whatif", "What-if", required=True, ondelete="cascade"
    )
    promotion_id = fields.Many2one(
        "loyalty.club.promotion",
        ondelete="cascade",
        help="The promotion copied; empty: a promotion the what-if adds.",
    )
    currency_id = fields.Many2one(related="whatif_id.currency_id")
    applies = fields.Boolean(
        default=True, help="Switched off: the period is replayed without it."
    )
    name = fields.Char(required=True)
    effect = fields.Selection(EFFECTS, required=True, default="discount_percent")
    value = fields.Float(
        help="Percent off, the bonus multiplier (2 = double), a fixed discount in "
        "money or a bonus in points, as the promotion's effect says."
    )
    scope = fields.Selection(
        [("lines", "Matching lines"), ("order", "Whole order")],
        required=True,
        default="lines",
    )
    priority = fields.Integer(default=10)
    exclusive = fields.Boolean()
    product_ids = fields.Many2many("product.product")
    categ_ids = fields.Many2many("product.category", string="Product Categories")
    store_ids = fields.Many2many("loyalty.club.store")
    tier_ids = fields.Many2many("loyalty.club.tier")
    date_from = fields.Date()
    date_to = fields.Date()
    min_amount = fields.Monetary()
    min_qty = fields.Integer("Minimum Quantity")
    nth = fields.Integer("Every N-th Item")
    changed = fields.Boolean(compute="_compute_changed")

    @api.model
    def _copy_vals(self, promotion):
        vals = {"promotion_id": promotion.id}
        for name in COPIED:
            value = promotion[name]
            field = self._fields[name]
            vals[name] = (
                [fields.Command.set(value.ids)] if field.type == "many2many" else value
            )
        return vals

    @api.depends(*COPIED, "applies", "promotion_id")
    def _compute_changed(self):
        for line in self:
            original = line.promotion_id
            line.changed = not original or not line.applies or line._differs(original)

    def _differs(self, original):
        for name in COPIED:
            mine, theirs = self[name], original[name]
            if self._fields[name].type == "many2many":
                mine, theirs = set(mine.ids), set(theirs.ids)
            if mine != theirs:
                return True
        return False

    def _core(self, key, program, record=None):
        """This copy (or ``record``, the promotion it copies, as it was) for
        the core: the fields copied as they are here, the other conditions
        the replay checks (weekdays, hours, attributes, bundle) as the
        promotion copied has them."""
        record = record or self
        original = self.promotion_id
        return core_promo.Promotion(
            key=key,
            effect=record.effect,
            value=_core_value(record, program),
            name=record.name,
            priority=record.priority,
            exclusive=record.exclusive,
            scope=record.scope,
            product_ids=_ids(record.product_ids),
            category_ids=_ids(record.categ_ids),
            store_ids=_ids(record.store_ids),
            tier_ids=_ids(record.tier_ids),
            date_from=record.date_from or None,
            date_to=record.date_to or None,
            min_amount=program.money_to_minor(record.min_amount),
            min_qty=record.min_qty,
            nth=record.nth,
            attribute_value_ids=_ids(original.attribute_value_ids),
            weekdays=original._weekdays() if original else frozenset(),
            hour_from=original.hour_from or None,
            hour_to=original.hour_to if original and original.hour_to < 24 else None,
            bundle_product_ids=_ids(original.bundle_product_ids),
            bundle_price=program.money_to_minor(original.bundle_price),
        )

    def _where_used(self):
        """The promotion copied has conditions the replay cannot check: the
        copy applies only where it applied."""
        original = self.promotion_id
        return bool(
            original
            and (
                original.segment_ids
                or original.requires_coupon
                or original.first_purchase
                or original._channels()
                or original.limit_per_member
                or original.limit_per_day
                or original.budget
            )
        )


def _core_value(record, program):
    if record.effect in ("bonus_fixed", "gift_bonus"):
        return program.to_minor(record.value)
    if record.effect == "discount_fixed":
        return program.money_to_minor(record.value)
    return edge.decimal(record.value)
