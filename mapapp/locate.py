"""Attaching surveyed boundaries and points to sites: match each feature to a site, check it, and say
what would change. Pure: reading the file and writing the register are the callers' business.

A feature names its site by id (`site_id` or `id`) or by its exact Chinese or English name. Several
features for one site are its plots, joined into one boundary. Nothing is half-applied: a site
whose features include a bad one keeps its old location, and the reason is given per row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import pandas as pd
import shapely
import shapely.ops
from shapely.geometry.base import BaseGeometry

from mapapp.geo import GEOD
from mapapp.locations import LOCATION_FIELDS, check_geometry, empty_locations, kind_of
from mapapp.messages import Msg, msg

ID_COLUMNS = ("site_id", "id", "编号", "layer")  # a DXF names its site by layer
NAME_COLUMNS = ("name_zh", "name", "名称", "园区名称", "地块名称", "name_en")
ACCURACY_COLUMNS = ("accuracy_m", "精度")
# How far outside its registered county or prefecture a location may lie before it is refused as a
# mix-up: the administrative boundaries themselves are good to a few hundred metres.
UNIT_TOLERANCE_M = 1000.0


@dataclass(frozen=True)
class LocateOptions:
    source: str  # the document, survey or file the locations come from
    datum: str  # what the coordinates were captured in ("wgs84", "gcj02", "bd09" or "EPSG:<code>")
    captured: str = ""  # when the survey was made, if known
    today: str = field(default_factory=lambda: date.today().isoformat())


@dataclass(frozen=True)
class Located:
    site_id: str
    rows: tuple[int, ...]  # the input rows (1-based) that make it
    kind: str
    geometry: BaseGeometry
    accuracy_m: float
    old_kind: str
    note: Msg | None = None  # e.g. a repaired ring


@dataclass
class LocatePlan:
    located: list[Located] = field(default_factory=list)
    errors: list[tuple[int, Msg]] = field(default_factory=list)  # (1-based input row, why)

    def summary(self) -> Msg:
        rows = len({r for loc in self.located for r in loc.rows})
        return msg("{sites} 个园区/基地获得位置（{rows} 行），{bad} 行被拒绝",
                   "{sites} site(s) located from {rows} row(s); {bad} row(s) refused",
                   sites=len(self.located), rows=rows, bad=len({r for r, _ in self.errors}))


def _column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lowered = {str(c).strip().lower(): c for c in frame.columns}
    return next((lowered[n.lower()] for n in names if n.lower() in lowered), None)


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def match_sites(features: pd.DataFrame, sites: pd.DataFrame) -> tuple[list[str | None], list[Msg | None]]:
    """The site id each feature names (None, with the reason, where it names none or several)."""
    id_col, name_col = _column(features, ID_COLUMNS), _column(features, NAME_COLUMNS)
    if id_col is None and name_col is None:
        reason = msg("没有指明园区/基地的列（应有 {ids} 或 {names} 之一）",
                     "no column names the site (expected one of {ids} or {names})",
                     ids=", ".join(ID_COLUMNS), names=", ".join(NAME_COLUMNS))
        return [None] * len(features), [reason] * len(features)
    ids = set(sites["id"])
    by_name: dict[str, set[str]] = defaultdict(set)
    for sid, zh, en in zip(sites["id"], sites["name_zh"], sites["name_en"]):
        by_name[str(zh).strip()].add(sid)
        by_name[str(en).strip().lower()].add(sid)
    found: list[str | None] = []
    why: list[Msg | None] = []
    for _, row in features.iterrows():
        key = _text(row[id_col]) if id_col else ""
        name = _text(row[name_col]) if name_col else ""
        hits = by_name.get(name, set()) | by_name.get(name.lower(), set()) if name else set()
        if key in ids or len(hits) == 1:  # a file's own feature ids (KML's 'doc.1') are not site ids
            found.append(key if key in ids else next(iter(hits)))
            why.append(None)
            continue
        found.append(None)
        if len(hits) > 1:
            why.append(msg("名称 {v!r} 对应多个园区/基地，请用编号", "the name {v!r} matches several sites; use the id", v=name))
        elif key and name:
            why.append(msg("没有编号为 {k!r} 或名称为 {v!r} 的园区/基地", "no site with id {k!r} or name {v!r}", k=key, v=name))
        elif key:
            why.append(msg("没有编号为 {v!r} 的园区/基地", "no site with id {v!r}", v=key))
        else:
            why.append(msg("没有名称为 {v!r} 的园区/基地", "no site named {v!r}", v=name))
    return found, why


def _accuracies(features: pd.DataFrame, default: float | None) -> list[tuple[float | None, Msg | None]]:
    column = _column(features, ACCURACY_COLUMNS)
    out: list[tuple[float | None, Msg | None]] = []
    for value in (features[column] if column else [None] * len(features)):
        text = _text(value)
        if not text:
            out.append((default, None if default is not None else msg(
                "未给出位置精度：请加 accuracy_m 列，或用 --accuracy 指定（米）",
                "no accuracy given: add an accuracy_m column or pass --accuracy METRES")))
            continue
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        ok = number == number and number >= 0
        out.append((number, None) if ok else (None, msg("精度须为不小于 0 的米数（现为 {v!r}）",
                                                       "accuracy must be metres >= 0, got {v!r}", v=text)))
    return out


def _outside_unit(geom: BaseGeometry, unit: BaseGeometry | None) -> float:
    """How far (m, roughly) the location lies outside its registered unit; 0 when it touches it."""
    if unit is None or geom.intersects(unit):
        return 0.0
    a, b = shapely.ops.nearest_points(geom, unit)
    return float(GEOD.inv(a.x, a.y, b.x, b.y)[2])


def plan_locate(features: gpd.GeoDataFrame, sites: pd.DataFrame, units: dict[str, BaseGeometry], *,
                default_accuracy_m: float | None = None, row_errors: list[Msg | None] | None = None) -> LocatePlan:
    """Check every feature (WGS 84) and group the good ones by site.

    `units` maps a site id to the county or prefecture its record names (the location must lie in
    it, give or take UNIT_TOLERANCE_M). `row_errors` carries problems found while reading.
    """
    plan = LocatePlan()
    site_of, why = match_sites(features, sites)
    accuracy = _accuracies(features, default_accuracy_m)
    kinds = dict(zip(sites["id"], sites.get("location_kind", pd.Series(["none"] * len(sites)))))
    good: dict[str, list[tuple[int, BaseGeometry, float, Msg | None]]] = defaultdict(list)
    refused: set[str] = set()
    for i, geom in enumerate(features.geometry):
        number = i + 1
        problem = (row_errors[i] if row_errors else None) or why[i] or accuracy[i][1]
        checked = check_geometry(geom) if problem is None else None
        if problem is None and checked is not None and checked.geometry is None:
            problem = checked.reason
        sid = site_of[i]
        if problem is None and sid is not None and checked is not None:
            far = _outside_unit(checked.geometry, units.get(sid))
            if far > UNIT_TOLERANCE_M:
                problem = msg("位置在登记的县/市之外约 {km:,.1f} 公里，请核对编号和坐标系",
                              "the location lies about {km:,.1f} km outside the county or prefecture the register "
                              "names; check the id and the coordinate system", km=far / 1000)
        if problem is not None:
            plan.errors.append((number, problem))
            if sid:
                refused.add(sid)
            continue
        assert sid is not None and checked is not None and checked.geometry is not None
        good[sid].append((number, checked.geometry, float(accuracy[i][0] or 0.0), checked.reason))
    for sid, parts in good.items():
        if sid in refused:  # all of a site's rows or none
            for number, *_ in parts:
                plan.errors.append((number, msg("同一园区/基地的其他行有误，此行未采用",
                                                "another row for the same site was refused, so this one is not used")))
            continue
        plan_one(plan, sid, parts, kinds.get(sid, "none"))
    plan.errors.sort(key=lambda e: e[0])
    return plan


def plan_one(plan: LocatePlan, sid: str, parts: list[tuple[int, BaseGeometry, float, Msg | None]], old_kind: str) -> None:
    rows = tuple(p[0] for p in parts)
    geoms = [p[1] for p in parts]
    kinds = {kind_of(g) for g in geoms}
    if len(kinds) > 1 or (kinds == {"point"} and len(geoms) > 1):
        for number in rows:
            plan.errors.append((number, msg("同一园区/基地有多个点位或点与边界混合，无法确定位置",
                                            "several points, or points and boundaries, for one site: which is it?")))
        return
    geometry = geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)
    notes = [p[3] for p in parts if p[3] is not None]
    plan.located.append(Located(sid, rows, kind_of(geometry) or "boundary", geometry, max(p[2] for p in parts),
                                old_kind, notes[0] if notes else None))


def updated_locations(current: gpd.GeoDataFrame, plan: LocatePlan, options: LocateOptions) -> gpd.GeoDataFrame:
    """The locations table with the plan applied (a site's new location replaces its old one)."""
    new = gpd.GeoDataFrame(
        [{"site_id": loc.site_id, "kind": loc.kind, "accuracy_m": loc.accuracy_m, "source": options.source,
          "datum": options.datum, "captured": options.captured, "added": options.today} for loc in plan.located],
        columns=list(LOCATION_FIELDS), geometry=[loc.geometry for loc in plan.located], crs=4326)
    base = current if len(current) else empty_locations()
    kept = base[~base["site_id"].isin({loc.site_id for loc in plan.located})]
    return gpd.GeoDataFrame(pd.concat([kept, new], ignore_index=True), geometry="geometry", crs=4326)
