"""Try promotions on a sample basket: the service's quote, nothing recorded."""

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr

CHANNELS = [
    ("pos", "Point of sale"),
    ("api", "API"),
    ("portal", "Portal"),
    ("backoffice", "Back office"),
]


class LoyaltyClubPromotionTry(models.TransientModel):
    _name = "loyalty.club.promotion.try"
    _description = "Try Promotions on a Sample Basket"

    program_id = fields.Many2one(
        "loyalty.club.program",
        required=True,
        default=lambda self: self.env["loyalty.club.program"].search([], limit=1),
    )
    currency_id = fields.Many2one(related="program_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", "Member", help="Empty: a customer who is not a member."
    )
    store_id = fields.Many2one("loyalty.club.store")
    channel = fields.Selection(CHANNELS, required=True, default="pos")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    coupon_codes = fields.Char(help="Comma-separated coupon codes shown.")
    line_ids = fields.One2many("loyalty.club.promotion.try.line", "wizard_id")
    tried = fields.Boolean(readonly=True)
    total_before = fields.Monetary("Total before promotions", readonly=True)
    discount = fields.Monetary(readonly=True)
    to_pay = fields.Monetary(readonly=True)
    earn = fields.Float("Bonuses earned", digits=(16, 2), readonly=True)
    result_ids = fields.One2many(
        "loyalty.club.promotion.try.result", "wizard_id", readonly=True
    )

    def _wallet(self):
        if not self.partner_id:
            return self.env["loyalty.club.wallet"]
        wallet = (
            self.env["loyalty.club.wallet"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.partner_id.id),
                    ("program_id", "=", self.program_id.id),
                ],
                limit=1,
            )
        )
        if not wallet:
            raise UserError(
                _(
                    "%(name)s is not a member of %(program)s.",
                    name=self.partner_id.display_name,
                    program=self.program_id.display_name,
                )
            )
        return wallet

    def _payload(self):
        self.ensure_one()
        if not self.line_ids:
            raise UserError(_("Add at least one product to the basket."))
        digits = self.currency_id.decimal_places
        payload = {
            "program_id": self.program_id.id,
            "channel": self.channel,
            "date": fields.Datetime.to_string(self.date),
            "lines": [
                {
                    "key": line.id,
                    "product_id": line.product_id.id,
                    "qty": line.qty,
                    "amount": float_repr(line.amount, digits),
                }
                for line in self.line_ids
            ],
        }
        if self.store_id:
            payload["store_id"] = self.store_id.id
        wallet = self._wallet()
        if wallet:
            payload["wallet_id"] = wallet.id
        codes = [c.strip() for c in (self.coupon_codes or "").split(",") if c.strip()]
        if codes:
            payload["coupon_codes"] = codes
        return payload

    def action_try(self):
        """Ask the service for a quote, as a till would, and show what applied."""
        self.ensure_one()
        quote = self.env["loyalty.club.service"].quote(self._payload())
        results = [(5, 0, 0)]
        for promo in quote.get("promotions", []):
            results.append(
                (
                    0,
                    0,
                    {
                        "kind": "applied",
                        "promotion_id": promo["id"],
                        "name": promo["name"],
                        "discount": promo["discount"],
                        "bonus": promo["bonus"],
                    },
                )
            )
        for miss in quote.get("near_misses", []):
            results.append(
                (
                    0,
                    0,
                    {
                        "kind": "near_miss",
                        "promotion_id": miss["id"],
                        "name": miss["name"],
                        "message": miss["message"],
                    },
                )
            )
        for coupon in quote.get("coupons", []):
            if not coupon["valid"]:
                results.append(
                    (
                        0,
                        0,
                        {
                            "kind": "coupon",
                            "name": coupon["code"],
                            "message": coupon["reason"],
                        },
                    )
                )
        self.write(
            {
                "tried": True,
                "total_before": quote.get("total_before_promotions", 0.0),
                "discount": quote.get("discount", 0.0),
                "to_pay": quote.get("to_pay", 0.0),
                "earn": quote.get("earn_if_member", quote.get("earn", 0.0))
                if not self.partner_id
                else quote.get("earn", 0.0),
                "result_ids": results,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Try on a sample basket"),
        }
