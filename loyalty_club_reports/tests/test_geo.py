from collections import Counter

from odoo.tests import tagged

from .analytics_common import ClubAnalyticsCase


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
