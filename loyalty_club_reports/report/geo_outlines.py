"""Country outlines for the members map, offline and light (plain Python).

The outlines ship in the ``countryinfo`` package (MIT; its GeoJSON comes from
world.geo.json, itself Natural Earth's public-domain admin-0 data). Each country
is simplified once (Douglas-Peucker in a local equirectangular projection) and
kept in memory: the map gets a few hundred points a country, not megabytes.
"""

import functools
import json
import math
import os

try:
    import countryinfo
except ImportError:  # pragma: no cover - declared in external_dependencies
    countryinfo = None

# tolerance as a share of the country's larger side: 1/400 keeps the shape at
# the map's size (under 1000 px) and drops most points
TOLERANCE = 1 / 400
DIGITS = 3  # ~100 m: finer than a pixel of the map


@functools.lru_cache(maxsize=1)
def _catalogue():
    """ISO alpha-2 code -> the package's file for that country (those with an
    outline), and alpha-2 -> alpha-3 (all countries)."""
    if countryinfo is None:
        return {}, {}
    folder = os.path.join(os.path.dirname(countryinfo.__file__), "data")
    index, alpha3 = {}, {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            continue
        iso = data.get("ISO") or {}
        code = (iso.get("alpha2") or "").upper()
        if code and iso.get("alpha3"):
            alpha3.setdefault(code, iso["alpha3"].upper())
        if code and data.get("geoJSON"):
            index.setdefault(code, path)
    return index, alpha3


def _index():
    """ISO alpha-2 code -> the package's file for that country."""
    return _catalogue()[0]


def country_alpha3(code):
    """ISO alpha-3 code of an alpha-2 code ('UA' -> 'UKR'), or None."""
    return _catalogue()[1].get((code or "").upper())


def _rings(geometry):
    """Outer rings of a Polygon or MultiPolygon, as [(lon, lat), ...]."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if kind not in ("Polygon", "MultiPolygon"):
        return []
    return [[(p[0], p[1]) for p in polygon[0]] for polygon in polygons if polygon]


def _perpendicular(point, start, end):
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if not dx and not dy:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def simplify(points, tolerance):
    """Douglas-Peucker (iterative): the points a line keeps within tolerance."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, None
        for i in range(first + 1, last):
            distance = _perpendicular(points[i], points[first], points[last])
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _area_centroid(ring):
    """Signed area and centroid of a ring in projected (x, y)."""
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    area /= 2
    if not area:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return area, (cx / (6 * area), cy / (6 * area))


@functools.lru_cache(maxsize=256)
def country_outline(code):
    """{"rings": [[[lon, lat], ...], ...], "center": [lat, lon]} of a country
    (its largest land's centroid), simplified; None when the package has none."""
    path = _index().get((code or "").upper())
    if not path:
        return None
    with open(path, encoding="utf-8") as handle:
        features = json.load(handle)["geoJSON"].get("features") or []
    rings = [ring for f in features for ring in _rings(f.get("geometry") or {})]
    if not rings:
        return None
    lats = [lat for ring in rings for _lon, lat in ring]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2)) or 1.0
    projected = [[(lon * k, lat) for lon, lat in ring] for ring in rings]
    xs = [x for ring in projected for x, _y in ring]
    side = max(max(xs) - min(xs), max(lats) - min(lats))
    tolerance = side * TOLERANCE
    out, biggest, center = [], -1.0, None
    for ring in projected:
        area, (cx, cy) = _area_centroid(ring)
        if abs(area) > biggest:
            biggest, center = abs(area), (cy, cx / k)
        kept = simplify(ring, tolerance)
        if len(kept) >= 4:
            out.append([[round(x / k, DIGITS), round(y, DIGITS)] for x, y in kept])
    return {
        "rings": out,
        "center": [round(center[0], DIGITS), round(center[1], DIGITS)],
    }
