"""The period of a club report or analysis: two dates, both days included."""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class LoyaltyClubReportPeriod(models.AbstractModel):
    """A period from ``date_from`` to ``date_to``, both days included: by
    default this month so far (``_default_date_from``, ``_default_date_to``
    give other defaults), refused when it ends before it starts."""

    _name = "loyalty.club.report.period"
    _description = "Club Report Period"

    date_from = fields.Date(
        required=True, default=lambda self: self._default_date_from()
    )
    date_to = fields.Date(
        required=True,
        default=lambda self: self._default_date_to(),
        help="Included: the period ends at the end of this day.",
    )

    def _default_date_from(self):
        return fields.Date.context_today(self).replace(day=1)

    def _default_date_to(self):
        return fields.Date.context_today(self)

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for record in self:
            if (
                record.date_from
                and record.date_to
                and record.date_from > record.date_to
            ):
                raise UserError(_("The period must start before it ends."))

    @api.model
    def _period_bounds(self, date_from, date_to):
        """``(start, end)``: the timestamps between which the checks of the days
        from ``date_from`` to ``date_to`` fall (start included, end excluded)."""
        start = fields.Datetime.to_datetime(date_from)
        return start, fields.Datetime.to_datetime(date_to) + timedelta(days=1)
