"""Default club accounts and journal, made when a chart of accounts is loaded.

On install (for the companies that already have a chart, from
``data/loyalty_club_account_data.xml``) and whenever a chart is loaded later
(the generic chart, the Ukrainian ``ua_psbo``, a Russian ``ru`` chart from a
localisation addon, any other), each empty setting gets an account of its own.
The preferred codes follow the chart's numbering; a code already taken is
never reused: the next free one is.
"""

import logging
from collections import Counter

from odoo import _, api, models
from odoo.exceptions import UserError

from .res_company import ACCOUNT_ROLES

_logger = logging.getLogger(__name__)

PREFERRED_CODES = {
    "generic_coa": {
        "bonus_liability": "2130",
        "deferred_revenue": "2140",
        "gift_liability": "2150",
        "clearing": "1290",
        "bonus_expense": "6500",
        "revenue": "4010",
        "breakage": "4510",
        "gift_breakage": "4520",
    },
    # Ukrainian national standards: 685 other creditors, 69 deferred income,
    # 377 other debtors, 93 selling expenses, 70 revenue, 719 other income
    "ua_psbo": {
        "bonus_liability": "6854",
        "deferred_revenue": "691",
        "gift_liability": "6855",
        "clearing": "3771",
        "bonus_expense": "939",
        "revenue": "7093",
        "breakage": "7191",
        "gift_breakage": "7192",
    },
    # Russian chart: 76 settlements, 98 deferred income, 44 selling expenses,
    # 90 sales, 91 other income
    "ru": {
        "bonus_liability": "76.50",
        "deferred_revenue": "98.50",
        "gift_liability": "76.51",
        "clearing": "76.52",
        "bonus_expense": "44.50",
        "revenue": "90.01.5",
        "breakage": "91.01.5",
        "gift_breakage": "91.01.6",
    },
}
JOURNAL_CODES = ("LCLUB", "LCL1", "LCL2", "LCL3", "LCL4", "LCL5")


class ResCompany(models.Model):
    _inherit = "res.company"

    def _loyalty_club_account_names(self):
        return {
            "bonus_liability": _("Club bonus liability"),
            "deferred_revenue": _("Contract liability: club bonuses (IFRS 15)"),
            "gift_liability": _("Gift-card liability"),
            "clearing": _("Club settlements through other channels"),
            "bonus_expense": _("Club bonus expense"),
            "revenue": _("Revenue allocated to club bonuses (IFRS 15)"),
            "breakage": _("Club bonus breakage"),
            "gift_breakage": _("Gift-card breakage"),
        }

    def _loyalty_club_preferred_codes(self, template_code):
        """The chart's codes, or generic ones stretched to the chart's code length."""
        self.ensure_one()
        if template_code in PREFERRED_CODES:
            return PREFERRED_CODES[template_code]
        codes = (
            self.env["account.account"]
            .with_company(self)
            .search([("company_ids", "in", self.root_id.ids)], limit=200)
            .mapped("code")
        )
        lengths = Counter(len(code) for code in codes if code and code.isdigit())
        width = lengths.most_common(1)[0][0] if lengths else 4
        return {
            role: code.ljust(max(width, 4), "0")
            for role, code in PREFERRED_CODES["generic_coa"].items()
        }

    def _loyalty_club_setup_accounting(self, template_code=None):
        """Fill the empty club settings with new accounts and a journal."""
        for company in self:
            template = template_code or company.chart_template
            if not template:
                continue
            if company.parent_id:
                company._loyalty_club_copy_from(company.root_id)
                continue
            # a chart (re)load may just have deleted the accounts these point to
            company.invalidate_recordset(
                ["loyalty_club_journal_id"] + [r[0] for r in ACCOUNT_ROLES.values()]
            )
            Account = self.env["account.account"].sudo().with_company(company)
            codes = company._loyalty_club_preferred_codes(template)
            names = company._loyalty_club_account_names()
            vals = {}
            for role, (fname, account_type, reconcile, _label) in ACCOUNT_ROLES.items():
                if company[fname].exists():
                    continue
                code = Account._search_new_account_code(codes[role], cache=set())
                vals[fname] = Account.create(
                    {
                        "name": names[role],
                        "code": code,
                        "account_type": account_type,
                        "reconcile": reconcile,
                        "company_ids": [(6, 0, company.ids)],
                    }
                ).id
            fresh = not company.loyalty_club_journal_id.exists()
            if fresh:
                vals["loyalty_club_journal_id"] = company._loyalty_club_new_journal().id
            if vals:
                company.sudo().write(vals)
            if fresh:
                company.sudo().loyalty_club_posting_mode = "daily"
            _logger.info(
                "Loyalty Club accounting set up for %s (%s)", company.name, template
            )

    def _loyalty_club_new_journal(self):
        self.ensure_one()
        Journal = self.env["account.journal"].sudo().with_company(self)
        used = set(Journal.search([("company_id", "=", self.id)]).mapped("code"))
        code = next((c for c in JOURNAL_CODES if c not in used), None)
        if not code:
            raise UserError(_("No free code for the club journal."))
        return Journal.create(
            {
                "name": _("Loyalty Club"),
                "code": code,
                "type": "general",
                "company_id": self.id,
                "show_on_dashboard": False,
            }
        )

    def _loyalty_club_copy_from(self, root):
        """A branch posts on its root company's accounts and journal."""
        self.ensure_one()
        fnames = ["loyalty_club_journal_id"] + [r[0] for r in ACCOUNT_ROLES.values()]
        vals = {f: root[f].id for f in fnames if not self[f] and root[f]}
        if vals:
            self.sudo().write(vals)

    @api.model
    def _loyalty_club_setup_all(self):
        """On install: every company that already has a chart of accounts."""
        companies = self.sudo().search([("chart_template", "!=", False)])
        companies.filtered(lambda c: not c.parent_id)._loyalty_club_setup_accounting()
        companies.filtered("parent_id")._loyalty_club_setup_accounting()


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        result = super()._post_load_data(template_code, company, template_data)
        company = company or self.env.company
        company._loyalty_club_setup_accounting(template_code)
        return result
