from odoo import api, fields, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    club_attribute_value_ids = fields.Many2many(
        "product.attribute.value",
        "loyalty_club_product_attribute_value_rel",
        "product_id",
        "value_id",
        string="Attributes for analytics",
        compute="_compute_club_attribute_value_ids",
        store=True,
        help="Colour, size, collection, brand: the values of the variant and the "
        "single values of its product, which the sales analysis groups by.",
    )

    @api.depends(
        "product_template_attribute_value_ids.product_attribute_value_id",
        "product_tmpl_id.attribute_line_ids.value_ids",
    )
    def _compute_club_attribute_value_ids(self):
        for product in self:
            single = product.product_tmpl_id.attribute_line_ids.filtered(
                lambda line: len(line.value_ids) == 1
            )
            product.club_attribute_value_ids = (
                product.product_template_attribute_value_ids.product_attribute_value_id
                | single.value_ids
            )
