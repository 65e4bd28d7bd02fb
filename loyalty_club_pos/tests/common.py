"""Club fixtures for the POS tests: they never rely on the demo data."""

from odoo import Command

# emitted by _club_setup (prefix 299, sequence 900001..900004), away from the demo range
CARD_CODES = ["2990009000010", "2990009000027", "2990009000034", "2990009000041"]
SHOE_SIZE = "pos_test_shoe_size"


class ClubPosFixtureMixin:
    @classmethod
    def _club_jacket(cls):
        """The tours' article: a 100.00 jacket without taxes, sold at the till."""
        return cls.env["product.product"].create(
            {
                "name": "Club Jacket",
                "available_in_pos": True,
                "list_price": 100.0,
                "taxes_id": False,
            }
        )

    @classmethod
    def _club_cashier(cls, name, login):
        """A cashier of the test company: a plain POS user."""
        return cls.env["res.users"].create(
            {
                "name": name,
                "login": login,
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
                "groups_id": [(6, 0, [cls.env.ref("point_of_sale.group_pos_user").id])],
            }
        )

    @classmethod
    def _club_setup(cls, config):
        env = cls.env
        company = config.company_id
        if "loyalty.program" in env:  # Odoo's pos_loyalty may be installed next to us
            env["loyalty.program"].search([]).write({"active": False})
        cls.club_service = env["loyalty.club.service"].sudo()
        cls.club_program = (
            env["loyalty.club.program"]
            .sudo()
            .create(
                {
                    "name": "POS test club",
                    "company_id": company.id,
                    "currency_id": company.currency_id.id,
                    "earn_percent": 10,
                    "burn_cap_percent": 30,
                    "pending_days": 14,
                    "expiry_days": 180,
                    "welcome_bonus": 25,
                    "point_value": 1,
                    "receipt_message": "Thank you from the test club!",
                }
            )
        )
        cls.club_store = (
            env["loyalty.club.store"]
            .sudo()
            .create(
                {
                    "name": "POS test store",
                    "code": "PTS",
                    "company_id": company.id,
                }
            )
        )
        emission = (
            env["loyalty.club.emission"]
            .sudo()
            .create(
                {
                    "name": "POS test cards",
                    "program_id": cls.club_program.id,
                    "prefix": "299",
                    "start": 900001,
                    "quantity": len(CARD_CODES),
                }
            )
        )
        emission.action_emit()
        cls.club_cards = (
            env["loyalty.club.card"]
            .sudo()
            .search([("emission_id", "=", emission.id)], order="code")
        )
        assert cls.club_cards.mapped("code") == CARD_CODES, cls.club_cards.mapped(
            "code"
        )
        env["loyalty.club.attribute"].sudo().create(
            {
                "name": "Shoe size",
                "code": SHOE_SIZE,
                "value_type": "number",
                "highlight": True,
            }
        )
        PaymentMethod = env["pos.payment.method"]
        cls.club_bonus_method = PaymentMethod._club_ensure_bonus_method(company)
        cls.club_gift_method = PaymentMethod._club_ensure_gift_card_method(company)
        cls.club_gift_product = env.ref("loyalty_club_pos.product_club_gift_card")
        config.write(
            {
                "club_program_id": cls.club_program.id,
                "club_store_id": cls.club_store.id,
                "payment_method_ids": [
                    Command.link(cls.club_bonus_method.id),
                    Command.link(cls.club_gift_method.id),
                ],
            }
        )

    @classmethod
    def _club_member(cls, name, phone, card=None, balance=0.0, attributes=None):
        """A member with a wallet holding ``balance`` spendable units."""
        summary = cls.club_service.register_member(
            {
                "name": name,
                "phone": phone,
                "card_number": card,
                "attributes": attributes or {},
            },
            source="import",
            program_id=cls.club_program.id,
            welcome=False,
        )
        wallet = cls.env["loyalty.club.wallet"].sudo().browse(summary["wallet_id"])
        if balance:
            wallet._gift_once(
                f"pos-test:opening:{wallet.id}",
                cls.club_program.to_minor(balance),
                "Opening balance",
            )
            wallet._refresh_balances()
        return wallet

    @classmethod
    def _club_gift_card(cls, amount, code=None):
        """A gift card sold in the back office, holding ``amount``."""
        payload = {"program_id": cls.club_program.id, "amount": amount}
        if code:
            payload["code"] = code
        card = cls.club_service.gift_card_issue(
            payload, f"pos-test:gift:{code or amount}"
        )
        return card["code"]

    def _club_gift_wallet(self, code):
        card = self.env["loyalty.club.card"].sudo().search([("code", "=", code)])
        return (
            self.env["loyalty.club.wallet"].sudo().search([("card_id", "=", card.id)])
        )

    def _club_ledger(self, wallet, order=None):
        domain = [
            ("wallet_id", "=", wallet.id),
            ("kind", "in", ("earn", "burn", "reversal")),
        ]
        if order:
            domain.append(("transaction_id", "=", order.club_transaction_id.id))
        return self.env["loyalty.club.ledger"].sudo().search(domain, order="id")
