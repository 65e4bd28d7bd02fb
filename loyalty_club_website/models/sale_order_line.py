from odoo import models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _club_website_is_club_line(self):
        """The club's own lines (bonuses, promotions, gift cards): the cart
        shows them in its totals, not as goods with a quantity."""
        self.ensure_one()
        return bool(self.club_gift_card_code) or (
            self.product_id in self.order_id._club_website_club_products()
        )

    def _show_in_cart(self):
        return super()._show_in_cart() and not self._club_website_is_club_line()

    def _is_not_sellable_line(self):
        return super()._is_not_sellable_line() or self._club_website_is_club_line()

    def _compute_tax_id(self):
        """The club's lines keep their taxes (a promotion carries those of the
        goods it discounts, bonuses and gift cards none) when the shop computes
        the taxes again (a new address, a fiscal position)."""
        club = self.filtered(lambda line: line._club_website_is_club_line())
        return super(SaleOrderLine, self - club)._compute_tax_id()
