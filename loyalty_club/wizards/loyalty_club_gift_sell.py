"""Sell a gift-card product from the back office, through the service."""

import uuid

from odoo import fields, models


class LoyaltyClubGiftSell(models.TransientModel):
    _name = "loyalty.club.gift.sell"
    _description = "Sell a Club Gift Card"

    product_id = fields.Many2one(
        "product.product", required=True, domain=[("club_gift_card", "=", True)]
    )
    amount_mode = fields.Selection(related="product_id.club_gift_amount")
    medium = fields.Selection(related="product_id.club_gift_medium")
    currency_id = fields.Many2one(related="product_id.club_gift_program_id.currency_id")
    amount = fields.Monetary(help="Free-amount cards only.")
    code = fields.Char("Card number", help="Physical cards: scan the card sold.")
    buyer_id = fields.Many2one("res.partner")
    email = fields.Char(help="Where the electronic card goes, if not the buyer's.")
    store_id = fields.Many2one("loyalty.club.store")
    # one key per wizard: a double click sells one card
    key = fields.Char(default=lambda self: f"backoffice-gift:{uuid.uuid4()}")

    def action_sell(self):
        self.ensure_one()
        payload = {
            "product_id": self.product_id.id,
            "code": self.code or "",
            "buyer_id": self.buyer_id.id or False,
            "email": self.email or "",
            "store_id": self.store_id.id or False,
            "channel": "backoffice",
        }
        if self.amount_mode == "free":
            payload["amount"] = str(self.amount)
        sold = self.env["loyalty.club.service"].gift_card_sell(payload, self.key)
        card = self.env["loyalty.club.card"].search([("code", "=", sold["code"])])
        return {
            "type": "ir.actions.act_window",
            "res_model": "loyalty.club.card",
            "res_id": card.id,
            "view_mode": "form",
        }
