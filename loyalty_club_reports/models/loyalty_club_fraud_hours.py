"""A store's opening hours on one weekday (late Fridays, short Sundays): the
anti-fraud analysis counts checks outside them; days without a line take the
store's usual hours."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class LoyaltyClubFraudHours(models.Model):
    _name = "loyalty.club.fraud.hours"
    _description = "Club Store Opening Hours of a Weekday"
    _order = "store_id, weekday"

    store_id = fields.Many2one(
        "loyalty.club.store", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="store_id.company_id")
    weekday = fields.Selection(WEEKDAYS, required=True)
    open_hour = fields.Float("Opens at", required=True, default=8.0)
    close_hour = fields.Float(
        "Closes at",
        required=True,
        default=22.0,
        help="Local time (the company's time zone); 24:00 for midnight.",
    )

    _sql_constraints = [
        (
            "store_weekday_uniq",
            "unique(store_id, weekday)",
            "A store has one line of opening hours per weekday.",
        ),
    ]

    @api.constrains("open_hour", "close_hour")
    def _check_hours(self):
        for line in self:
            if not 0 <= line.open_hour < line.close_hour <= 24:
                raise ValidationError(
                    _(
                        "%(store)s opens before it closes, between 00:00 and "
                        "24:00 (check %(day)s).",
                        store=line.store_id.name,
                        day=dict(WEEKDAYS)[line.weekday],
                    )
                )
