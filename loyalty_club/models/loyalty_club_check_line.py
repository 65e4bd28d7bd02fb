from odoo import fields, models


class LoyaltyClubCheckLine(models.Model):
    """A line of a check the club keeps (imported purchase history): the product,
    quantity and amount, for the sales analysis. Written in bulk by imports."""

    _name = "loyalty.club.check.line"
    _description = "Club Check Line"
    _order = "transaction_id, id"

    transaction_id = fields.Many2one(
        "loyalty.club.transaction",
        "Check",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        related="transaction_id.company_id", store=True, index=True
    )
    product_id = fields.Many2one(
        "product.product", readonly=True, index="btree_not_null"
    )
    qty = fields.Float("Quantity", digits=(16, 3), readonly=True)
    amount_minor = fields.Integer(readonly=True, help="Signed, currency minor units.")
    amount = fields.Float(digits=(16, 2), readonly=True)
