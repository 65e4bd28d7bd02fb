"""The contacts a club till preloads when its session opens: its own recent
customers first (members are looked up on demand), bounded to 100."""

import copy
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from ..models import pos_config
from .common import ClubPosFixtureMixin


@tagged("post_install", "-at_install")
class TestClubPosPartnerPreload(ClubPosFixtureMixin, TestPoSCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls._club_setup(cls.config)
        cls.product = cls.create_product("Preload mug", cls.categ_basic, 10.0)
        partners = cls.env["res.partner"].create(
            [{"name": f"Preload customer {n:03d}"} for n in range(120)]
        )
        cls.regular, cls.latest = partners[:2]

    def _sell_to(self, partner):
        data = self.create_ui_order_data(
            [(self.product, 1)], customer=partner, payments=[(self.cash_pm1, 10.0)]
        )
        self.env["pos.order"].sync_from_ui([copy.deepcopy(data)])

    def test_club_till_loads_its_recent_customers_first(self):
        self.open_new_session()
        self._sell_to(self.regular)
        self._sell_to(self.regular)
        self._sell_to(self.latest)
        loaded = [row[0] for row in self.config.get_limited_partners_loading()]
        self.assertEqual(
            loaded[:2],
            [self.latest.id, self.regular.id],
            "the till's customers, the most recent first (not the most orders)",
        )
        self.assertEqual(len(loaded), 100, "topped up to Odoo's 100 contacts")
        self.assertEqual(len(set(loaded)), 100, "each contact once")
        data = self.pos_session.load_data([])
        sent = {partner["id"] for partner in data["res.partner"]["data"]}
        self.assertLessEqual({self.regular.id, self.latest.id}, sent)

    def test_a_regular_filling_the_short_window_does_not_hide_the_others(self):
        """The newest orders are read first in a short window; when one regular
        fills it, the till's earlier customers are still found, in order."""
        self.open_new_session()
        earlier = self.env["res.partner"].create({"name": "Zz earlier customer"})
        self._sell_to(earlier)
        self._sell_to(self.latest)
        for _n in range(3):
            self._sell_to(self.regular)
        with patch.object(pos_config, "RECENT_WINDOW", 3):
            loaded = [row[0] for row in self.config.get_limited_partners_loading()]
        self.assertEqual(loaded[:3], [self.regular.id, self.latest.id, earlier.id])
        self.assertEqual(len(loaded), 100)
        self.assertEqual(len(set(loaded)), 100)
