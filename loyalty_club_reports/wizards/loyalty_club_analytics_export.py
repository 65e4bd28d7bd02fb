"""Cohorts, category crossing and geography as XLSX (report_xlsx) or CSV: one table
builder for both files, the filters used written in the file."""

import base64
import csv
import io

from odoo import _, fields, models


class LoyaltyClubAnalyticsExport(models.TransientModel):
    _name = "loyalty.club.analytics.export"
    _inherit = "loyalty.club.report.period"
    _description = "Club Analytics Export"

    report = fields.Selection(
        [
            ("cohort", "Cohorts"),
            ("crossing", "Categories bought together"),
            ("geo", "Geography"),
        ],
        required=True,
        default="cohort",
    )
    # optional here: an empty date leaves the cohorts open on that side
    date_from = fields.Date(
        required=False,
        help="Cohorts: first month of joining. Categories: first day of checks.",
    )
    date_to = fields.Date(required=False)
    store_id = fields.Many2one("loyalty.club.store", help="Categories: empty for all.")
    file_format = fields.Selection(
        [("xlsx", "XLSX"), ("csv", "CSV")], "Format", required=True, default="xlsx"
    )
    data_file = fields.Binary("File", readonly=True, attachment=False)
    data_name = fields.Char(readonly=True)

    def _default_date_from(self):
        """This year so far."""
        return fields.Date.context_today(self).replace(month=1, day=1)

    # -- the table, the same for XLSX and CSV --------------------------------

    def _filters(self):
        self.ensure_one()
        labels = dict(self._fields["report"]._description_selection(self.env))
        filters = [(_("Report"), labels[self.report])]
        if self.report == "geo":
            filters.append((_("Period"), _("all purchases")))
        else:
            filters.append((_("From"), str(self.date_from or "")))
            filters.append((_("To"), str(self.date_to or "")))
        if self.report == "crossing":
            filters.append((_("Store"), self.store_id.name or _("All stores")))
        filters.append((_("Companies"), ", ".join(self.env.companies.mapped("name"))))
        return filters

    def _export_table(self):
        """(headers, kinds, rows, totals): kinds are 'text', 'int', 'money', 'pct'."""
        self.ensure_one()
        return getattr(self, f"_export_{self.report}")()

    def _export_cohort(self):
        domain = [("company_id", "in", self.env.companies.ids)]
        if self.date_from:
            domain.append(("cohort_date", ">=", self.date_from.replace(day=1)))
        if self.date_to:
            domain.append(("cohort_date", "<=", self.date_to))
        cells = self.env["loyalty.club.cohort.report"].search_read(
            domain,
            [
                "cohort_date",
                "months_since",
                "cohort_size",
                "members_active",
                "retention",
            ],
            order="cohort_date, months_since",
        )
        headers = [
            _("Month of joining"),
            _("Months since joining"),
            _("Members joined"),
            _("Members active"),
            _("Retained (%)"),
        ]
        kinds = ["text", "int", "int", "int", "pct"]
        rows = [
            [
                c["cohort_date"].strftime("%Y-%m"),
                c["months_since"],
                c["cohort_size"],
                c["members_active"],
                c["retention"] / 100.0,
            ]
            for c in cells
        ]
        joined = {c["cohort_date"]: c["cohort_size"] for c in cells}
        totals = [_("Total"), None, sum(joined.values()), None, None]
        return headers, kinds, rows, totals

    def _export_crossing(self):
        crossing = self.env["loyalty.club.crossing"].create(
            {
                "date_from": self.date_from or fields.Date.context_today(self),
                "date_to": self.date_to or fields.Date.context_today(self),
                "store_id": self.store_id.id,
            }
        )
        crossing._compute_pairs()
        headers = [
            _("Category"),
            _("Bought with"),
            _("Checks with both"),
            _("Checks with the category"),
            _("Checks with the other"),
            _("Support (%)"),
            _("Confidence (%)"),
            _("Lift"),
        ]
        kinds = ["text", "text", "int", "int", "int", "pct", "pct", "float"]
        rows = [
            [
                line.categ_a_id.complete_name,
                line.categ_b_id.complete_name,
                line.checks_both,
                line.checks_a,
                line.checks_b,
                line.support / 100.0,
                line.confidence / 100.0,
                line.lift,
            ]
            for line in crossing.line_ids
        ]
        totals = [_("Checks in period"), None, crossing.checks_total] + [None] * 5
        return headers, kinds, rows, totals

    def _export_geo(self):
        groups = self.env["loyalty.club.geo.report"]._read_group(
            [("company_id", "in", self.env.companies.ids)],
            ["country_id", "state_id", "city", "source"],
            ["member_count:sum", "checks:sum", "amount:sum"],
            order="country_id, state_id, city, source",
        )
        sources = dict(
            self.env["loyalty.club.geo.report"]
            ._fields["source"]
            ._description_selection(self.env)
        )
        headers = [
            _("Country"),
            _("Region"),
            _("City"),
            _("Place from"),
            _("Members"),
            _("Checks"),
            _("Sales"),
        ]
        kinds = ["text", "text", "text", "text", "int", "int", "money"]
        unknown = _("Unknown")
        rows = [
            [
                country.name or "",
                state.name or "",
                city or unknown,
                sources.get(source, ""),
                members,
                checks,
                amount,
            ]
            for country, state, city, source, members, checks, amount in groups
        ]
        totals = [
            _("Total"),
            None,
            None,
            None,
            sum(r[4] for r in rows),
            sum(r[5] for r in rows),
            sum(r[6] for r in rows),
        ]
        return headers, kinds, rows, totals

    def _file_name(self, ext):
        return f"club_{self.report}_{fields.Date.context_today(self)}.{ext}"

    # -- files -----------------------------------------------------------------

    def _csv_bytes(self):
        headers, _kinds, rows, totals = self._export_table()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for label, value in self._filters():
            writer.writerow([label, value])
        writer.writerow([])
        writer.writerow(headers)
        writer.writerows(rows)
        if not rows:
            writer.writerow([_("No data for these filters.")])
        writer.writerow(["" if v is None else v for v in totals])
        return buffer.getvalue().encode("utf-8-sig")

    def action_export(self):
        self.ensure_one()
        if self.file_format == "xlsx":
            return self.env.ref(
                "loyalty_club_reports.loyalty_club_analytics_xlsx"
            ).report_action(self, config=False)  # no PDF layout to set up
        self.write(
            {
                "data_file": base64.b64encode(self._csv_bytes()),
                "data_name": self._file_name("csv"),
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/data_file/{self.data_name}"
            "?download=true",
            "target": "self",
        }
