from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..report import geo_regions


@tagged("post_install", "-at_install")
class TestClubAnalyticsTour(HttpCase):
    """In a browser: the dashboard shows the checks, the map shows the members."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env["loyalty.club.program"].search(
            [("company_id", "=", cls.env.ref("base.main_company").id)], limit=1
        )
        cls.store = cls.env["loyalty.club.store"].search(
            [("company_id", "=", cls.program.company_id.id)], limit=1
        )
        cls.store.write({"city": "Kyiv", "country_id": cls.env.ref("base.ua").id})
        service = cls.env["loyalty.club.service"]
        for n, name in enumerate(("Tour Olena", "Tour Oleg")):
            wallet = cls.env["loyalty.club.wallet"].browse(
                service.register_member(
                    {"name": name, "phone": f"+38050111000{n}"},
                    source="import",
                    program_id=cls.program.id,
                    welcome=False,
                )["wallet_id"]
            )
            wallet.partner_id.write(
                {"city": "Odesa", "country_id": cls.env.ref("base.ua").id}
            )
            service.confirm(
                {
                    "program_id": cls.program.id,
                    "store_id": cls.store.id,
                    "channel": "api",
                    "wallet_id": wallet.id,
                    "lines": [{"key": 0, "amount": 25.0 * (n + 1)}],
                },
                f"tour-analytics-{n}",
            )

    def test_dashboard_shows_the_checks(self):
        self.env.flush_all()
        report = self.env["loyalty.club.sales.report"].with_company(
            self.program.company_id
        )
        sales = [("kind", "=", "sale"), ("company_id", "=", self.program.company_id.id)]
        checks = report._read_group(sales, [], ["check_id:count_distinct"])[0][0]
        self.assertGreaterEqual(checks, 2)
        # every check is recent: the dashboard's period (3 months) shows them all
        month_ago = fields.Datetime.now() - timedelta(days=28)
        self.assertFalse(report.search_count(sales + [("date", "<", month_ago)]))
        dashboard = self.env.ref(
            "loyalty_club_reports.spreadsheet_dashboard_loyalty_club"
        )
        self.start_tour(
            "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action"
            f"?dashboard_id={dashboard.id}",
            "loyalty_club_reports_dashboard_tour",
            login="admin",
            timeout=120,
        )

    def test_map_shows_the_members(self):
        self.env.flush_all()
        odesa = self.env["loyalty.club.geo.report"].search(
            [
                ("city", "=ilike", "odesa"),
                ("company_id", "=", self.program.company_id.id),
            ]
        )
        self.assertEqual(odesa.partner_id.mapped("name"), ["Tour Oleg", "Tour Olena"])
        self.start_tour(
            "/odoo/action-loyalty_club_reports.loyalty_club_geo_map_action",
            "loyalty_club_reports_map_tour",
            login="admin",
            timeout=120,
        )

    def test_map_shows_the_regions(self):
        if geo_regions.data_dir() is None:
            self.skipTest("the boundary package is not installed (./club does it)")
        data = self.env["loyalty.club.geo.report"].get_map_data()
        totals = {t["name"]: t["members"] for t in data["region_totals"]}
        self.assertEqual(totals.get("Odesa Oblast"), 2)
        self.assertFalse(totals.get("Lviv Oblast"))
        self.start_tour(
            "/odoo/action-loyalty_club_reports.loyalty_club_geo_map_action",
            "loyalty_club_reports_map_regions_tour",
            login="admin",
            timeout=120,
        )
