"""Gift cards sold as products: fixed or free amount, physical or electronic.

A physical card is a number from an emission batch, scanned at the sale; an
electronic one gets a new number and is e-mailed to the buyer with its QR code and
a PDF (``mail_template_gift_card``). The sale itself is the service's
``gift_card_sell`` -> ``gift_card_issue`` with the caller's idempotency key.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    club_gift_card = fields.Boolean(
        "Club gift card", help="Selling this product sells a club gift card."
    )
    # the till (loyalty_club_pos) sells these products at the line's amount; the
    # amount and medium below are the back office's and the service's rules
    club_gift_program_id = fields.Many2one(
        "loyalty.club.program",
        "Gift-card program",
        ondelete="restrict",
        help="Empty: the default program.",
    )
    club_gift_amount = fields.Selection(
        [("fixed", "Fixed: the sales price"), ("free", "Free: chosen at the sale")],
        "Gift-card amount",
        default="free",
    )
    club_gift_medium = fields.Selection(
        [
            ("physical", "Physical card from an emission batch"),
            ("electronic", "Electronic, e-mailed to the buyer"),
        ],
        "Gift-card medium",
        default="electronic",
    )

    @api.model
    def _club_gift_check_sale(self, code, buyer_id, email):
        """The buyer of a gift card about to be sold, once the card's medium
        allows the sale (a physical card from a batch; an e-mail for an
        electronic one)."""
        buyer = self.env["res.partner"]
        if self.club_gift_medium == "physical":
            if not code:
                raise UserError(
                    self.env._("Scan the number of the physical gift card.")
                )
            card = self.env["loyalty.club.card"].sudo().search([("code", "=", code)])
            if card and not card.emission_id:
                raise UserError(
                    self.env._("Card %(code)s comes from no emission batch.", code=code)
                )
            return buyer
        if code:
            raise UserError(self.env._("An electronic gift card gets a new number."))
        if buyer_id:
            buyer = self.env["res.partner"].sudo().browse(int(buyer_id)).exists()
        if not (buyer.email or email):
            raise UserError(
                self.env._("An electronic gift card needs the buyer's e-mail.")
            )
        return buyer
