"""Per-company accounting of the club's liabilities: policy, journal and accounts.

The posting rules and the account roles are the core's (``domain.posting``);
the company maps each role to one of its accounts. Default accounts and a
journal are made when a chart of accounts is loaded (``account.chart.template``
calls ``_loyalty_club_setup_accounting``): on install for the companies that
already have a chart (``data/loyalty_club_account_data.xml``) and whenever a
chart is loaded later (the generic chart, the Ukrainian ``ua_psbo``, a Russian
``ru`` chart from a localisation addon, any other), each empty setting gets an
account of its own. The preferred codes follow the chart's numbering; a code
already taken is never reused: the next free one is.
"""

import logging
from collections import Counter

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import edge
from ..domain import posting
from ..domain.posting import ACCOUNT_ROLES, POLICY_ROLES
from ..selections import GIFT_BREAKAGE_METHODS, POLICIES, POSTING_MODES

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

    loyalty_club_policy = fields.Selection(
        POLICIES,
        string="Club Accounting Policy",
        default="cost",
        required=True,
        help="Cost: bonuses earned are an expense and a liability at face value. "
        "IFRS 15: the part of each sale's price allocated to the bonuses it earns "
        "(stand-alone selling price x expected redemption) is deferred as a "
        "contract liability and released to revenue when they are spent or expire.",
    )
    loyalty_club_posting_mode = fields.Selection(
        POSTING_MODES,
        string="Club Posting",
        default="manual",
        required=True,
        help="Daily: a scheduled job posts yesterday's ledger lines, one entry per "
        "day and store. Manual: an accountant posts from the settings.",
    )
    loyalty_club_posting_from_id = fields.Integer(
        "Club Ledger Posted Below",
        readonly=True,
        copy=False,
        help="Every club ledger line of the company below this id is posted: the "
        "posting job looks for pending lines from here on, so a night's work does "
        "not grow with the years of history. A reversed entry moves it back.",
    )
    loyalty_club_journal_id = fields.Many2one(
        "account.journal",
        string="Club Journal",
        domain="[('type', '=', 'general'), ('company_id', 'parent_of', id)]",
    )
    loyalty_club_bonus_liability_account_id = fields.Many2one(
        "account.account", string="Bonus Liability Account"
    )
    loyalty_club_bonus_expense_account_id = fields.Many2one(
        "account.account",
        string="Bonus Expense Account",
        help="Bonuses earned (cost policy), gift bonuses and manual adjustments.",
    )
    loyalty_club_deferred_revenue_account_id = fields.Many2one(
        "account.account", string="Contract Liability Account"
    )
    loyalty_club_revenue_account_id = fields.Many2one(
        "account.account",
        string="Revenue Allocated to Bonuses",
        help="IFRS 15: debited when a sale's price is deferred, credited when the "
        "bonuses are spent.",
    )
    loyalty_club_breakage_account_id = fields.Many2one(
        "account.account", string="Bonus Breakage Account"
    )
    loyalty_club_gift_liability_account_id = fields.Many2one(
        "account.account", string="Gift-Card Liability Account"
    )
    loyalty_club_gift_breakage_account_id = fields.Many2one(
        "account.account", string="Gift-Card Breakage Account"
    )
    loyalty_club_clearing_account_id = fields.Many2one(
        "account.account",
        string="Club Settlement Account",
        help="Counterpart of bonuses spent and gift cards sold or used through "
        "channels other than Odoo's POS (API, back office, imports).",
    )
    loyalty_club_ssp_percent = fields.Float(
        "Stand-Alone Selling Price of a Bonus (%)",
        digits=(5, 2),
        default=100.0,
        help="IFRS 15: stand-alone selling price of one bonus as a share of its "
        "face value.",
    )
    loyalty_club_redemption_percent = fields.Float(
        "Expected Redemption Rate (%)",
        digits=(5, 2),
        default=80.0,
        help="IFRS 15: share of the bonuses earned expected to be spent.",
    )
    loyalty_club_gift_breakage = fields.Selection(
        GIFT_BREAKAGE_METHODS,
        string="Gift-Card Breakage",
        default="expiry",
        required=True,
        help="At expiry: what a gift card still holds when it expires is "
        "breakage income then. In proportion to use (IFRS 15 B46): the part of "
        "gift cards expected never to be used is recognised as the cards are "
        "used; each use of s brings s x rate / (1 - rate) of breakage, never "
        "more than the card still holds, a refund takes its share back and the "
        "expiry releases the rest.",
    )
    loyalty_club_gift_breakage_percent = fields.Float(
        "Expected Gift-Card Breakage (%)",
        digits=(5, 2),
        default=0.0,
        help="Share of the money loaded on gift cards expected never to be used, "
        "from the company's own history of expired cards.",
    )
    loyalty_club_pos_settles = fields.Boolean(
        "POS Books the Liability",
        default=True,
        help="The POS payment methods for bonuses and gift cards debit the liability "
        "account itself (and gift cards are sold on it): the posting job leaves "
        "those lines to the POS session entries.",
    )

    # ------------------------------------------------------------------ checks
    def _loyalty_club_missing(self):
        """Names of what this company's posting still needs (empty: ready)."""
        self.ensure_one()
        missing = []
        if not self.loyalty_club_journal_id:
            missing.append(self._fields["loyalty_club_journal_id"].string)
        for role in POLICY_ROLES[self.loyalty_club_policy]:
            fname = ACCOUNT_ROLES[role].field
            if not self[fname]:
                missing.append(self._fields[fname].string)
        return missing

    def _loyalty_club_check_accounting(self):
        """Refuse to post (or to switch on daily posting) with a missing account."""
        for company in self:
            missing = company._loyalty_club_missing()
            if missing:
                raise UserError(
                    _(
                        "Club accounting of %(company)s is not configured: set "
                        "%(missing)s in Settings > Accounting > Loyalty Club.",
                        company=company.name,
                        missing=", ".join(missing),
                    )
                )
            company._loyalty_club_check_currencies()

    def _loyalty_club_check_currencies(self):
        """The ledger's money is in the company currency: so must the programs be."""
        self.ensure_one()
        foreign = (
            self.env["loyalty.club.program"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("company_id", "=", self.id),
                    ("currency_id", "!=", self.currency_id.id),
                ],
                limit=1,
            )
        )
        if foreign:
            raise UserError(
                _(
                    "Program %(program)s counts in %(currency)s, not in the company "
                    "currency %(company_currency)s: its ledger cannot be posted.",
                    program=foreign.name,
                    currency=foreign.currency_id.name,
                    company_currency=self.currency_id.name,
                )
            )

    @api.constrains(
        "loyalty_club_posting_mode",
        "loyalty_club_policy",
        "loyalty_club_journal_id",
        *(role.field for role in ACCOUNT_ROLES.values()),
    )
    def _check_loyalty_club_accounting(self):
        for company in self:
            if company.loyalty_club_posting_mode == "daily":
                missing = company._loyalty_club_missing()
                if missing:
                    raise ValidationError(
                        _(
                            "Daily club posting needs %(missing)s.",
                            missing=", ".join(missing),
                        )
                    )
            journal = company.loyalty_club_journal_id
            if journal and journal.company_id not in company.parent_ids:
                raise ValidationError(_("The club journal belongs to another company."))
            for role in ACCOUNT_ROLES.values():
                account = company[role.field]
                if account and not account.company_ids & company.parent_ids:
                    raise ValidationError(
                        _(
                            "Account %(account)s belongs to another company.",
                            account=account.display_name,
                        )
                    )

    @api.constrains("loyalty_club_ssp_percent", "loyalty_club_redemption_percent")
    def _check_loyalty_club_rates(self):
        for company in self:
            for value in (
                company.loyalty_club_ssp_percent,
                company.loyalty_club_redemption_percent,
            ):
                if not 0 <= value <= 100:
                    raise ValidationError(
                        _("Club IFRS 15 rates lie between 0 and 100 %.")
                    )

    @api.constrains("loyalty_club_gift_breakage_percent")
    def _check_loyalty_club_gift_breakage(self):
        for company in self:
            if not 0 <= company.loyalty_club_gift_breakage_percent < 100:
                raise ValidationError(
                    _(
                        "The expected gift-card breakage lies between 0 and 100 % "
                        "(100 % excluded)."
                    )
                )

    def write(self, vals):
        if "loyalty_club_policy" in vals:
            for company in self:
                if company.loyalty_club_policy == vals["loyalty_club_policy"]:
                    continue
                posted = (
                    self.env["loyalty.club.posting"]
                    .sudo()
                    .search_count([("company_id", "=", company.id)], limit=1)
                )
                if posted:
                    raise UserError(
                        _(
                            "%(company)s has already posted its club ledger under "
                            "one policy; moving the balances to another policy "
                            "needs a manual entry and a new company setting.",
                            company=company.name,
                        )
                    )
        result = super().write(vals)
        watched = {"loyalty_club_policy", "loyalty_club_pos_settles"} | {
            role.field for role in ACCOUNT_ROLES.values()
        }
        if watched & set(vals):
            self._loyalty_club_accounts_changed()
        return result

    def _loyalty_club_accounts_changed(self):
        """Hook: the policy or a club account changed (the POS re-points its
        club payment methods to the liability account of the policy)."""
        return True

    # ---------------------------------------------------------------- helpers
    def _loyalty_club_account(self, role):
        self.ensure_one()
        return self[ACCOUNT_ROLES[role].field]

    def _loyalty_club_liability_account(self, wallet_kind="bonus"):
        """The account carrying the liability of a wallet kind under the policy.

        This is also the account the POS payment method for that kind must debit
        (see ``domain.posting``)."""
        self.ensure_one()
        return self._loyalty_club_account(
            posting.liability_role(self.loyalty_club_policy, wallet_kind)
        )

    def _loyalty_club_posting_policy(self):
        """The company's settings as the core's posting rules read them."""
        self.ensure_one()
        return posting.Policy(
            name=self.loyalty_club_policy,
            pos_settles=self.loyalty_club_pos_settles,
            ssp_percent=edge.decimal(self.loyalty_club_ssp_percent),
            redemption_percent=edge.decimal(self.loyalty_club_redemption_percent),
            gift_breakage=self.loyalty_club_gift_breakage,
            gift_breakage_percent=edge.decimal(self.loyalty_club_gift_breakage_percent),
        )

    def _loyalty_club_deferral_ratio(self):
        """IFRS 15 deferral per unit of face value, as an exact integer ratio."""
        self.ensure_one()
        return posting.deferral_ratio(
            edge.decimal(self.loyalty_club_ssp_percent),
            edge.decimal(self.loyalty_club_redemption_percent),
        )

    def _loyalty_club_breakage_rate(self):
        """Expected gift-card breakage recognised in proportion to use, as an
        exact (num, den); (0, 1) when breakage waits for the expiry."""
        self.ensure_one()
        return self._loyalty_club_posting_policy().breakage_rate

    def _loyalty_club_tz(self):
        self.ensure_one()
        return self.partner_id.tz or self.env.user.tz or "UTC"

    # ------------------------------------------------------------------ setup
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
                ["loyalty_club_journal_id"] + [r.field for r in ACCOUNT_ROLES.values()]
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
        fnames = ["loyalty_club_journal_id"] + [r.field for r in ACCOUNT_ROLES.values()]
        vals = {f: root[f].id for f in fnames if not self[f] and root[f]}
        if vals:
            self.sudo().write(vals)

    @api.model
    def _loyalty_club_setup_all(self):
        """On install: every company that already has a chart of accounts."""
        companies = self.sudo().search([("chart_template", "!=", False)])
        companies.filtered(lambda c: not c.parent_id)._loyalty_club_setup_accounting()
        companies.filtered("parent_id")._loyalty_club_setup_accounting()
