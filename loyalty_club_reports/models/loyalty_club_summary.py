"""The club's summary for a period and the one before it, set-based in SQL."""

import base64
import io
from datetime import timedelta

import xlsxwriter

from odoo import _, api, fields, models
from odoo.tools import SQL, format_date

# key, section, kind: a count (an integer), an amount (money), a ratio or a
# share (shown in %)
FIGURES = [
    ("cards_issued", "base", "count"),
    ("cards_registered", "base", "count"),
    ("purchase_amount", "base", "amount"),
    ("purchases", "base", "count"),
    ("average_check", "base", "amount"),
    ("items_per_check", "base", "ratio"),
    ("members_total", "base", "count"),
    ("cards_total", "base", "count"),
    ("member_sales_share", "effect", "share"),
    ("member_average_check", "effect", "amount"),
    ("non_member_average_check", "effect", "amount"),
    ("member_frequency", "effect", "ratio"),
    ("non_member_frequency", "effect", "ratio"),
    ("earned", "effect", "amount"),
    ("spent", "effect", "amount"),
    ("expired", "effect", "amount"),
    ("earned_share", "effect", "share"),
    ("spent_share", "effect", "share"),
    ("expired_share", "effect", "share"),
    ("active_members", "effect", "count"),
]
# counted at the end of a period, whatever happened in it
STOCKS = ("members_total", "cards_total")


def _div(a, b):
    return a / b if b else 0.0


class LoyaltyClubSummary(models.TransientModel):
    _name = "loyalty.club.summary"
    _inherit = "loyalty.club.report.period"
    _description = "Club Summary"

    line_ids = fields.One2many("loyalty.club.summary.line", "summary_id")
    previous_label = fields.Char(
        "Previous Period",
        compute="_compute_previous_label",
        help="The days just before the period, as many as in it: the figures are "
        "compared with them.",
    )
    xlsx_file = fields.Binary("XLSX", readonly=True, attachment=False)
    xlsx_name = fields.Char(readonly=True)

    @api.model
    def _labels(self):
        return {
            "cards_issued": _("Cards issued"),
            "cards_registered": _("Cards registered"),
            "purchase_amount": _("Purchase amount"),
            "purchases": _("Number of purchases"),
            "average_check": _("Average check"),
            "items_per_check": _("Items per check"),
            "members_total": _("Members overall"),
            "cards_total": _("Cards overall"),
            "member_sales_share": _("Share of sales by members"),
            "member_average_check": _("Average check, members"),
            "non_member_average_check": _("Average check, non-members"),
            "member_frequency": _("Purchase frequency, members"),
            "non_member_frequency": _("Purchase frequency, identified non-members"),
            "earned": _("Bonuses earned (money)"),
            "spent": _("Bonuses spent (money)"),
            "expired": _("Bonuses expired (money)"),
            "earned_share": _("Bonuses earned, share of sales"),
            "spent_share": _("Bonuses spent, share of sales"),
            "expired_share": _("Bonuses expired, share of sales"),
            "active_members": _("Active members"),
        }

    @api.depends("date_from", "date_to")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for summary in self:
            if summary.date_from and summary.date_to:
                summary.display_name = _(
                    "Club summary %(start)s - %(end)s",
                    start=format_date(self.env, summary.date_from),
                    end=format_date(self.env, summary.date_to),
                )
            else:
                summary.display_name = _("Club summary")

    @api.depends("date_from", "date_to")
    @api.depends_context("lang")
    def _compute_previous_label(self):
        for summary in self:
            if summary.date_from and summary.date_to:
                start, end = summary._previous_period()
                summary.previous_label = (
                    f"{format_date(self.env, start)} - {format_date(self.env, end)}"
                )
            else:
                summary.previous_label = False

    @api.model
    def _period_empty(self, figures):
        """Nothing happened in the period: no check, card or bonus movement."""
        return not any(
            figures[key] for key, _section, _kind in FIGURES if key not in STOCKS
        )

    def _previous_period(self):
        days = (self.date_to - self.date_from).days + 1
        return (
            self.date_from - timedelta(days=days),
            self.date_from - timedelta(days=1),
        )

    @api.model
    def _figures(self, date_from, date_to, company_ids=None):
        """Every figure of the summary for [date_from, date_to], both days included."""
        cr = self.env.cr
        self.env.flush_all()
        start, end = self._period_bounds(date_from, date_to)
        companies = tuple(company_ids or self.env.companies.ids)
        cr.execute(
            SQL(
                """
                SELECT
                    COALESCE(sum(amount), 0),
                    COALESCE(sum(amount) FILTER (WHERE kind = 'sale'), 0),
                    COALESCE(sum(qty) FILTER (WHERE kind = 'sale'), 0),
                    count(DISTINCT check_id) FILTER (WHERE kind = 'sale'),
                    COALESCE(sum(amount) FILTER (WHERE kind = 'sale' AND is_member), 0),
                    count(DISTINCT check_id) FILTER (WHERE kind = 'sale' AND is_member),
                    count(DISTINCT partner_id)
                        FILTER (WHERE kind = 'sale' AND is_member),
                    count(DISTINCT check_id) FILTER (
                        WHERE kind = 'sale' AND NOT is_member
                          AND buyer_id IS NOT NULL),
                    count(DISTINCT buyer_id)
                        FILTER (WHERE kind = 'sale' AND NOT is_member)
                FROM loyalty_club_sales_report
                WHERE date >= %s AND date < %s AND company_id IN %s
                """,
                start,
                end,
                companies,
            )
        )
        (
            net,
            sales,
            items,
            checks,
            m_sales,
            m_checks,
            m_active,
            nm_id_checks,
            nm_buyers,
        ) = cr.fetchone()
        cr.execute(
            SQL(
                """
                SELECT
                    COALESCE(sum(l.money_minor) FILTER (WHERE l.kind = 'earn'), 0),
                    COALESCE(-sum(l.money_minor) FILTER (WHERE l.kind = 'burn'), 0),
                    COALESCE(-sum(l.money_minor) FILTER (WHERE l.kind = 'expire'), 0),
                    max(cur.decimal_places)
                FROM loyalty_club_ledger l
                JOIN res_company co ON co.id = l.company_id
                JOIN res_currency cur ON cur.id = co.currency_id
                WHERE l.date >= %s AND l.date < %s AND l.company_id IN %s
                """,
                start,
                end,
                companies,
            )
        )
        earned, spent, expired, digits = cr.fetchone()
        scale = 10 ** (digits or 0)
        earned, spent, expired = earned / scale, spent / scale, expired / scale
        cr.execute(
            SQL(
                """
                SELECT
                    count(*) FILTER (
                        WHERE create_date >= %(s)s AND create_date < %(e)s),
                    count(*) FILTER (
                        WHERE activated_on >= %(s)s::date
                          AND activated_on < %(e)s::date),
                    count(*) FILTER (WHERE create_date < %(e)s)
                FROM loyalty_club_card WHERE company_id IN %(c)s AND kind != 'gift'
                """,
                s=start,
                e=end,
                c=companies,
            )
        )
        issued, registered, cards_total = cr.fetchone()
        cr.execute(
            SQL(
                """
                SELECT count(DISTINCT partner_id) FROM loyalty_club_wallet
                WHERE kind = 'bonus' AND partner_id IS NOT NULL
                  AND create_date < %s AND company_id IN %s
                """,
                end,
                companies,
            )
        )
        members_total = cr.fetchone()[0]
        net, sales, items, m_sales = (
            float(net),
            float(sales),
            float(items),
            float(m_sales),
        )
        return {
            "cards_issued": issued,
            "cards_registered": registered,
            "purchase_amount": net,
            "purchases": checks,
            "average_check": _div(sales, checks),
            "items_per_check": _div(items, checks),
            "members_total": members_total,
            "cards_total": cards_total,
            "member_sales_share": _div(m_sales, sales),
            "member_average_check": _div(m_sales, m_checks),
            "non_member_average_check": _div(sales - m_sales, checks - m_checks),
            "member_frequency": _div(m_checks, m_active),
            "non_member_frequency": _div(nm_id_checks, nm_buyers),
            "earned": earned,
            "spent": spent,
            "expired": expired,
            "earned_share": _div(earned, net),
            "spent_share": _div(spent, net),
            "expired_share": _div(expired, net),
            "active_members": m_active,
        }

    def action_compute(self):
        self.ensure_one()
        current = self._figures(self.date_from, self.date_to)
        previous = self._figures(*self._previous_period())
        labels = self._labels()
        previous_empty = self._period_empty(previous)
        self.line_ids = [fields.Command.clear()] + [
            fields.Command.create(
                {
                    "sequence": index,
                    "key": key,
                    "name": labels[key],
                    "section": section,
                    "is_share": kind == "share",
                    "figure_kind": kind,
                    "value": current[key],
                    "previous": previous[key],
                    "previous_missing": previous_empty and key not in STOCKS,
                    "change": _div(current[key] - previous[key], abs(previous[key])),
                }
            )
            for index, (key, section, kind) in enumerate(FIGURES)
        ]
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_export_xlsx(self):
        self.ensure_one()
        if not self.line_ids:
            self.action_compute()
        self.write(
            {
                "xlsx_file": base64.b64encode(self._xlsx_bytes()),
                "xlsx_name": f"club_summary_{self.date_from}_{self.date_to}.xlsx",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/xlsx_file/{self.xlsx_name}"
            "?download=true",
            "target": "self",
        }

    def _xlsx_bytes(self):
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet(_("Summary"))
        bold = book.add_format({"bold": True})
        number = book.add_format({"num_format": "#,##0.00"})
        integer = book.add_format({"num_format": "#,##0"})
        percent = book.add_format({"num_format": "0.00%"})
        formats = {"count": integer, "share": percent}
        sheet.set_column(0, 0, 45)
        sheet.set_column(1, 3, 16)
        previous = self._previous_period()
        sheet.write(0, 0, _("Loyalty club summary"), bold)
        sheet.write(
            1,
            0,
            _("Period: %(start)s - %(end)s", start=self.date_from, end=self.date_to),
        )
        sheet.write(
            2,
            0,
            _(
                "Previous period: %(start)s - %(end)s",
                start=previous[0],
                end=previous[1],
            ),
        )
        header = [_("Figure"), _("Period"), _("Previous period"), _("Change")]
        for col, title in enumerate(header):
            sheet.write(4, col, title, bold)
        row = 5
        for section, title in (
            ("base", _("Summary")),
            ("effect", _("Program effectiveness")),
        ):
            sheet.write(row, 0, title, bold)
            row += 1
            for line in self.line_ids.filtered(lambda x, s=section: x.section == s):
                fmt = formats.get(line.figure_kind, number)
                sheet.write(row, 0, line.name)
                sheet.write_number(row, 1, line.value, fmt)
                sheet.write_number(row, 2, line.previous, fmt)
                sheet.write_number(row, 3, line.change, percent)
                row += 1
        book.close()
        return buffer.getvalue()
