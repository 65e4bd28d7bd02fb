"""A company with a chart of accounts, a club (10 % earn, half an order payable
with bonuses, bonuses spendable at once) and a member with 1,000 bonuses."""

from odoo import Command

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class SaleClubCase(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.env.user.groups_id = [
            Command.link(cls.env.ref("loyalty_club.group_club_manager").id)
        ]
        cls.service = cls.env["loyalty.club.service"]
        cls.program = cls.env["loyalty.club.program"].create(
            {
                "name": "Sales club",
                "sequence": 0,
                "company_id": cls.company.id,
                "earn_percent": 10,
                "burn_cap_percent": 50,
                "pending_days": 0,
                "expiry_days": 365,
                "welcome_bonus": 1000,
            }
        )
        member = cls.service.register_member(
            {"name": "Maria Member", "phone": "+79261234501"},
            program_id=cls.program.id,
        )
        cls.member = cls.env["res.partner"].browse(member["partner_id"])
        cls.wallet = cls.env["loyalty.club.wallet"].browse(member["wallet_id"])
        cls.goods = cls.env["product.product"].create(
            {
                "name": "Armchair",
                "type": "consu",
                "list_price": 1000.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        cls.bonus_product = cls.env.ref("loyalty_club_sale.product_club_bonuses")

    def make_order(self, qty=2, partner=None, price=1000.0):
        return self.env["sale.order"].create(
            {
                "partner_id": (partner or self.member).id,
                "company_id": self.company.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.goods.id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )

    def balances(self):
        self.wallet.invalidate_recordset()
        return self.wallet.balance_available, self.wallet.balance_held

    def invoice_and_pay(self, order, amount=None):
        """Invoice the confirmed order, post it and pay it through Odoo's
        payment wizard; returns the invoice."""
        invoice = order._create_invoices()
        invoice.action_post()
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount} if amount is not None else {})
        )
        wizard._create_payments()
        return invoice

    def club_checks(self, order):
        return self.env["loyalty.club.transaction"].search(
            [("ref", "=like", f"{order.name}%"), ("program_id", "=", self.program.id)]
        )
