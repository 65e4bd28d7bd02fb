import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/core/utils/numbers";
import { useService } from "@web/core/utils/hooks";

const WIDTH = 960;
const HEIGHT = 560;
const PAD = 60;
const LEGEND = 200; // left strip kept for the legend

const LAND = [0xfb, 0xfa, 0xf6];
const SHADE = [0x71, 0x4b, 0x67];

/** An SVG path through rings (closed) or lines of [lon, lat], projected. */
function svgPath(lines, project, closed) {
    return lines
        .map(
            (line) =>
                "M " +
                line
                    .map(([lon, lat]) => {
                        const { x, y } = project(lat, lon);
                        return `${x.toFixed(1)} ${y.toFixed(1)}`;
                    })
                    .join(" L ") +
                (closed ? " Z" : "")
        )
        .join(" ");
}

/**
 * The club's map, drawn offline as SVG: country outlines sent by the server, the
 * regions inside them (thin borders, shaded by members, totals on hover) where
 * the boundary package is installed, members per city as circles (area by
 * members; dashed when only the region's or country's centre is known), stores
 * as markers, a legend; a click on a city or a region opens its members.
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

    /** Country outlines as SVG paths, projected as the circles are; a country
     * whose regions are drawn is outlined by them instead. */
    get outlinePaths() {
        const project = this.projection;
        if (!project) {
            return [];
        }
        const withRegions = new Set((this.state.data.regions || []).map((c) => c.code));
        return (this.state.data.outlines || [])
            .filter((outline) => !withRegions.has(outline.code))
            .map((outline) => ({
                code: outline.code,
                d: svgPath(outline.rings, project, true),
            }));
    }

    /** Regions as SVG paths, shaded from the land's colour by their members. */
    get regionPaths() {
        const project = this.projection;
        if (!project) {
            return [];
        }
        const totals = new Map((this.state.data.region_totals || []).map((t) => [t.key, t]));
        const max = Math.max(1, ...[...totals.values()].map((t) => t.members));
        return (this.state.data.regions || []).flatMap((country) =>
            country.regions.map((region) => {
                const total = totals.get(region.key);
                const share = total ? 0.1 + 0.45 * (total.members / max) : 0;
                const fill = LAND.map((c, i) => Math.round(c + (SHADE[i] - c) * share));
                return {
                    key: region.key,
                    name: region.name,
                    total,
                    fill: `rgb(${fill.join(",")})`,
                    d: svgPath(region.rings, project, true),
                };
            })
        );
    }

    /** The borders and coasts of the countries drawn by their regions. */
    get borderPaths() {
        const project = this.projection;
        if (!project) {
            return [];
        }
        return (this.state.data.regions || []).map((country) => ({
            code: country.code,
            d: svgPath(country.border, project, false),
        }));
    }

    regionTitle(region) {
        const { labels } = this.state.data;
        const total = region.total || { members: 0, amount: 0 };
        return `${region.name}\n${labels.members}: ${total.members}\n${labels.sales}: ${this.formatAmount(total.amount)}`;
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

    openRegion(region) {
        if (!region.cities.length) {
            return;
        }
        const domain = [];
        for (const [city, countryId] of region.cities) {
            domain.push("&", ["city", "=ilike", city], ["country_id", "=", countryId || false]);
        }
        this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("Members in %s", region.name),
            res_model: "loyalty.club.geo.report",
            views: [
                [false, "list"],
                [false, "pivot"],
            ],
            domain: [...Array(region.cities.length - 1).fill("|"), ...domain],
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
