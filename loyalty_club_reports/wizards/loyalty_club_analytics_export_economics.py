"""Program economics in the analytics export (XLSX or CSV): one row per
month, program and store, with the shares computed from the row's sums."""

from odoo import fields, models

MEASURES = (
    "sales_all",
    "sales_members",
    "checks_all",
    "checks_members",
    "earned",
    "gifted",
    "spent",
    "expired",
    "reversed",
    "discounts",
    "cost",
)


class LoyaltyClubAnalyticsExport(models.TransientModel):
    _inherit = "loyalty.club.analytics.export"

    report = fields.Selection(
        selection_add=[("economics", "Program economics")],
        ondelete={"economics": "set default"},
    )

    def _export_economics(self):
        _ = self.env._
        domain = [("company_id", "in", self.env.companies.ids)]
        if self.date_from:
            domain.append(("month", ">=", self.date_from.replace(day=1)))
        if self.date_to:
            domain.append(("month", "<=", self.date_to))
        groups = self.env["loyalty.club.economics.report"]._read_group(
            domain,
            ["month:month", "program_id", "store_id"],
            [f"{name}:sum" for name in MEASURES],
            order="month:month, program_id, store_id",
        )
        headers = [
            _("Month"),
            _("Program"),
            _("Store"),
            _("Sales, everyone"),
            _("Sales, members"),
            _("Club share of sales"),
            _("Checks, everyone"),
            _("Checks, members"),
            _("Bonuses earned"),
            _("Bonuses given"),
            _("Bonuses spent"),
            _("Bonuses expired"),
            _("Bonuses reversed"),
            _("Promotion discounts"),
            _("Cost"),
            _("Cost of members' sales"),
        ]
        kinds = ["text", "text", "text", "money", "money", "pct", "int", "int"]
        kinds += ["money"] * 7 + ["pct"]

        def share(part, whole):
            return part / whole if whole else 0.0

        def row(label, program, store, sums):
            values = dict(zip(MEASURES, sums, strict=True))
            return [
                label,
                program,
                store,
                values["sales_all"],
                values["sales_members"],
                share(values["sales_members"], values["sales_all"]),
                values["checks_all"],
                values["checks_members"],
                *(
                    values[name]
                    for name in (
                        "earned",
                        "gifted",
                        "spent",
                        "expired",
                        "reversed",
                        "discounts",
                        "cost",
                    )
                ),
                share(values["cost"], values["sales_members"]),
            ]

        rows = [
            row(
                month.strftime("%Y-%m"),
                program.name or "",
                store.name or "",
                [value or 0 for value in sums],
            )
            for month, program, store, *sums in groups
        ]
        totals = [sum(g[3 + i] or 0 for g in groups) for i in range(len(MEASURES))]
        return headers, kinds, rows, row(_("Total"), None, None, totals)
