"""What a site-check report says about a point, a boundary or a register site: the verdicts under both
scopes at 1 km and 5 km, the nearest regulated water, the rules quoted, the applicable targets, the
data and its accuracy, and what makes the check reproducible (date, version, the waters' checksums).

Pure of any file format: mapapp/outputs/report_files.py lays it out as PDF or Word."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from mapapp import __version__
from mapapp._errors import RegionError
from mapapp.catalog.catalog import load_indicators
from mapapp.filters import screen_sites
from mapapp.geo import JIANGXI_BBOX
from mapapp.ground import from_lcc_xy
from mapapp.i18n import aside, t
from mapapp.layers import LayerSpec, load_layer, load_specs
from mapapp.messages import msg, text
from mapapp.outputs.cartography import project
from mapapp.pointcheck import locate
from mapapp.region import load_region
from mapapp.rules import RULES, RuleText
from mapapp.screening import screen
from mapapp.site_profile import Verdict, facts, site_targets, target_table, verdict
from mapapp.waters import SCOPES as WATER_SCOPES
from mapapp.waters import WATER_LAYERS, load_waters

SCOPES = tuple(WATER_SCOPES)  # jiangxi, yangtze
DISTANCES_M = (1000.0, 5000.0)
KINDS = ("point", "boundary", "site")


@dataclass(frozen=True)
class Subject:
    """What is checked, in WGS 84: a point, a polygon, or a register site's row (with its location)."""

    kind: str
    label: str
    geometry: BaseGeometry | None
    accuracy_m: float = 0.0  # of the point or boundary as given (a site's own is in its row)
    site: pd.Series | None = None
    command: str = ""  # the CLI arguments that reproduce the check


@dataclass(frozen=True)
class RuleCheck:
    scope: str
    distance_m: float
    verdict: Verdict


@dataclass(frozen=True)
class CheckReport:
    lang: str
    subject: Subject
    facts: list[tuple[str, str]]
    checks: list[RuleCheck]
    nearest_water: str  # name in the report's language, or ''
    nearest_m: float | None
    nearest_line: tuple[tuple[float, float], tuple[float, float]] | None  # WGS 84, subject -> water
    rules: tuple[RuleText, ...]
    targets: dict[str, pd.DataFrame]
    sources: list[str]
    checksums: dict[str, str]  # scope -> sha256 of the waters it screens against
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    version: str = __version__


EXCERPT_LAYERS = ("counties", "water_areas", "river_lines", "zone_jiangxi_5000m", "zone_jiangxi_1000m")


@dataclass(frozen=True)
class ReportData:
    """What every report reads besides its subject: targets, units, waters and the excerpt's layers."""

    indicators: pd.DataFrame
    prefectures: gpd.GeoDataFrame
    counties: gpd.GeoDataFrame
    layers: dict[str, tuple[LayerSpec, gpd.GeoDataFrame]]
    site_names: dict[str, tuple[str, str]]  # id -> (Chinese, English)

    @property
    def waters(self) -> dict[str, gpd.GeoDataFrame]:
        return {layer_id: self.layers[layer_id][1] for layer_id in WATER_LAYERS}

    def units(self, lang: str) -> dict[str, dict[str, str]]:
        """Names in `lang`, as site_profile.facts and site_profile.verdict take them."""
        column = "name_en" if lang == "en" else "name_zh"
        waters = {zh: (en if lang == "en" else zh) for frame in self.waters.values()
                  for zh, en in zip(frame["name_zh"], frame["name_en"])}
        return {"prefectures": dict(zip(self.prefectures["adcode"], self.prefectures[column])),
                "counties": dict(zip(self.counties["adcode"], self.counties[column])),
                "site_names": {sid: names[lang == "en"] for sid, names in self.site_names.items()}, "waters": waters}


def load_report_data(sites: gpd.GeoDataFrame) -> ReportData:
    """The report's data from the packaged files; `sites`: the register's (for the names of holding zones)."""
    specs = load_specs()
    return ReportData(indicators=load_indicators(), prefectures=load_layer("prefectures"), counties=load_layer("counties"),
                      layers={i: (specs[i], load_layer(i)) for i in EXCERPT_LAYERS},
                      site_names=dict(zip(sites["id"], zip(sites["name_zh"], sites["name_en"]))))


def point_subject(lon: float, lat: float, *, accuracy_m: float = 0.0, label: str = "") -> Subject:
    geom = shapely.Point(float(lon), float(lat))
    _check_in_reach(geom)
    return Subject("point", label or f"{lon:.6f}, {lat:.6f}", geom, accuracy_m,
                   command=f"--point {lon:.6f},{lat:.6f}" + (f" --accuracy {accuracy_m:g}" if accuracy_m else ""))


def boundary_subject(geom: BaseGeometry, *, label: str, accuracy_m: float = 0.0, command: str = "") -> Subject:
    _check_in_reach(geom)
    return Subject("boundary", label, geom, accuracy_m, command=command)


def site_subject(site: pd.Series) -> Subject:
    return Subject("site", str(site["id"]), site.geometry, site=site, command=f"--site {site['id']}")


def _check_in_reach(geom: BaseGeometry) -> None:
    if not shapely.intersects(geom, shapely.box(*JIANGXI_BBOX).buffer(1.0)):
        raise RegionError(msg("核查对象不在江西附近（{b}）：坐标是否为经度、纬度？",
                              "what is to be checked lies far from Jiangxi ({b}): are the coordinates lon, lat?",
                              b=", ".join(f"{v:.4f}" for v in geom.bounds)))


def _subject_frame(subject: Subject) -> gpd.GeoDataFrame:
    if subject.site is not None:
        return gpd.GeoDataFrame([subject.site], geometry=[subject.site.geometry], crs=4326)
    return gpd.GeoDataFrame({"id": [subject.label], "location_kind": [subject.kind],
                             "location_accuracy_m": [subject.accuracy_m]}, geometry=[subject.geometry], crs=4326)


def build_report(subject: Subject, data: ReportData, *, lang: str, now: datetime | None = None) -> CheckReport:
    """Everything the report says, in `lang`."""
    units, counties, indicators = data.units(lang), data.counties, data.indicators
    frame = _subject_frame(subject)
    checks = []
    for scope in SCOPES:
        for distance in DISTANCES_M:
            row = _screened(frame, subject, scope, distance)
            said = verdict(row, scope, distance, lang, units.get("waters", {}))
            if row.get("error") is not None and pd.notna(row.get("error")):  # e.g. outside Jiangxi: say where
                said = replace(said, said=f"{said.said}{aside(text(row['error'], lang), lang)}")
            checks.append(RuleCheck(scope, distance, said))
    widest = _screened(frame, subject, "jiangxi", DISTANCES_M[0])
    name_zh = widest.get("nearest_water") if pd.notna(widest.get("distance_m")) else None
    return CheckReport(
        lang=lang, subject=subject, facts=_facts(subject, lang, counties, units), checks=checks,
        nearest_water=units.get("waters", {}).get(name_zh, name_zh or ""),
        nearest_m=float(widest["distance_m"]) if name_zh else None,
        nearest_line=_nearest_line(subject.geometry, name_zh, data.waters) if name_zh else None,
        rules=RULES, targets={k: target_table(v, lang) for k, v in _targets(subject, indicators, counties).items()},
        sources=_sources(subject, lang), checksums={scope: load_waters(scope=scope).checksum for scope in SCOPES},
        created=now or datetime.now(UTC))


def _screened(frame: gpd.GeoDataFrame, subject: Subject, scope: str, distance_m: float) -> pd.Series:
    """The subject screened under one rule. A register site as the page screens it; a point or
    boundary someone brings is also checked against Jiangxi, as the page's point check does."""
    if subject.site is not None:
        return screen_sites(frame, scope=scope, distance_m=distance_m).iloc[0]
    return screen(frame, waters=load_waters(scope=scope), threshold_m=distance_m, region=load_region(),
                  uncertainty_column="location_accuracy_m").iloc[0]


def _place(geom: BaseGeometry | None, counties: gpd.GeoDataFrame) -> tuple[str, str] | None:
    """(prefecture adcode, county adcode) of the county holding the subject's inner point."""
    if geom is None:
        return None
    inner = shapely.point_on_surface(geom)
    return locate(inner.x, inner.y, counties)


def _facts(subject: Subject, lang: str, counties: gpd.GeoDataFrame, units: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    if subject.site is not None:
        name = subject.site["name_en" if lang == "en" else "name_zh"]
        return [(t("report_subject", lang), str(name)), *facts(subject.site, lang, units)]
    place = _place(subject.geometry, counties)
    where = t("unknown", lang) if place is None else (
        f"{units.get('prefectures', {}).get(place[0], place[0])} / {units.get('counties', {}).get(place[1], place[1])}")
    rows = [(t("report_subject", lang), f"{t(f'report_kind_{subject.kind}', lang)} · {subject.label}"),
            (t("prefecture", lang) + " / " + t("county", lang), where),
            (t("report_accuracy", lang), t("metres", lang, n=subject.accuracy_m) if subject.accuracy_m
             else t("report_accuracy_zero", lang))]
    if subject.kind == "boundary":
        area = abs(project(subject.geometry).area) / 10_000
        rows.append((t("area", lang), t("hectares", lang, n=area)))
    else:
        rows.append((t("report_coordinates", lang), f"{subject.geometry.x:.6f}°E, {subject.geometry.y:.6f}°N (WGS 84)"))
    return rows


def _targets(subject: Subject, indicators: pd.DataFrame, counties: gpd.GeoDataFrame) -> dict[str, pd.DataFrame]:
    """A site's targets as its panel shows them; a point or boundary gets its prefecture's (the targets
    every prefecture carries), the province's and the national context."""
    if subject.site is not None:
        return site_targets(subject.site, indicators)
    every_prefecture = indicators[indicators["scope"] == "prefecture"]["id"] if _place(subject.geometry, counties) else []
    pseudo = pd.Series({"indicator_ids": ";".join(every_prefecture), "industries": ""})
    return site_targets(pseudo, indicators)


def _nearest_line(geom: BaseGeometry | None, water_zh: str,
                  waters: dict[str, gpd.GeoDataFrame]) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The shortest line from the subject to the named water (None when they touch)."""
    if geom is None:
        return None
    parts = [frame[frame["name_zh"] == water_zh].geometry for frame in waters.values()]
    water = shapely.union_all(pd.concat(parts).values) if parts else None
    if water is None or water.is_empty or shapely.intersects(geom, water):
        return None
    line = shapely.shortest_line(project(geom), project(water))  # in metres, as the screening measures
    (ax, ay), (bx, by) = shapely.get_coordinates(line)
    (alon, blon), (alat, blat) = from_lcc_xy([ax, bx], [ay, by])
    return (float(alon), float(alat)), (float(blon), float(blat))


def _sources(subject: Subject, lang: str) -> list[str]:
    sources = [t("accuracy_note", lang), t("report_zone_source", lang)]
    if subject.site is not None and subject.site.get("location_source"):
        sources.append(t("report_site_location", lang, source=subject.site["location_source"]))
    return sources
