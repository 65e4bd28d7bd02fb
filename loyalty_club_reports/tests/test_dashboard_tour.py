import json
from datetime import timedelta

from odoo import fields
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

# the spreadsheet model of the dashboard on the page, found in the OWL tree
DASHBOARD_MODEL = """
function dashboardModel() {
    const stack = [odoo.__WOWL_DEBUG__.root.__owl__];
    while (stack.length) {
        const node = stack.pop();
        const model = node.component?.env?.model;
        if (model?.getters?.getEvaluatedCell) {
            return model;
        }
        stack.push(...Object.values(node.children || {}));
    }
    return null;
}
"""

# the scorecards and the charts of the dashboard on the page, read from its
# spreadsheet model once its figures are evaluated
FIGURES = (
    DASHBOARD_MODEL
    + """
const expected = %(expected)s;
function cellValue(model, reference) {
    const [sheetName, ref] = reference.split("!");
    const col = ref.charCodeAt(0) - 65;
    const row = parseInt(ref.slice(1), 10) - 1;
    const sheetId = model.getters.getSheetIdByName(sheetName);
    return model.getters.getEvaluatedCell({ sheetId, col, row }).value;
}
function read() {
    const model = dashboardModel();
    if (!model) {
        return null;
    }
    const sheetId = model.getters.getActiveSheetId();
    const cards = {};
    const charts = [];
    for (const figure of model.getters.getFigures(sheetId)) {
        const definition = model.getters.getChartDefinition(figure.id);
        if (definition.type === "scorecard") {
            const value = cellValue(model, definition.keyValue);
            if (typeof value !== "number") {
                return null;
            }
            const runtime = model.getters.getChartRuntime(figure.id);
            cards[definition.title.text] = { value, text: runtime.keyValue };
        } else {
            const runtime = model.getters.getChartRuntime(figure.id);
            const datasets = runtime.chartJsConfig?.data?.datasets || [];
            charts.push({ type: definition.type, datasets });
        }
    }
    const line = charts.find((c) => c.type === "odoo_line");
    if (!line || !line.datasets.length) {
        return null;
    }
    return { cards, charts };
}
const started = Date.now();
const poll = setInterval(() => {
    let figures;
    try {
        figures = read();
    } catch (error) {
        clearInterval(poll);
        console.error("reading the dashboard failed: " + error);
        return;
    }
    if (!figures) {
        if (Date.now() - started > 60000) {
            clearInterval(poll);
            console.error("the dashboard's figures are still not shown");
        }
        return;
    }
    clearInterval(poll);
    const { cards, charts } = figures;
    const problems = [];
    const members = cards["Members"];
    if (!members || members.value !== expected.members) {
        problems.push(
            `members: ${JSON.stringify(members)}, expected ${expected.members}`
        );
    } else if (members.text !== expected.members.toLocaleString("en-US")) {
        problems.push(`members shown as ${members.text}`);
    }
    const share = cards["Share of sales by members"];
    if (!share || Math.abs(share.value - expected.share) > 1e-6) {
        problems.push(`share: ${JSON.stringify(share)}, expected ${expected.share}`);
    } else if (!share.text.endsWith("%%")) {
        problems.push(`the share is shown as ${share.text}`);
    }
    const types = charts.map((c) => c.type).join(",");
    if (types !== "odoo_line,odoo_bar,odoo_bar") {
        problems.push(`charts: ${types}`);
    }
    const labels = charts[0].datasets.map((d) => d.label).sort().join(",");
    if (labels !== expected.labels) {
        problems.push(`sales by month shows ${labels}, expected ${expected.labels}`);
    }
    if (problems.length) {
        console.error("the dashboard's figures are wrong: " + problems.join("; "));
    } else {
        console.log("test successful");
    }
}, 250);
"""
)


def _url(dashboard):
    return (
        "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action"
        f"?dashboard_id={dashboard.id}"
    )


@tagged("post_install", "-at_install")
class TestDashboardOpens(HttpCase):
    def test_dashboard_opens_in_the_dashboards_app(self):
        dashboard = self.env.ref(
            "loyalty_club_reports.spreadsheet_dashboard_loyalty_club"
        )
        self.browser_js(
            _url(dashboard), OPENS, ready="odoo.isReady", login="admin", timeout=90
        )

    def test_scorecards_show_the_figures_of_the_sales(self):
        """Members and the club's share of sales as SQL of their own gives them."""
        company = self.env.ref("base.user_admin").company_id
        program = self.env["loyalty.club.program"].search(
            [("company_id", "=", company.id)], limit=1
        )
        store = self.env["loyalty.club.store"].search(
            [("company_id", "=", company.id)], limit=1
        )
        service = self.env["loyalty.club.service"]
        wallet = self.env["loyalty.club.wallet"].browse(
            service.register_member(
                {"name": "Dashboard Iryna", "phone": "+380501112299"},
                source="import",
                program_id=program.id,
                welcome=False,
            )["wallet_id"]
        )
        for key, amount, member in (("m", 60.0, True), ("n", 40.0, False)):
            payload = {
                "program_id": program.id,
                "store_id": store.id,
                "channel": "api",
                "wallet_id": wallet.id if member else False,
                "lines": [{"key": 0, "amount": amount}],
            }
            service.confirm(payload, f"dashboard-figures-{key}")
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """
            SELECT count(*) FROM res_partner
            WHERE club_status IN ('active', 'applicant') AND active
              AND (company_id IS NULL OR company_id = %s)
            """,
            [company.id],
        )
        members = cr.fetchone()[0]
        # the dashboard's period: the last 90 days, by the club's day
        start = fields.Date.context_today(self.env.user) - timedelta(days=89)
        tz = self.env["loyalty.club.sales.day"]._tz().zone
        cr.execute(
            """
            SELECT COALESCE(sum(amount) FILTER (WHERE is_member), 0),
                   COALESCE(sum(amount), 0)
            FROM loyalty_club_sales_report
            WHERE kind = 'sale' AND company_id = %s
              AND (date AT TIME ZONE 'UTC' AT TIME ZONE %s)::date >= %s
            """,
            [company.id, tz, start],
        )
        member_sales, sales = cr.fetchone()
        self.assertGreaterEqual(members, 1)
        self.assertTrue(member_sales and sales > member_sales)
        expected = {
            "members": members,
            "share": float(member_sales) / float(sales),
            "labels": "Members,Non-members",
        }
        dashboard = self.env.ref(
            "loyalty_club_reports.spreadsheet_dashboard_loyalty_club"
        )
        self.browser_js(
            _url(dashboard),
            FIGURES % {"expected": json.dumps(expected)},
            ready="odoo.isReady",
            login="admin",
            timeout=120,
        )
