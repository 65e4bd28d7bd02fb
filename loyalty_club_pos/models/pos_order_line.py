from odoo import api, fields, models


class PosOrderLine(models.Model):
    _inherit = "pos.order.line"

    club_gift_code = fields.Char(
        string="Gift Card Number",
        copy=False,
        help="The club gift card this line sold: scanned from stock at the till, or "
        "made by the club when the order reached the server.",
    )
    club_card_code = fields.Char(
        string="Club Card Number",
        copy=False,
        help="The physical club card this line sold (scanned at the till); "
        "empty: the buyer gets a virtual card.",
    )
    club_gift_expires_on = fields.Date(
        string="Gift Card Valid Until", readonly=True, copy=False
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        fields_list = super()._load_pos_data_fields(config_id)
        extra = ["club_gift_code", "club_card_code", "club_gift_expires_on"]
        return fields_list + extra if fields_list else fields_list
