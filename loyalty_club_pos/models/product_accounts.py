"""A club gift card sold is owed, not earned, in every company.

The gift-card product's income account property is set on install for the
companies that exist then; a company made later (or one whose gift-card
liability account changes in the settings) would sell gift cards as revenue.
The product's accounts therefore follow the company's club settings.
"""

from odoo import models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def _get_product_accounts(self):
        accounts = super()._get_product_accounts()
        if self.club_gift_card:
            company = self.env.company
            account = company._loyalty_club_liability_account("gift_card")
            if company.loyalty_club_pos_settles and account:
                accounts["income"] = account
        return accounts
