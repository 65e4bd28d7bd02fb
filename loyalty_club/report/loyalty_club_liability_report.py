"""Liability reconciliation and roll-forward: a wizard, its result lines and XLSX."""

from odoo import _, fields, models
from odoo.exceptions import AccessError

from ..domain import money
from ..domain.posting import MOVEMENTS

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
