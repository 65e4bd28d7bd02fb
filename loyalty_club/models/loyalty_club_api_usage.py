from odoo import fields, models


class LoyaltyClubApiUsage(models.Model):
    """Requests per key and minute: the rate limit's counter, kept one hour."""

    _name = "loyalty.club.api.usage"
    _description = "Club API Usage"
    _log_access = False
    _order = "minute desc"

    key_id = fields.Many2one(
        "loyalty.club.api.key", required=True, ondelete="cascade", readonly=True
    )
    minute = fields.Datetime(required=True, readonly=True)
    count = fields.Integer(readonly=True)

    _sql_constraints = [
        ("key_minute_uniq", "unique(key_id, minute)", "One counter per minute."),
    ]
