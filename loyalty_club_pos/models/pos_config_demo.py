"""Demo data: Odoo's furniture shop serves the demo club."""

from odoo import api, models


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
