from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.loyalty_club.domain import rfm as core_rfm
from odoo.addons.loyalty_club.tests.common import ClubCase

# member: (days ago, amount) of each purchase
HISTORIES = {
    "Recent frequent": [(2, "100.00"), (10, "100.00"), (20, "100.00")],
    "Brand new": [(1, "50.00")],
    "Old big spender": [(300, "1000.00"), (310, "1000.00"), (320, "1000.00")]
    + [(330, "1000.00")],
    "Faded": [(200, "30.00")],
    "Steady": [(60, "200.00"), (90, "200.00")],
    "Gone": [(400, "500.00")],  # outside the 365-day window: not scored
}


@tagged("post_install", "-at_install")
class TestRfm(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now().replace(microsecond=0)
        cls.now = now
        cls.wallets = {}
        for index, (name, history) in enumerate(HISTORIES.items()):
            member = cls.service.register_member(
                {"name": name, "phone": f"+7903123{index:04d}"},
                program_id=cls.program.id,
            )
            cls.wallets[name] = member["wallet_id"]
            for days, amount in history:
                when = fields.Datetime.to_string(now - timedelta(days=days))
                payload = {
                    "program_id": cls.program.id,
                    "store_id": cls.store.id,
                    "channel": "api",
                    "lines": [{"key": 1, "amount": amount}],
                    "wallet_id": member["wallet_id"],
                    "date": when,
                }
                cls.service.confirm(payload, f"rfm-{index}-{days}")

    def _run(self):
        run = self.env["loyalty.club.rfm.run"].create(
            {"date": self.now, "window_days": 365}
        )
        run.action_compute()
        rows = self.env["loyalty.club.rfm"].search(
            [("run_id", "=", run.id), ("program_id", "=", self.program.id)]
        )
        return run, {row.wallet_id.id: row for row in rows}

    def test_scores_and_segments_of_known_members(self):
        _run, rows = self._run()
        by_name = {name: rows.get(wallet) for name, wallet in self.wallets.items()}
        self.assertIsNone(by_name.pop("Gone"), "no purchase in the window")
        scores = {
            name: (row.r_score, row.f_score, row.segment)
            for name, row in by_name.items()
        }
        self.assertEqual(
            scores,
            {
                "Brand new": (5, 2, "potential"),
                "Recent frequent": (4, 4, "loyal"),
                "Steady": (3, 3, "need_attention"),
                "Faded": (2, 2, "hibernating"),
                "Old big spender": (1, 5, "cant_lose"),
            },
        )
        self.assertEqual(by_name["Old big spender"].m_score, 5)
        self.assertEqual(by_name["Faded"].m_score, 1)
        self.assertEqual(by_name["Steady"].frequency, 2)
        self.assertEqual(by_name["Steady"].monetary, 400.0)
        self.assertEqual(by_name["Steady"].recency_days, 60)

    def test_sql_agrees_with_the_core(self):
        _run, rows = self._run()
        rows = list(rows.values())
        self.assertEqual(len(rows), 5)
        recency = core_rfm.quintile_scores([-row.recency_days for row in rows])
        frequency = core_rfm.quintile_scores([row.frequency for row in rows])
        monetary = core_rfm.quintile_scores([row.monetary for row in rows])
        for row, r, f, m in zip(rows, recency, frequency, monetary, strict=True):
            self.assertEqual((row.r_score, row.f_score, row.m_score), (r, f, m))
            self.assertEqual(row.segment, core_rfm.segment(r, f, m))

    def test_runs_keep_history(self):
        first, _rows = self._run()
        second, _rows = self._run()
        Rfm = self.env["loyalty.club.rfm"]
        for run in (first, second):
            self.assertEqual(
                Rfm.search_count(
                    [("run_id", "=", run.id), ("program_id", "=", self.program.id)]
                ),
                5,
            )
        grid = Rfm._read_group(
            [("run_id", "=", second.id), ("program_id", "=", self.program.id)],
            ["r_score", "f_score"],
            ["member_count:sum", "monetary:sum"],
        )
        self.assertIn((1, 5, 1, 4000.0), grid)
        mine = [("program_id", "=", self.program.id)]
        latest = Rfm.search(mine + [("is_latest", "=", True)])
        self.assertEqual(latest.run_id, second, "the grid shows the newest run")
        self.assertEqual(Rfm.search_count(mine), 10)

    def test_scheduled_job(self):
        cron = self.env.ref("loyalty_club_reports.ir_cron_loyalty_club_rfm")
        before = self.env["loyalty.club.rfm.run"].search_count([])
        cron.method_direct_trigger()
        self.assertEqual(self.env["loyalty.club.rfm.run"].search_count([]), before + 1)
