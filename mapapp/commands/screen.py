"""`mapapp screen`: screen a table or vector file of sites against the regulated shoreline."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from mapapp._errors import InputFileError
from mapapp.datum import DATUMS, to_wgs84
from mapapp.screening import (
    DEFAULT_THRESHOLD_M,
    SCOPES,
    VERDICTS,
    Region,
    ScreenResult,
    Waters,
    load_region,
    load_waters,
    provenance,
    screen_geometries,
    screen_lonlat,
)
from mapapp.tables import Chunk, CsvSink, GeoJsonSink, InputSource, iter_chunks, open_input

ADDED_COLUMNS = ("distance_m", "nearest_water", "nearest_water_id", "verdict", "error", "rule")
UNCERTAINTY_COLUMN = "uncertainty_m"
_PROGRESS_MIN_BYTES = 10 << 20  # a progress line only for inputs that take a while
_EXAMPLES = 5

_EPILOG = """\
input:  CSV (UTF-8, UTF-8 with BOM, or GBK/GB18030: detected), Excel .xlsx (first sheet), GeoJSON,
        GeoPackage or a zipped Shapefile. Table coordinate columns are found by name (any case):
        lon/lng/long/longitude/x/经度/东经 and lat/latitude/y/纬度/北纬. An optional uncertainty_m
        column gives each site's location uncertainty in metres.
output: .csv (UTF-8 with a BOM, so Excel opens it) or .geojson (WGS 84), chosen by extension.
        Every input row is kept, in order, with all its columns, plus distance_m (ground metres to
        the nearest regulated shoreline, 0.1 m; 0 on or in the water), nearest_water,
        nearest_water_id, verdict (within / outside / uncertain / invalid), error (why a row was
        not screened) and rule (scope, distance and water-data checksum). A site is uncertain when
        its uncertainty_m straddles the threshold (distance - u <= METRES < distance + u), and
        invalid when it cannot be screened: bad or swapped coordinates, or more than 0.5 km outside
        Jiangxi. Rows are numbered from 1 in messages (1 = the first data row after the header).
water:  the packaged waters are GSHHG 2.3.7 (accuracy hundreds of metres): the Yangtze and Poyang
        Lake as polygons (their banks are the shoreline; inside them the distance is 0) and the
        five rivers as centrelines (GSHHG has no banks for them, so distances are measured from
        the centreline, which overstates them by about half the river's width). Use --waters
        with an authoritative shoreline file when one is available.
exit:   0 when the run completed (even if some rows are invalid); 2 when nothing could be read.
"""


def _metres(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"distance must be a number of metres, got {text!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"distance must be a positive number of metres, got {text!r}")
    return value


def add_parser(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "screen",
        help="distance from sites to the regulated shoreline, with a within/outside verdict",
        description="Screen sites against the shoreline rule: within --distance metres of the regulated "
        "waters of --scope (Yangtze, Poyang Lake and the five rivers by default).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("input", type=Path, metavar="INPUT", help="sites file (CSV, .xlsx, GeoJSON, GeoPackage, zipped Shapefile)")
    cmd.add_argument("--out", "-o", required=True, type=Path, metavar="OUTPUT",
                     help="result file: .csv (UTF-8 with BOM, opens in Excel) or .geojson")
    cmd.add_argument("--scope", choices=tuple(SCOPES), default="jiangxi",
                     help="jiangxi (default): Yangtze Jiangxi section, Poyang Lake, five rivers' main stems; "
                     "yangtze: the Yangtze channel only")
    cmd.add_argument("--distance", type=_metres, default=DEFAULT_THRESHOLD_M, metavar="METRES",
                     help="threshold in metres (default 1000; 5000 for the heavy-chemical park rule)")
    cmd.add_argument("--datum", choices=DATUMS, default="wgs84",
                     help="datum of the input coordinates: wgs84 (GPS), gcj02 (Amap/Tencent), bd09 (Baidu)")
    cmd.add_argument("--waters", type=Path, metavar="FILE",
                     help="your own authoritative shoreline file (any vector format) instead of the packaged waters")
    cmd.add_argument("--lon-col", metavar="NAME", help="longitude column, if not found by name")
    cmd.add_argument("--lat-col", metavar="NAME", help="latitude column, if not found by name")
    cmd.add_argument("--chunk-rows", type=int, default=100_000, help=argparse.SUPPRESS)
    cmd.set_defaults(func=run)


def _output_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".geojson", ".json"):
        return "geojson"
    raise InputFileError(f"{path}: output must end in .csv or .geojson, got {suffix or 'no extension'!r}")


def _find_column(columns: list[str], name: str) -> str | None:
    return next((c for c in columns if c.strip().lower() == name), None)


def _screen_chunk(chunk: Chunk, *, waters: Waters, threshold: float, region: Region, datum: str,
                  want_geometry: bool) -> tuple[ScreenResult, np.ndarray | None]:
    """Screen one chunk; also return the WGS 84 geometry of each row (None where unknown) if wanted."""
    u_col = _find_column(chunk.table.column_names, UNCERTAINTY_COLUMN)
    u = chunk.table.column(u_col).to_pandas() if u_col else None
    if chunk.geometry is None:
        assert chunk.lon is not None and chunk.lat is not None
        lon, lat = (chunk.lon, chunk.lat) if datum == "wgs84" else to_wgs84(chunk.lon, chunk.lat, datum)
        result = screen_lonlat(lon, lat, waters=waters, threshold_m=threshold, uncertainty_m=u, region=region,
                               errors=chunk.errors)
        if not want_geometry:  # making a million shapely points costs more than screening them
            return result, None
        known = np.isfinite(lon) & np.isfinite(lat)
        geoms = np.full(len(lon), None, dtype=object)
        geoms[known] = shapely.points(lon[known], lat[known])
        return result, geoms
    geoms = chunk.geometry
    if datum != "wgs84":
        geoms = shapely.transform(geoms, lambda x, y: to_wgs84(x, y, datum), interleaved=False)
    result = screen_geometries(geoms, waters=waters, threshold_m=threshold, uncertainty_m=u, region=region,
                               errors=chunk.errors)
    return result, geoms


def _dictionary(labels: np.ndarray, index: np.ndarray) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(index.astype(np.int32), mask=index < 0),
                                          pa.array(list(labels), type=pa.string()))


def _original_columns(table: pa.Table, reserved: set[str]) -> pa.Table:
    """The input's columns, with any that clash with ours renamed input_<name> (none dropped)."""
    names = []
    for name in table.column_names:
        new = name
        while new in reserved:
            new = f"input_{new}"
        names.append(new)
    return table.rename_columns(names)


def _output_table(chunk: Chunk, result: ScreenResult, waters: Waters, rule: str, *, with_wkt: bool) -> pa.Table:
    reserved = set(ADDED_COLUMNS) | ({"geometry"} if with_wkt else set())
    table = _original_columns(chunk.table, reserved)
    if with_wkt:  # the input geometry, as given (its own datum), for CSV output of a vector file
        assert chunk.geometry is not None
        table = table.append_column("geometry", pa.array(shapely.to_wkt(chunk.geometry, rounding_precision=-1),
                                                         type=pa.string()))
    n = len(result.distance_m)
    columns: dict[str, Any] = {
        "distance_m": pa.array(np.round(result.distance_m, 1), from_pandas=True),
        "nearest_water": _dictionary(waters.names, result.water),
        "nearest_water_id": _dictionary(waters.ids, result.water),
        "verdict": _dictionary(np.array(VERDICTS, dtype=object), result.code),
        "error": pa.array(result.error, type=pa.string(), from_pandas=True),
        "rule": _dictionary(np.array([rule], dtype=object), np.zeros(n, dtype=np.intp)),
    }
    for name, column in columns.items():
        table = table.append_column(name, column)
    return table


def _output_frame(table: pa.Table, geoms: np.ndarray) -> gpd.GeoDataFrame:
    frame = table.to_pandas()
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.CategoricalDtype):
            frame[name] = frame[name].astype(object)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=4326), crs=4326)


class _Progress:
    """A one-line progress report on stderr, only for an interactive terminal and a big input."""

    def __init__(self, source: InputSource) -> None:
        size = source.path.stat().st_size
        self.enabled = sys.stderr.isatty() and size >= _PROGRESS_MIN_BYTES
        self.total = source.rows or source.rows_estimate
        self.approx = "" if source.rows else "~"
        self.start = time.perf_counter()

    def update(self, rows: int) -> None:
        if not self.enabled:
            return
        share = f" ({self.approx}{min(rows / self.total, 1.0):.0%})" if self.total else ""
        elapsed = time.perf_counter() - self.start
        print(f"\rmapapp screen: {rows:,} rows{share}, {elapsed:.1f} s", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.enabled:
            print(file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    out_kind = _output_kind(args.out)
    source = open_input(args.input, lon_col=args.lon_col, lat_col=args.lat_col)
    chunks = iter_chunks(source, chunk_rows=max(1, args.chunk_rows))
    first = next(chunks, None)  # read before the output is opened: no rows, no output
    if first is None:
        raise InputFileError(f"{args.input}: no data rows (only a header?)")
    waters = load_waters(scope=args.scope, path=args.waters)
    region = load_region()
    meta = provenance(waters, args.distance) | {"input": str(args.input), "input_format": source.describe(),
                                                 "datum": args.datum}
    counts: Counter[str] = Counter()
    examples: list[str] = []
    progress = _Progress(source)
    rows = 0
    sink = CsvSink(args.out) if out_kind == "csv" else GeoJsonSink(args.out, metadata=meta)
    with sink:
        for chunk in _chain(first, chunks):
            result, geoms = _screen_chunk(chunk, waters=waters, threshold=args.distance, region=region,
                                          datum=args.datum, want_geometry=out_kind == "geojson")
            table = _output_table(chunk, result, waters, meta["rule"],
                                  with_wkt=out_kind == "csv" and chunk.geometry is not None)
            if isinstance(sink, CsvSink):
                sink.write(table)
            else:
                assert geoms is not None
                sink.write(_output_frame(table, geoms))
            _tally(result, chunk.start, counts, examples)
            rows += len(chunk)
            progress.update(rows)
    progress.close()
    _summary(args, source, waters, meta, rows, counts, examples, time.perf_counter() - started)
    return 0


def _chain(first: Chunk, rest: Any) -> Any:
    yield first
    yield from rest


def _tally(result: ScreenResult, start: int, counts: Counter[str], examples: list[str]) -> None:
    per_code = np.bincount(result.code, minlength=len(VERDICTS))
    counts.update(dict(zip(VERDICTS, per_code.tolist())))
    if len(examples) < _EXAMPLES:
        for i in np.nonzero(~np.equal(result.error, None))[0][: _EXAMPLES - len(examples)]:
            examples.append(f"row {start + i + 1}: {result.error[i]}")


def _summary(args: argparse.Namespace, source: InputSource, waters: Waters, meta: dict[str, Any], rows: int,
             counts: Counter[str], examples: list[str], seconds: float) -> None:
    screened = rows - counts["invalid"]
    lines = [
        f"mapapp screen: read {rows:,} rows from {args.input} ({source.describe()}; datum {args.datum})",
        f"  rule: {meta['rule']} ({waters.scope}: {waters.source['selection']}; {waters.source['label']})",
        (f"  screened {screened:,}: within {counts['within']:,}, outside {counts['outside']:,}, "
         f"uncertain {counts['uncertain']:,}; invalid {counts['invalid']:,}"),
    ]
    if examples:
        lines.append("  invalid rows (1-based data rows, header not counted):")
        lines += [f"    {line}" for line in examples]
        if counts["invalid"] > len(examples):
            lines.append(f"    ... and {counts['invalid'] - len(examples):,} more (see the error column)")
    rate = rows / seconds if seconds > 0 else float("inf")
    lines.append(f"  wrote {args.out} in {seconds:.1f} s ({rate:,.0f} rows/s)")
    print("\n".join(lines), file=sys.stderr)
