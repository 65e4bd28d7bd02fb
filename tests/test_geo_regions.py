"""Region outlines of the members map (loyalty_club_reports/report/geo_regions.py),
without Odoo: TopoJSON decoding, shared borders simplified once, the region a
city lies in, and the real boundary package when it is installed."""

import json
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# the addon's report modules are plain Python: import them without the addon's
# __init__ (which imports Odoo)
for _name, _path in (
    ("loyalty_club_reports", ROOT / "loyalty_club_reports"),
    ("loyalty_club_reports.report", ROOT / "loyalty_club_reports" / "report"),
):
    _module = types.ModuleType(_name)
    _module.__path__ = [str(_path)]
    sys.modules.setdefault(_name, _module)

from loyalty_club_reports.report import geo_outlines, geo_regions  # noqa: E402


def _topology():
    """Two regions side by side sharing one border (arc 1), the east one with a
    hole (arc 3) that is a third region: quantised and delta-encoded as the
    package's files are."""
    scale = 0.01
    absolute = [
        # arc 0: west region's outer border, from (2,0) round the west to (2,1)
        [(200, 0), (0, 0), (0, 100), (200, 100)],
        # arc 1: the shared border, a wiggly north-south line from (2,1) to (2,0)
        [(200, 100), (201, 75), (199, 50), (201, 25), (200, 0)],
        # arc 2: east region's outer border, from (2,1) round the east to (2,0)
        [(200, 100), (400, 100), (400, 0), (200, 0)],
        # arc 3: a square enclave inside the east region, closed on itself
        [(300, 40), (340, 40), (340, 60), (300, 60), (300, 40)],
    ]
    arcs = []
    for arc in absolute:
        previous, deltas = (0, 0), []
        for x, y in arc:
            deltas.append([x - previous[0], y - previous[1]])
            previous = (x, y)
        arcs.append(deltas)
    return {
        "type": "Topology",
        "transform": {"scale": [scale, scale], "translate": [30.0, 50.0]},
        "arcs": arcs,
        "objects": {
            "xx": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "properties": {"name": "West"},
                        "arcs": [[0, 1]],
                    },
                    {
                        "type": "Polygon",
                        "properties": {"name": "East"},
                        "arcs": [[2, ~1], [~3]],
                    },
                    {"type": "Polygon", "properties": {"name": "Town"}, "arcs": [[3]]},
                ],
            }
        },
    }


def test_arcs_are_decoded_from_deltas():
    arcs = geo_regions.decode_arcs(_topology())
    assert arcs[0][0] == pytest.approx((32.0, 50.0))
    assert arcs[0][2] == pytest.approx((30.0, 51.0))
    assert arcs[3][-1] == pytest.approx(arcs[3][0])


def test_rings_join_arcs_and_reverse_negative_ones():
    arcs = geo_regions.decode_arcs(_topology())
    west = geo_regions.ring_points([0, 1], arcs)
    east = geo_regions.ring_points([2, ~1], arcs)
    assert west[0] == pytest.approx(west[-1]), "a closed ring"
    assert east[0] == pytest.approx(east[-1])
    # the junction point is not repeated
    assert len(west) == len(arcs[0]) + len(arcs[1]) - 1
    # the shared border runs the other way round in the east region
    assert east[len(arcs[2]) - 1 :] == arcs[1][::-1]


def test_regions_borders_and_point_lookup():
    country = geo_regions.build(_topology(), "xx", tolerance=0.0)
    names = [r["name"] for r in country["regions"]]
    assert names == ["West", "East", "Town"]
    assert len(country["inner"]) == 2, "the shared border and the enclave's"
    assert len(country["border"]) == 2, "the outer borders, used once"
    regions = country["regions"]

    def where(lat, lon):
        region = geo_regions.locate_region(regions, lat, lon)
        return region and region["name"]

    assert where(50.5, 31.0) == "West"
    assert where(50.5, 33.5) == "East"
    assert where(50.5, 33.2) == "Town", "inside the hole of East"
    assert where(50.2, 33.2) == "East"
    # the wiggly border decides, not the straight line through its ends
    assert where(50.5, 31.995) == "East"
    assert where(50.25, 32.005) == "West"
    # a coastal city just off the outline belongs to the nearest region
    assert where(50.5, 29.9) == "West"
    assert where(50.5, 25.0) is None, "far away: no region"


def test_a_shared_border_is_simplified_once_for_both_regions():
    # a tolerance that flattens the wiggles of the shared border
    country = geo_regions.build(_topology(), "xx", tolerance=0.05)
    west, east = country["regions"][0]["rings"][0], country["regions"][1]["rings"][0]
    shared_west = {(round(x, 6), round(y, 6)) for x, y in west if 31.9 < x < 32.1}
    shared_east = {(round(x, 6), round(y, 6)) for x, y in east if 31.9 < x < 32.1}
    assert shared_west == shared_east == {(32.0, 50.0), (32.0, 51.0)}
    # the full rings still keep every point for the look-up
    assert len(country["regions"][0]["full"][0]) == 8


def test_simplify_keeps_the_ends_and_the_corners():
    line = [(0, 0), (1, 0.01), (2, -0.01), (3, 0), (3, 1), (3.01, 2), (3, 3)]
    assert geo_outlines.simplify(line, 0.1) == [(0, 0), (3, 0), (3, 3)]
    assert geo_outlines.simplify(line, 0.0) == line


def test_names_of_ukraine_are_the_official_ones():
    topology = _topology()
    geometries = topology["objects"]["xx"]["geometries"]
    geometries[0]["properties"]["name"] = "Kiev City"
    geometries[1]["properties"]["name"] = "Odessa"
    names = [r["name"] for r in geo_regions.build(topology, "UA")["regions"]]
    assert names[:2] == ["Kyiv", "Odesa Oblast"]


needs_package = pytest.mark.skipif(
    geo_regions.data_dir() is None or geo_outlines.country_alpha3("UA") is None,
    reason="the boundary package (npm) or the countries' catalogue (countryinfo, "
    "installed with Odoo's requirements) is missing: ./club installs both",
)


@needs_package
def test_ukraine_has_its_oblasts_and_cities_fall_in_them():
    shape = geo_regions.map_regions("UA")
    names = {r["name"] for r in shape["regions"]}
    assert len(names) >= 25
    assert {"Kyiv", "Kyiv Oblast", "Lviv Oblast", "Odesa Oblast"} <= names
    # light: a few tens of KB for the whole country
    assert len(json.dumps(shape)) < 40_000
    regions = geo_regions.country_regions("UA")["regions"]
    for city, lat, lon, region in (
        ("Kyiv", 50.45, 30.52, "Kyiv"),
        ("Brovary", 50.51, 30.79, "Kyiv Oblast"),
        ("Lviv", 49.84, 24.03, "Lviv Oblast"),
        ("Odesa", 46.48, 30.73, "Odesa Oblast"),
        ("Kharkiv", 49.99, 36.23, "Kharkiv Oblast"),
    ):
        assert geo_regions.locate_region(regions, lat, lon)["name"] == region, city


@needs_package
def test_neighbours_have_regions_too():
    for code, city, lat, lon in (
        ("PL", "Warsaw", 52.23, 21.01),
        ("MD", "Chisinau", 47.01, 28.86),
        ("BY", "Minsk", 53.9, 27.57),
        ("KZ", "Almaty", 43.24, 76.89),
        ("GE", "Tbilisi", 41.72, 44.79),
        ("RU", "Moscow", 55.76, 37.62),
    ):
        country = geo_regions.country_regions(code)
        assert country and len(country["regions"]) > 5, code
        assert geo_regions.locate_region(country["regions"], lat, lon), city


def test_without_the_package_there_are_no_regions(monkeypatch, tmp_path):
    monkeypatch.setenv(geo_regions.ENV_DIR, str(tmp_path))
    monkeypatch.setattr(geo_regions, "ROOT", tmp_path)
    monkeypatch.setattr(geo_regions, "PACKAGE_DATA", tmp_path / "none")
    assert geo_regions.data_dir() is None
    assert geo_regions.map_regions("UA") is None
