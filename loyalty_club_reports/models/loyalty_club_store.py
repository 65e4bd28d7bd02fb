from odoo import fields, models


class LoyaltyClubStore(models.Model):
    """A store's address places it on the club's map; its opening hours tell the
    anti-fraud analysis which checks fall outside them."""

    _inherit = "loyalty.club.store"

    group_ids = fields.Many2many(
        "loyalty.club.store.group",
        "loyalty_club_store_group_rel",
        "store_id",
        "group_id",
        string="Brands and Formats",
        help="The summary filters and cuts its figures by these groups.",
    )

    country_id = fields.Many2one(
        "res.country",
        default=lambda self: self.env.company.country_id,
        help="With the city, places the store on the club's map.",
    )
    state_id = fields.Many2one(
        "res.country.state",
        "Region",
        domain="[('country_id', '=?', country_id)]",
    )
    fraud_open_hour = fields.Float(
        "Opens at",
        default=8.0,
        help="Local time (the company's time zone); checks before it count as "
        "outside opening hours.",
    )
    fraud_close_hour = fields.Float(
        "Closes at",
        default=22.0,
        help="Local time; 24:00 for midnight. Weekdays with other hours have a "
        "line of their own in Anti-fraud > Opening hours.",
    )
    fraud_open_24h = fields.Boolean(
        "Open 24 hours", help="No check of this store is outside opening hours."
    )
    fraud_hours_ids = fields.One2many("loyalty.club.fraud.hours", "store_id")
