"""A chart of accounts loaded: the club's default accounts and journal too."""

from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        result = super()._post_load_data(template_code, company, template_data)
        company = company or self.env.company
        company._loyalty_club_setup_accounting(template_code)
        return result
