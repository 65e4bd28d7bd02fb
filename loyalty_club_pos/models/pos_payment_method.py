from odoo import Command, api, fields, models


class PosPaymentMethod(models.Model):
    _inherit = "pos.payment.method"

    club_kind = fields.Selection(
        [("bonus", "Club bonuses")],
        string="Loyalty Club",
        help="Bonuses: the amount paid with this method is spent from the member's "
        "club balance (within the program's cap) when the order reaches the server.",
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        fields_list = super()._load_pos_data_fields(config_id)
        return fields_list + ["club_kind"] if fields_list else fields_list

    @api.model
    def _club_ensure_bonus_method(self, company):
        """The company's "Club bonuses" method and bank journal, made if missing."""
        method = self.search(
            [("club_kind", "=", "bonus"), ("company_id", "=", company.id)], limit=1
        )
        if method:
            return method
        Journal = self.env["account.journal"].with_company(company)
        journal = Journal.search(
            [("code", "=", "CLUB"), ("company_id", "=", company.id)], limit=1
        ) or Journal.create(
            {
                "name": self.env._("Club bonuses"),
                "code": "CLUB",
                "type": "bank",
                "company_id": company.id,
                "show_on_dashboard": False,
            }
        )
        return self.create(
            {
                "name": self.env._("Club bonuses"),
                "club_kind": "bonus",
                "journal_id": journal.id,
                "company_id": company.id,
                "sequence": 90,
            }
        )

    def _club_link_to(self, configs):
        """Offer this method on configs that do not have it yet."""
        for config in configs:
            if self not in config.payment_method_ids:
                config.payment_method_ids = [Command.link(self.id)]
