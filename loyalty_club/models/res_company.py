"""Per-company accounting of the club's liabilities: policy, journal and accounts."""

from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import edge
from ..domain import breakage, money
from ..selections import GIFT_BREAKAGE_METHODS, POLICIES, POSTING_MODES

# role -> (company field, account type, reconcile, name); the roles the posting uses
ACCOUNT_ROLES = {
    "bonus_liability": (
        "loyalty_club_bonus_liability_account_id",
        "liability_current",
        False,
        "Club bonus liability",
    ),
    "deferred_revenue": (
        "loyalty_club_deferred_revenue_account_id",
        "liability_current",
        False,
        "Contract liability: club bonuses (IFRS 15)",
    ),
    "gift_liability": (
        "loyalty_club_gift_liability_account_id",
        "liability_current",
        False,
        "Gift-card liability",
    ),
    "clearing": (
        "loyalty_club_clearing_account_id",
        "asset_current",
        True,
        "Club settlements through other channels",
    ),
    "bonus_expense": (
        "loyalty_club_bonus_expense_account_id",
        "expense",
        False,
        "Club bonus expense",
    ),
    "revenue": (
        "loyalty_club_revenue_account_id",
        "income",
        False,
        "Revenue allocated to club bonuses (IFRS 15)",
    ),
    "breakage": (
        "loyalty_club_breakage_account_id",
        "income_other",
        False,
        "Club bonus breakage",
    ),
    "gift_breakage": (
        "loyalty_club_gift_breakage_account_id",
        "income_other",
        False,
        "Gift-card breakage",
    ),
}
COMMON_ROLES = (
    "bonus_expense",
    "breakage",
    "gift_liability",
    "gift_breakage",
    "clearing",
)
POLICY_ROLES = {
    "cost": ("bonus_liability",) + COMMON_ROLES,
    "ifrs15": ("deferred_revenue", "revenue") + COMMON_ROLES,
}


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
            fname = ACCOUNT_ROLES[role][0]
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
        *(role[0] for role in ACCOUNT_ROLES.values()),
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
                account = company[role[0]]
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
            role[0] for role in ACCOUNT_ROLES.values()
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
        return self[ACCOUNT_ROLES[role][0]]

    def _loyalty_club_liability_account(self, wallet_kind="bonus"):
        """The account carrying the liability of a wallet kind under the policy.

        This is also the account the POS payment method for that kind must debit
        (see ``loyalty.club.accounting``)."""
        self.ensure_one()
        if wallet_kind == "gift_card":
            return self.loyalty_club_gift_liability_account_id
        if self.loyalty_club_policy == "ifrs15":
            return self.loyalty_club_deferred_revenue_account_id
        return self.loyalty_club_bonus_liability_account_id

    def _loyalty_club_deferral_ratio(self):
        """IFRS 15 deferral per unit of face value, as an exact integer ratio."""
        self.ensure_one()
        share = (
            edge.decimal(self.loyalty_club_ssp_percent)
            * edge.decimal(self.loyalty_club_redemption_percent)
            / Decimal(10000)
        )
        return money.ratio(share)

    def _loyalty_club_breakage_rate(self):
        """Expected gift-card breakage recognised in proportion to use, as an
        exact (num, den); (0, 1) when breakage waits for the expiry."""
        self.ensure_one()
        if self.loyalty_club_gift_breakage != "proportional":
            return (0, 1)
        return breakage.rate_from_percent(
            edge.decimal(self.loyalty_club_gift_breakage_percent)
        )

    def _loyalty_club_tz(self):
        self.ensure_one()
        return self.partner_id.tz or self.env.user.tz or "UTC"
