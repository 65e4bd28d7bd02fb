from datetime import datetime, time

from odoo import fields

from odoo.addons.loyalty_club_pos.tests.common import ClubPosFixtureMixin
from odoo.addons.point_of_sale.tests.common import TestPoSCommon


class ClubAnalyticsCase(ClubPosFixtureMixin, TestPoSCommon):
    """The club set up on a POS company of its own; checks through POS and API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls.env.user.groups_id += cls.env.ref("loyalty_club.group_club_user")
        cls._club_setup(cls.config)
        cls.today = fields.Date.context_today(cls.env["loyalty.club.summary"])
        cls._phone = 79161230000

    @classmethod
    def _member(cls, name, **partner_vals):
        cls._phone += 1
        wallet = cls._club_member(name, f"+{cls._phone}")
        if partner_vals:
            wallet.partner_id.write(partner_vals)
        return wallet

    def _sale(self, products, wallet=None):
        data = self.create_ui_order_data(
            [{"product": p, "quantity": 1} for p in products],
            payments=[(self.cash_pm1, sum(p.lst_price for p in products))],
        )
        data["club_wallet_id"] = wallet.id if wallet else False
        result = self.env["pos.order"].sync_from_ui([data])["pos.order"]
        return self.env["pos.order"].browse(result[0]["id"])

    def _api(self, amount, key, wallet=None, day=None, store=None):
        order = {
            "program_id": self.club_program.id,
            "store_id": (store or self.club_store).id,
            "channel": "api",
            "wallet_id": wallet.id if wallet else False,
            "lines": [{"key": 0, "amount": amount}],
        }
        if day and day < self.today:  # today: now, never a time to come
            order["date"] = fields.Datetime.to_string(datetime.combine(day, time(12)))
        return self.club_service.confirm(order, key)

    def _companies(self):
        return self.env["loyalty.club.summary"].with_context(
            allowed_company_ids=[self.company.id]
        )
