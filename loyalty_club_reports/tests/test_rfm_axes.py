"""The RFM grid's axes read as R and F with the fifth each score stands for."""

from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.tests import tagged

from odoo.addons.loyalty_club.tests.common import ClubCase


@tagged("post_install", "-at_install")
class TestRfmAxes(ClubCase):
    def test_axes_are_labelled(self):
        now = fields.Datetime.now().replace(microsecond=0)
        for index, days in enumerate((1, 30, 90, 200, 300)):
            member = self.service.register_member(
                {"name": f"Axis {index}", "phone": f"+7903555{index:04d}"},
                program_id=self.program.id,
            )
            for repeat in range(index + 1):
                self.service.confirm(
                    {
                        "program_id": self.program.id,
                        "store_id": self.store.id,
                        "channel": "api",
                        "lines": [{"key": 1, "amount": "100.00"}],
                        "wallet_id": member["wallet_id"],
                        "date": fields.Datetime.to_string(
                            now - timedelta(days=days + repeat)
                        ),
                    },
                    f"axis-{index}-{repeat}",
                )
        run = self.env["loyalty.club.rfm.run"].create({"date": now})
        run.action_compute()
        Rfm = self.env["loyalty.club.rfm"].with_context(lang="en_US")
        rows = Rfm.search(
            [("run_id", "=", run.id), ("program_id", "=", self.program.id)]
        )
        self.assertEqual(len(rows), 5)
        for row in rows:
            self.assertEqual(
                (row.r_band, row.f_band), (str(row.r_score), str(row.f_score))
            )
        labels = dict(Rfm.fields_get(["r_band"])["r_band"]["selection"])
        self.assertEqual(labels["5"], "R5 (most recent 20%)")
        self.assertEqual(labels["1"], "R1 (least recent 20%)")
        newest = rows.filtered(lambda r: r.partner_id.name == "Axis 0")
        self.assertEqual(newest.r_band, "5")
        f_labels = dict(Rfm.fields_get(["f_band"])["f_band"]["selection"])
        most_frequent = rows.filtered(lambda r: r.partner_id.name == "Axis 4")
        self.assertEqual(f_labels[most_frequent.f_band], "F5 (most frequent 20%)")
        arch = Rfm.get_views([(False, "pivot")])["views"]["pivot"]["arch"]
        axes = {
            node.get("type"): node.get("name")
            for node in etree.fromstring(arch).xpath("//field[@type!='measure']")
        }
        self.assertEqual(axes, {"row": "r_band", "col": "f_band"})
