"""The regulated waters of a scope: the packaged GSHHG layers or a user's shoreline file, indexed for
exact nearest-shoreline queries."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from mapapp import geo
from mapapp._errors import DataFileError
from mapapp.ground import ground_length, to_lcc_xy
from mapapp.layers import get_spec, load_layer_features
from mapapp.messages import msg
from mapapp.region import province_lcc
from mapapp.shoreline_index import LineIndex
from mapapp.storage import Features, read_vector

if TYPE_CHECKING:
    import geopandas as gpd

_F = NDArray[np.float64]
_I = NDArray[np.intp]

WATER_LAYERS = ("water_areas", "river_lines")  # the packaged regulated waters

# What each scope covers: features are selected by the comma-separated `rule_groups` field.
SCOPES: dict[str, str] = {
    "jiangxi": "长江江西段、鄱阳湖和赣抚信饶修五河干流 (Jiangxi's 2018 plan: Yangtze Jiangxi section, Poyang Lake, "
    "main stems of the Gan, Fu, Xin, Rao and Xiu rivers)",
    "yangtze": "长江干流江西段 (national rule: the Yangtze channel only)",
}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Waters:
    """The regulated waters of one scope, indexed for exact nearest-shoreline queries in JIANGXI_LCC.

    The shoreline is the boundary of every water polygon (outer banks and island shores) plus every
    water line. A river given only as a centreline has no banks in the source data, so its
    centreline stands in for both banks: distances to it are measured from the centreline.
    Built from a GeoDataFrame (a user's file, any CRS) or from plain Features (the packaged layers,
    read without GeoPandas).
    """

    def __init__(self, frame: gpd.GeoDataFrame | Features, *, scope: str, source: dict[str, Any] | None = None,
                 shoreline_accuracy_m: float | None = None) -> None:
        features = frame if isinstance(frame, Features) else Features.from_frame(frame)
        if len(features) == 0:
            raise DataFileError(msg("范围 {scope!r} 内没有水域要素", "no water features in scope {scope!r}", scope=scope))
        self.scope = scope
        self.features = features  # WGS 84
        self.source = dict(source or {})
        if "sha256" not in self.source:  # built in memory: fingerprint the geometry itself
            wkb = shapely.to_wkb(features.geometry, output_dimension=2)
            self.source["sha256"] = hashlib.sha256(b"".join(wkb)).hexdigest()
            self.source.setdefault("label", f"in-memory frame of {len(features)} features")
        self.ids = _text_column(features, ("id",), prefix="water")
        self.names = _text_column(features, ("name_zh", "name", "NAME", "name_en"), fallback=self.ids)
        self.accuracy = _accuracy(features, shoreline_accuracy_m)
        metric = shapely.transform(features.geometry, to_lcc_xy, interleaved=False)
        self.metric = metric
        type_id = shapely.get_type_id(metric)
        self.area_index = np.nonzero(np.isin(type_id, (3, 6)))[0]
        self.areas = metric[self.area_index]
        shapely.prepare(self.areas)
        self._area_bounds = shapely.bounds(self.areas) if len(self.areas) else np.zeros((0, 4))
        coords, part, feature = _shoreline_coords(metric)
        self.shore = LineIndex(coords, part, feature)
        self._area_tree = shapely.STRtree(self.areas)
        self._tree = shapely.STRtree(metric)

    # - provenance -

    @property
    def checksum(self) -> str:
        """One sha256 over the water files used (or over the features' WKB when built in memory)."""
        return str(self.source["sha256"])

    def describe(self) -> dict[str, Any]:
        accuracy = {str(n): float(a) for n, a in zip(self.names, self.accuracy)}
        return {"scope": self.scope, "scope_description": SCOPES.get(self.scope, "custom"), "features": len(self.features),
                "shoreline_vertices": len(self.shore.pieces.vertices), "shoreline_accuracy_m": accuracy, **self.source}

    def accuracy_of(self, water: _I) -> _F:
        """The shoreline's accuracy in metres at each row's nearest water (0 where none was found)."""
        water = np.asarray(water)
        return np.where(water >= 0, self.accuracy[np.maximum(water, 0)], 0.0) if len(self.accuracy) else np.zeros(len(water))

    # - queries in JIANGXI_LCC -

    def inside_xy(self, x: _F, y: _F) -> _I:
        """Index (into the features) of the water polygon containing each point, or -1."""
        found = np.full(len(x), -1, dtype=np.intp)
        for area, feature, (x0, y0, x1, y1) in zip(self.areas, self.area_index, self._area_bounds):
            todo = np.nonzero((found < 0) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))[0]
            if todo.size:
                hit = shapely.contains_xy(area, x[todo], y[todo])
                found[todo[hit]] = feature
        return found

    def distance_xy(self, x: _F, y: _F) -> tuple[_F, _I]:
        """Ground distance (m) from each point to the nearest shoreline, 0 inside a water polygon,
        and the index of that water."""
        water = self.inside_xy(x, y)
        distance = np.zeros(len(x))
        free = np.nonzero(water < 0)[0]
        if free.size:
            fx, fy = x[free], y[free]
            _, feature, qx, qy = self.shore.nearest_xy(fx, fy)
            distance[free] = ground_length(fx, fy, qx, qy)
            water[free] = feature
        return distance, water

    def near(self, window: BaseGeometry) -> NDArray[np.object_]:
        """The waters (metric geometries) that touch `window`."""
        return self.metric[np.sort(self._tree.query(window, predicate="intersects"))]

    def intersecting_area(self, geoms: NDArray[np.object_]) -> _I:
        """Index of the first water polygon each geometry intersects, or -1."""
        found = np.full(len(geoms), -1, dtype=np.intp)
        if len(self.areas) == 0:
            return found
        src, tgt = self._area_tree.query(geoms, predicate="intersects")
        if src.size:
            feature = self.area_index[tgt]
            order = np.lexsort((feature, src))
            src, feature = src[order], feature[order]
            first = np.r_[True, src[1:] != src[:-1]]
            found[src[first]] = feature[first]
        return found


def _shoreline_coords(metric: NDArray[np.object_]) -> tuple[_F, _I, _I]:
    type_id = shapely.get_type_id(metric)
    is_area = np.isin(type_id, (3, 6))
    lines = np.where(is_area, shapely.boundary(metric), metric)
    parts, feature = shapely.get_parts(lines, return_index=True)
    parts, sub = shapely.get_parts(parts, return_index=True)  # flatten collections once more
    feature = feature[sub]
    keep = ~shapely.is_empty(parts)
    parts, feature = parts[keep], feature[keep]
    coords, part = shapely.get_coordinates(parts, return_index=True)
    return coords, part, feature[part]


def _blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _text_column(features: Features, names: tuple[str, ...], *, prefix: str = "",
                 fallback: Any = None) -> NDArray[np.object_]:
    for name in names:
        if name in features.properties:
            values = features.properties[name]
            if fallback is not None:
                return np.array([f if _blank(v) else str(v) for v, f in zip(values, fallback)], dtype=object)
            if not any(_blank(v) for v in values):
                return np.array([str(v) for v in values], dtype=object)
    if fallback is not None:
        return np.asarray(fallback, dtype=object)
    return np.array([f"{prefix}{i + 1}" for i in range(len(features))], dtype=object)


def _in_scope(features: Features, scope: str) -> NDArray[np.bool_]:
    groups = features.properties["rule_groups"]
    return np.array([not _blank(v) and scope in {g.strip() for g in str(v).split(",")} for v in groups], dtype=bool)


def _check_scope(scope: str) -> None:
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}: expected one of {', '.join(SCOPES)}")


def _accuracy(features: Features, override: float | None) -> _F:
    """Each feature's accuracy in metres: `override` for all, else its `accuracy_m` (GSHHG banks 500,
    WDBII centrelines 1000; see data/README.md), else 0 (a user's file without it is taken as exact)."""
    if override is not None:
        return np.full(len(features), float(override))
    values = np.array([_metres(v) for v in features.properties.get("accuracy_m", [None] * len(features))])
    return np.where(np.isfinite(values) & (values >= 0), values, 0.0)


def _metres(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def load_waters(*, scope: str = "jiangxi", path: Path | None = None, shoreline_accuracy_m: float | None = None) -> Waters:
    """The regulated waters of `scope`: the packaged layers, or a user's own shoreline file.

    A user file (any vector format geopandas reads) replaces the packaged waters. If it has a
    `rule_groups` field it is filtered by scope like the packaged data; otherwise all its features
    are taken as the regulated shoreline the user means.
    """
    _check_scope(scope)
    if path is None:
        parts, files = [], []
        for layer_id in WATER_LAYERS:
            spec = get_spec(layer_id)
            parts.append(load_layer_features(layer_id))
            files.append({"file": spec.file, "sha256": file_sha256(spec.path())})
        features = Features.concat(parts)
        label = "packaged (GSHHG 2.3.7: water_areas + river_lines)"
    else:
        frame, repaired = _read_vector(Path(path))
        _check_user_waters(frame, Path(path).name)
        features = Features.from_frame(frame)
        files = [{"file": str(path), "sha256": file_sha256(Path(path))}]
        label = f"custom file {Path(path).name}" + (f" ({repaired} invalid geometries repaired)" if repaired else "")
    total = len(features)
    if "rule_groups" in features.properties:
        features = features.where(_in_scope(features, scope))
        selection = f"{len(features)} of {total} features whose rule_groups contain {scope!r}"
    else:
        selection = f"all {total} features (the file has no rule_groups field)"
    digest = hashlib.sha256("".join(f["sha256"] for f in files).encode()).hexdigest()
    source = {"label": label, "files": files, "selection": selection, "sha256": digest}
    if len(features) == 0:
        raise DataFileError(msg("{label} 中没有范围 {scope!r} 的水域要素：{selection}",
                                "no water features for scope {scope!r} in {label}: {selection}",
                                scope=scope, label=label, selection=selection))
    return Waters(features, scope=scope, source=source, shoreline_accuracy_m=shoreline_accuracy_m)


def _read_vector(path: Path) -> tuple[gpd.GeoDataFrame, int]:
    frame = read_vector(path, what="waters file")
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
    bad = ~shapely.is_valid(frame.geometry.values)
    if bad.any():  # a user's shoreline file: repair rather than refuse, and say so in the provenance
        frame = frame.set_geometry(shapely.make_valid(frame.geometry.values))
    return frame, int(bad.sum())


# Jiangxi's water surface is about 10 % of the province; polygons covering more than this share are
# administrative areas (counties, prefectures), not waters, and would put every site "within" at 0 m.
MAX_WATER_SHARE = 0.25


def _check_user_waters(frame: gpd.GeoDataFrame, name: str) -> None:
    """Refuse a --waters file that cannot be a shoreline: points (the sites file?) or polygons
    covering much of Jiangxi (the counties?)."""
    geoms = np.asarray(frame.to_crs(geo.JIANGXI_LCC).geometry.values, dtype=object)
    parts, owner = shapely.get_parts(geoms, return_index=True)
    parts, sub = shapely.get_parts(parts, return_index=True)  # collections, then their multi-parts
    kinds = shapely.get_type_id(parts)
    points = len(np.unique(owner[sub][kinds == 0]))  # features with a point in them
    if points:
        raise DataFileError(msg("水域文件 {name} 含有点要素（{n} 个）：岸线文件应为线或面（是否误选了场地文件？）",
                                "{name}: the waters file has {n} point feature(s); a shoreline file holds lines "
                                "or polygons (is this the sites file?)", name=name, n=points))
    polygons = parts[kinds == 3]
    province = province_lcc()
    # The polygons' own area bounds their area inside Jiangxi: the exact overlay only when it could matter.
    if shapely.area(polygons).sum() <= MAX_WATER_SHARE * province.area:
        return
    inside = shapely.intersection(shapely.union_all(polygons), province).area
    share = inside / province.area
    if share > MAX_WATER_SHARE:
        raise DataFileError(msg(
            "水域文件 {name} 的面要素覆盖了江西省 {share:.0%} 的面积（{km2:,.0f} 平方公里），而全省水面约占 10%："
            "这像是行政区划（如县界），不是水域",
            "{name}: its polygons cover {share:.0%} of Jiangxi ({km2:,.0f} km²), but water is about 10% of the "
            "province; this looks like administrative areas (counties?), not waters", name=name, share=share,
            km2=inside / 1e6))
