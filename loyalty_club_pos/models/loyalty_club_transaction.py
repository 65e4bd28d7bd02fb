from odoo import fields, models


class LoyaltyClubTransaction(models.Model):
    _inherit = "loyalty.club.transaction"

    pos_config_id = fields.Many2one(
        "pos.config",
        string="Till",
        readonly=True,
        index="btree_not_null",
        help="The point of sale the check was rung up at.",
    )
