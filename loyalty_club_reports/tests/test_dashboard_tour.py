from odoo.tests import HttpCase, tagged

OPENS = """
const started = Date.now();
const poll = setInterval(() => {
    const failed = document.querySelector(".dashboard-loading-status.error");
    if (failed) {
        clearInterval(poll);
        console.error("the dashboard did not load: " + failed.textContent);
    } else if (document.querySelector(".o_renderer .o-grid")) {
        clearInterval(poll);
        console.log("test successful");
    } else if (Date.now() - started > 30000) {
        clearInterval(poll);
        console.error("the dashboard is still not shown");
    }
}, 200);
"""


@tagged("post_install", "-at_install")
class TestDashboardOpens(HttpCase):
    def test_dashboard_opens_in_the_dashboards_app(self):
        dashboard = self.env.ref(
            "loyalty_club_reports.spreadsheet_dashboard_loyalty_club"
        )
        self.browser_js(
            "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action"
            f"?dashboard_id={dashboard.id}",
            OPENS,
            ready="odoo.isReady",
            login="admin",
            timeout=90,
        )
