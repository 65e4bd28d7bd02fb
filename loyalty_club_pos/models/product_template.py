"""The club's products: the gift card sold at the till and the promotion line.

A club gift card sold is owed, not earned, in every company. The gift-card
product's income account property is set on install for the companies that
exist then; a company made later (or one whose gift-card liability account
changes in the settings) would sell gift cards as revenue. The product's
accounts therefore follow the company's club settings.
"""

from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    club_gift_card = fields.Boolean(
        help="Selling this product at the till issues a club gift card for the "
        "line's amount (the card number is scanned from stock or made by the club).",
    )
    club_promotion = fields.Boolean(
        help="The till shows the club's promotion discounts as lines of this product."
    )

    def _get_product_accounts(self):
        accounts = super()._get_product_accounts()
        if self.club_gift_card:
            company = self.env.company
            account = company._loyalty_club_liability_account("gift_card")
            if company.loyalty_club_pos_settles and account:
                accounts["income"] = account
        return accounts
