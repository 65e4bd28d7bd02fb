"""The club's summary for a period and the one before it, set-based in SQL."""

import base64
import io
from datetime import timedelta

import xlsxwriter

from odoo import _, api, fields, models
from odoo.exceptions import UserError
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
    ("members_joined", "base", "count"),
    ("gift_cards_sold", "base", "count"),
    ("member_sales_share", "effect", "share"),
    ("member_average_check", "effect", "amount"),
    ("non_member_average_check", "effect", "amount"),
    ("member_items_per_check", "effect", "ratio"),
    ("non_member_items_per_check", "effect", "ratio"),
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
# the figures repeated for each store, group, category or tier of a breakdown
BREAKDOWN_FIGURES = (
    "purchase_amount",
    "purchases",
    "average_check",
    "member_sales_share",
    "earned",
)


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
    store_ids = fields.Many2many("loyalty.club.store", string="Stores")
    store_group_ids = fields.Many2many(
        "loyalty.club.store.group",
        string="Brands and Formats",
        help="The stores of these brands and formats.",
    )
    categ_ids = fields.Many2many(
        "product.category",
        string="Product Categories",
        help="With their subcategories. Checks count when they hold such goods, "
        "with the amount of those goods; expired bonuses belong to no product "
        "and are left out.",
    )
    attribute_value_ids = fields.Many2many(
        "product.attribute.value",
        string="Product Attributes",
        help="Colour, size, collection: goods with any of these values.",
    )
    tier_ids = fields.Many2many(
        "loyalty.club.tier",
        string="Customer Groups",
        help="Members now in these tiers.",
    )
    breakdown = fields.Selection(
        [
            ("store", "Store"),
            ("store_group", "Brand or format"),
            ("categ", "Product category"),
            ("tier", "Customer group"),
        ],
        string="Rows by",
        help="Adds the main figures for each store, brand or format, product "
        "category (with its subcategories) or tier, within the filters.",
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
            "members_joined": _("Members joined"),
            "gift_cards_sold": _("Gift cards sold"),
            "member_sales_share": _("Share of sales by members"),
            "member_average_check": _("Average check, members"),
            "non_member_average_check": _("Average check, non-members"),
            "member_items_per_check": _("Items per check, members"),
            "non_member_items_per_check": _("Items per check, non-members"),
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

    def _filters(self):
        """The summary's filters as ids: the stores (with the stores of the
        groups), the categories with their subcategories, attribute values and
        tiers; an empty tuple is no filter."""
        self.ensure_one()
        stores = self.store_ids | self.store_group_ids.store_ids
        categs = (
            self.env["product.category"].search(
                [("id", "child_of", self.categ_ids.ids)]
            )
            if self.categ_ids
            else self.categ_ids
        )
        return {
            "store_ids": tuple(stores.ids),
            "categ_ids": tuple(categs.ids),
            "attribute_value_ids": tuple(self.attribute_value_ids.ids),
            "tier_ids": tuple(self.tier_ids.ids),
        }

    @api.model
    def _sales_where(self, filters):
        """Conditions on ``loyalty_club_sales_report`` for the filters."""
        where = []
        if filters.get("store_ids"):
            where.append(SQL("r.store_id IN %s", filters["store_ids"]))
        if filters.get("categ_ids"):
            where.append(SQL("r.categ_id IN %s", filters["categ_ids"]))
        if filters.get("attribute_value_ids"):
            where.append(
                SQL(
                    """r.product_id IN (
                        SELECT pvc.product_product_id
                          FROM product_variant_combination pvc
                          JOIN product_template_attribute_value ptav
                            ON ptav.id = pvc.product_template_attribute_value_id
                         WHERE ptav.product_attribute_value_id IN %s)""",
                    filters["attribute_value_ids"],
                )
            )
        if filters.get("tier_ids"):
            where.append(SQL("r.tier_id IN %s", filters["tier_ids"]))
        return where

    @api.model
    def _figures(self, date_from, date_to, company_ids=None, filters=None):
        """Every figure of the summary for [date_from, date_to], both days
        included, for the ``filters`` (see ``_filters``)."""
        cr = self.env.cr
        self.env.flush_all()
        filters = filters or {}
        start, end = self._period_bounds(date_from, date_to)
        companies = tuple(company_ids or self.env.companies.ids)
        by_product = bool(
            filters.get("categ_ids") or filters.get("attribute_value_ids")
        )
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
                        FILTER (WHERE kind = 'sale' AND NOT is_member),
                    COALESCE(sum(qty) FILTER (WHERE kind = 'sale' AND is_member), 0),
                    COALESCE(sum(r.earned * p.point_value), 0),
                    COALESCE(sum(r.spent * p.point_value), 0)
                FROM loyalty_club_sales_report r
                LEFT JOIN loyalty_club_program p ON p.id = r.program_id
                WHERE %s
                """,
                SQL(" AND ").join(
                    [
                        SQL("r.date >= %s AND r.date < %s", start, end),
                        SQL("r.company_id IN %s", companies),
                        *self._sales_where(filters),
                    ]
                ),
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
            m_items,
            line_earned,
            line_spent,
        ) = cr.fetchone()
        ledger_where = [
            SQL("l.date >= %s AND l.date < %s", start, end),
            SQL("l.company_id IN %s", companies),
        ]
        if filters.get("store_ids"):
            ledger_where.append(SQL("l.store_id IN %s", filters["store_ids"]))
        if filters.get("tier_ids"):
            ledger_where.append(
                SQL(
                    "l.wallet_id IN (SELECT id FROM loyalty_club_wallet "
                    "WHERE tier_id IN %s)",
                    filters["tier_ids"],
                )
            )
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
                WHERE %s
                """,
                SQL(" AND ").join(ledger_where),
            )
        )
        earned, spent, expired, digits = cr.fetchone()
        scale = 10 ** (digits or 0)
        earned, spent, expired = earned / scale, spent / scale, expired / scale
        if by_product:
            # bonuses of the goods chosen: their lines' share of each check's
            # earn and spend; expired bonuses belong to no product
            earned, spent, expired = float(line_earned), float(line_spent), 0.0
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
                  AND %(store)s
                """,
                s=start,
                e=end,
                c=companies,
                store=SQL("activated_store_id IN %s", filters["store_ids"])
                if filters.get("store_ids")
                else SQL("TRUE"),
            )
        )
        issued, registered, cards_total = cr.fetchone()
        cr.execute(
            SQL(
                """
                SELECT count(DISTINCT l.wallet_id)
                  FROM loyalty_club_ledger l
                  JOIN loyalty_club_wallet w ON w.id = l.wallet_id
                 WHERE l.kind = 'issue' AND w.kind = 'gift_card'
                   AND l.date >= %s AND l.date < %s AND l.company_id IN %s AND %s
                """,
                start,
                end,
                companies,
                SQL("l.store_id IN %s", filters["store_ids"])
                if filters.get("store_ids")
                else SQL("TRUE"),
            )
        )
        gift_sold = cr.fetchone()[0]
        tier_where = (
            SQL("tier_id IN %s", filters["tier_ids"])
            if filters.get("tier_ids")
            else SQL("TRUE")
        )
        cr.execute(
            SQL(
                """
                SELECT count(DISTINCT partner_id) FILTER (
                           WHERE create_date >= %s AND create_date < %s)
                  FROM loyalty_club_wallet
                 WHERE kind = 'bonus' AND partner_id IS NOT NULL
                   AND company_id IN %s AND %s
                """,
                start,
                end,
                companies,
                tier_where,
            )
        )
        joined = cr.fetchone()[0]
        cr.execute(
            SQL(
                """
                SELECT count(DISTINCT partner_id) FROM loyalty_club_wallet
                WHERE kind = 'bonus' AND partner_id IS NOT NULL
                  AND create_date < %s AND company_id IN %s AND %s
                """,
                end,
                companies,
                tier_where,
            )
        )
        members_total = cr.fetchone()[0]
        net, sales, items, m_sales, m_items = (
            float(net),
            float(sales),
            float(items),
            float(m_sales),
            float(m_items),
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
            "members_joined": joined,
            "gift_cards_sold": gift_sold,
            "member_sales_share": _div(m_sales, sales),
            "member_average_check": _div(m_sales, m_checks),
            "non_member_average_check": _div(sales - m_sales, checks - m_checks),
            "member_items_per_check": _div(m_items, m_checks),
            "non_member_items_per_check": _div(items - m_items, checks - m_checks),
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
        filters = self._filters()
        current = self._figures(self.date_from, self.date_to, filters=filters)
        previous = self._figures(*self._previous_period(), filters=filters)
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
        if self.breakdown:
            self.line_ids = self._breakdown_lines(filters, labels, len(FIGURES))
        return self._reopen()

    def _breakdown_values(self):
        """(label, extra filters) of each row of the breakdown."""
        self.ensure_one()
        env = self.env
        if self.breakdown == "store":
            stores = self.store_ids | self.store_group_ids.store_ids or env[
                "loyalty.club.store"
            ].search([("company_id", "in", env.companies.ids)])
            return [(s.name, {"store_ids": (s.id,)}) for s in stores]
        if self.breakdown == "store_group":
            groups = self.store_group_ids or env["loyalty.club.store.group"].search([])
            return [
                (g.name, {"store_ids": tuple(g.store_ids.ids) or (0,)}) for g in groups
            ]
        if self.breakdown == "categ":
            Categ = env["product.category"]
            categs = self.categ_ids or Categ.search([("parent_id", "=", False)])
            return [
                (
                    c.display_name,
                    {"categ_ids": tuple(Categ.search([("id", "child_of", c.id)]).ids)},
                )
                for c in categs
            ]
        if self.breakdown == "tier":
            tiers = self.tier_ids or env["loyalty.club.tier"].search(
                [("program_id.company_id", "in", env.companies.ids)]
            )
            return [(t.display_name, {"tier_ids": (t.id,)}) for t in tiers]
        return []

    def _breakdown_lines(self, filters, labels, start):
        """Lines of the breakdown: the main figures for each of its rows, the
        row's own filter taking the place of the summary's on that dimension."""
        kinds = {key: kind for key, _section, kind in FIGURES}
        commands, sequence = [], start
        for label, extra in self._breakdown_values():
            row = dict(filters, **extra)
            current = self._figures(self.date_from, self.date_to, filters=row)
            previous = self._figures(*self._previous_period(), filters=row)
            for key in BREAKDOWN_FIGURES:
                commands.append(
                    fields.Command.create(
                        {
                            "sequence": sequence,
                            "key": key,
                            "name": f"{label}: {labels[key]}",
                            "row_label": label,
                            "section": "breakdown",
                            "is_share": kinds[key] == "share",
                            "figure_kind": kinds[key],
                            "value": current[key],
                            "previous": previous[key],
                            "change": _div(
                                current[key] - previous[key], abs(previous[key])
                            ),
                        }
                    )
                )
                sequence += 1
        return commands

    def action_graph(self, key="purchase_amount"):
        """A figure of the breakdown as a bar graph: this period and the one
        before for each row."""
        self.ensure_one()
        if not self.breakdown:
            raise UserError(_("Choose the rows of the breakdown first."))
        if not self.line_ids:
            self.action_compute()
        return {
            "type": "ir.actions.act_window",
            "name": _(
                "%(figure)s by %(rows)s",
                figure=self._labels()[key],
                rows=dict(self._fields["breakdown"]._description_selection(self.env))[
                    self.breakdown
                ],
            ),
            "res_model": "loyalty.club.summary.line",
            "view_mode": "graph,list",
            "domain": [
                ("summary_id", "=", self.id),
                ("section", "=", "breakdown"),
                ("key", "=", key),
            ],
            "context": {"graph_groupbys": ["row_label"], "graph_measure": "value"},
            "target": "current",
        }

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
            ("breakdown", _("By dimension")),
        ):
            lines = self.line_ids.filtered(lambda x, s=section: x.section == s)
            if not lines:
                continue
            sheet.write(row, 0, title, bold)
            row += 1
            for line in lines:
                fmt = formats.get(line.figure_kind, number)
                sheet.write(row, 0, line.name)
                sheet.write_number(row, 1, line.value, fmt)
                sheet.write_number(row, 2, line.previous, fmt)
                sheet.write_number(row, 3, line.change, percent)
                row += 1
        book.close()
        return buffer.getvalue()
