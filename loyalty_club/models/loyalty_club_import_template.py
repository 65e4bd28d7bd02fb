from odoo import api, fields, models

from ..domain import importing


class LoyaltyClubImportTemplate(models.Model):
    """How the files of one old system are read: which column is what, and which
    tier each old discount level becomes. Saved from an import, chosen again for
    the next file of the same source."""

    _name = "loyalty.club.import.template"
    _description = "Club Import Template"
    _order = "source, name"

    name = fields.Char(required=True)
    source = fields.Char(
        required=True, help="The old system the files come from (e.g. 1C Retail)."
    )
    kind = fields.Selection(importing.KINDS, required=True, default="members")
    program_id = fields.Many2one("loyalty.club.program", ondelete="cascade")
    mapping = fields.Json(
        help="The file's column titles and the club field each one fills."
    )
    tier_map_ids = fields.One2many(
        "loyalty.club.import.tier.map",
        "template_id",
        string="Old Discount Levels",
        copy=True,
    )
    active = fields.Boolean(default=True)

    @api.model
    def _guess(self, header, attribute_codes=(), kind=None):
        """{column: target}: the template's saved choices first, then the usual
        titles of old systems (of a ``kind`` of file)."""
        guessed = importing.guess_mapping(header, attribute_codes, kind)
        saved = {k: v for k, v in (self.mapping or {}).items() if k in header}
        guessed.update(saved)
        return guessed

    def _discounts(self, program):
        """{old discount: tier id} of this template for ``program``."""
        return {
            line.discount: line.tier_id.id
            for line in self.tier_map_ids
            if line.tier_id.program_id == program
        }
