"""Lines edited after bonuses were applied: the order's cap is checked again."""

from odoo import api, fields, models

# the fields that change what the club sees of a line
CLUB_FIELDS = {"product_id", "product_uom_qty", "price_unit", "discount", "tax_id"}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # set by the channels that take club gift cards on an order (the web shop);
    # a till settling the order debits them (loyalty_club_pos_sale)
    club_gift_card_code = fields.Char(
        "Gift Card",
        readonly=True,
        copy=False,
        help="The club gift card this line pays with: debited when the order is "
        "paid.",
    )

    def _club_recheck(self, orders):
        """The club's promotions follow the goods; the bonuses applied must
        stay within the order's cap."""
        if self.env.context.get("club_skip_cap_check"):
            return
        orders = orders.exists()
        orders._club_sync_promotions()
        orders._club_check_cap()

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        self._club_recheck(lines.order_id)
        return lines

    def write(self, vals):
        res = super().write(vals)
        if CLUB_FIELDS & set(vals):
            self._club_recheck(self.order_id)
        return res

    def unlink(self):
        orders = self.order_id
        bonus = self.env.ref(
            "loyalty_club_sale.product_club_bonuses", raise_if_not_found=False
        )
        dropped = orders.filtered(
            lambda order: order.club_bonus_applied
            and bonus
            and bonus in self.filtered(lambda line: line.order_id == order).product_id
        )
        res = super().unlink()
        if not self.env.context.get("club_skip_cap_check"):
            # the bonus line deleted by hand: its hold goes too
            for order in dropped:
                order._club_drop_bonuses()
        self._club_recheck(orders - dropped)
        return res
