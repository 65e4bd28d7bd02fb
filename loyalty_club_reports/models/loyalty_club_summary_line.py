"""One figure of the club's summary: this period, the one before and the change."""

from odoo import api, fields, models
from odoo.tools import formatLang

DASH = "\u2014"  # an em dash: no figure


class LoyaltyClubSummaryLine(models.TransientModel):
    _name = "loyalty.club.summary.line"
    _description = "Club Summary Figure"
    _order = "sequence"

    summary_id = fields.Many2one(
        "loyalty.club.summary", required=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    key = fields.Char(readonly=True)
    row_label = fields.Char(
        "Row", readonly=True, help="The store, group, category or tier of a breakdown."
    )
    name = fields.Char("Figure", readonly=True)
    section = fields.Selection(
        [
            ("base", "Summary"),
            ("effect", "Program effectiveness"),
            ("breakdown", "By dimension"),
        ],
        readonly=True,
    )
    is_share = fields.Boolean(readonly=True)
    figure_kind = fields.Selection(
        [
            ("count", "Count"),
            ("amount", "Amount"),
            ("ratio", "Ratio"),
            ("share", "Share"),
        ],
        readonly=True,
        help="How the figure is written: a count as a whole number, an amount in "
        "the company's currency, a ratio with two decimals, a share in percent.",
    )
    value = fields.Float("Period", readonly=True)
    previous = fields.Float("Previous Period", readonly=True)
    previous_missing = fields.Boolean(
        "No Previous Figure",
        readonly=True,
        help="Nothing happened in the previous period: there is nothing to compare "
        "with.",
    )
    change = fields.Float("Change (%)", readonly=True)
    value_display = fields.Char(
        "Period (shown)",
        compute="_compute_displays",
        help="The figure for the period.",
    )
    previous_display = fields.Char(
        "Previous Period (shown)",
        compute="_compute_displays",
        help="The figure for the previous period; a dash when nothing happened in "
        "it.",
    )
    change_display = fields.Char(
        "Change (shown)",
        compute="_compute_displays",
        help="The change against the previous period in percent; a dash when there "
        "is nothing to compare with.",
    )

    def _format(self, value):
        self.ensure_one()
        if self.figure_kind == "count":
            return formatLang(self.env, value, digits=0)
        if self.figure_kind == "share":
            return f"{formatLang(self.env, value * 100, digits=1)}%"
        if self.figure_kind == "amount":
            return formatLang(
                self.env, value, digits=self.env.company.currency_id.decimal_places
            )
        return formatLang(self.env, value, digits=2)

    @api.depends("figure_kind", "value", "previous", "previous_missing", "change")
    @api.depends_context("lang", "company")
    def _compute_displays(self):
        for line in self:
            line.value_display = line._format(line.value)
            line.previous_display = (
                DASH if line.previous_missing else line._format(line.previous)
            )
            if line.previous_missing or not line.previous:
                line.change_display = DASH
            else:
                sign = "+" if line.change > 0 else ""
                line.change_display = (
                    f"{sign}{formatLang(self.env, line.change * 100, digits=1)}%"
                )
