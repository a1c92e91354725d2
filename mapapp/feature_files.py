"""Reading the files people bring locations in: vector files in any CRS GDAL knows (a DXF or a
Shapefile without .prj in the CRS the user names), land-survey coordinate text (界址点坐标), and
tables of points. Everything comes out as WGS 84, with a reason for each row that could not be read.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from mapapp._errors import InputFileError
from mapapp.datum import to_wgs84
from mapapp.geo import WGS84
from mapapp.messages import Msg, msg
from mapapp.survey_text import SurveyTextError, gk_epsg, read_survey_text
from mapapp.tables import iter_chunks, open_input

TEXT_SUFFIXES = (".txt",)


def chosen_crs(*, crs: str | None, zone: int | None, central_meridian: float | None) -> str | None:
    """The CRS the user named: --crs as given, or CGCS2000 Gauss-Krüger from a zone or central meridian
    (prefixed eastings for a zone, as survey files write them)."""
    if crs:
        try:
            return CRS.from_user_input(crs).to_string()
        except Exception as exc:  # noqa: BLE001 - pyproj's CRSError and friends
            raise InputFileError(msg("无法识别坐标参照系 {crs!r}", "unknown coordinate reference system {crs!r}",
                                     crs=crs)) from exc
    if zone is None and central_meridian is None:
        return None
    try:
        if zone is not None:
            return f"EPSG:{gk_epsg(zone=zone, prefixed=True)}"
        return f"EPSG:{gk_epsg(central_meridian=central_meridian, prefixed=False)}"
    except SurveyTextError as exc:
        raise InputFileError(exc.args[0]) from exc


def read_features(path: Path, *, crs: str | None = None, zone: int | None = None,
                  central_meridian: float | None = None, datum: str = "wgs84", lon_col: str | None = None,
                  lat_col: str | None = None) -> tuple[gpd.GeoDataFrame, list[Msg | None], list[Msg]]:
    """(features in WGS 84, each row's reading problem or None, notes for the user)."""
    path = Path(path)
    if path.suffix.lower() in TEXT_SUFFIXES:
        return _survey_text(path, zone=zone, central_meridian=central_meridian)
    named = chosen_crs(crs=crs, zone=zone, central_meridian=central_meridian)
    source = open_input(path, lon_col=lon_col, lat_col=lat_col)  # a table holds points: it needs lon/lat columns
    notes: list[Msg] = list(source.warnings)
    if source.kind == "vector":
        if named and source.crs and not CRS.from_user_input(source.crs).equals(CRS.from_user_input(named)):
            raise InputFileError(msg("文件自带坐标参照系 {own}，与指定的 {given} 不同；请去掉 --crs/--zone 或更正文件",
                                     "the file says its CRS is {own}, not {given}; drop --crs/--zone or fix the file",
                                     own=_crs_name(source.crs), given=_crs_name(named)))
        source.crs = source.crs or named
    frames, errors = [], []
    for chunk in iter_chunks(source):
        table = chunk.table.to_pandas()
        if chunk.geometry is not None:
            geoms = chunk.geometry
        else:
            lon, lat = np.asarray(chunk.lon, dtype=float), np.asarray(chunk.lat, dtype=float)
            known = np.isfinite(lon) & np.isfinite(lat)
            geoms = np.full(len(lon), None, dtype=object)
            geoms[known] = shapely.points(lon[known], lat[known])
        geoms = closed_lines_as_areas(shapely.force_2d(geoms))
        if datum != "wgs84":
            geoms = shapely.transform(geoms, lambda x, y: to_wgs84(x, y, datum), interleaved=False)
        frames.append(gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geoms, crs=WGS84)))
        errors += list(chunk.errors) if chunk.errors is not None else [None] * len(table)
    frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=WGS84)
    frame.attrs["crs"] = _crs_code(source.crs) if source.crs else None
    if source.kind == "vector":
        notes.append(msg("坐标参照系：{crs}", "CRS: {crs}", crs=_crs_name(source.crs) if source.crs else "WGS 84"))
        if not source.crs and _looks_projected(frame):
            raise InputFileError(msg(
                "文件没有坐标参照系，坐标看起来是投影坐标（米）：请用 --crs（如 EPSG:4548）或 --zone / --central-meridian 指定",
                "the file has no CRS and its coordinates look projected (metres): name it with --crs "
                "(e.g. EPSG:4548) or --zone / --central-meridian"))
    return frame, errors, notes


def closed_lines_as_areas(geoms: np.ndarray) -> np.ndarray:
    """A closed line is how CAD drawings (and some KML) hold a boundary: the area it encloses."""
    geoms = np.array(geoms, dtype=object)
    for i, geom in enumerate(geoms):
        if geom is not None and geom.geom_type in ("LineString", "LinearRing") and geom.is_closed and len(geom.coords) >= 4:
            geoms[i] = shapely.Polygon(geom.coords)
        elif geom is not None and geom.geom_type == "MultiLineString" and all(g.is_closed for g in geom.geoms):
            geoms[i] = shapely.MultiPolygon([shapely.Polygon(g.coords) for g in geom.geoms if len(g.coords) >= 4])
    return geoms


def _crs_code(crs: str) -> str | None:
    """'EPSG:4548' for the CRS a file was captured in (None for WGS 84, which needs no note)."""
    parsed = CRS.from_user_input(crs).to_2d()  # heights are not kept: a site's location is 2D
    if parsed.equals(WGS84):
        return None
    code = parsed.to_epsg()
    return f"EPSG:{code}" if code else parsed.to_string()


def _crs_name(crs: str) -> str:
    parsed = CRS.from_user_input(crs)
    code = parsed.to_epsg()
    return f"{parsed.name} (EPSG:{code})" if code else parsed.name


def _looks_projected(frame: gpd.GeoDataFrame) -> bool:
    coords = shapely.get_coordinates(frame.geometry.dropna().values)
    return bool(len(coords)) and bool((np.abs(coords) > 360).any())


def _survey_text(path: Path, *, zone: int | None, central_meridian: float | None,
                 ) -> tuple[gpd.GeoDataFrame, list[Msg | None], list[Msg]]:

    try:
        parcels = read_survey_text(path.read_bytes(), zone=zone, central_meridian=central_meridian)
    except SurveyTextError as exc:
        raise InputFileError(msg("{name}：{why}", "{name}: {why}", name=path.name, why=exc.args[0])) from exc
    frame = gpd.GeoDataFrame({"name": [p.name for p in parcels], "stated_area_ha": [p.stated_area_ha for p in parcels]},
                             geometry=[p.geometry for p in parcels], crs=WGS84)
    epsgs = sorted({p.epsg for p in parcels})
    note = msg("界址点坐标：{n} 个地块，坐标参照系 {crs}", "survey coordinates: {n} parcel(s), CRS {crs}",
               n=len(parcels), crs=", ".join(_crs_name(f"EPSG:{e}") for e in epsgs))
    frame.attrs["crs"] = ",".join(f"EPSG:{e}" for e in epsgs)
    return frame, [None] * len(frame), [note]
