from odoo import fields, models


class LoyaltyClubStoreGroup(models.Model):
    """A brand or a format stores belong to ("mass market", "department
    store"): the summary filters and cuts its figures by them."""

    _name = "loyalty.club.store.group"
    _description = "Club Store Group"
    _order = "kind, name"

    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(
        [("brand", "Brand"), ("format", "Format")], required=True, default="format"
    )
    store_ids = fields.Many2many(
        "loyalty.club.store",
        "loyalty_club_store_group_rel",
        "group_id",
        "store_id",
        string="Stores",
    )
