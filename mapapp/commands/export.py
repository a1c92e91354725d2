"""`mapapp export`: the layers' features in a prefecture, county or polygon file, as one GeoJSON file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd

from mapapp._errors import InputFileError, LayerNotFoundError
from mapapp.export import export_collection, resolve_region, write_export
from mapapp.layers import get_spec, load_layer, load_specs
from mapapp.messages import msg
from mapapp.storage import check_output

# The sites, the regulated waters and the 1 km shoreline zone shown on the map by default: what a
# region's export is usually wanted for. Base boundaries are one --layers away.
DEFAULT_LAYERS = ("sites", "water_areas", "river_lines", "zone_jiangxi_1000m")
OUTPUT_SUFFIXES = (".geojson", ".json")

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
output: one RFC 7946 FeatureCollection (WGS 84 lon/lat, counter-clockwise exterior rings, no crs
        member), every feature with all its attributes plus `layer` (its layer id), and a
        `metadata` member: region, clipping, selection rule, layers with titles, sources and counts,
        creation time. Attributes describe whole features (area_km2 is not recomputed after
        clipping). The file is written atomically: on any error no partial file is left.
exit:   0 on success; 2 on a user error (unknown region or layer, unreadable region file).
"""


def add_parser(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "export",
        help="export the layers' features in a region (prefecture, county, polygon file) to GeoJSON",
        description="Export the features of the chosen layers that lie in a region to one RFC 7946 GeoJSON file.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("--region", required=True, metavar="NAME|ADCODE|FILE",
                     help="prefecture, county or province name or adcode, or a polygon file")
    cmd.add_argument("--layers", default=",".join(DEFAULT_LAYERS), metavar="A,B",
                     help=f"layer ids, comma-separated, or 'all' (default: {','.join(DEFAULT_LAYERS)})")
    cmd.add_argument("--clip", action="store_true", help="cut geometries to the region (default: keep whole features)")
    cmd.add_argument("--out", required=True, type=Path, metavar="OUT.geojson", help="output GeoJSON file")
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


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise InputFileError(msg("{out}：导出文件为 GeoJSON，请以 .geojson 命名", "{out}: mapapp export writes GeoJSON; "
                                 "name the output *.geojson", out=out))
    region_file = Path(args.region)
    check_output(out, region_file if region_file.is_file() else None)  # before the work is done, not after
    ids = layer_ids(args.layers)
    region = resolve_region(args.region, prefectures=load_layer("prefectures"), counties=load_layer("counties"),
                            province=load_layer("province"))
    frames: dict[str, gpd.GeoDataFrame] = {layer_id: load_layer(layer_id) for layer_id in ids}
    collection = export_collection(frames, region, clip=args.clip, filters={}, rule=None)
    try:
        size = write_export(collection, out)
    except OSError as exc:  # a read-only folder, /proc, a full disk: write_export leaves no partial file
        raise InputFileError(msg("无法写入 {out}（{reason}）：没有写入任何文件", "cannot write {out} ({reason}); nothing was written",
                                 out=out, reason=exc.strerror or exc)) from exc
    _summary(collection, frames, out, size)
    return 0


def _summary(collection: dict, frames: dict[str, gpd.GeoDataFrame], out: Path, size: int) -> None:
    meta = collection["metadata"]
    region = meta["region"]
    print(f"region: {region['label']}, {region['kind']}; {'clipped to the region' if meta['clipped'] else 'whole features'}",
          file=sys.stderr)
    width = max(len(layer["id"]) for layer in meta["layers"])
    for layer in meta["layers"]:
        frame = frames[layer["id"]]
        unplaced = int(frame.geometry.isna().sum())
        note = f" ({unplaced} without geometry, not exported)" if unplaced and region["kind"] != "filter" else ""
        print(f"  {layer['id']:<{width}}  {layer['features']:>5} of {len(frame)}{note}", file=sys.stderr)
    print(f"wrote {out}: {len(collection['features'])} features, {size / 1024:,.1f} KB", file=sys.stderr)
