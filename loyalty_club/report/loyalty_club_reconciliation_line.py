from odoo import _, fields, models

from ..selections import WALLET_KINDS


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
