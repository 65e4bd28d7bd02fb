"""The NPS dashboard in Odoo's Dashboards app shows what the answers say."""

import json

from odoo.tests import HttpCase, tagged

from odoo.addons.loyalty_club_reports.tests.test_dashboard_tour import DASHBOARD_MODEL

READ_CARDS = (
    DASHBOARD_MODEL
    + """
const expected = %(expected)s;
function cards() {
    const model = dashboardModel();
    if (!model) {
        return null;
    }
    const found = {};
    const sheetId = model.getters.getActiveSheetId();
    for (const figure of model.getters.getFigures(sheetId)) {
        const definition = model.getters.getChartDefinition(figure.id);
        if (definition.type !== "scorecard") {
            continue;
        }
        const [sheetName, ref] = definition.keyValue.split("!");
        const cell = model.getters.getEvaluatedCell({
            sheetId: model.getters.getSheetIdByName(sheetName),
            col: ref.charCodeAt(0) - 65,
            row: parseInt(ref.slice(1), 10) - 1,
        });
        found[definition.title.text] = cell.value;
    }
    return found;
}
const started = Date.now();
const poll = setInterval(() => {
    const found = cards();
    const ready = found && found["Answers"] === expected["Answers"];
    if (!ready && Date.now() - started < 60000) {
        return;
    }
    clearInterval(poll);
    const wrong = ([title, value]) =>
        !found || Math.abs((found[title] ?? NaN) - value) > 1e-6;
    const problems = Object.entries(expected)
        .filter(wrong)
        .map(([title, value]) => `${title}: ${found?.[title]}, expected ${value}`);
    if (problems.length) {
        console.error("the NPS dashboard shows wrong figures: " + problems.join("; "));
    } else {
        console.log("test successful");
    }
}, 250);
"""
)


@tagged("post_install", "-at_install")
class TestNpsDashboard(HttpCase):
    def test_scorecards_show_the_answers(self):
        survey = self.env.ref("loyalty_club_nps.survey_nps")
        score_q, _comment_q = survey.question_ids.sorted("sequence")
        program = self.env["loyalty.club.program"].create(
            {"name": "Dashboard NPS club", "sequence": -4, "nps_survey_id": survey.id}
        )
        store = self.env["loyalty.club.store"].create(
            {"name": "NPS store", "code": "NPSD"}
        )
        service = self.env["loyalty.club.service"]
        for index, score in enumerate((10, 9, 8, 4)):
            wallet_id = service.register_member(
                {"name": f"Scorer {index}", "phone": f"+38050777000{index}"},
                program_id=program.id,
                welcome=False,
            )["wallet_id"]
            sold = service.confirm(
                {
                    "program_id": program.id,
                    "wallet_id": wallet_id,
                    "store_id": store.id,
                    "channel": "api",
                    "lines": [{"key": 1, "amount": "100.00"}],
                },
                f"nps-dashboard-{index}",
            )
            answer = survey._create_answer(
                partner=self.env["loyalty.club.wallet"].browse(wallet_id).partner_id,
                check_attempts=False,
                club_transaction_id=sold["transaction_id"],
                club_store_id=store.id,
            )
            answer._save_lines(score_q, str(score))
            answer._mark_done()
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT avg(nps), sum(answers), sum(promoters), sum(detractors) "
            "FROM loyalty_club_nps_report"
        )
        nps, answers, promoters, detractors = self.env.cr.fetchone()
        self.assertEqual((answers, promoters, detractors), (4, 2, 1))
        self.assertAlmostEqual(float(nps), 25.0)  # (2 - 1) / 4
        expected = {
            "NPS": float(nps),
            "Answers": answers,
            "Promoters": promoters,
            "Detractors": detractors,
        }
        dashboard = self.env.ref(
            "loyalty_club_nps.spreadsheet_dashboard_loyalty_club_nps"
        )
        self.browser_js(
            "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action"
            f"?dashboard_id={dashboard.id}",
            READ_CARDS % {"expected": json.dumps(expected)},
            ready="odoo.isReady",
            login="admin",
            timeout=120,
        )
