"""Checking one point: typed text or a map click in, the verdict and where the point lies out, in words."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pyarrow as pa
import shapely

from mapapp.coordinates import parse_coordinates
from mapapp.i18n import aside, t, uncertainty_words
from mapapp.messages import Msg, text
from mapapp.screening import check_point, uncertain_reasons


@dataclass(frozen=True)
class PointCheck:
    """A point as given, and what the screening said of it."""

    lon: float  # as given, in `datum`
    lat: float
    datum: str
    verdict: str  # within / outside / uncertain / invalid
    distance_m: float | None
    nearest_water: str | None
    error: Msg | str | None
    lon_wgs84: float
    lat_wgs84: float
    place: tuple[str, str] | None = None  # (prefecture adcode, county adcode) containing the point
    shoreline_accuracy_m: float = 0.0  # of the nearest water's data
    nearest_lonlat: tuple[float, float] | None = None  # the nearest shore point, WGS 84


def parse_typed(lon_text: str, lat_text: str) -> tuple[float, float, Msg | str | None]:
    """Numbers from typed text ('115.9', '115°54′36″', 'E115.9'); an error for blanks, text or swapped pairs."""
    lon, lat, errors = parse_coordinates(pa.array([lon_text]), pa.array([lat_text]), lon_name=Msg("longitude", "经度"),
                                         lat_name=Msg("latitude", "纬度"))
    return float(lon[0]), float(lat[0]), errors[0]


def locate(lon: float, lat: float, counties: gpd.GeoDataFrame) -> tuple[str, str] | None:
    """The (prefecture, county) adcodes of the county that contains a WGS 84 point."""
    point = shapely.Point(lon, lat)
    hits = counties[counties.geometry.intersects(point)]
    if hits.empty:
        return None
    row = hits.iloc[0]
    return str(row["parent_adcode"]), str(row["adcode"])


def check(lon: float, lat: float, *, datum: str, scope: str, threshold_m: float,
          counties: gpd.GeoDataFrame | None = None) -> PointCheck:
    result = check_point(lon, lat, datum=datum, scope=scope, threshold_m=threshold_m)
    place = locate(result["lon_wgs84"], result["lat_wgs84"], counties) if counties is not None else None
    return PointCheck(lon, lat, datum, result["verdict"], result["distance_m"], result["nearest_water"],
                      result["error"], result["lon_wgs84"], result["lat_wgs84"], place, result["shoreline_accuracy_m"],
                      result.get("nearest_lonlat"))


def describe(c: PointCheck, lang: str, *, threshold_m: float, water_names: dict[str, str] | None = None,
             unit_names: dict[str, str] | None = None) -> str:
    """One sentence: what was checked, where it lies, and the verdict with its distance."""
    given = f"{c.lon:.6f}, {c.lat:.6f} ({c.datum.upper().replace('WGS84', 'WGS 84')})"
    if c.datum != "wgs84":
        given += f" → WGS 84 {c.lon_wgs84:.6f}, {c.lat_wgs84:.6f}"
    where = ""
    if c.place and unit_names:
        where = t("point_in", lang, place=" ".join(unit_names.get(code, "") for code in c.place).strip())
    space = "" if lang == "zh" else " "
    if c.error:
        sep = "：" if lang == "zh" else ": "
        return f"{t('checked', lang, point=given)}{where}{space}{t('verdict_invalid', lang)}{sep}{text(c.error, lang)}"
    water = (water_names or {}).get(c.nearest_water or "", c.nearest_water or "")
    said = t(f"verdict_{c.verdict}", lang)
    if c.verdict == "uncertain":
        reasons = uncertain_reasons(c.distance_m or 0.0, threshold_m, 0.0, c.shoreline_accuracy_m)
        said += aside(uncertainty_words(reasons, lang, shoreline_m=c.shoreline_accuracy_m), lang) if reasons else ""
    verdict = t("result", lang, verdict=said, water=water, distance=c.distance_m or 0.0,
                threshold=threshold_m)
    return f"{t('checked', lang, point=given)}{where}{space}{verdict}"
