"""`mapapp export`: the layers' features in a prefecture, county or polygon file, as one file in the
format and CRS asked for."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd

from mapapp._errors import InputFileError, LayerNotFoundError, OptionError
from mapapp.commands.progress import stderr_progress
from mapapp.export import Region, export_filename, extract, resolve_region
from mapapp.layers import get_spec, load_layer, load_specs
from mapapp.messages import msg
from mapapp.outputs.crs import OUTPUT_CRS, output_crs
from mapapp.outputs.formats import FORMATS, ExportFormat, check_options, export_format, write_extract
from mapapp.register.store import current_layers, open_register
from mapapp.storage import atomic_write, check_output

# The sites, the regulated waters and the 1 km shoreline zone shown on the map by default: what a
# region's export is usually wanted for. Base boundaries are one --layers away.
DEFAULT_LAYERS = ("sites", "water_areas", "river_lines", "zone_jiangxi_1000m")
_BY_SUFFIX = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".kml": "kml", ".xlsx": "xlsx", ".csv": "csv"}

_EPILOG = f"""\
region: a prefecture, county or the province by Chinese name, with or without 市/县/区/省 (鹰潭市,
        鹰潭, 贵溪), by English name in any case (Yingtan, "Guixi City", jian), or by 6-digit adcode
        (360600, 360681, 360000); or a polygon file (GeoJSON, GeoPackage, zipped Shapefile; any
        CRS; all its polygons are unioned). An ambiguous name is an error that lists the choices
        (南昌 is 南昌市 or 南昌县).
layers: comma-separated layer ids from `mapapp layers list`, or `all`. Default:
        {",".join(DEFAULT_LAYERS)} (the sites, the regulated waters and the
        1 km shoreline zone). The full-resolution files are used, never the display versions.
select: a feature is exported when part of it of its own kind lies in the region: a point inside or
        on the edge, a line with length inside, a polygon with area inside (neighbours that only
        share an edge are not). With --clip geometries are cut to the region, otherwise kept whole.
        Sites without a known location are not exported (there is nothing to test).
        Sites and clusters are read from the register (MAPAPP_DATABASE_URL, else the embedded file).
format: geojson  RFC 7946 FeatureCollection (WGS 84 only) with a `metadata` member
        gpkg     GeoPackage 1.2, one table per layer and a mapapp_metadata table
        shp      zipped Shapefiles, one per layer (and per geometry kind), with .prj and .cpg
                 (--encoding UTF-8 or GBK), fields.csv mapping the 10-byte DBF field names to the
                 full names, and metadata.csv; text over 254 bytes is cut (reported)
        kml      one KML document, a folder per layer (WGS 84 only)
        xlsx     one sheet per layer (attributes and a point per feature: lon/lat or X/Y in
                 metres) and a metadata sheet
        csv      as xlsx; several layers give a zip of one CSV per layer and metadata.csv
        Without --format, the suffix of --out decides (.geojson .gpkg .kml .xlsx .csv).
crs:    4326 (WGS 84), 4490 (CGCS2000), 4547 (CGCS2000 3-degree Gauss-Krüger CM 114°E),
        4548 (CM 117°E); also written EPSG:4490, cgcs2000, gk114, gk117.
output: --out a file, or a folder (default: the current one) in which the file is named after the
        region, the layers, the CRS and the date (江西_九江市_sites-water_areas_EPSG4490_20261205.gpkg).
        Every feature has all its attributes plus `layer` (its layer id); the metadata records the
        region, clipping, selection rule, layers with titles, sources and counts, CRS and creation
        time. Attributes describe whole features (area_km2 is not recomputed after clipping). The
        file is written atomically: on any error no partial file is left.
exit:   0 on success; 2 on a user error (unknown region, layer, format or CRS; unreadable region file).
"""


def add_parser(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "export",
        help="export the layers' features in a region (prefecture, county, polygon file) as GeoJSON, GeoPackage, "
             "Shapefile, KML, Excel or CSV",
        description="Export the features of the chosen layers that lie in a region to one file.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("--region", required=True, metavar="NAME|ADCODE|FILE",
                     help="prefecture, county or province name or adcode, or a polygon file")
    cmd.add_argument("--layers", default=",".join(DEFAULT_LAYERS), metavar="A,B",
                     help=f"layer ids, comma-separated, or 'all' (default: {','.join(DEFAULT_LAYERS)})")
    cmd.add_argument("--clip", action="store_true", help="cut geometries to the region (default: keep whole features)")
    cmd.add_argument("--format", metavar="FORMAT", help=f"one of {', '.join(FORMATS)} (default: from --out's suffix, "
                     "else geojson)")
    cmd.add_argument("--crs", default="4326", metavar="EPSG", help=f"one of {', '.join(OUTPUT_CRS)} (default: 4326)")
    cmd.add_argument("--encoding", default="UTF-8", metavar="ENC", help="text encoding of Shapefile and CSV: UTF-8 "
                     "(default) or GBK")
    cmd.add_argument("--out", type=Path, default=Path("."), metavar="FILE|DIR",
                     help="output file, or a folder for an automatically named file (default: the current folder)")
    cmd.set_defaults(func=run)


def layer_ids(text: str) -> list[str]:
    """Layer ids from `a,b` or `all`, checked against the registry, duplicates dropped, order kept."""
    known = list(load_specs())
    if text.strip().lower() == "all":
        return known
    ids = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if not ids:
        raise LayerNotFoundError(msg("图层列表为空；已有图层：{known}", "--layers is empty; known layers: {known}",
                                     known=", ".join(known)))
    for layer_id in ids:
        get_spec(layer_id)  # LayerNotFoundError names the bad id and the known ones
    return ids


def named_region(text: str) -> Region:
    """The region a --region argument names (a unit's name or adcode, or a polygon file)."""
    return resolve_region(text, prefectures=load_layer("prefectures"), counties=load_layer("counties"),
                          province=load_layer("province"))


def run(args: argparse.Namespace) -> int:
    fmt = _format(args.format, args.out)
    crs = output_crs(args.crs)
    check_options(fmt, crs, args.encoding)
    region_file = Path(args.region)
    region_file = region_file if region_file.is_file() else None
    if not args.out.is_dir():
        check_output(args.out, region_file)  # before the work is done, not after
    ids = layer_ids(args.layers)
    region = named_region(args.region)
    frames = current_layers(open_register(), ids)
    chosen = extract(frames, region, clip=args.clip, filters={}, rule=None)
    out_file = write_extract(chosen, fmt, crs, encoding=args.encoding, progress=stderr_progress("export"))
    out = _out_path(args.out, region, ids, crs.epsg, out_file.suffix)
    if out != args.out and not args.out.is_dir():  # CSV: one layer is a .csv, several a zip of them
        print(f"note: {len(ids)} layer(s) in CSV make a {out_file.suffix} file: writing {out}", file=sys.stderr)
    check_output(out, region_file)
    try:
        with atomic_write(out, "wb") as fh:
            fh.write(out_file.data)
    except OSError as exc:  # a read-only folder, /proc, a full disk: atomic_write leaves no partial file
        raise InputFileError(msg("无法写入 {out}（{reason}）：没有写入任何文件", "cannot write {out} ({reason}); nothing was written",
                                 out=out, reason=exc.strerror or exc)) from exc
    for note in out_file.notes:
        print(f"note: {note}", file=sys.stderr)
    _summary(chosen.metadata, frames, out, len(out_file.data), crs.code)
    return 0


def _format(name: str | None, out: Path) -> ExportFormat:
    """The format asked for, or told by --out's suffix; a file name that says another format is refused."""
    named = None if out.is_dir() or not out.suffix else _BY_SUFFIX.get(out.suffix.lower())
    if not name:
        if out.suffix and not out.is_dir() and named is None:
            raise OptionError(msg("{out}：无法从后缀判断格式，请用 --format 指定（{known}）",
                                  "{out}: cannot tell the format from the suffix; give --format ({known})",
                                  out=out, known=", ".join(FORMATS)))
        return FORMATS[named or "geojson"]
    fmt = export_format(name)
    fits = named == fmt.id or (out.suffix.lower() == ".zip" and fmt.id in ("shp", "csv"))
    if out.suffix and not out.is_dir() and not fits:
        raise OptionError(msg("{out}：{fmt} 文件应以 {suffix} 结尾", "{out}: a {fmt} file is named *{suffix}",
                              out=out, fmt=fmt.label_en, suffix=fmt.suffix))
    return fmt


def _out_path(out: Path, region: Region, ids: list[str], epsg: int, suffix: str) -> Path:
    if out.is_dir():
        return out / export_filename(region, ids, suffix=suffix, crs=epsg)
    return out if out.suffix.lower() == suffix else out.with_suffix(suffix)


def _summary(meta: dict, frames: dict[str, gpd.GeoDataFrame], out: Path, size: int, crs: str) -> None:
    region = meta["region"]
    print(f"region: {region['label']}, {region['kind']}; {'clipped to the region' if meta['clipped'] else 'whole features'}",
          file=sys.stderr)
    width = max(len(layer["id"]) for layer in meta["layers"])
    for layer in meta["layers"]:
        frame = frames[layer["id"]]
        unplaced = int(frame.geometry.isna().sum())
        note = f" ({unplaced} without geometry, not exported)" if unplaced and region["kind"] != "filter" else ""
        print(f"  {layer['id']:<{width}}  {layer['features']:>5} of {len(frame)}{note}", file=sys.stderr)
    count = sum(layer["features"] for layer in meta["layers"])
    print(f"wrote {out}: {count} features, {crs}, {size / 1024:,.1f} KB", file=sys.stderr)
