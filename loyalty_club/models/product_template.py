"""Cards sold as products.

Gift cards: fixed or free amount, physical or electronic. A physical card is a
number from an emission batch, scanned at the sale; an electronic one gets a new
number and is e-mailed to the buyer with its QR code and a PDF
(``mail_template_gift_card``). The sale itself is the service's
``gift_card_sell`` -> ``gift_card_issue`` with the caller's idempotency key.

Club cards (a paid membership): selling the product gives its buyer a card of
the program (a physical one scanned at the sale, else a virtual one) and, when
the product names one, a tier held for the months it states. The sale is the
service's ``_sell_club_cards`` (``loyalty.club.card.sale`` keeps each card sold).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


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

    club_card = fields.Boolean(
        "Club card",
        help="Selling this product gives the buyer a card of the club (a paid "
        "membership): the physical card scanned at the sale, else a virtual one, "
        "and the tier below if one is set.",
    )
    club_card_program_id = fields.Many2one(
        "loyalty.club.program",
        "Club-card program",
        ondelete="restrict",
        help="Empty: the default program.",
    )
    club_card_tier_id = fields.Many2one(
        "loyalty.club.tier",
        "Tier granted",
        ondelete="restrict",
        help="The buyer holds at least this tier for the months below, whatever "
        "the period review would give (a higher tier earned by purchases wins).",
    )
    club_card_tier_months = fields.Integer(
        "Tier held for (months)",
        default=12,
        help="How long the tier bought holds from the day of the sale; buying "
        "again before it ends adds the months to its end.",
    )

    @api.constrains("club_card", "club_gift_card")
    def _check_club_card_kind(self):
        for product in self:
            if product.club_card and product.club_gift_card:
                raise ValidationError(
                    self.env._(
                        "%(product)s cannot be both a club card and a gift card.",
                        product=product.display_name,
                    )
                )

    @api.constrains(
        "club_card_tier_id", "club_card_program_id", "club_card_tier_months"
    )
    def _check_club_card_tier(self):
        for product in self.filtered("club_card_tier_id"):
            program = product.club_card_program_id
            if program and product.club_card_tier_id.program_id != program:
                raise ValidationError(
                    self.env._(
                        "The tier %(tier)s is not a tier of the program %(program)s.",
                        tier=product.club_card_tier_id.name,
                        program=program.name,
                    )
                )
            if not 0 < product.club_card_tier_months <= 120:
                raise ValidationError(
                    self.env._("A tier bought with a club card holds 1 to 120 months.")
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
