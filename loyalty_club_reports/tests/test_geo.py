import json
from collections import Counter
from unittest.mock import patch

from odoo.tests import tagged

from ..report import geo_regions
from .analytics_common import ClubAnalyticsCase


def inside(rings, lon, lat):
    """Even-odd point in polygon over a region's rings, as a map would fill it."""
    crossings = 0
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (x2 - x1) * (lat - y1) / (
                y2 - y1
            ):
                crossings += 1
    return crossings % 2 == 1


class ClubGeoCase(ClubAnalyticsCase):
    """Members placed by their address, their store of registration or of purchase."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ua = cls.env.ref("base.ua")
        cls.club_store.sudo().write({"city": "Odesa", "country_id": cls.ua.id})
        cls.lviv = (
            cls.env["loyalty.club.store"]
            .sudo()
            .create(
                {
                    "name": "Geo Lviv store",
                    "code": "GEOLV",
                    "city": "Lviv",
                    "country_id": cls.ua.id,
                    "company_id": cls.company.id,
                }
            )
        )

    def _members(self):
        plan = [
            # name, partner values, bought in a store
            ("Anna", {"city": "Kyiv", "country_id": self.ua.id}, False),
            ("Eve", {"city": " kyiv ", "country_id": self.ua.id}, True),
            ("Boris", {"club_store_id": self.lviv.id}, True),
            ("Carl", {}, True),
            ("Dan", {}, False),
        ]
        for name, vals, buys in plan:
            wallet = self._member(name, **vals)
            wallet.partner_id.write({"city": vals.get("city", False)})
            if not vals.get("club_store_id"):
                wallet.partner_id.club_store_id = False
            if buys:
                self._api(40.0, f"geo-{name}", wallet=wallet)
        # by hand: the place each member should get
        where = {}
        for name, vals, buys in plan:
            if vals.get("city"):
                where[name] = ("member", vals["city"].strip().lower())
            elif vals.get("club_store_id"):
                where[name] = ("store_joined", "lviv")
            elif buys:
                where[name] = ("store_bought", "odesa")  # the API checks' store
            else:
                where[name] = ("unknown", None)
        return where


@tagged("post_install", "-at_install")
class TestClubGeography(ClubGeoCase):
    def test_members_per_city(self):
        where = self._members()
        self.env.flush_all()
        rows = self.env["loyalty.club.geo.report"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(
            {
                r.partner_id.name: (r.source, (r.city or "").lower() or None)
                for r in rows
            },
            where,
        )
        per_city = Counter(city or "unknown" for _source, city in where.values())
        data = (
            self.env["loyalty.club.geo.report"]
            .with_context(allowed_company_ids=[self.company.id])
            .get_map_data()
        )
        got = {c["city"].lower(): c["members"] for c in data["cities"]}
        got["unknown"] = data["unknown"]["members"]
        self.assertEqual(got, dict(per_city))
        self.assertEqual(got["kyiv"], 2, "' kyiv ' and 'Kyiv' are one city")
        self.assertEqual(data["unplaced"], [])
        kyiv = next(c for c in data["cities"] if c["city"].lower() == "kyiv")
        self.assertAlmostEqual(kyiv["lat"], 50.45, delta=0.1)
        self.assertAlmostEqual(kyiv["lon"], 30.52, delta=0.1)
        self.assertAlmostEqual(kyiv["amount"], 40.0)
        stores = {s["name"]: s for s in data["stores"]}
        self.assertAlmostEqual(stores["Geo Lviv store"]["lat"], 49.84, delta=0.1)

    def test_unknown_city_name_is_listed_not_placed(self):
        self._member("Zed", city="Nowhereville", country_id=self.ua.id)
        data = (
            self.env["loyalty.club.geo.report"]
            .with_context(allowed_company_ids=[self.company.id])
            .get_map_data()
        )
        self.assertEqual(
            [(c["city"], c["members"]) for c in data["unplaced"]], [("Nowhereville", 1)]
        )

    def test_unknown_city_placed_by_its_members_coordinates(self):
        # coordinates Odoo's geolocation (base_geolocalize) writes on contacts
        for name, lat, lon in (("Yan", 48.70, 28.00), ("Yana", 48.80, 28.20)):
            self._member(
                name,
                city="Hutir Novyi",
                country_id=self.ua.id,
                partner_latitude=lat,
                partner_longitude=lon,
            )
        self._member("Zed", city="Nowhereville", country_id=self.ua.id)
        data = (
            self.env["loyalty.club.geo.report"]
            .with_context(allowed_company_ids=[self.company.id])
            .get_map_data()
        )
        hutir = next(c for c in data["cities"] if c["city"] == "Hutir Novyi")
        self.assertEqual(hutir["members"], 2)
        self.assertAlmostEqual(hutir["lat"], 48.75, places=5)
        self.assertAlmostEqual(hutir["lon"], 28.10, places=5)
        self.assertEqual([c["city"] for c in data["unplaced"]], ["Nowhereville"])

    def test_club_users_and_accountants_read_the_map(self):
        self._members()
        for group in (
            "loyalty_club.group_club_user",
            "loyalty_club.group_club_accountant",
        ):
            user = (
                self.env["res.users"]
                .sudo()
                .create(
                    {
                        "name": f"Geo reader {group}",
                        "login": f"geo-{group}",
                        "company_id": self.company.id,
                        "company_ids": [(6, 0, [self.company.id])],
                        "groups_id": [
                            (
                                6,
                                0,
                                [
                                    self.env.ref("base.group_user").id,
                                    self.env.ref(group).id,
                                ],
                            )
                        ],
                    }
                )
            )
            data = self.env["loyalty.club.geo.report"].with_user(user).get_map_data()
            self.assertEqual(
                sorted((c["city"].lower(), c["members"]) for c in data["cities"]),
                [("kyiv", 2), ("lviv", 1), ("odesa", 1)],
            )
            self.assertEqual(data["unknown"]["members"], 1)


@tagged("post_install", "-at_install")
class TestClubGeographyLands(ClubGeoCase):
    """Issue 17: outlines under the points; a store or member with a city lands."""

    def _map(self):
        return (
            self.env["loyalty.club.geo.report"]
            .with_context(allowed_company_ids=[self.company.id])
            .get_map_data()
        )

    def test_outlines_for_the_members_countries(self):
        self._members()
        data = self._map()
        outlines = {o["code"]: o for o in data["outlines"]}
        self.assertIn("UA", outlines)
        rings = outlines["UA"]["rings"]
        self.assertTrue(rings and all(len(ring) >= 4 for ring in rings))
        lons = [p[0] for ring in rings for p in ring]
        lats = [p[1] for ring in rings for p in ring]
        # Ukraine's extent, roughly
        self.assertLess(min(lons), 24)
        self.assertGreater(max(lons), 39)
        self.assertLess(min(lats), 46)
        self.assertGreater(max(lats), 51.5)
        # the map stays light: simplified outlines, no megabytes
        self.assertLess(len(json.dumps(data["outlines"])), 50_000)

    def test_unknown_city_lands_approximately(self):
        self._member("Zed", city="Nowhereville", country_id=self.ua.id)
        data = self._map()
        [row] = data["unplaced"]
        self.assertEqual((row["city"], row["members"]), ("Nowhereville", 1))
        self.assertTrue(row["approximate"])
        # at Ukraine's centre, not at an unknown place
        self.assertAlmostEqual(row["lat"], 49.0, delta=1.5)
        self.assertAlmostEqual(row["lon"], 31.4, delta=2.5)

    def test_unknown_city_lands_at_its_regions_centre(self):
        lviv_region = self.env["res.country.state"].create(
            {"name": "Geo Lviv region", "code": "GEO46", "country_id": self.ua.id}
        )
        self._member("Ola", city="Lviv", country_id=self.ua.id, state_id=lviv_region.id)
        self._member(
            "Zed", city="Nowhereville", country_id=self.ua.id, state_id=lviv_region.id
        )
        data = self._map()
        [row] = data["unplaced"]
        self.assertTrue(row["approximate"])
        self.assertAlmostEqual(row["lat"], 49.84, delta=0.1)
        self.assertAlmostEqual(row["lon"], 24.03, delta=0.1)

    def test_every_store_lands(self):
        stores = self.env["loyalty.club.store"].sudo()
        us = self.env.ref("base.us")
        stores.create(
            [
                # the data: a store in Kyiv recorded in the United States
                {
                    "name": "Geo Kyiv store",
                    "code": "GEOKY",
                    "city": "Kyiv",
                    "country_id": us.id,
                    "company_id": self.company.id,
                },
                {
                    "name": "Geo village store",
                    "code": "GEOVI",
                    "city": "Hutir Nevidomyi",
                    "country_id": self.ua.id,
                    "company_id": self.company.id,
                },
            ]
        )
        data = self._map()
        placed = {s["name"]: s for s in data["stores"] if s["lat"] is not None}
        self.assertEqual(
            {s["name"] for s in data["stores"]} - set(placed),
            set(),
            "every store lands",
        )
        kyiv = placed["Geo Kyiv store"]
        self.assertTrue(kyiv["approximate"])
        self.assertAlmostEqual(kyiv["lat"], 50.45, delta=0.1)
        self.assertTrue(placed["Geo village store"]["approximate"])
        self.assertFalse(placed["Geo Lviv store"]["approximate"])
        self.assertIn("UA", {o["code"] for o in data["outlines"]})


@tagged("post_install", "-at_install")
class TestClubGeographyRegions(ClubGeoCase):
    """Issue 17: the regions (oblasts) drawn inside the countries, members and
    sales per region."""

    # the regions the test's cities lie in (Natural Earth admin-1, Ukraine's
    # official names): Kyiv city is a region of its own, a hole in Kyiv Oblast
    REGION = {"kyiv": "Kyiv", "lviv": "Lviv Oblast", "odesa": "Odesa Oblast"}

    def setUp(self):
        super().setUp()
        if geo_regions.data_dir() is None:
            self.skipTest("the boundary package is not installed (./club does it)")

    def _map(self):
        return (
            self.env["loyalty.club.geo.report"]
            .with_context(allowed_company_ids=[self.company.id])
            .get_map_data()
        )

    def test_ukraine_is_drawn_with_its_oblasts(self):
        self._members()
        data = self._map()
        shapes = {s["code"]: s for s in data["regions"]}
        self.assertIn("UA", shapes)
        regions = {r["name"]: r for r in shapes["UA"]["regions"]}
        self.assertGreaterEqual(len(regions), 25, "Ukraine's oblasts")
        self.assertLessEqual(
            {"Kyiv", "Kyiv Oblast", "Lviv Oblast", "Odesa Oblast", "Kharkiv Oblast"},
            set(regions),
        )
        # the country's border and coast drawn from the same data
        border = [p for line in shapes["UA"]["border"] for p in line]
        self.assertLess(min(p[0] for p in border), 24)
        self.assertGreater(max(p[0] for p in border), 39)
        # light: simplified, a few tens of KB for all of Ukraine
        self.assertLess(len(json.dumps(shapes["UA"])), 40_000)
        # each city's point lies inside its region's drawn polygon, not another's
        for city in data["cities"]:
            name = self.REGION[city["city"].strip().lower()]
            self.assertEqual(city["region"], name)
            self.assertTrue(inside(regions[name]["rings"], city["lon"], city["lat"]))
            others = [n for n in regions if n != name]
            self.assertFalse(
                any(
                    inside(regions[n]["rings"], city["lon"], city["lat"])
                    for n in others
                ),
                city["city"],
            )
        kyiv = next(c for c in data["cities"] if c["city"].lower() == "kyiv")
        self.assertFalse(
            inside(regions["Kyiv Oblast"]["rings"], kyiv["lon"], kyiv["lat"]),
            "Kyiv city is a hole in Kyiv Oblast",
        )
        stores = {s["name"]: s for s in data["stores"]}
        self.assertEqual(stores["Geo Lviv store"]["region"], "Lviv Oblast")

    def test_members_and_sales_per_region(self):
        where = self._members()
        self.env.flush_all()
        # by hand: the members and sales of each region, from the report's rows
        expected = Counter()
        amounts = Counter()
        rows = self.env["loyalty.club.geo.report"].search(
            [("company_id", "=", self.company.id), ("source", "!=", "unknown")]
        )
        for row in rows:
            region = self.REGION[row.city.strip().lower()]
            expected[region] += 1
            amounts[region] += row.amount
        self.assertEqual(sum(expected.values()), sum(1 for w in where.values() if w[1]))
        data = self._map()
        got = {t["name"]: t["members"] for t in data["region_totals"]}
        self.assertEqual(got, dict(expected))
        for total in data["region_totals"]:
            self.assertAlmostEqual(total["amount"], amounts[total["name"]])
        # the busiest region first
        self.assertEqual(data["region_totals"][0]["name"], "Kyiv")

    def test_a_member_at_the_countrys_centre_is_in_no_region(self):
        self._member("Zed", city="Nowhereville", country_id=self.ua.id)
        data = self._map()
        [row] = data["unplaced"]
        self.assertTrue(row["approximate"])
        self.assertEqual(row["region"], "")
        self.assertEqual(data["region_totals"], [])

    def test_without_the_package_the_map_draws_countries_only(self):
        where = self._members()
        with patch.object(geo_regions, "data_dir", return_value=None):
            data = self._map()
        self.assertEqual(data["regions"], [])
        self.assertEqual(data["region_totals"], [])
        self.assertIn("UA", {o["code"] for o in data["outlines"]})
        placed = sum(c["members"] for c in data["cities"])
        self.assertEqual(placed, sum(1 for w in where.values() if w[1]))
