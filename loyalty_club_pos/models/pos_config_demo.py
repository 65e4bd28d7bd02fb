"""Demo data: a living chain, one till per club store, plus Odoo's furniture shop."""

from odoo import Command, api, models

# club store (loyalty_club xml id) -> this module's xml id of its till
DEMO_TILLS = [
    ("store_center", "pos_config_center"),
    ("store_mall", "pos_config_mall"),
    ("store_station", "pos_config_station"),
]


class PosConfig(models.Model):
    _inherit = "pos.config"

    @api.model
    def _club_demo_methods(self, company):
        PaymentMethod = self.env["pos.payment.method"]
        return PaymentMethod._club_ensure_bonus_method(
            company
        ) | PaymentMethod._club_ensure_gift_card_method(company)

    @api.model
    def _club_demo_setup(self):
        """Demo: the furniture shop serves the demo club and takes its methods."""
        config = self.env.ref("point_of_sale.pos_config_main", raise_if_not_found=False)
        program = self.env.ref("loyalty_club.program_demo", raise_if_not_found=False)
        if not config or not program or config.company_id != program.company_id:
            return False
        config.write(
            {
                "club_program_id": program.id,
                "club_store_id": self.env.ref("loyalty_club.store_center").id,
            }
        )
        if not config.has_active_session:
            self._club_demo_methods(config.company_id)._club_link_to(config)
        return True

    @api.model
    def _club_demo_chain(self):
        """Demo: a till per club store, with the club's methods and cash."""
        program = self.env.ref("loyalty_club.program_demo", raise_if_not_found=False)
        if not program:
            return False
        company = program.company_id
        Config = self.with_company(company)
        methods = self._club_demo_methods(company)
        journal = Config.env["account.journal"]._ensure_company_account_journal()
        for store_ref, config_ref in DEMO_TILLS:
            xml_id = f"loyalty_club_pos.{config_ref}"
            store = self.env.ref(f"loyalty_club.{store_ref}", raise_if_not_found=False)
            if not store or self.env.ref(xml_id, raise_if_not_found=False):
                continue
            cash = Config._create_cash_payment_method(
                {"name": f"Cash {store.code or store.name}", "show_on_dashboard": False}
            )
            config = Config.create(
                {
                    "name": store.name,
                    "company_id": company.id,
                    "journal_id": journal.id,
                    "payment_method_ids": [Command.set((cash | methods).ids)],
                    "club_program_id": program.id,
                    "club_store_id": store.id,
                }
            )
            self.env["ir.model.data"]._update_xmlids(
                [{"xml_id": xml_id, "record": config, "noupdate": True}]
            )
        return True
