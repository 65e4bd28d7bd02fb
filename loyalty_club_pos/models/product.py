from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    club_gift_card = fields.Boolean(
        help="Selling this product at the till issues a club gift card for the "
        "line's amount (the card number is scanned from stock or made by the club).",
    )


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model
    def _load_pos_data_fields(self, config_id):
        fields_list = super()._load_pos_data_fields(config_id)
        return fields_list + ["club_gift_card"] if fields_list else fields_list
