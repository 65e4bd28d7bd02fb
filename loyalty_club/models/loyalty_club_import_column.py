from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

from ..domain import importing

_lt = LazyTranslate(__name__)

TARGET_LABELS = {
    "external_id": _lt("Old system id"),
    "name": _lt("Name"),
    "phone": _lt("Phone"),
    "email": _lt("E-mail"),
    "birthday": _lt("Birthday"),
    "joined": _lt("Member since"),
    "store": _lt("Store (code or name)"),
    "card_number": _lt("Card number"),
    "card_state": _lt("Card state"),
    "opening_balance": _lt("Balance to carry"),
    "accrued_on": _lt("Balance accrued on"),
    "expires_on": _lt("Balance expires on"),
    "old_discount": _lt("Old discount (%)"),
    "consent_sms": _lt("SMS consent"),
    "consent_email": _lt("E-mail consent"),
    "consent_date": _lt("Consent date"),
    "consent_source": _lt("Consent source"),
    "check_number": _lt("Check number"),
    "date": _lt("Check date"),
    "kind": _lt("Sale or return"),
    "sku": _lt("Product reference (SKU)"),
    "barcode": _lt("Product barcode"),
    "qty": _lt("Quantity"),
    "amount": _lt("Line amount"),
    "colour": _lt("Product colour"),
    "size": _lt("Product size"),
    "collection": _lt("Product collection"),
    "brand": _lt("Product brand"),
}


class LoyaltyClubImportColumn(models.Model):
    """A column of an uploaded file and the club field it fills (empty: not
    imported)."""

    _name = "loyalty.club.import.column"
    _description = "Club Import Column"
    _order = "sequence, id"

    job_id = fields.Many2one(
        "loyalty.club.import.job", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    name = fields.Char("Column", required=True, readonly=True)
    sample = fields.Char(readonly=True, help="The value of the first data row.")
    target = fields.Selection(
        "_selection_target", string="Imported as", help="Empty: the column is left."
    )

    @api.model
    def _selection_target(self):
        targets = [(t, str(TARGET_LABELS[t])) for t in importing.MEMBER_TARGETS]
        seen = set(importing.MEMBER_TARGETS)
        for kind_targets in (importing.CHECK_TARGETS, importing.PRODUCT_TARGETS):
            targets += [
                (t, str(TARGET_LABELS[t])) for t in kind_targets if t not in seen
            ]
            seen.update(kind_targets)
        attributes = self.env["loyalty.club.attribute"].sudo().search([])
        targets += [
            (
                importing.ATTRIBUTE_PREFIX + a.code,
                self.env._("Questionnaire: %(question)s", question=a.name),
            )
            for a in attributes
        ]
        return targets
