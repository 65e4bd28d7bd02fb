import json
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .test_dashboard_tour import DASHBOARD_MODEL, _url

# the economics scorecards of the dashboard on the page, once evaluated, set
# against the figures the reports give
ECONOMICS = (
    DASHBOARD_MODEL
    + """
const expected = %(expected)s;
function read() {
    const model = dashboardModel();
    if (!model) {
        return null;
    }
    const sheetId = model.getters.getActiveSheetId();
    const cards = {};
    for (const figure of model.getters.getFigures(sheetId)) {
        const definition = model.getters.getChartDefinition(figure.id);
        if (definition.type !== "scorecard" || !(definition.title.text in expected)) {
            continue;
        }
        const [sheetName, ref] = definition.keyValue.split("!");
        const cell = model.getters.getEvaluatedCell({
            sheetId: model.getters.getSheetIdByName(sheetName),
            col: ref.charCodeAt(0) - 65,
            row: parseInt(ref.slice(1), 10) - 1,
        });
        if (typeof cell.value !== "number") {
            return null;
        }
        const runtime = model.getters.getChartRuntime(figure.id);
        cards[definition.title.text] = { value: cell.value, text: runtime.keyValue };
    }
    return Object.keys(cards).length === Object.keys(expected).length ? cards : null;
}
const started = Date.now();
const poll = setInterval(() => {
    let cards;
    try {
        cards = read();
    } catch (error) {
        clearInterval(poll);
        console.error("reading the dashboard failed: " + error);
        return;
    }
    if (!cards) {
        if (Date.now() - started > 60000) {
            clearInterval(poll);
            console.error("the economics scorecards are still not shown");
        }
        return;
    }
    clearInterval(poll);
    const problems = [];
    for (const [title, want] of Object.entries(expected)) {
        const card = cards[title];
        if (Math.abs(card.value - want.value) > 1e-6) {
            problems.push(`${title}: ${card.value}, the report gives ${want.value}`);
        } else if (want.percent && !card.text.endsWith("%%")) {
            problems.push(`${title} is shown as ${card.text}`);
        }
    }
    if (problems.length) {
        console.error("the dashboard's economics are wrong: " + problems.join("; "));
    } else {
        console.log("test successful");
    }
}, 250);
"""
)


@tagged("post_install", "-at_install")
class TestDashboardEconomics(HttpCase):
    def test_economics_scorecards_show_the_reports_figures(self):
        """Cost as a share of members' sales over the dashboard's period,
        outstanding bonuses, what expires next month and the breakage of the
        closed accrual months: the reports' own figures."""
        company = self.env.ref("base.user_admin").company_id
        program = self.env["loyalty.club.program"].search(
            [("company_id", "=", company.id)], limit=1
        )
        store = self.env["loyalty.club.store"].search(
            [("company_id", "=", company.id)], limit=1
        )
        service = self.env["loyalty.club.service"]
        today = fields.Date.context_today(self.env.user)
        # what is earned today expires in the middle of next month
        next_month = today.replace(day=1) + relativedelta(months=1)
        program.sudo().write(
            {
                "expiry_days": (next_month + timedelta(days=14) - today).days,
                "pending_days": 0,
            }
        )
        wallet = self.env["loyalty.club.wallet"].browse(
            service.register_member(
                {"name": "Economics Dashboard Oksana", "phone": "+380501112377"},
                source="import",
                program_id=program.id,
                welcome=False,
            )["wallet_id"]
        )
        for key, amount, burn in (("a", 300.0, 0.0), ("b", 200.0, 20.0)):
            payload = {
                "program_id": program.id,
                "store_id": store.id,
                "channel": "api",
                "wallet_id": wallet.id,
                "lines": [{"key": 0, "amount": amount}],
            }
            if burn:
                payload["burn"] = burn
            service.confirm(payload, f"dashboard-economics-{key}")
        self.env["loyalty.club.economics.day"].sudo()._refresh(full=True)
        self.env["loyalty.club.cohort.flow"].sudo()._refresh(full=True, lag_hours=0)
        self.env.flush_all()

        def total(model, domain, measures):
            return self.env[model].read_group(domain, measures, [])[0]

        # the dashboard's period: the last 90 days, by the club's day
        start = today - timedelta(days=89)
        economics = total(
            "loyalty.club.economics.report",
            [("month", ">=", start), ("month", "<=", today)],
            ["cost:sum", "sales_members:sum"],
        )
        outstanding = total("loyalty.club.expiry.report", [], ["value:sum"])
        expiring = total(
            "loyalty.club.expiry.report",
            [("expiry_month", "=", next_month)],
            ["value:sum"],
        )
        closed = total(
            "loyalty.club.breakage.report",
            [("open", "=", 0)],
            ["expired:sum", "accrued:sum"],
        )
        self.assertGreater(economics["cost"], 0)
        self.assertGreater(expiring["value"], 0)
        expected = {
            "Program cost, share of members' sales": {
                "value": economics["cost"] / economics["sales_members"],
                "percent": True,
            },
            "Outstanding bonuses": {"value": outstanding["value"]},
            "Expiring next month": {"value": expiring["value"]},
            "Breakage rate": {
                "value": (closed["expired"] or 0.0) / closed["accrued"]
                if closed["accrued"]
                else 0.0,
                "percent": True,
            },
        }
        dashboard = self.env.ref(
            "loyalty_club_reports.spreadsheet_dashboard_loyalty_club"
        )
        self.browser_js(
            _url(dashboard),
            ECONOMICS % {"expected": json.dumps(expected)},
            ready="odoo.isReady",
            login="admin",
            timeout=120,
        )
