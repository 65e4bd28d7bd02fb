import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

/** Checks of every sale the sales analysis holds (all within the dashboard's period). */
async function checksInAnalysis() {
    const groups = await rpc("/web/dataset/call_kw/loyalty.club.sales.report/read_group", {
        model: "loyalty.club.sales.report",
        method: "read_group",
        args: [[["kind", "=", "sale"]], ["check_id:count_distinct"], []],
        kwargs: { lazy: false },
    });
    return groups[0].check_id;
}

/** The spreadsheet model of the dashboard on the page, found in the OWL tree. */
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

async function dashboardCell(col, row, isReady) {
    const started = Date.now();
    while (Date.now() - started < 30000) {
        const model = dashboardModel();
        if (model) {
            const sheetId = model.getters.getActiveSheetId();
            const cell = model.getters.getEvaluatedCell({ sheetId, col, row });
            if (isReady(cell.value)) {
                return cell.value;
            }
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`dashboard cell ${col},${row} never showed a figure`);
}

registry.category("web_tour.tours").add("loyalty_club_reports_dashboard_tour", {
    steps: () => [
        {
            content: "The dashboard is drawn",
            trigger: ".o_renderer .o-grid",
        },
        {
            content: "Its title and the number of checks are the expected ones",
            trigger: ".o_renderer .o-grid",
            async run() {
                const title = await dashboardCell(0, 0, (v) => typeof v === "string");
                if (!title.includes("Loyalty club")) {
                    throw new Error(`unexpected dashboard title: ${title}`);
                }
                const expected = await checksInAnalysis();
                // "Members and non-members": the total's checks (C48)
                const checks = await dashboardCell(2, 47, (v) => typeof v === "number");
                if (checks !== expected || !checks) {
                    throw new Error(`the dashboard shows ${checks} checks, expected ${expected}`);
                }
                // ... and the members' sales (B46)
                await dashboardCell(1, 45, (v) => typeof v === "number" && v > 0);
            },
        },
        {
            content: "The sales by month are drawn for members and non-members",
            trigger: ".o_renderer .o-figure canvas",
            async run() {
                const started = Date.now();
                while (Date.now() - started < 30000) {
                    const model = dashboardModel();
                    const sheetId = model.getters.getActiveSheetId();
                    const line = model.getters
                        .getFigures(sheetId)
                        .find(
                            (f) => model.getters.getChartDefinition(f.id).type === "odoo_line"
                        );
                    const runtime = line && model.getters.getChartRuntime(line.id);
                    const datasets = runtime?.chartJsConfig?.data?.datasets || [];
                    if (datasets.some((d) => d.label === "Members")) {
                        return;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 250));
                }
                throw new Error("the sales by month show no members");
            },
        },
    ],
});

registry.category("web_tour.tours").add("loyalty_club_reports_map_tour", {
    steps: () => [
        {
            content: "Odesa is on the map with its two members",
            trigger: ".o_club_geo_city[data-city='Odesa'][data-members='2'] circle",
        },
        {
            content: "A store is on the map",
            trigger: ".o_club_geo_store path",
        },
        {
            content: "Ukraine's outline (or its regions' border) is drawn under them",
            trigger: ".o_club_geo_outline[data-country='UA'], .o_club_geo_border[data-country='UA']",
        },
        {
            content: "The table gives Odesa's members and the members without a place",
            trigger: ".o_club_geo_row:contains(Odesa) .o_club_geo_members:contains(2)",
        },
        {
            trigger: ".o_club_geo_unknown",
        },
        {
            content: "Open Odesa's members from the map",
            trigger: ".o_club_geo_city[data-city='Odesa'] circle",
            run: "click",
        },
        {
            content: "The members of Odesa are listed",
            trigger: ".o_list_view .o_data_row:contains(Tour Olena)",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Tour Oleg)",
        },
    ],
});

registry.category("web_tour.tours").add("loyalty_club_reports_map_regions_tour", {
    steps: () => [
        {
            content: "Ukraine is drawn with its oblasts, Odesa Oblast shaded by its two members",
            trigger: ".o_club_geo_region[data-region='Odesa Oblast'][data-members='2']",
        },
        {
            trigger: ".o_club_geo_region[data-region='Lviv Oblast'][data-members='0']",
        },
        {
            trigger: ".o_club_geo_border[data-country='UA']",
        },
        {
            content: "Hover Odesa Oblast for its totals",
            trigger: ".o_club_geo_region[data-region='Odesa Oblast']",
            run: "hover",
        },
        {
            trigger: ".o_club_geo_hover:contains(Odesa Oblast) .o_club_geo_hover_members:contains(2)",
        },
        {
            content: "The regions' table gives Odesa Oblast's members",
            trigger: ".o_club_geo_region_table .o_club_geo_row[data-region='Odesa Oblast'] .o_club_geo_members:contains(2)",
            run: "click",
        },
        {
            content: "Its members are listed",
            trigger: ".o_list_view .o_data_row:contains(Tour Olena)",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Tour Oleg)",
        },
    ],
});
