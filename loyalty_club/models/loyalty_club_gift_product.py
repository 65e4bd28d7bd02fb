"""Gift cards sold as products: fixed or free amount, physical or electronic.

A physical card is a number from an emission batch, scanned at the sale; an
electronic one gets a new number and is e-mailed to the buyer with its QR code and
a PDF (``mail_template_gift_card``). The sale itself is the service's
``gift_card_issue`` with the caller's idempotency key.
"""

import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr


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


class LoyaltyClubCard(models.Model):
    _inherit = "loyalty.club.card"

    gift_balance = fields.Monetary(
        "Gift-card balance",
        compute="_compute_gift_balance",
        currency_field="gift_currency_id",
    )
    gift_currency_id = fields.Many2one("res.currency", compute="_compute_gift_balance")
    gift_expires_on = fields.Date("Valid until", compute="_compute_gift_balance")

    def _compute_gift_balance(self):
        service = self.env["loyalty.club.service"].sudo()
        for card in self:
            info = (
                service._gift_card_dict(card)
                if card.kind == "gift" and card.wallet_id
                else {}
            )
            card.gift_balance = info.get("balance", 0.0)
            card.gift_currency_id = (
                card.wallet_id.currency_id or card.program_id.currency_id
            )
            card.gift_expires_on = info.get("expires_on") or False

    def _gift_qr_png(self):
        self.ensure_one()
        return self.env["ir.actions.report"].barcode(
            "QR", self.code, width=300, height=300
        )

    def _gift_qr_data_uri(self):
        return "data:image/png;base64," + base64.b64encode(self._gift_qr_png()).decode()

    def _send_gift_email(self, partner=None, email=None):
        """Queue the e-mail of an electronic gift card: the card's PDF comes from the
        template's report, its QR code as a PNG of its own."""
        self.ensure_one()
        template = self.env.ref("loyalty_club.mail_template_gift_card").sudo()
        qr = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"gift-card-{self.code}-qr.png",
                    "raw": self._gift_qr_png(),
                    "mimetype": "image/png",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        values = {"attachment_ids": [(4, qr.id)]}
        if partner:
            values["recipient_ids"] = [(4, partner.id)]
        else:
            values["email_to"] = email
        return template.send_mail(self.id, email_values=values)


class LoyaltyClubService(models.AbstractModel):
    _inherit = "loyalty.club.service"

    @api.model
    def gift_card_sell(self, payload, idempotency_key):
        """Sell a gift-card product: ``product_id``, ``amount`` (free amounts),
        ``code`` (physical cards), ``buyer_id`` or ``email`` (electronic ones)."""
        self._check_caller()
        try:
            product_id = int(payload.get("product_id") or 0)
        except (TypeError, ValueError) as exc:
            raise UserError(_("A product must be given by its id.")) from exc
        product = self.env["product.product"].sudo().browse(product_id).exists()
        if not product or not product.club_gift_card:
            raise UserError(_("This product is not a club gift card."))
        program = product.club_gift_program_id or self._program({})
        if product.club_gift_amount == "fixed":
            if product.lst_price <= 0:
                raise UserError(
                    _("A fixed-amount gift card is sold at its positive sales price.")
                )
            amount = float_repr(product.lst_price, program.currency_id.decimal_places)
        else:
            amount = payload.get("amount")
            if amount in (None, "", False):
                raise UserError(_("Give the amount of this gift card."))
        code = (payload.get("code") or "").strip()
        buyer = self.env["res.partner"]
        email = (payload.get("email") or "").strip()
        if product.club_gift_medium == "physical":
            if not code:
                raise UserError(_("Scan the number of the physical gift card."))
            card = self.env["loyalty.club.card"].sudo().search([("code", "=", code)])
            if card and not card.emission_id:
                raise UserError(
                    _("Card %(code)s comes from no emission batch.", code=code)
                )
        else:
            if code:
                raise UserError(_("An electronic gift card gets a new number."))
            if payload.get("buyer_id"):
                buyer = (
                    self.env["res.partner"]
                    .sudo()
                    .browse(int(payload["buyer_id"]))
                    .exists()
                )
            if not (buyer.email or email):
                raise UserError(_("An electronic gift card needs the buyer's e-mail."))
        sold = self.gift_card_issue(
            {
                "program_id": program.id,
                "amount": amount,
                "code": code,
                "store_id": payload.get("store_id"),
                "channel": payload.get("channel") or "backoffice",
                "ref": payload.get("ref") or product.display_name,
            },
            idempotency_key,
        )
        if product.club_gift_medium == "electronic" and not sold.get("replayed"):
            card = (
                self.env["loyalty.club.card"]
                .sudo()
                .search([("code", "=", sold["code"])], limit=1)
            )
            card._send_gift_email(partner=buyer, email=email)
            sold["emailed"] = True
        return sold
