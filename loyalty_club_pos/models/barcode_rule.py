from odoo import fields, models


class BarcodeRule(models.Model):
    _inherit = "barcode.rule"

    type = fields.Selection(
        selection_add=[("club_card", "Club card")],
        ondelete={"club_card": "set default"},
    )
