"""A till sells for the club in the club's currency only.

The club's ledger, its quotes and its accounting count in the program's
currency, the company's. The till hands the club its order amounts and the
money paid with bonuses and gift cards as they are, in the till's currency:
a till in another currency would earn, spend and issue gift cards at face
value in the wrong unit, and its session entries (converted by Odoo) would no
longer match the ledger. Until the till converts, such a till is refused.
"""

from odoo import api, models
from odoo.exceptions import ValidationError


class PosConfig(models.Model):
    _inherit = "pos.config"

    @api.constrains("club_program_id", "journal_id", "company_id")
    def _check_club_currency(self):
        for config in self:
            program = config.club_program_id
            if program and config.currency_id != program.currency_id:
                raise ValidationError(
                    self.env._(
                        "%(pos)s sells in %(currency)s while the club program "
                        "%(program)s counts in %(program_currency)s: a till works "
                        "for the club in the program's currency only.",
                        pos=config.name,
                        currency=config.currency_id.name,
                        program=program.name,
                        program_currency=program.currency_id.name,
                    )
                )
