import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/core/utils/numbers";
import { useService } from "@web/core/utils/hooks";

const WIDTH = 960;
const HEIGHT = 560;
const PAD = 60;
const LEGEND = 200; // left strip kept for the legend

/**
 * The club's map, drawn offline as SVG: members per city as circles (area by
 * members), stores as markers, a legend; a click on a city opens its members.
 */
export class ClubGeoMap extends Component {
    static template = "loyalty_club_reports.GeoMap";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null, hover: null });
        this.width = WIDTH;
        this.height = HEIGHT;
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("loyalty.club.geo.report", "get_map_data", []);
    }

    get projection() {
        const { cities, stores } = this.state.data;
        const points = [...cities, ...stores].filter((p) => p.lat !== null);
        if (!points.length) {
            return null;
        }
        const lats = points.map((p) => p.lat);
        const lons = points.map((p) => p.lon);
        let [south, north] = [Math.min(...lats), Math.max(...lats)];
        let [west, east] = [Math.min(...lons), Math.max(...lons)];
        const k = Math.cos((((south + north) / 2) * Math.PI) / 180);
        const spanX = Math.max((east - west) * k, 1);
        const spanY = Math.max(north - south, 1);
        const scale = Math.min((WIDTH - LEGEND - 2 * PAD) / spanX, (HEIGHT - 2 * PAD) / spanY);
        const cx = (west + east) / 2;
        const cy = (south + north) / 2;
        return (lat, lon) => ({
            x: LEGEND + (WIDTH - LEGEND) / 2 + (lon - cx) * k * scale,
            y: HEIGHT / 2 - (lat - cy) * scale,
        });
    }

    get maxMembers() {
        return Math.max(1, ...this.state.data.cities.map((c) => c.members));
    }

    radius(members) {
        return 5 + 35 * Math.sqrt(members / this.maxMembers);
    }

    get circles() {
        const project = this.projection;
        if (!project) {
            return [];
        }
        return this.state.data.cities.map((city, index) => ({
            ...city,
            key: `c${index}`,
            ...project(city.lat, city.lon),
            r: this.radius(city.members),
            opacity: 0.25 + 0.6 * (city.members / this.maxMembers),
        }));
    }

    get markers() {
        const project = this.projection;
        if (!project) {
            return [];
        }
        return this.state.data.stores
            .filter((s) => s.lat !== null)
            .map((store) => ({ ...store, ...project(store.lat, store.lon) }));
    }

    get legendSizes() {
        const max = this.maxMembers;
        const half = Math.max(1, Math.round(max / 2));
        return [...new Set([max, half, 1])].map((members) => ({
            members,
            r: this.radius(members),
        }));
    }

    get totalMembers() {
        const { cities, unplaced, unknown } = this.state.data;
        return (
            [...cities, ...unplaced].reduce((sum, c) => sum + c.members, 0) + unknown.members
        );
    }

    formatAmount(value) {
        return formatFloat(value, { digits: [false, 2] });
    }

    openCity(city) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("Members in %s", city.city),
            res_model: "loyalty.club.geo.report",
            views: [
                [false, "list"],
                [false, "pivot"],
            ],
            domain: [
                ["city", "=ilike", city.city],
                ["country_id", "=", city.country_id || false],
            ],
        });
    }

    openUnknown() {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("Members without a place"),
            res_model: "loyalty.club.geo.report",
            views: [[false, "list"]],
            domain: [["source", "=", "unknown"]],
        });
    }
}

registry.category("actions").add("loyalty_club_reports.geo_map", ClubGeoMap);
