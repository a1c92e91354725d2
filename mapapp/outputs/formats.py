"""Export files: one extract (mapapp.export.Extract) written as GeoJSON, GeoPackage, zipped Shapefile,
KML, Excel or CSV, in the CRS a GIS office asks for. GDAL (pyogrio) writes the GIS formats; every
file is made in a private temporary folder and handed back as bytes, so nothing half-written is seen."""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from mapapp._errors import OptionError
from mapapp.export import Extract, collection_of
from mapapp.messages import Msg, msg
from mapapp.outputs import Progress, no_progress
from mapapp.outputs.crs import OUTPUT_CRS, OutputCrs, to_output_crs

DBF_NAME_BYTES = 10  # dBASE field names
DBF_TEXT_BYTES = 254  # dBASE character fields
ENCODINGS = ("UTF-8", "GBK")
FIELDS_CSV = "fields.csv"
METADATA_CSV = "metadata.csv"
METADATA_TABLE = "mapapp_metadata"
GPKG_OPTIONS = {"VERSION": "1.2"}  # the version ArcGIS 10.x and GDAL 3.6 read without a warning


@dataclass(frozen=True)
class ExportFormat:
    id: str
    label_zh: str
    label_en: str
    suffix: str
    mime: str
    wgs84_only: bool = False  # GeoJSON (RFC 7946) and KML 2.2 define their coordinates as WGS 84 lon/lat
    encodings: bool = False  # whether the text encoding can be chosen

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


FORMATS: dict[str, ExportFormat] = {f.id: f for f in (
    ExportFormat("geojson", "GeoJSON（RFC 7946）", "GeoJSON (RFC 7946)", ".geojson", "application/geo+json", wgs84_only=True),
    ExportFormat("gpkg", "GeoPackage", "GeoPackage", ".gpkg", "application/geopackage+sqlite3"),
    ExportFormat("shp", "Shapefile（zip 压缩包）", "Shapefile (zipped)", ".zip", "application/zip", encodings=True),
    ExportFormat("kml", "KML（奥维、Google Earth）", "KML (Google Earth)", ".kml", "application/vnd.google-earth.kml+xml",
                 wgs84_only=True),
    ExportFormat("xlsx", "Excel 表格（.xlsx）", "Excel (.xlsx)", ".xlsx",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ExportFormat("csv", "CSV 表格", "CSV", ".csv", "text/csv", encodings=True),
)}


@dataclass(frozen=True)
class ExportFile:
    data: bytes
    suffix: str
    mime: str
    notes: tuple[Msg, ...] = field(default=())  # what the format could not hold (truncated or replaced text)


def export_format(text: str) -> ExportFormat:
    key = str(text).strip().lower().lstrip(".")
    key = {"json": "geojson", "shapefile": "shp", "excel": "xlsx"}.get(key, key)
    if key not in FORMATS:
        raise OptionError(msg("不支持的导出格式 {fmt}：可选 {known}", "unsupported export format {fmt}: choose one of {known}",
                              fmt=text, known=", ".join(FORMATS)))
    return FORMATS[key]


def check_options(fmt: ExportFormat, crs: OutputCrs, encoding: str) -> None:
    """Refuse a combination the format cannot hold, before any work is done."""
    if fmt.wgs84_only and crs.epsg != 4326:
        raise OptionError(msg("{fmt} 的坐标按规范只能是 WGS 84 经纬度（EPSG:4326），不能用 {crs}；请选 GeoPackage、Shapefile、Excel 或 CSV",
                              "{fmt} holds WGS 84 lon/lat (EPSG:4326) by definition, not {crs}: choose GeoPackage, "
                              "Shapefile, Excel or CSV", fmt=fmt.label_en, crs=crs.code))
    if encoding.upper() not in ENCODINGS:
        raise OptionError(msg("不支持的编码 {enc}：可选 {known}", "unsupported encoding {enc}: choose one of {known}",
                              enc=encoding, known=", ".join(ENCODINGS)))
    if encoding.upper() != "UTF-8" and not fmt.encodings:
        raise OptionError(msg("{fmt} 总是 UTF-8 编码；GBK 只用于 Shapefile 和 CSV",
                              "{fmt} is always UTF-8; GBK is for Shapefile and CSV", fmt=fmt.label_en))


def write_extract(chosen: Extract, fmt: ExportFormat, crs: OutputCrs = OUTPUT_CRS["4326"], *, encoding: str = "UTF-8",
                  progress: Progress | None = None) -> ExportFile:
    """The extract as one file of `fmt` in `crs` (a zip for Shapefiles, and for CSV of several layers)."""
    encoding = encoding.upper()
    check_options(fmt, crs, encoding)
    report = progress or no_progress
    metadata = chosen.metadata | {"crs": f"{crs.code} {crs.label_en}", "format": fmt.label_en,
                                  "encoding": encoding if fmt.encodings else "UTF-8"}
    frames = {}
    for n, (layer_id, frame) in enumerate(chosen.frames.items()):
        report(n / (len(chosen.frames) + 1), layer_id)
        frames[layer_id] = to_output_crs(_scalar_columns(frame), crs)
    report(len(frames) / (len(frames) + 1), fmt.id)
    if fmt.id == "geojson":
        data = json.dumps(collection_of(Extract(frames, metadata)), ensure_ascii=False).encode("utf-8")
        out = ExportFile(data, fmt.suffix, fmt.mime)
    else:
        out = _WRITERS[fmt.id](frames, metadata, crs, encoding)
    report(1.0, "done")
    return out


# --- preparing the rows -------------------------------------------------------------------------


def _scalar_columns(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lists and mappings (if any) as JSON text: no table format holds them."""
    frame = frame.copy()
    for column in frame.columns:
        if column == frame.geometry.name or frame[column].dtype != object:
            continue
        if frame[column].map(lambda v: isinstance(v, (list, tuple, dict, set))).any():
            frame[column] = frame[column].map(lambda v: json.dumps(v, ensure_ascii=False, default=str)
                                              if isinstance(v, (list, tuple, dict, set)) else v)
    return frame


def metadata_rows(metadata: dict[str, Any]) -> list[tuple[str, str]]:
    """The metadata as key/value rows for a table: nested keys dotted, layers one row per field."""
    rows: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, item in enumerate(value):
                walk(f"{prefix}[{i}]", item)
        else:
            rows.append((prefix, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)))

    walk("", metadata)
    return rows


def _metadata_frame(metadata: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(metadata_rows(metadata), columns=["key", "value"])


def _point_columns(frame: gpd.GeoDataFrame, crs: OutputCrs) -> pd.DataFrame:
    """Each row's point for a table: the point itself, or a point inside its outline or on its line."""
    geoms = frame.geometry.values
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    points = np.full(len(frame), None, dtype=object)
    points[present] = shapely.point_on_surface(geoms[present])
    x_name, y_name = crs.axis_names
    digits = 3 if crs.projected else 7  # a millimetre, or about a centimetre
    kinds = shapely.get_type_id(geoms)
    return pd.DataFrame({
        x_name: np.where(present, np.round(shapely.get_x(points), digits), np.nan),
        y_name: np.where(present, np.round(shapely.get_y(points), digits), np.nan),
        "point_of": np.where(~present, "no location", np.where(kinds == 0, "point",
                                                               np.where(np.isin(kinds, (1, 5)), "on the line",
                                                                        "inside the outline"))),
        "crs": crs.code,
    }, index=frame.index)


def _table(frame: gpd.GeoDataFrame, crs: OutputCrs) -> pd.DataFrame:
    attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return pd.concat([attributes, _point_columns(frame, crs)], axis=1)


def _fit_text(frame: pd.DataFrame, encoding: str, max_bytes: int | None) -> tuple[pd.DataFrame, list[Msg]]:
    """Text that `encoding` cannot hold is replaced by '?', text longer than `max_bytes` is cut on a
    character boundary; each is reported with its field and how many values it touched."""
    frame = frame.copy()
    notes: list[Msg] = []
    codec = "gbk" if encoding == "GBK" else "utf-8"
    for column in frame.columns:
        if frame[column].dtype != object and not pd.api.types.is_string_dtype(frame[column]):
            continue
        values = frame[column]
        texts = values.map(lambda v: isinstance(v, str))
        if not texts.any():
            continue
        replaced = cut = 0
        fitted = []
        for value, is_text in zip(values, texts):
            if not is_text:
                fitted.append(value)
                continue
            text = value.encode(codec, errors="replace").decode(codec)
            replaced += text != value
            if max_bytes is not None and len(text.encode(codec)) > max_bytes:
                text = _cut(text, codec, max_bytes)
                cut += 1
            fitted.append(text)
        frame[column] = pd.Series(fitted, index=frame.index, dtype=object)
        if replaced:
            notes.append(msg("字段 {field}：{n} 个值含 {enc} 无法表示的字符，已替换为“?”",
                             "field {field}: {n} values hold characters {enc} cannot encode, replaced by '?'",
                             field=column, n=replaced, enc=encoding))
        if cut:
            notes.append(msg("字段 {field}：{n} 个值超过 DBF 的 {limit} 字节上限，已截断（完整文本见 GeoPackage 或 GeoJSON）",
                             "field {field}: {n} values exceed the DBF limit of {limit} bytes and were cut (the full "
                             "text is in the GeoPackage or GeoJSON export)", field=column, n=cut, limit=max_bytes))
    return frame, notes


def _cut(text: str, codec: str, max_bytes: int) -> str:
    while len(text.encode(codec)) > max_bytes:
        text = text[:-1]
    return text


# --- the writers --------------------------------------------------------------------------------


def _gpkg(frames: dict[str, gpd.GeoDataFrame], metadata: dict, crs: OutputCrs, encoding: str) -> ExportFile:
    with tempfile.TemporaryDirectory(prefix="mapapp-export-") as tmp:
        path = Path(tmp) / "export.gpkg"
        for layer_id, frame in frames.items():
            pyogrio.write_dataframe(frame, path, layer=layer_id, driver="GPKG", dataset_options=GPKG_OPTIONS)
        pyogrio.write_dataframe(_metadata_frame(metadata), path, layer=METADATA_TABLE, driver="GPKG",
                                dataset_options=GPKG_OPTIONS)
        return ExportFile(path.read_bytes(), FORMATS["gpkg"].suffix, FORMATS["gpkg"].mime)


# Readable short names for the register's long fields; any other long name is cut and numbered.
SHORT_NAMES = {
    "circular_retrofit": "retrofit", "circular_retrofit_as_of": "retro_asof",
    "circular_retrofit_source": "retro_src", "green_park_as_of": "green_asof", "green_park_source": "green_src",
    "gbt37028_code": "gbt_code", "prefecture_zh": "pref_zh", "prefecture_adcode": "pref_code",
    "county_adcode": "cnty_code", "county_basis": "cnty_basis", "level_basis": "lvl_basis",
    "location_kind": "loc_kind", "location_precision": "loc_prec", "location_accuracy_m": "loc_acc_m",
    "location_source": "loc_src", "location_datum": "loc_datum", "location_captured": "loc_date",
    "indicator_ids": "indicators", "member_prefectures_zh": "mem_pref", "member_counties_zh": "mem_cnty",
    "member_site_ids": "mem_sites", "parent_adcode": "parent", "max_distance_m": "max_dist_m",
    "overlap_share": "overlap_sh", "nearest_water": "near_water", "shoreline_accuracy_m": "shore_acc",
    "waters_sha256": "waters_sha", "mapapp_layer": "mapapp_lyr",
}


def short_names(columns: Iterable[str]) -> dict[str, str]:
    """Each column's dBASE field name: at most 10 bytes, unique regardless of case."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        base = column if len(column.encode()) <= DBF_NAME_BYTES else SHORT_NAMES.get(column, _cut(column, "utf-8", 10))
        name, n = base, 1
        while name.lower() in taken:
            suffix = f"_{n}"
            name = _cut(base, "utf-8", DBF_NAME_BYTES - len(suffix)) + suffix
            n += 1
        taken.add(name.lower())
        names[column] = name
    return names


_KIND_OF_TYPE = {0: "points", 4: "points", 1: "lines", 5: "lines", 3: "polygons", 6: "polygons"}


def _by_geometry_kind(frame: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """A Shapefile holds one kind of geometry: a layer with several is split; rows without a location
    go with the largest part."""
    kinds = pd.Series([_KIND_OF_TYPE.get(int(t)) for t in shapely.get_type_id(frame.geometry.values)], index=frame.index)
    present = kinds.dropna()
    if present.nunique() <= 1:
        return {"": frame}
    main = present.value_counts().idxmax()
    kinds = kinds.fillna(main)
    return {f"_{kind}": frame[kinds == kind] for kind in sorted(set(kinds))}


def _shp(frames: dict[str, gpd.GeoDataFrame], metadata: dict, crs: OutputCrs, encoding: str) -> ExportFile:
    notes: list[Msg] = []
    mapping: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="mapapp-export-") as tmp:
        folder = Path(tmp)
        for layer_id, frame in frames.items():
            names = short_names(c for c in frame.columns if c != frame.geometry.name)
            attributes, layer_notes = _fit_text(pd.DataFrame(frame.drop(columns=frame.geometry.name)), encoding,
                                                DBF_TEXT_BYTES)
            notes += [msg("{layer}：", "{layer}: ", layer=layer_id) + note for note in layer_notes]
            fitted = gpd.GeoDataFrame(attributes.rename(columns=names), geometry=frame.geometry.values, crs=frame.crs)
            for part_suffix, part in _by_geometry_kind(fitted).items():
                name = f"{layer_id}{part_suffix}"
                pyogrio.write_dataframe(part, folder / f"{name}.shp", encoding=encoding)
                mapping += [{"file": f"{name}.shp", "field": short, "full_name": full} for full, short in names.items()]
        fields = pd.DataFrame(mapping, columns=["file", "field", "full_name"])
        extra = {FIELDS_CSV: fields.to_csv(index=False), METADATA_CSV: _metadata_frame(metadata).to_csv(index=False)}
        data = _zip(sorted(p for p in folder.iterdir()), {k: v.encode("utf-8-sig") for k, v in extra.items()})
    return ExportFile(data, FORMATS["shp"].suffix, FORMATS["shp"].mime, tuple(notes))


def _zip(files: list[Path], extra: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.name)
        for name, data in extra.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _kml(frames: dict[str, gpd.GeoDataFrame], metadata: dict, crs: OutputCrs, encoding: str) -> ExportFile:
    """One KML document with a folder per layer, each placemark named by its Chinese name."""
    documents = []
    with tempfile.TemporaryDirectory(prefix="mapapp-export-") as tmp:
        for layer_id, frame in frames.items():
            path = Path(tmp) / f"{layer_id}.kml"
            options = {"NameField": "name_zh"} if "name_zh" in frame.columns else {}
            pyogrio.write_dataframe(frame, path, layer=layer_id, driver="KML", dataset_options=options)
            documents.append(path.read_text(encoding="utf-8"))
    bodies = [re.search(r"<Document[^>]*>(.*)</Document>", doc, re.DOTALL).group(1) for doc in documents]
    description = f"<name>{escape(metadata['region']['label'])}</name><description>{escape(_summary(metadata))}</description>"
    text = ('<?xml version="1.0" encoding="utf-8" ?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n'
            f'<Document id="root_doc">{description}\n' + "\n".join(bodies) + "</Document></kml>\n")
    return ExportFile(text.encode("utf-8"), FORMATS["kml"].suffix, FORMATS["kml"].mime)


def _summary(metadata: dict) -> str:
    return "\n".join(f"{key}: {value}" for key, value in metadata_rows(metadata))


def _xlsx(frames: dict[str, gpd.GeoDataFrame], metadata: dict, crs: OutputCrs, encoding: str) -> ExportFile:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as book:
        for layer_id, frame in frames.items():
            _table(frame, crs).to_excel(book, sheet_name=layer_id[:31], index=False)
        _metadata_frame(metadata).to_excel(book, sheet_name="metadata", index=False)
    return ExportFile(buffer.getvalue(), FORMATS["xlsx"].suffix, FORMATS["xlsx"].mime)


def _csv(frames: dict[str, gpd.GeoDataFrame], metadata: dict, crs: OutputCrs, encoding: str) -> ExportFile:
    """One CSV, or with several layers a zip of one CSV per layer and the metadata. UTF-8 files start
    with a byte-order mark, so that Excel reads the Chinese right."""
    codec = "utf-8-sig" if encoding == "UTF-8" else "gbk"
    notes: list[Msg] = []
    files: dict[str, bytes] = {}
    for layer_id, frame in frames.items():
        table, layer_notes = _fit_text(_table(frame, crs), encoding, None)
        notes += [msg("{layer}：", "{layer}: ", layer=layer_id) + note for note in layer_notes]
        files[f"{layer_id}.csv"] = table.to_csv(index=False).encode(codec)
    if len(files) == 1:
        return ExportFile(next(iter(files.values())), ".csv", FORMATS["csv"].mime, tuple(notes))
    files[METADATA_CSV] = _metadata_frame(metadata).to_csv(index=False).encode("utf-8-sig")
    return ExportFile(_zip([], files), ".zip", "application/zip", tuple(notes))


_WRITERS: dict[str, Callable[[dict, dict, OutputCrs, str], ExportFile]] = {
    "gpkg": _gpkg, "shp": _shp, "kml": _kml, "xlsx": _xlsx, "csv": _csv,
}
