"""`mapapp screen`: screen a table or vector file of sites against the regulated shoreline."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from mapapp._errors import OptionError
from mapapp.batch import CHUNK_ROWS, screen_file
from mapapp.datum import DATUMS
from mapapp.messages import msg
from mapapp.screening import DEFAULT_THRESHOLD_M, SCOPES

_PROGRESS_MIN_BYTES = 10 << 20  # a progress line only for inputs that take a while

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
        its uncertainty_m plus the shoreline's own accuracy a straddles the threshold
        (distance - u - a <= METRES < distance + u + a), and
        invalid when it cannot be screened: bad or swapped coordinates, or more than 0.5 km outside
        Jiangxi. Rows are numbered from 1 in messages (1 = the first data row after the header).
water:  the packaged waters are GSHHG 2.3.7 (accuracy hundreds of metres): the Yangtze and Poyang
        Lake as polygons (their banks are the shoreline; inside them the distance is 0) and the
        five rivers as centrelines (GSHHG has no banks for them, so distances are measured from
        the centreline, which overstates them by about half the river's width). Their accuracy
        counts: 500 m for the polygons' banks, 1000 m for the centrelines (each feature's
        accuracy_m). Use --waters with an authoritative shoreline file when one is available; its
        own accuracy_m is used when present, else it is taken as exact; --shoreline-accuracy
        sets one accuracy for every shoreline (0: treat it as exact).
engine: --engine dask screens on a Dask cluster: the one at --scheduler ADDRESS (tcp://host:8786),
        else a local cluster of --workers processes (default: one per core). INPUT is a CSV,
        Parquet or GeoParquet file, or a folder of them (partitions); --out is a new folder that
        gets one result file per partition, of the input's kind (part-00000.csv, ...), with the
        same columns as the in-process engine writes. A worker lost mid-run is replaced and its
        partitions are done again; every partition's file is written once, atomically.
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


def _accuracy(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"accuracy must be a number of metres, got {text!r}") from None
    if not np.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"accuracy must be 0 or more metres, got {text!r}")
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
    cmd.add_argument("--shoreline-accuracy", type=_accuracy, default=None, metavar="METRES",
                     help="accuracy of the shoreline in metres, for every water (default: each feature's accuracy_m)")
    cmd.add_argument("--lon-col", metavar="NAME", help="longitude column, if not found by name")
    cmd.add_argument("--lat-col", metavar="NAME", help="latitude column, if not found by name")
    cmd.add_argument("--engine", choices=("local", "dask"), default="local",
                     help="local (default): this process; dask: a Dask cluster (see below)")
    cmd.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: an existing cluster's scheduler")
    cmd.add_argument("--workers", type=int, metavar="N", help="with --engine dask and no --scheduler: local workers")
    cmd.add_argument("--chunk-rows", type=int, default=CHUNK_ROWS, help=argparse.SUPPRESS)
    cmd.set_defaults(func=run)


class _Progress:
    """A one-line progress report on stderr, only for an interactive terminal and a big input."""

    def __init__(self, path: Path) -> None:
        self.enabled = sys.stderr.isatty() and path.is_file() and path.stat().st_size >= _PROGRESS_MIN_BYTES
        self.start = time.perf_counter()
        self.shown = False

    def __call__(self, rows: int, total: int | None) -> None:
        if not self.enabled:
            return
        share = f" (~{min(rows / total, 1.0):.0%})" if total else ""
        elapsed = time.perf_counter() - self.start
        print(f"\rmapapp screen: {rows:,} rows{share}, {elapsed:.1f} s", end="", file=sys.stderr, flush=True)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    if args.engine == "dask":
        return _run_dask(args)
    if args.scheduler or args.workers:
        raise OptionError(msg("--scheduler 和 --workers 只用于 --engine dask", "--scheduler and --workers go with --engine dask"))
    progress = _Progress(args.input)
    try:
        _, report = screen_file(args.input, out=args.out, scope=args.scope, distance_m=args.distance, datum=args.datum,
                                waters_path=args.waters, shoreline_accuracy_m=args.shoreline_accuracy,
                                lon_col=args.lon_col, lat_col=args.lat_col,
                                chunk_rows=args.chunk_rows, progress=progress)
    finally:
        progress.close()
    print("\n".join(report.lines("en")), file=sys.stderr)
    return 0


def _run_dask(args: argparse.Namespace) -> int:
    from mapapp.dask_engine import Settings, screen_on_dask  # pandas and Dask: only for this engine

    settings = Settings(scope=args.scope, distance_m=args.distance, datum=args.datum,
                        waters_path=str(args.waters) if args.waters else None,
                        shoreline_accuracy_m=args.shoreline_accuracy, lon_col=args.lon_col, lat_col=args.lat_col)

    def progress(done: int, total: int) -> None:
        print(f"mapapp screen: {done}/{total} partitions", file=sys.stderr)

    report = screen_on_dask(args.input, args.out, settings, scheduler=args.scheduler, workers=args.workers,
                            progress=progress)
    print("\n".join(report.lines("en")), file=sys.stderr)
    return 0
