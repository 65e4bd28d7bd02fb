from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    club_gift_card_code = fields.Char(
        "Gift Card",
        readonly=True,
        copy=False,
        help="The club gift card this line pays with: debited when the order is "
        "paid.",
    )

    def _club_website_is_club_line(self):
        """The club's own lines (bonuses, gift cards): the cart shows them in its
        total, not as goods with a quantity."""
        self.ensure_one()
        return bool(self.club_gift_card_code) or (
            self.product_id == self.order_id._club_bonus_product()
        )

    def _show_in_cart(self):
        return super()._show_in_cart() and not self._club_website_is_club_line()

    def _is_not_sellable_line(self):
        return super()._is_not_sellable_line() or self._club_website_is_club_line()
