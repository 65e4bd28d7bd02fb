from odoo import _, api, fields, models
from odoo.tools import SQL

from .geo_outlines import country_outline
from .geo_regions import country_regions, locate_region, map_regions

SOURCES = [
    ("member", "Member's address"),
    ("store_joined", "Store of registration"),
    ("store_bought", "Store of purchase"),
    ("unknown", "Unknown"),
]


class LoyaltyClubGeoReport(models.Model):
    """Members and their sales by region and city.

    One row per member (partner with a club bonus wallet). The place is the
    member's address, else the address of the store the member joined in, else
    the store the member bought in most often; ``source`` says which one."""

    _name = "loyalty.club.geo.report"
    _inherit = "loyalty.club.sql.report"
    _description = "Club Geography"
    _auto = False
    _order = "country_id, state_id, city, partner_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Member", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    source = fields.Selection(
        SOURCES,
        "Place from",
        readonly=True,
        help="Where the place comes from: the member's address, else the store "
        "the member joined in, else the store the member buys in most.",
    )
    city = fields.Char(readonly=True)
    state_id = fields.Many2one("res.country.state", "Region", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    geo_city_id = fields.Many2one("loyalty.club.geo.city", readonly=True)
    latitude = fields.Float(readonly=True, digits=(10, 6), aggregator=False)
    longitude = fields.Float(readonly=True, digits=(10, 6), aggregator=False)
    member_count = fields.Integer("Members", readonly=True)
    checks = fields.Integer(readonly=True)
    amount = fields.Float("Sales", readonly=True, digits=(16, 2))

    def _with(self):
        return SQL(
            """
            members AS (
                SELECT p.id AS partner_id, p.city, p.state_id, p.country_id,
                       p.club_store_id, min(w.company_id) AS company_id
                FROM res_partner p
                JOIN loyalty_club_wallet w ON w.partner_id = p.id AND w.kind = 'bonus'
                GROUP BY p.id
            ),
            bought AS (
                SELECT partner_id,
                       sum(amount) AS amount,
                       count(DISTINCT check_id) FILTER (WHERE kind = 'sale') AS checks
                FROM loyalty_club_sales_report
                WHERE partner_id IS NOT NULL
                GROUP BY partner_id
            ),
            usual_store AS (
                SELECT DISTINCT ON (partner_id) partner_id, store_id
                FROM loyalty_club_sales_report
                WHERE partner_id IS NOT NULL AND store_id IS NOT NULL AND kind = 'sale'
                GROUP BY partner_id, store_id
                ORDER BY partner_id, count(DISTINCT check_id) DESC, max(date) DESC
            ),
            placed AS (
                SELECT m.partner_id, m.company_id,
                       CASE WHEN NULLIF(trim(m.city), '') IS NOT NULL
                                THEN 'member'
                            WHEN NULLIF(trim(js.city), '') IS NOT NULL
                                THEN 'store_joined'
                            WHEN NULLIF(trim(us.city), '') IS NOT NULL
                                THEN 'store_bought'
                            ELSE 'unknown' END AS source,
                       m.city AS m_city, m.state_id AS m_state,
                       m.country_id AS m_country,
                       js.city AS j_city, js.state_id AS j_state,
                       js.country_id AS j_country,
                       us.city AS u_city, us.state_id AS u_state,
                       us.country_id AS u_country
                FROM members m
                LEFT JOIN loyalty_club_store js ON js.id = m.club_store_id
                LEFT JOIN usual_store u ON u.partner_id = m.partner_id
                LEFT JOIN loyalty_club_store us ON us.id = u.store_id
            ),
            place AS (
                SELECT partner_id, company_id, source,
                       trim(CASE source WHEN 'member' THEN m_city
                            WHEN 'store_joined' THEN j_city
                            WHEN 'store_bought' THEN u_city END) AS city,
                       CASE source WHEN 'member' THEN m_state
                            WHEN 'store_joined' THEN j_state
                            WHEN 'store_bought' THEN u_state END AS state_id,
                       CASE source WHEN 'member' THEN m_country
                            WHEN 'store_joined' THEN j_country
                            WHEN 'store_bought' THEN u_country END AS country_id
                FROM placed
            )
            """
        )

    def _select(self):
        return SQL(
            """
            pl.partner_id AS id,
            pl.partner_id AS partner_id,
            pl.company_id AS company_id,
            pl.source AS source,
            pl.city AS city,
            pl.state_id AS state_id,
            pl.country_id AS country_id,
            g.id AS geo_city_id,
            CASE WHEN g.located THEN g.latitude END AS latitude,
            CASE WHEN g.located THEN g.longitude END AS longitude,
            1 AS member_count,
            COALESCE(b.checks, 0) AS checks,
            COALESCE(b.amount, 0) AS amount
            """
        )

    def _from(self):
        return SQL(
            """
            place pl
            LEFT JOIN bought b ON b.partner_id = pl.partner_id
            LEFT JOIN loyalty_club_geo_city g
              ON g.key = lower(pl.city)
             AND g.country_id IS NOT DISTINCT FROM pl.country_id
            """
        )

    def _place_by_members_coordinates(self, cities, companies):
        """Cities the offline gazetteer does not know are placed where their
        members are, when Odoo's geolocation (``base_geolocalize``, or an import)
        gave those members coordinates: the mean of the members' own."""
        unplaced = {key for key, row in cities.items() if row["lat"] is None}
        if not unplaced:
            return
        self.env["res.partner"].flush_model(["partner_latitude", "partner_longitude"])
        self.env.cr.execute(
            SQL(
                """
                SELECT r.country_id, lower(r.city),
                       avg(p.partner_latitude), avg(p.partner_longitude)
                  FROM %s r
                  JOIN res_partner p ON p.id = r.partner_id
                 WHERE r.company_id = ANY(%s) AND r.source = 'member'
                   AND (p.partner_latitude <> 0 OR p.partner_longitude <> 0)
                 GROUP BY r.country_id, lower(r.city)
                """,
                SQL.identifier(self._table),
                companies,
            )
        )
        for country_id, city, lat, lon in self.env.cr.fetchall():
            key = (country_id, city)
            if key in unplaced:
                cities[key]["lat"], cities[key]["lon"] = lat, lon

    @staticmethod
    def _place_approximately(rows, placed):
        """A city the gazetteer does not know still lands: at the centre of its
        region (the mean of the region's placed cities), else at its country's
        centre (its outline's centroid); such rows are marked approximate."""
        regions = {}
        for row in placed:
            if row["lat"] is not None and not row.get("approximate"):
                key = (row["country_id"], row["state"])
                regions.setdefault(key, []).append((row["lat"], row["lon"]))
        for row in rows:
            if row["lat"] is not None:
                continue
            points = row["state"] and regions.get((row["country_id"], row["state"]))
            if points:
                row["lat"] = sum(p[0] for p in points) / len(points)
                row["lon"] = sum(p[1] for p in points) / len(points)
            else:
                outline = country_outline(row.get("country_code"))
                if not outline:
                    continue
                row["lat"], row["lon"] = outline["center"]
            row["approximate"] = row["centred"] = True

    @staticmethod
    def _outlines(rows):
        """Simplified outlines of the countries the map's points lie in."""
        codes = sorted({r["point_country"] for r in rows if r.get("point_country")})
        outlines = []
        for code in codes:
            outline = country_outline(code)
            if outline:
                outlines.append({"code": code, "rings": outline["rings"]})
        return outlines

    @staticmethod
    def _regions(rows, stores):
        """Region (admin-1) outlines of the countries the map's points lie in,
        and members and sales per region: each city with its own coordinates
        (not one drawn at a region's or country's centre) is put in the region
        it lies in, point in polygon; stores get their region too. Empty
        without the boundary package: the map then draws countries only."""
        codes = sorted(
            {r["point_country"] for r in rows + stores if r.get("point_country")}
        )
        shapes = [shape for shape in map(map_regions, codes) if shape]
        totals = {}
        for row in rows + stores:
            country = row["lat"] is not None and country_regions(row["point_country"])
            region = (
                country
                and not row.get("centred")
                and locate_region(country["regions"], row["lat"], row["lon"])
            )
            row["region"] = region["name"] if region else ""
            row["region_key"] = region["key"] if region else ""
            if not region or "members" not in row:
                continue
            total = totals.setdefault(
                region["key"],
                {
                    "key": region["key"],
                    "name": region["name"],
                    "code": row["point_country"],
                    "members": 0,
                    "amount": 0.0,
                    "cities": [],
                },
            )
            total["members"] += row["members"]
            total["amount"] += row["amount"]
            total["cities"].append([row["city"], row["country_id"]])
        return shapes, sorted(totals.values(), key=lambda t: (-t["members"], t["name"]))

    @api.model
    def get_map_data(self):
        """Members and sales per city with coordinates, the stores, the country
        outlines under them with their regions and the members and sales per
        region, and the members that cannot be placed, for the club's map.
        ``unplaced`` lists the cities the gazetteer does not know: they are
        drawn, approximate, at their region's or country's centre."""
        self.env["loyalty.club.geo.city"]._refresh()
        companies = self.env.companies.ids
        groups = self._read_group(
            [("company_id", "in", companies)],
            ["country_id", "state_id", "city", "geo_city_id", "source"],
            ["member_count:sum", "amount:sum"],
        )
        cities = {}
        unknown = {"members": 0, "amount": 0.0}
        for country, state, city, geo, source, members, amount in groups:
            if source == "unknown" or not city:
                unknown["members"] += members
                unknown["amount"] += amount
                continue
            key = (country.id, city.lower())
            row = cities.setdefault(
                key,
                {
                    "city": city,
                    "country_id": country.id,
                    "country": country.name or "",
                    "country_code": country.code or "",
                    "state": state.name or "",
                    "lat": geo.latitude if geo.located else None,
                    "lon": geo.longitude if geo.located else None,
                    "approximate": bool(geo.approximate),
                    "point_country": geo.point_country_code or country.code or "",
                    "members": 0,
                    "amount": 0.0,
                },
            )
            row["members"] += members
            row["amount"] += amount
        stores = []
        for store in self.env["loyalty.club.store"].search(
            [("company_id", "in", companies)]
        ):
            geo = self.env["loyalty.club.geo.city"].search(
                [
                    ("key", "=", (store.city or "").strip().lower()),
                    ("country_id", "=", store.country_id.id),
                ],
                limit=1,
            )
            stores.append(
                {
                    "id": store.id,
                    "name": store.name,
                    "city": store.city or "",
                    "country_id": store.country_id.id,
                    "country_code": store.country_id.code or "",
                    "state": store.state_id.name or "",
                    "lat": geo.latitude if geo.located else None,
                    "lon": geo.longitude if geo.located else None,
                    "approximate": bool(geo.approximate),
                    "point_country": geo.point_country_code
                    or store.country_id.code
                    or "",
                }
            )
        self._place_by_members_coordinates(cities, companies)
        rows = sorted(cities.values(), key=lambda r: -r["members"])
        placed = [r for r in rows if r["lat"] is not None]
        unplaced = [r for r in rows if r["lat"] is None]
        self._place_approximately(unplaced + stores, placed + stores)
        regions, region_totals = self._regions(rows, stores)
        return {
            "cities": placed,
            "unplaced": unplaced,
            "unknown": unknown,
            "stores": stores,
            "outlines": self._outlines(rows + stores),
            "regions": regions,
            "region_totals": region_totals,
            "labels": {
                "unknown": _("Unknown"),
                "members": _("Members"),
                "sales": _("Sales"),
                "store": _("Store"),
                "approximate": _("approximate: the region's or country's centre"),
            },
        }
