from dateutil.relativedelta import relativedelta

from odoo import fields, models

from odoo.addons.loyalty_club.edge import club_today

CLV_MONTHS_PARAM = "loyalty_club_reports.clv_months"


class ResPartner(models.Model):
    """A member's value to the club over the last months (the member value
    report's horizon: 12 months unless a system parameter says otherwise)."""

    _inherit = "res.partner"

    club_value = fields.Float(
        "Value to the Club",
        compute="_compute_club_value",
        digits=(16, 2),
        help="What the member brought over the horizon: the margin where the "
        "product's cost is known, else the sales, less the bonuses spent.",
    )
    club_value_sales = fields.Float(
        "Purchases over the Horizon",
        compute="_compute_club_value",
        digits=(16, 2),
        help="What the member bought over the horizon, returns deducted.",
    )
    club_value_months = fields.Integer(
        "Horizon (Months)",
        compute="_compute_club_value",
        help="The months the member's value counts: this month and the ones "
        "before it.",
    )

    def _clv_months(self):
        value = self.env["ir.config_parameter"].sudo().get_param(CLV_MONTHS_PARAM)
        try:
            months = int(value or 12)
        except ValueError:
            months = 12
        return max(1, months)

    def _compute_club_value(self):
        months = self._clv_months()
        since = club_today(self).replace(day=1) - relativedelta(months=months - 1)
        ids = [pid for pid in self.ids if pid]
        rows = {}
        if ids:
            groups = (
                self.env["loyalty.club.clv.report"]
                .sudo()
                ._read_group(
                    [("partner_id", "in", ids), ("month", ">=", since)],
                    ["partner_id"],
                    ["net_value:sum", "sales:sum"],
                )
            )
            rows = {partner.id: (value, sales) for partner, value, sales in groups}
        for partner in self:
            value, sales = rows.get(partner.id, (0.0, 0.0))
            partner.club_value = value or 0.0
            partner.club_value_sales = sales or 0.0
            partner.club_value_months = months
