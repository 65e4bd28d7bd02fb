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
 * The club's map, drawn offline as SVG: country outlines sent by the server,
 * members per city as circles (area by members; dashed when only the region's or
 * country's centre is known), stores as markers, a legend; a click on a city
 * opens its members.
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

    /** Every point drawn: cities (with the approximate ones) and stores. */
    get points() {
        const { cities, unplaced, stores } = this.state.data;
        return [...cities, ...unplaced, ...stores].filter((p) => p.lat !== null);
    }

    /** The outline rings that hold a point: the map frames them and the points. */
    get framedRings() {
        const points = this.points;
        const rings = [];
        for (const outline of this.state.data.outlines || []) {
            for (const ring of outline.rings) {
                const lons = ring.map((p) => p[0]);
                const lats = ring.map((p) => p[1]);
                const box = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
                if (points.some((p) => p.lon >= box[0] && p.lon <= box[1] && p.lat >= box[2] && p.lat <= box[3])) {
                    rings.push(box);
                }
            }
        }
        return rings;
    }

    get projection() {
        const points = this.points;
        if (!points.length) {
            return null;
        }
        const boxes = this.framedRings;
        const lats = [...points.map((p) => p.lat), ...boxes.flatMap((b) => [b[2], b[3]])];
        const lons = [...points.map((p) => p.lon), ...boxes.flatMap((b) => [b[0], b[1]])];
        const [south, north] = [Math.min(...lats), Math.max(...lats)];
        const [west, east] = [Math.min(...lons), Math.max(...lons)];
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

    /** Country outlines as SVG paths, projected as the circles are. */
    get outlinePaths() {
        const project = this.projection;
        if (!project) {
            return [];
        }
        return (this.state.data.outlines || []).map((outline) => ({
            code: outline.code,
            d: outline.rings
                .map(
                    (ring) =>
                        "M " +
                        ring
                            .map(([lon, lat]) => {
                                const { x, y } = project(lat, lon);
                                return `${x.toFixed(1)} ${y.toFixed(1)}`;
                            })
                            .join(" L ") +
                        " Z"
                )
                .join(" "),
        }));
    }

    get maxMembers() {
        const { cities, unplaced } = this.state.data;
        return Math.max(1, ...[...cities, ...unplaced].map((c) => c.members));
    }

    radius(members) {
        return 5 + 35 * Math.sqrt(members / this.maxMembers);
    }

    get circles() {
        const project = this.projection;
        if (!project) {
            return [];
        }
        const { cities, unplaced } = this.state.data;
        return [...cities, ...unplaced]
            .filter((city) => city.lat !== null)
            .map((city, index) => ({
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
