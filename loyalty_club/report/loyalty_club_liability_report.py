"""Liability reconciliation and roll-forward: a wizard, its result lines and XLSX."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..domain import money
from ..domain.posting import MOVEMENTS

WALLET_KINDS = [("bonus", "Member bonus"), ("gift_card", "Gift card")]
READER_GROUPS = (
    "loyalty_club.group_club_accountant",
    "loyalty_club.group_club_manager",
    "account.group_account_manager",
)


class LoyaltyClubLiabilityReport(models.TransientModel):
    _name = "loyalty.club.liability.report"
    _description = "Club Liability Report"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(
        "From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
    )
    date_to = fields.Date(
        "To", required=True, default=lambda self: fields.Date.context_today(self)
    )
    reconciliation_ids = fields.One2many(
        "loyalty.club.reconciliation.line", "report_id", readonly=True
    )
    rollforward_ids = fields.One2many(
        "loyalty.club.rollforward.line", "report_id", readonly=True
    )

    def _check_reader(self):
        user = self.env.user
        if not (self.env.su or any(user.has_group(g) for g in READER_GROUPS)):
            raise AccessError(_("Only club accountants and managers read this report."))
        if self.company_id not in self.env.companies:
            raise AccessError(_("This company is not among yours."))

    def _minor(self, minor):
        return float(money.from_minor(minor, self.currency_id.decimal_places))

    def _compute_reconciliation(self):
        self.ensure_one()
        self._check_reader()
        self.reconciliation_ids.sudo().unlink()
        rows = self.env["loyalty.club.accounting"]._reconciliation(
            self.company_id, self.date_to
        )
        vals = []
        for row in rows:
            vals.append(
                {
                    "report_id": self.id,
                    "wallet_kind": row["wallet_kind"],
                    "store_id": row["store_id"],
                    "account_id": row["account_id"],
                    "difference_minor": row["difference"],
                    "unexplained_minor": row["difference"] - row["today"],
                    **{
                        f"{name}_amount": self._minor(row[name])
                        for name in ("ledger", "club", "other", "gl", "unposted")
                    },
                    "today_amount": self._minor(row["today"]),
                    "difference_amount": self._minor(row["difference"]),
                    "unexplained_amount": self._minor(row["difference"] - row["today"]),
                }
            )
        return self.env["loyalty.club.reconciliation.line"].sudo().create(vals)

    def _compute_rollforward(self):
        self.ensure_one()
        self._check_reader()
        self.rollforward_ids.sudo().unlink()
        rows = self.env["loyalty.club.accounting"]._rollforward(
            self.company_id, self.date_from, self.date_to
        )
        vals = []
        for row in rows:
            line = {
                "report_id": self.id,
                "program_id": row["program_id"],
                "wallet_kind": row["wallet_kind"],
            }
            for bucket in ("opening",) + MOVEMENTS + ("closing",):
                units, value = row[bucket]
                line[bucket] = float(money.from_minor(units, row["digits"]))
                line[f"{bucket}_money"] = self._minor(value)
            vals.append(line)
        return self.env["loyalty.club.rollforward.line"].sudo().create(vals)

    def _open(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,pivot",
            "domain": [("report_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_reconciliation(self):
        self._compute_reconciliation()
        return self._open(
            "loyalty.club.reconciliation.line",
            _("Liability reconciliation at %(date)s", date=self.date_to),
        )

    def action_rollforward(self):
        self._compute_rollforward()
        return self._open(
            "loyalty.club.rollforward.line",
            _(
                "Liability roll-forward %(start)s - %(end)s",
                start=self.date_from,
                end=self.date_to,
            ),
        )

    def action_xlsx(self):
        self._compute_reconciliation()
        self._compute_rollforward()
        return self.env.ref("loyalty_club.action_report_liability_xlsx").report_action(
            self
        )


class LoyaltyClubReconciliationLine(models.TransientModel):
    _name = "loyalty.club.reconciliation.line"
    _description = "Club Liability Reconciliation Line"
    _order = "wallet_kind, store_id"

    report_id = fields.Many2one(
        "loyalty.club.liability.report", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="report_id.company_id")
    currency_id = fields.Many2one(related="report_id.currency_id")
    date = fields.Date(related="report_id.date_to")
    wallet_kind = fields.Selection(WALLET_KINDS, readonly=True)
    store_id = fields.Many2one("loyalty.club.store", readonly=True)
    account_id = fields.Many2one("account.account", readonly=True)
    ledger_amount = fields.Monetary("Ledger Liability", readonly=True)
    club_amount = fields.Monetary("Club Entries", readonly=True)
    other_amount = fields.Monetary(
        "Other Entries", readonly=True, help="POS sessions and manual entries."
    )
    gl_amount = fields.Monetary("General Ledger", readonly=True)
    unposted_amount = fields.Monetary(
        "Not Posted", readonly=True, help="Ledger lines not in the general ledger yet."
    )
    today_amount = fields.Monetary(
        "Today, posted tonight",
        readonly=True,
        help="Today's movements, not in the general ledger yet: the nightly "
        "posting job books them (in manual posting mode, the next posting does). "
        "Not a difference to explain.",
    )
    difference_amount = fields.Monetary(
        "Difference",
        readonly=True,
        help="Ledger liability less general ledger, today's movements included.",
    )
    difference_minor = fields.Integer(readonly=True)
    unexplained_amount = fields.Monetary(
        "Unexplained Difference",
        readonly=True,
        help="Ledger liability less general ledger, today's movements left "
        "aside: anything but zero needs explaining (older lines not posted, "
        "entries made by hand on the account).",
    )
    unexplained_minor = fields.Integer(readonly=True)

    def action_unposted_lines(self):
        self.ensure_one()
        domain = self.env["loyalty.club.accounting"]._unposted_domain(
            self.company_id, self.date, self.wallet_kind, self.store_id.id
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Ledger lines not posted"),
            "res_model": "loyalty.club.ledger",
            "view_mode": "list,form",
            "domain": domain,
        }

    def action_other_entries(self):
        """Entries on the account not made by the club: copied for readers
        without accounting rights."""
        self.ensure_one()
        self.report_id._check_reader()
        domain = self.env["loyalty.club.accounting"]._other_entries_domain(
            self.company_id.sudo(), self.date, self.wallet_kind, self.store_id.id
        )
        items = self.env["account.move.line"].sudo().search(domain)
        Entry = self.env["loyalty.club.reconciliation.entry"].sudo()
        Entry.search([("line_id", "=", self.id)]).unlink()
        Entry.create(
            [
                {
                    "line_id": self.id,
                    "date": item.date,
                    "move_name": item.move_id.name,
                    "journal_name": item.journal_id.name,
                    "ref": item.move_id.ref,
                    "label": item.name,
                    "amount": item.credit - item.debit,
                }
                for item in items
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Other entries on %(account)s", account=self.account_id.name),
            "res_model": "loyalty.club.reconciliation.entry",
            "view_mode": "list",
            "domain": [("line_id", "=", self.id)],
            "context": {"create": False},
        }


class LoyaltyClubReconciliationEntry(models.TransientModel):
    _name = "loyalty.club.reconciliation.entry"
    _description = "Club Liability Entry Not Made by the Club"
    _order = "date, id"

    line_id = fields.Many2one(
        "loyalty.club.reconciliation.line", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="line_id.currency_id")
    date = fields.Date(readonly=True)
    move_name = fields.Char("Entry", readonly=True)
    journal_name = fields.Char("Journal", readonly=True)
    ref = fields.Char("Reference", readonly=True)
    label = fields.Char(readonly=True)
    amount = fields.Monetary("Credit - Debit", readonly=True)


class LoyaltyClubRollforwardLine(models.TransientModel):
    _name = "loyalty.club.rollforward.line"
    _description = "Club Liability Roll-Forward Line"
    _order = "program_id, wallet_kind"

    report_id = fields.Many2one(
        "loyalty.club.liability.report", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="report_id.currency_id")
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    wallet_kind = fields.Selection(WALLET_KINDS, readonly=True)
    unit_name = fields.Char("Unit", compute="_compute_unit_name")
    opening = fields.Float("Opening (units)", digits=(16, 2), readonly=True)
    earned = fields.Float("Earned (units)", digits=(16, 2), readonly=True)
    spent = fields.Float("Spent (units)", digits=(16, 2), readonly=True)
    expired = fields.Float("Expired (units)", digits=(16, 2), readonly=True)
    adjusted = fields.Float("Adjusted (units)", digits=(16, 2), readonly=True)
    reversed = fields.Float("Reversed (units)", digits=(16, 2), readonly=True)
    closing = fields.Float("Closing (units)", digits=(16, 2), readonly=True)
    opening_money = fields.Monetary("Opening (money)", readonly=True)
    earned_money = fields.Monetary("Earned (money)", readonly=True)
    spent_money = fields.Monetary("Spent (money)", readonly=True)
    expired_money = fields.Monetary("Expired (money)", readonly=True)
    adjusted_money = fields.Monetary("Adjusted (money)", readonly=True)
    reversed_money = fields.Monetary("Reversed (money)", readonly=True)
    closing_money = fields.Monetary("Closing (money)", readonly=True)

    @api.depends("program_id", "wallet_kind")
    def _compute_unit_name(self):
        for line in self:
            line.unit_name = (
                line.currency_id.name
                if line.wallet_kind == "gift_card"
                else line.program_id.unit_name
            )

    @api.model
    def _bucket_labels(self):
        return {
            "opening": _("Opening"),
            "earned": _("Earned"),
            "spent": _("Spent"),
            "expired": _("Expired"),
            "adjusted": _("Adjusted"),
            "reversed": _("Reversed"),
            "closing": _("Closing"),
        }
