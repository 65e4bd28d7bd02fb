from odoo import Command, api, fields, models

# club_kind -> (journal code, sequence on the till)
CLUB_METHODS = {"bonus": ("CLUB", 90), "gift_card": ("CLGC", 91)}


class PosPaymentMethod(models.Model):
    _inherit = "pos.payment.method"

    club_kind = fields.Selection(
        [("bonus", "Club bonuses"), ("gift_card", "Gift card")],
        string="Loyalty Club",
        help="Bonuses: the amount paid with this method is spent from the member's "
        "club balance (within the program's cap) when the order reaches the server. "
        "Gift card: the cashier scans or types the card; the amount is debited from "
        "the gift card when the order reaches the server.",
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        fields_list = super()._load_pos_data_fields(config_id)
        return fields_list + ["club_kind"] if fields_list else fields_list

    @api.model
    def _club_method_names(self):
        return {
            "bonus": self.env._("Club bonuses"),
            "gift_card": self.env._("Gift card"),
        }

    @api.model
    def _club_ensure_method(self, company, kind):
        """The company's club payment method of this kind and its bank journal,
        made if missing."""
        method = self.search(
            [("club_kind", "=", kind), ("company_id", "=", company.id)], limit=1
        )
        if method:
            return method
        code, sequence = CLUB_METHODS[kind]
        name = self._club_method_names()[kind]
        Journal = self.env["account.journal"].with_company(company)
        journal = Journal.search(
            [("code", "=", code), ("company_id", "=", company.id)], limit=1
        ) or Journal.create(
            {
                "name": name,
                "code": code,
                "type": "bank",
                "company_id": company.id,
                "show_on_dashboard": False,
            }
        )
        method = self.create(
            {
                "name": name,
                "club_kind": kind,
                "journal_id": journal.id,
                "company_id": company.id,
                "sequence": sequence,
            }
        )
        method._club_book_on_liability()
        return method

    def _club_book_on_liability(self):
        """Bonus and gift-card payments settle what the club owes: the session
        entry debits the liability account of the company's policy (the sale
        keeps its full tax base). Left alone when the company books them
        through the club's own posting job instead."""
        for method in self.filtered("club_kind"):
            company = method.company_id
            account = company._loyalty_club_liability_account(method.club_kind)
            if (
                company.loyalty_club_pos_settles
                and account
                and method.outstanding_account_id != account
            ):
                method.outstanding_account_id = account
        return True

    @api.model
    def _club_ensure_bonus_method(self, company):
        """The company's "Club bonuses" method and bank journal, made if missing."""
        return self._club_ensure_method(company, "bonus")

    @api.model
    def _club_ensure_gift_card_method(self, company):
        """The company's "Gift card" method and bank journal, made if missing."""
        return self._club_ensure_method(company, "gift_card")

    def _club_link_to(self, configs):
        """Offer these methods on configs that do not have them yet."""
        for config in configs:
            missing = self - config.payment_method_ids
            if missing:
                config.payment_method_ids = [Command.link(m.id) for m in missing]
