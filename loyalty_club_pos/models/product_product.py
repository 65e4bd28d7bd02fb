from odoo import api, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model
    def _load_pos_data_fields(self, config_id):
        """The till tells the gift card, the club card and the promotion product
        by these flags."""
        fields_list = super()._load_pos_data_fields(config_id)
        extra = ["club_gift_card", "club_card", "club_promotion"]
        return fields_list + extra if fields_list else fields_list
