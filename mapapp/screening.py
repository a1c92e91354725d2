"""Shoreline screening: exact ground distance from sites to the regulated waters, and a verdict per site.

The parts it stands on, each in its own module (imports run one way, down this list):
ground.py (ground distance in the Jiangxi LCC), shoreline_index.py (the nearest-segment index),
region.py (Jiangxi, which sites must lie in), waters.py (the regulated waters of a scope).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from mapapp import geo
from mapapp.footprint import Farthest, Overlap, farthest_many, ground_area_m2, overlap
from mapapp.geo import geodesic_area_km2
from mapapp.ground import MEASURE_BOX, from_lcc_xy, ground_length, in_measure_box, to_lcc_xy
from mapapp.messages import Msg, msg
from mapapp.region import Region, load_region
from mapapp.waters import SCOPES, Waters, load_waters

if TYPE_CHECKING:  # imported where used: screening a table from the command line needs neither
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "DEFAULT_THRESHOLD_M",
    "KIND_COLUMN",
    "MEASURE_BOX",
    "SCOPES",
    "VERDICTS",
    "Region",
    "ScreenResult",
    "Waters",
    "check_point",
    "invalid_geometry",
    "load_region",
    "load_waters",
    "provenance",
    "restriction_zone",
    "rule_label",
    "screen",
    "screen_geometries",
    "screen_lonlat",
    "simplified_zone",
    "uncertain_reasons",
    "verdict_codes",
    "verdicts",
]

_F = NDArray[np.float64]
_I = NDArray[np.intp]

DEFAULT_THRESHOLD_M = 1000.0
KIND_COLUMN = "location_kind"
VERDICTS = ("within", "outside", "uncertain", "invalid")


# --- verdicts and screening ---------------------------------------------------------------------


def verdict_codes(distance_m: _F, threshold_m: float, uncertainty_m: _F | float = 0.0) -> NDArray[np.int8]:
    """Indices into VERDICTS: within if d + u <= T, outside if d - u > T, else uncertain; NaN is invalid."""
    d = np.asarray(distance_m, dtype=np.float64)
    u = np.asarray(uncertainty_m, dtype=np.float64)
    code = np.full(d.shape, 2, dtype=np.int8)
    code[d + u <= threshold_m] = 0
    code[d - u > threshold_m] = 1
    code[np.isnan(d)] = 3
    return code


def uncertain_reasons(distance_m: float, threshold_m: float, site_m: float, shoreline_m: float, *,
                      unit_farthest_m: float | None = None) -> list[str]:
    """Why a verdict is uncertain: "range" when the site is known only to a unit (its farthest point
    `unit_farthest_m` given) of which part is within and part is not; else "location" when the site's
    own error range reaches across the threshold, "shoreline" when the shoreline's does; both when
    neither alone does (only their sum)."""
    if unit_farthest_m is not None and distance_m <= threshold_m < unit_farthest_m:
        return ["range"]
    gap = abs(distance_m - threshold_m)
    reasons = [name for name, u in (("location", site_m), ("shoreline", shoreline_m)) if u > 0 and gap <= u]
    return reasons or [name for name, u in (("location", site_m), ("shoreline", shoreline_m)) if u > 0]


def verdicts(distance_m: _F, threshold_m: float, uncertainty_m: _F | float = 0.0) -> NDArray[np.object_]:
    """The verdict words for distances (see verdict_codes)."""
    return np.asarray(VERDICTS, dtype=object)[verdict_codes(distance_m, threshold_m, uncertainty_m)]


@dataclass
class AreaResult:
    """Per-row figures for areas (NaN for points, lines and rows not screened)."""

    max_distance_m: _F  # the farthest point's ground distance to the waters
    max_bound_m: _F  # no point is farther than this (max_distance_m plus the search tolerance)
    far_water: _I  # the water nearest to the farthest point
    overlap_ha: _F  # ground area within the threshold
    overlap_share: _F  # of the area's own ground area

    @classmethod
    def empty(cls, n: int) -> AreaResult:
        nan = np.full(n, np.nan)
        return cls(nan, nan.copy(), np.full(n, -1, dtype=np.intp), nan.copy(), nan.copy())


def area_figures(metric: NDArray[np.object_], rows: _I, nearest_m: _F, waters: Waters, threshold_m: float,
                 into: AreaResult) -> None:
    """Fill `into` at `rows` for the JIANGXI_LCC polygons `metric` (aligned with `rows`, as are their
    nearest distances `nearest_m`); each distinct polygon is measured once (the sites known only to
    one county share its outline)."""
    _, first, inverse = np.unique(shapely.to_wkb(metric), return_index=True, return_inverse=True)
    far = farthest_many(metric[first], waters)
    parts = [_overlap(metric[f], float(nearest_m[f]), far[k], waters, threshold_m) for k, f in enumerate(first)]
    for i, k in zip(rows, inverse.ravel()):
        into.max_distance_m[i], into.max_bound_m[i], into.far_water[i] = far[k].distance_m, far[k].bound_m, far[k].water
        into.overlap_ha[i], into.overlap_share[i] = parts[k].hectares, parts[k].share


def _overlap(geom: BaseGeometry, nearest_m: float, far: Farthest, waters: Waters, threshold_m: float) -> Overlap:
    if nearest_m > threshold_m:  # no part is within: nothing to intersect
        return Overlap(0.0, 0.0)
    if far.bound_m <= threshold_m:  # all of it is within
        return Overlap(ground_area_m2(geom) / 1e4, 1.0)
    return overlap(geom, waters, threshold_m)


def area_verdict_codes(code: NDArray[np.int8], distance_m: _F, area: AreaResult, ranges: NDArray[np.bool_],
                       threshold_m: float, site_m: _F, waters: Waters, water: _I) -> NDArray[np.int8]:
    """A range (a site known only to lie somewhere in a county or prefecture) is within only when all
    of its unit is, outside when none of it is; everything else keeps the any-part rule in `code`."""
    code = code.copy()
    rows = ranges & ~np.isnan(area.max_bound_m) & ~np.isnan(distance_m)
    if rows.any():
        near_a, far_a = waters.accuracy_of(water), waters.accuracy_of(area.far_water)
        within = area.max_bound_m + site_m + far_a <= threshold_m
        outside = distance_m - site_m - near_a > threshold_m
        code[rows] = np.where(within, 0, np.where(outside, 1, 2))[rows]
    return code


@dataclass
class ScreenResult:
    """Column arrays for a batch of sites, aligned with the input rows."""

    distance_m: _F
    water: _I  # index into Waters.features, -1 where not screened
    code: NDArray[np.int8]  # index into VERDICTS
    error: NDArray[np.object_]  # None where the row was screened
    area: AreaResult | None = None  # for polygon rows; None when there were none

    @property
    def verdict(self) -> NDArray[np.object_]:
        return np.asarray(VERDICTS, dtype=object)[self.code]

    @property
    def areas(self) -> AreaResult:
        """The area figures, all NaN when no row was an area."""
        return self.area if self.area is not None else AreaResult.empty(len(self.distance_m))

    def nearest_water(self, waters: Waters) -> pd.Categorical:
        return _categorical(waters.names, self.water)

    def nearest_water_id(self, waters: Waters) -> pd.Categorical:
        return _categorical(waters.ids, self.water)

    def verdict_categorical(self) -> pd.Categorical:
        import pandas as pd

        return pd.Categorical.from_codes(self.code, categories=list(VERDICTS))


def _categorical(labels: NDArray[np.object_], index: _I) -> pd.Categorical:
    """labels[index] as a categorical (index -1 gives a missing value): cheap for a million rows."""
    import pandas as pd

    uniq, inverse = np.unique(labels.astype(str), return_inverse=True)
    codes = np.where(index >= 0, inverse[np.maximum(index, 0)], -1) if len(labels) else np.full(len(index), -1)
    return pd.Categorical.from_codes(codes, categories=list(uniq))


def _check_threshold(threshold_m: float) -> float:
    try:
        value = float(threshold_m)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        shown = threshold_m.item() if isinstance(threshold_m, np.generic) else threshold_m
        raise ValueError(f"threshold must be a positive number of metres, got {shown!r}")
    return value


def _unset(errors: NDArray[np.object_]) -> NDArray[np.bool_]:
    """Rows without an error yet."""
    return np.equal(errors, None)


def _uncertainty(values: Any, errors: NDArray[np.object_]) -> _F:
    """Per-row location uncertainty in metres (blank means 0); bad values become row errors."""
    n = len(errors)
    if values is None:
        return np.zeros(n)
    import pandas as pd

    raw = pd.Series(values).reset_index(drop=True)
    u = pd.to_numeric(raw, errors="coerce").to_numpy(np.float64, na_value=np.nan)
    blank = raw.isna().to_numpy() | (raw.astype(str).str.strip() == "").to_numpy()
    bad = (~blank & ~np.isfinite(u)) | (u < 0)
    for i in np.nonzero(bad & _unset(errors))[0]:
        value = raw.iloc[i]
        errors[i] = msg("uncertainty_m 须为不小于 0 的数字（现为 {value!r}）", "uncertainty_m must be a number >= 0, got {value!r}",
                        value=value.item() if isinstance(value, np.generic) else value)
    return np.where(np.isfinite(u) & (u >= 0), u, 0.0)


def screen_lonlat(
    lon: _F,
    lat: _F,
    *,
    waters: Waters,
    threshold_m: float = DEFAULT_THRESHOLD_M,
    uncertainty_m: Any = None,
    region: Region | None = None,
    errors: NDArray[np.object_] | None = None,
) -> ScreenResult:
    """Screen WGS 84 points given as arrays (the fast path: no shapely objects are made).

    Rows that already carry an error in `errors` (e.g. unparseable coordinates) are not screened;
    `uncertainty_m` is an optional per-row array (blank = 0).
    """
    threshold = _check_threshold(threshold_m)
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    n = len(lon)
    errors = np.full(n, None, dtype=object) if errors is None else np.array(errors, dtype=object)
    u = _uncertainty(uncertainty_m, errors)
    ok = _unset(errors)
    bad_range = ok & ~((np.abs(lon) <= 180) & (np.abs(lat) <= 90))
    for i in np.nonzero(bad_range)[0]:
        errors[i] = msg("坐标超出范围（经度 {lon:g}，纬度 {lat:g}）", "coordinates out of range (lon={lon:g}, lat={lat:g})",
                        lon=lon[i], lat=lat[i])
    ok &= ~bad_range
    far = ok & ~in_measure_box(lon, lat)
    if far.any():
        errors[far] = region.distance_message(lon[far], lat[far]) if region is not None else _FAR_MESSAGE
        ok &= ~far
    sel = np.nonzero(ok)[0]
    x, y = to_lcc_xy(lon[sel], lat[sel])
    if region is not None:
        out = region.outside_xy(x, y)
        if out.any():
            errors[sel[out]] = region.distance_message(lon[sel[out]], lat[sel[out]])
            sel, x, y = sel[~out], x[~out], y[~out]
    distance = np.full(n, np.nan)
    water = np.full(n, -1, dtype=np.intp)
    if sel.size:
        distance[sel], water[sel] = waters.distance_xy(x, y)
    return ScreenResult(distance, water, verdict_codes(distance, threshold, u + waters.accuracy_of(water)), errors)


_FAR_MESSAGE = msg("离江西太远，无法测距（只在经度 {w}–{e}、纬度 {s}–{n} 范围内测距）",
                   "too far from Jiangxi to measure (distances are measured within lon {w}-{e}, lat {s}-{n})",
                   w=MEASURE_BOX[0], e=MEASURE_BOX[2], s=MEASURE_BOX[1], n=MEASURE_BOX[3])
_CENTROID_NOTE = msg("（按场地形心）", " (site centroid)")


def _centroid_message(region: Region, geom: BaseGeometry) -> Msg:
    c = shapely.centroid(geom)
    return region.distance_message(np.array([c.x]), np.array([c.y]))[0] + _CENTROID_NOTE


# GEOS's reasons for refusing a geometry, as a Chinese reader would say them (the rest stay in English).
_GEOS_REASONS_ZH = {
    "Points of LinearRing do not form a closed linestring": "多边形的环没有闭合（首尾点不同）",
    "Ring Self-intersection": "环自相交",
    "Self-intersection": "自相交",
    "Too few points in geometry component": "组成部分的点太少",
    "Invalid number of points in LinearRing": "环的点数不足",
    "Hole lies outside shell": "内环在外环之外",
    "Nested shells": "外环相互嵌套",
    "Interior is disconnected": "内部不连通",
    "Unknown geometry type": "几何类型未知",
    "malformed GeoJSON geometry": "GeoJSON 几何格式错误",
    "a coordinate is infinite or NaN": "有坐标为无穷大或非数字",
}


def invalid_geometry(reason: str) -> Msg:
    """'invalid geometry: <reason>' for a GEOS reason or exception text (class names dropped)."""
    reason = re.sub(r"^\w*(?:Exception|Error): ", "", " ".join(str(reason).split())).rstrip("!")
    reason = re.sub(r"^Error parsing JSON: '\[json\.exception\.[\w.]+\] (.*)'$", r"malformed GeoJSON geometry: \1",
                    reason)
    # Translated only where nothing but a location ("[x y]") or a detail (": ...") follows the known text.
    zh = next((zh + reason[len(en):] for en, zh in _GEOS_REASONS_ZH.items()
               if reason.startswith(en) and reason[len(en):][:1] in ("", "[", ":")), reason)
    return msg("几何图形无效：{zh}", "invalid geometry: {en}", zh=zh, en=reason)


def _screen_geoms(geoms: NDArray[np.object_], waters: Waters, region: Region | None,
                  errors: NDArray[np.object_]) -> tuple[_F, _I, NDArray[np.object_]]:
    """Distances for non-point sites (lines, polygons, multi-geometries), all in WGS 84; and the
    screened rows' JIANGXI_LCC geometries (None for the rest)."""
    n = len(geoms)
    distance = np.full(n, np.nan)
    water = np.full(n, -1, dtype=np.intp)
    ok = _unset(errors)
    west, south, east, north = shapely.bounds(geoms).T
    far = ok & ~(in_measure_box(west, south) & in_measure_box(east, north))
    for i in np.nonzero(far)[0]:
        errors[i] = _centroid_message(region, geoms[i]) if region is not None else _FAR_MESSAGE
    ok &= ~far
    metric = np.full(n, None, dtype=object)
    metric[ok] = shapely.transform(geoms[ok], to_lcc_xy, interleaved=False)
    if region is not None:
        out = ok.copy()
        out[ok] = region.outside_geoms(metric[ok])
        for i in np.nonzero(out)[0]:
            errors[i] = _centroid_message(region, geoms[i])
        ok &= ~out
    sel = np.nonzero(ok)[0]
    if sel.size:
        hit = waters.intersecting_area(metric[sel])
        _, feat, px, py, qx, qy = waters.shore.nearest_geoms(metric[sel])
        d = np.where(hit >= 0, 0.0, ground_length(px, py, qx, qy))
        distance[sel] = d
        water[sel] = np.where(hit >= 0, hit, feat)
    metric[~ok] = None
    return distance, water, metric


def screen_geometries(
    geoms: NDArray[np.object_],
    *,
    waters: Waters,
    threshold_m: float = DEFAULT_THRESHOLD_M,
    uncertainty_m: Any = None,
    region: Region | None = None,
    errors: NDArray[np.object_] | None = None,
    kinds: Any = None,
) -> ScreenResult:
    """Screen WGS 84 shapely geometries (any type); rows with an error in `errors` are skipped.

    Polygons also get their farthest distance and their area within the threshold. `kinds` gives
    each row's location kind: a "range" polygon is a whole county or prefecture the site lies
    somewhere in, and is within only when all of it is.
    """
    threshold = _check_threshold(threshold_m)
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    errors = np.full(n, None, dtype=object) if errors is None else np.array(errors, dtype=object)
    missing = _unset(errors) & (shapely.is_missing(geoms) | shapely.is_empty(geoms))
    for i in np.nonzero(missing)[0]:
        errors[i] = msg("缺少几何图形", "missing geometry")
    invalid = _unset(errors) & ~shapely.is_valid(geoms)
    for i in np.nonzero(invalid)[0]:
        errors[i] = invalid_geometry(shapely.is_valid_reason(geoms[i]))
    u = _uncertainty(uncertainty_m, errors)
    is_point = (shapely.get_type_id(geoms) == 0) & _unset(errors)
    distance = np.full(n, np.nan)
    water = np.full(n, -1, dtype=np.intp)
    if is_point.any():
        pts = geoms[is_point]
        res = screen_lonlat(shapely.get_x(pts), shapely.get_y(pts), waters=waters, threshold_m=threshold,
                            region=region)
        distance[is_point], water[is_point] = res.distance_m, res.water
        errors[is_point] = res.error
    other = ~is_point & _unset(errors)
    area: AreaResult | None = None
    if other.any():
        sub_errors = errors[other]
        distance[other], water[other], metric = _screen_geoms(geoms[other], waters, region, sub_errors)
        errors[other] = sub_errors
        polygon = np.isin(shapely.get_type_id(metric), (3, 6))
        if polygon.any():
            area = AreaResult.empty(n)
            rows = np.nonzero(other)[0][polygon]
            area_figures(metric[polygon], rows, distance[rows], waters, threshold, area)
    code = verdict_codes(distance, threshold, u + waters.accuracy_of(water))
    if area is not None and kinds is not None:
        code = area_verdict_codes(code, distance, area, np.asarray(kinds, dtype=object) == "range", threshold, u,
                                  waters, water)
    return ScreenResult(distance, water, code, errors, area)


def screen(
    sites: gpd.GeoDataFrame,
    *,
    waters: Waters,
    threshold_m: float = DEFAULT_THRESHOLD_M,
    region: Region | None = None,
    uncertainty_column: str = "uncertainty_m",
) -> gpd.GeoDataFrame:
    """Screen sites (points, lines or polygons in any CRS; no CRS means WGS 84) against the shoreline.

    A `location_kind` column, if present, marks county or prefecture ranges ("range"), which are
    within only when all of their unit is.

    Returns a copy of `sites` with `distance_m` (ground metres, 0 on or in the water),
    `max_distance_m`, `overlap_ha` and `overlap_share` (for areas; blank for points),
    `nearest_water` (Chinese name), `nearest_water_id`, `verdict` (within / outside / uncertain /
    invalid), `error` (why a row could not be screened) and `rule`; `attrs["screening"]` holds the
    full provenance (scope, threshold, water files and checksums).
    """
    threshold = _check_threshold(threshold_m)
    geoms = sites.geometry
    if geoms.crs is not None and not geoms.crs.equals(geo.WGS84):
        geoms = geoms.to_crs(geo.WGS84)
    u_values = sites[uncertainty_column] if uncertainty_column in sites.columns else None
    kinds = sites[KIND_COLUMN].to_numpy(dtype=object) if KIND_COLUMN in sites.columns else None
    result = screen_geometries(np.asarray(geoms.values, dtype=object), waters=waters, threshold_m=threshold,
                               uncertainty_m=u_values, region=region, kinds=kinds)
    return _assemble(sites, result, waters, threshold)


def rule_label(waters: Waters, threshold_m: float) -> str:
    """The short rule tag written on every row, e.g. 'jiangxi 1000 m; waters sha256:3f2a9c1b0e7d'."""
    return f"{waters.scope} {threshold_m:g} m; waters sha256:{waters.checksum[:12]}"


def provenance(waters: Waters, threshold_m: float) -> dict[str, Any]:
    return {"rule": rule_label(waters, threshold_m), "threshold_m": threshold_m, **waters.describe(),
            "distance": "ground metres to the nearest shoreline point (exact nearest point in JIANGXI_LCC, "
                        "length corrected by the projection's scale factor); 0 on or in a water polygon; "
                        "rivers given as centrelines are measured from the centreline",
            "verdict": "within if d + u + a <= threshold; outside if d - u - a > threshold; else uncertain "
                       "(u: the site's location accuracy, a: the nearest shoreline's accuracy); for a range "
                       "(a site known only to lie in a county or prefecture) within only if D + u + a <= threshold, "
                       "D being the farthest point of the unit",
            "area": "max_distance_m: the farthest point of an area (branch and bound, to 1 m or 0.1 % of its "
                    "extent); overlap_ha: its ellipsoidal area within the threshold of the waters (water surface "
                    "included); overlap_share: that area over the area's own"}


def _assemble(sites: gpd.GeoDataFrame, result: ScreenResult, waters: Waters, threshold: float) -> gpd.GeoDataFrame:
    import pandas as pd

    out = sites.copy()
    out["distance_m"] = result.distance_m
    areas = result.areas
    out["max_distance_m"] = areas.max_distance_m
    out["overlap_ha"] = areas.overlap_ha
    out["overlap_share"] = areas.overlap_share
    out["nearest_water"] = result.nearest_water(waters)
    out["nearest_water_id"] = result.nearest_water_id(waters)
    out["verdict"] = result.verdict_categorical()
    out["error"] = pd.Series(result.error, index=out.index, dtype=object)
    out["shoreline_accuracy_m"] = waters.accuracy_of(result.water)
    out["rule"] = pd.Categorical.from_codes(np.zeros(len(out), dtype=np.int8), categories=[rule_label(waters, threshold)])
    out.attrs["screening"] = provenance(waters, threshold)
    return out


# --- restriction zones --------------------------------------------------------------------------


def restriction_zone(waters: Waters, *, distance_m: float, quad_segs: int = 16) -> gpd.GeoDataFrame:
    """The land within `distance_m` of the regulated waters, as one WGS 84 feature.

    Buffered in JIANGXI_LCC (scale error <= 0.067%, so <= 0.7 m at 1 km and 3.4 m at 5 km), with
    arcs of `quad_segs` chords per quarter circle (chord error <= 1.2 m at 1 km); the water
    polygons themselves are removed, river centrelines are not (their banks are unknown).
    """
    import geopandas as gpd

    distance = _check_threshold(distance_m)
    buffered = shapely.buffer(waters.metric, distance, quad_segs=quad_segs)
    zone = shapely.union_all(buffered)
    if len(waters.areas):
        zone = shapely.difference(zone, shapely.union_all(waters.areas))
    zone = shapely.make_valid(zone)
    wgs = shapely.transform(zone, from_lcc_xy, interleaved=False)
    area_km2 = geodesic_area_km2(wgs) if not wgs.is_empty else 0.0
    return gpd.GeoDataFrame(
        {"scope": [waters.scope], "distance_m": [distance], "area_km2": [round(float(area_km2), 3)],
         "waters_sha256": [waters.checksum], "rule": [rule_label(waters, distance)]},
        geometry=[wgs], crs=geo.WGS84,
    )


def simplified_zone(zone: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """A zone simplified for display by `tolerance_m` metres (in JIANGXI_LCC), kept valid; WGS 84."""
    metric = zone.to_crs(geo.JIANGXI_LCC)
    geoms = shapely.make_valid(shapely.simplify(metric.geometry.values, tolerance_m, preserve_topology=True))
    return metric.set_geometry(geoms).to_crs(geo.WGS84)


def check_point(lon: float, lat: float, *, datum: str = "wgs84", scope: str = "jiangxi",
                threshold_m: float = DEFAULT_THRESHOLD_M) -> dict[str, Any]:
    """Screen one point given in any supported datum: verdict, distance, nearest water, or the error."""
    from mapapp.datum import to_wgs84

    wlon, wlat = to_wgs84(float(lon), float(lat), datum)
    waters = load_waters(scope=scope)
    result = screen_lonlat(np.array([wlon]), np.array([wlat]), waters=waters, threshold_m=threshold_m,
                           region=load_region())
    distance = float(result.distance_m[0])
    nearest = None if math.isnan(distance) else nearest_shore_point(waters, int(result.water[0]), wlon, wlat)
    return {
        "lon_wgs84": wlon, "lat_wgs84": wlat, "verdict": str(result.verdict[0]), "nearest_lonlat": nearest,
        "distance_m": None if math.isnan(distance) else distance,
        "nearest_water": None if math.isnan(distance) else str(result.nearest_water(waters)[0]),
        "error": result.error[0], "rule": rule_label(waters, threshold_m),
        "shoreline_accuracy_m": float(waters.accuracy_of(result.water)[0]),
    }


def nearest_shore_point(waters: Waters, water: int, lon: float, lat: float) -> tuple[float, float] | None:
    """The point of water `water` nearest to (lon, lat), in WGS 84: where the map draws the distance
    line to. None when the point lies in the water (its distance is 0)."""
    x, y = to_lcc_xy(lon, lat)
    line = shapely.shortest_line(shapely.Point(x, y), waters.metric[water])
    if line is None or line.length == 0:
        return None
    wx, wy = from_lcc_xy(*line.coords[1])
    return float(wx), float(wy)
