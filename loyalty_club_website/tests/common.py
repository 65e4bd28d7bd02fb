"""A web shop with a club: 10 % earn, half a cart payable with bonuses, a member
(a portal user with an address, 1,000 welcome bonuses), a kettle sold online
and a gift card of 50."""

import re

from odoo import Command
from odoo.tests import new_test_user

# an EAN-13 of the club's prefix; the tour types it
GIFT_CODE = "2980007700111"
MEMBER_PHONE = "+380671112233"
MEMBER_LOGIN = "club_web_member"


class WebClubMixin:
    @classmethod
    def setup_club(cls):
        env = cls.env
        cls.website = env.ref("website.default_website")
        cls.company = cls.website.company_id
        cls.service = env["loyalty.club.service"]
        cls.program = env["loyalty.club.program"].create(
            {
                "name": "Web shop club",
                "sequence": -5,
                "company_id": cls.company.id,
                "earn_percent": 10,
                "burn_cap_percent": 50,
                "pending_days": 0,
                "expiry_days": 365,
                "welcome_bonus": 1000,
            }
        )
        cls.user = new_test_user(
            env,
            login=MEMBER_LOGIN,
            groups="base.group_portal",
            name="Wanda Web",
            email="wanda.web@example.com",
        )
        cls.member = cls.user.partner_id
        cls.member.write(
            {
                "street": "1 Shop Street",
                "city": "Kyiv",
                "zip": "01001",
                "country_id": env.ref("base.ua").id,
                "phone": MEMBER_PHONE,
                "mobile": MEMBER_PHONE,
            }
        )
        answer = cls.service.register_member(
            {"name": "Wanda Web", "phone": MEMBER_PHONE},
            program_id=cls.program.id,
            partner=cls.member,
        )
        cls.wallet = env["loyalty.club.wallet"].browse(answer["wallet_id"])
        cls.product = env["product.product"].create(
            {
                "name": "Club web kettle",
                "type": "service",
                "list_price": 400.0,
                "sale_ok": True,
                "website_published": True,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        env["loyalty.club.card"].create(
            {"code": GIFT_CODE, "program_id": cls.program.id, "kind": "physical"}
        )
        cls.gift = cls.service.gift_card_issue(
            {"program_id": cls.program.id, "code": GIFT_CODE, "amount": "50"},
            "web-gift-card-sale",
        )
        cls.gift_card = env["loyalty.club.card"].search([("code", "=", GIFT_CODE)])

    @classmethod
    def setup_provider(cls):
        """A payment provider of the shop whose payments are posted in a bank
        journal, as a real one's (the provider's own flow is not the point)."""
        env = cls.env
        method = env.ref("payment.payment_method_unknown")
        cls.provider = env["payment.provider"].create(
            {
                "name": "Club web test provider",
                "code": "none",
                "state": "test",
                "is_published": True,
                "company_id": cls.company.id,
                "payment_method_ids": [Command.set(method.ids)],
            }
        )
        method.active = True
        env["account.payment.method"].create(
            {"name": "Club web test", "code": "none", "payment_type": "inbound"}
        )
        cls.provider.journal_id = env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "bank")], limit=1
        )

    # ---------------------------------------------------------------- helpers
    def pay(self, order, state="done"):
        """The shop's payment of the order, as a provider reports it."""
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.provider.payment_method_ids[:1].id,
                    "amount": order.amount_total,
                    "currency_id": order.currency_id.id,
                    "partner_id": order.partner_id.id,
                    "reference": f"{order.name}-{state}-{len(order.transaction_ids)}",
                    "operation": "online_redirect",
                    "sale_order_ids": [Command.set(order.ids)],
                }
            )
        )
        if state == "done":
            tx._set_done()
        else:
            tx._set_pending()
        tx._post_process()
        return tx

    def web_order(self, qty=1, partner=None):
        """A cart of the web shop, as the shop keeps it (superuser)."""
        return (
            self.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": (partner or self.member).id,
                    "website_id": self.website.id,
                    "company_id": self.company.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": qty,
                                "price_unit": 400.0,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )

    def service_quote(self, amount, burn=0, wallet=None):
        """The service's quote of an order of one line, asked directly."""
        return self.service.quote(
            {
                "program_id": self.program.id,
                "wallet_id": (wallet or self.wallet).id,
                "channel": "website",
                "lines": [{"key": 1, "amount": amount}],
                "burn": burn,
            }
        )

    def units(self, value):
        from odoo.tools.misc import formatLang

        return formatLang(self.env, value, digits=self.program.digits)

    def gift_balance(self):
        return self.service.gift_card_info(GIFT_CODE)["balance"]

    def web_checks(self, order):
        return self.env["loyalty.club.transaction"].search(
            [("ref", "=", order.name), ("kind", "=", "sale")]
        )

    def ledger(self, order, kind):
        return self.env["loyalty.club.ledger"].search(
            [("transaction_id.ref", "=", order.name), ("kind", "=", kind)]
        )


def csrf_of(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
