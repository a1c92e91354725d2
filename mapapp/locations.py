"""Where a site is: a surveyed boundary, a point, or only the county or prefecture it lies in (a range).

Located sites (boundaries and points) come from data/sources/locations.geojson, which only
`mapapp data locate` writes; every other site's location is the range its record names.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from pydantic import BaseModel, ConfigDict, Field, field_validator
from shapely.geometry.base import BaseGeometry

from mapapp.catalog.records import RowError, is_date, validate_rows
from mapapp.datum import DATUMS
from mapapp.geo import GEOD
from mapapp.messages import Msg, msg
from mapapp.storage import read_geojson

LOCATION_KINDS = ("boundary", "point", "range", "none")
LOCATED_KINDS = ("boundary", "point")
# The administrative boundaries are good to "a few hundred metres" (data/README.md, Administrative
# units, Accuracy): a range's edge is uncertain by that much.
RANGE_ACCURACY_M = 300.0
# A ring repair may change the area by at most this share, else the row is refused.
MAX_REPAIR_CHANGE = 0.001
LOCATION_FIELDS = ("site_id", "kind", "accuracy_m", "source", "datum", "captured", "added")


class LocationRecord(BaseModel):
    """A located site's attributes (its geometry is checked by `check_geometry`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    site_id: str = Field(pattern=r"^[a-z0-9_]+$")
    kind: str
    accuracy_m: float = Field(ge=0)
    source: str = Field(min_length=3)
    datum: str  # what the coordinates were captured in, before conversion to WGS 84
    captured: str = ""  # when the boundary or point was surveyed or digitised, if known
    added: str  # when it was put into the register

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in LOCATED_KINDS:
            raise ValueError(f"kind must be one of {LOCATED_KINDS}, got {v!r}")
        return v

    @field_validator("datum")
    @classmethod
    def _datum(cls, v: str) -> str:
        if v not in DATUMS and not v.upper().startswith("EPSG:"):
            raise ValueError(f"datum must be one of {sorted(DATUMS)} or EPSG:<code>, got {v!r}")
        return v

    @field_validator("captured", "added")
    @classmethod
    def _date(cls, v: str) -> str:
        if v and not is_date(v):
            raise ValueError(f"{v!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        return v


@dataclass(frozen=True)
class Repair:
    geometry: BaseGeometry | None  # None: refused
    reason: Msg | None  # why it was refused, or what was repaired


def kind_of(geom: BaseGeometry) -> str | None:
    """'point' or 'boundary' for a geometry that can locate a site, else None."""
    return {"Point": "point", "Polygon": "boundary", "MultiPolygon": "boundary"}.get(geom.geom_type)


def _ellipsoid_area(geom: BaseGeometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def check_geometry(geom: BaseGeometry | None) -> Repair:
    """A WGS 84 location as it may be stored: a point, or a valid (multi)polygon.

    An invalid ring (self-touching, bow-tie, duplicate points) is repaired with GEOS make_valid only
    when the repair keeps the area within 0.1 %; a bigger change means the ring is not what the
    surveyor meant, and the row is refused with its reason.
    """
    if geom is None or geom.is_empty:
        return Repair(None, msg("缺少几何图形", "missing geometry"))
    kind = kind_of(geom)
    if kind is None:
        return Repair(None, msg("几何类型须为点或面，现为 {t}", "the geometry must be a point or a polygon, got {t}",
                                t=geom.geom_type))
    coords = shapely.get_coordinates(geom)
    if not ((abs(coords[:, 0]) <= 180) & (abs(coords[:, 1]) <= 90)).all() or not math.isfinite(coords.sum()):
        return Repair(None, msg("坐标超出经纬度范围", "coordinates out of the longitude/latitude range"))
    if kind == "point" or geom.is_valid:
        return Repair(geom, None)
    before = _ellipsoid_area(geom)
    fixed = shapely.make_valid(geom)
    polygons = [g for g in getattr(fixed, "geoms", [fixed]) if g.geom_type in ("Polygon", "MultiPolygon")]
    fixed = shapely.union_all(polygons) if polygons else shapely.Polygon()
    after = _ellipsoid_area(fixed) if not fixed.is_empty else 0.0
    why = shapely.is_valid_reason(geom)
    change = abs(after - before) / before if before > 0 else math.inf
    if fixed.is_empty or change > MAX_REPAIR_CHANGE:
        return Repair(None, msg("边界无效（{why}），修复会使面积改变 {pct}，超过 0.1%：请检查坐标",
                                "invalid boundary ({why}); repairing it would change its area by {pct}, more "
                                "than 0.1%: check the coordinates", why=why, pct=_percent(change)))
    return Repair(fixed, msg("已修复无效边界（{why}），面积变化 {pct}", "repaired an invalid boundary ({why}); area "
                                                                   "changed by {pct}", why=why, pct=_percent(change)))


def _percent(share: float) -> str:
    return "∞" if not math.isfinite(share) else f"{share * 100:.3g}%"


def location_problem(record: LocationRecord, geom: BaseGeometry | None) -> str | None:
    """Why a stored location's geometry does not fit its record (None when it does)."""
    checked = check_geometry(geom)
    if checked.geometry is None or checked.reason is not None:
        return str(checked.reason)
    if kind_of(geom) != record.kind:
        return f"kind is {record.kind!r} but the geometry is a {geom.geom_type}"
    return None


def read_locations(path: Path) -> tuple[gpd.GeoDataFrame, list[RowError]]:
    """The located sites (a WGS 84 frame with LOCATION_FIELDS; the last row wins for a site located
    twice), and every bad row's problem."""
    if not path.is_file():
        return empty_locations(), []
    frame = read_geojson(path)
    if frame.empty:
        return empty_locations(), []
    frame = frame.reindex(columns=[*LOCATION_FIELDS, frame.geometry.name])
    good: list[int] = []
    errors: list[RowError] = []
    for number, (row, geom) in enumerate(zip(frame.to_dict("records"), frame.geometry), start=1):
        records, row_errors = validate_rows(LocationRecord, [{k: _as_text(row.get(k)) for k in LOCATION_FIELDS}])
        errors += [replace(e, row=number) for e in row_errors]
        problem = location_problem(records[0], geom) if records else None
        if problem:
            errors.append(RowError(number, "geometry", "", problem))
        elif records:
            good.append(number - 1)
    out = frame.iloc[good].drop_duplicates("site_id", keep="last").reset_index(drop=True)
    return out.rename_geometry("geometry") if out.geometry.name != "geometry" else out, errors


def _as_text(value: object) -> object:
    """GDAL reads '2025-06-30' in a GeoJSON as a date: the register keeps dates as text."""
    if isinstance(value, (pd.Timestamp, datetime.date)):
        return value.isoformat()[:10]
    return value


def empty_locations() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({k: [] for k in LOCATION_FIELDS}, geometry=gpd.GeoSeries([], crs=4326), crs=4326)
