"""Batch screening on a Dask cluster: the same per-row screening as `mapapp screen`, partition by
partition, on as many workers as the cluster has.

Inputs: CSV, Parquet or GeoParquet, as one file or a directory of partitions. Outputs: a directory
with one file per input partition, of the input's kind (part-00000.csv, ... or .parquet). Each task
reads its partition, screens it and writes its file atomically under its fixed name, so a task that
Dask repeats after losing a worker overwrites its own file: nothing is lost or written twice.

The waters' index is built once per worker process (`_run`, cached), not once per partition.
Coordinates are parsed from text by the same function as the in-process engine, and the result
columns are made by the same function, so both engines write identical verdict columns.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from pyproj import CRS, Transformer

from mapapp._errors import InputFileError, OptionError
from mapapp.batch import EXAMPLES, ScreenReport, ScreenRun, screen_file
from mapapp.coordinates import find_coordinate_columns, parse_coordinates
from mapapp.messages import msg
from mapapp.region import load_region
from mapapp.screening import VERDICTS, load_waters, rule_label
from mapapp.sinks import CsvSink
from mapapp.storage import atomic_write
from mapapp.tables import Chunk

INPUT_KINDS = {".csv": "csv", ".parquet": "parquet", ".geoparquet": "parquet"}
CSV_BLOCK_BYTES = 64 << 20  # one partition per 64 MB of CSV: about a million points


@dataclass(frozen=True)
class Settings:
    """One run's rule and columns, sent to every task."""

    scope: str = "jiangxi"
    distance_m: float = 1000.0
    datum: str = "wgs84"
    waters_path: str | None = None
    shoreline_accuracy_m: float | None = None
    lon_col: str | None = None
    lat_col: str | None = None
    geometry_col: str | None = None  # GeoParquet: the WKB column
    geometry_crs: str | None = None  # and its CRS (PROJJSON or "EPSG:n"), None for WGS 84


@dataclass
class PartResult:
    index: int
    rows: int
    counts: dict[str, int]
    examples: list[tuple[int, str]] = field(default_factory=list)  # (0-based row in the partition, why)
    worker_pid: int = 0


# --- on the workers -----------------------------------------------------------------------------

_BUILD_LOCK = threading.Lock()
_BUILDS: Counter[tuple] = Counter()  # how often this process built a run's waters (tests read it)


def _run(settings: Settings) -> ScreenRun:
    with _BUILD_LOCK:  # threads of one worker share one index, built by the first that needs it
        return _cached_run(settings.scope, settings.distance_m, settings.datum, settings.waters_path,
                           settings.shoreline_accuracy_m)


@lru_cache(maxsize=4)
def _cached_run(scope: str, distance_m: float, datum: str, waters_path: str | None,
                accuracy: float | None) -> ScreenRun:
    _BUILDS[(scope, distance_m, waters_path, accuracy)] += 1
    waters = load_waters(scope=scope, path=Path(waters_path) if waters_path else None, shoreline_accuracy_m=accuracy)
    return ScreenRun(waters=waters, region=load_region(), threshold=distance_m, datum=datum,
                rule=rule_label(waters, distance_m))


def builds() -> int:
    """How many waters indexes this process has built (1 per rule, however many partitions)."""
    return sum(_BUILDS.values())


def screen_partition(frame: pd.DataFrame, index: int, settings: Settings, out_dir: str, out_kind: str) -> PartResult:
    """Screen one partition and write it as out_dir/part-<index>.<kind>, atomically."""
    run = _run(settings)
    chunk = _chunk(_arrow(frame), settings)
    result, _ = run.screen(chunk, want_geometry=False)
    out = run.table(chunk, result, with_wkt=False)
    path = Path(out_dir) / f"part-{index:05d}.{out_kind}"
    if out_kind == "csv":
        with CsvSink(path) as sink:
            sink.write(out)
    else:
        with atomic_write(path, "wb") as fh:
            pq.write_table(out, fh)
    counts = np.bincount(result.code, minlength=len(VERDICTS))
    bad = np.nonzero(~np.equal(result.error, None))[0][:EXAMPLES]
    return PartResult(index, len(frame), dict(zip(VERDICTS, counts.tolist())),
                      [(int(i), str(result.error[i])) for i in bad], os.getpid())


def screen_csv_file(path: str, index: int, settings: Settings, out_dir: str) -> PartResult:
    """One CSV partition file, read and screened exactly as `mapapp screen` reads and screens a file."""
    waters = _run(settings).waters
    _, report = screen_file(Path(path), out=Path(out_dir) / f"part-{index:05d}.csv", scope=settings.scope,
                            distance_m=settings.distance_m, datum=settings.datum, lon_col=settings.lon_col,
                            lat_col=settings.lat_col, waters=waters)
    return PartResult(index, report.rows, {v: report.counts[v] for v in VERDICTS},
                      [(row - 1, str(why)) for row, why in report.examples], os.getpid())


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """The partition as Arrow, text as `string` (pandas may hand over `large_string`), as the CSV reader makes it."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.cast(pa.schema([pa.field(f.name, pa.string() if pa.types.is_large_string(f.type) else f.type)
                                 for f in table.schema]))


def _chunk(table: pa.Table, settings: Settings) -> Chunk:
    if settings.geometry_col:
        wkb = table.column(settings.geometry_col).to_numpy(zero_copy_only=False)
        geoms = shapely.from_wkb(wkb, on_invalid="ignore")
        if settings.geometry_crs:
            to_wgs84 = Transformer.from_crs(CRS.from_user_input(settings.geometry_crs), 4326, always_xy=True)
            geoms = shapely.transform(geoms, lambda xy: np.column_stack(to_wgs84.transform(xy[:, 0], xy[:, 1])))
        errors = np.full(len(geoms), None, dtype=object)
        errors[shapely.is_missing(geoms)] = msg("没有几何", "no geometry")
        return Chunk(table.drop_columns([settings.geometry_col]), 0, geometry=geoms, errors=errors)
    assert settings.lon_col and settings.lat_col
    lon, lat, errors = parse_coordinates(table.column(settings.lon_col), table.column(settings.lat_col),
                                         lon_name=settings.lon_col, lat_name=settings.lat_col)
    return Chunk(table, 0, lon=lon, lat=lat, errors=errors)


# --- on the client ------------------------------------------------------------------------------


def input_kind(path: Path) -> str:
    """csv or parquet, of a file or of the files in a directory."""
    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "_"))) \
        if path.is_dir() else [path]
    kinds = {INPUT_KINDS.get(p.suffix.lower()) for p in files}
    if not files or None in kinds or len(kinds) != 1:
        raise InputFileError(msg("{path}：Dask 引擎读取 CSV、Parquet 或 GeoParquet 文件（或全是这类文件的文件夹）",
                                 "{path}: the Dask engine reads CSV, Parquet or GeoParquet files (or a folder of them, "
                                 "all of one kind)", path=path))
    return kinds.pop()


def _partitions(path: Path, kind: str):  # noqa: ANN202 - a dask DataFrame
    import dask.dataframe as dd

    if kind == "csv":
        source = str(path / "*.csv") if path.is_dir() else str(path)
        return dd.read_csv(source, dtype=str, keep_default_na=False, na_filter=False, blocksize=CSV_BLOCK_BYTES,
                           encoding="utf-8-sig")
    return dd.read_parquet(str(path))


def _geo_column(path: Path) -> tuple[str | None, str | None]:
    """A GeoParquet file's primary geometry column and its CRS (None: WGS 84 lon/lat)."""
    first = next(iter(sorted(path.glob("*.parquet")))) if path.is_dir() else path
    meta = pq.read_schema(first).metadata or {}
    if b"geo" not in meta:
        return None, None
    geo = json.loads(meta[b"geo"])
    column = geo.get("primary_column", "geometry")
    crs = geo.get("columns", {}).get(column, {}).get("crs")
    return column, (json.dumps(crs) if isinstance(crs, dict) else crs)


def prepare(path: Path, settings: Settings) -> tuple[object, Settings, str]:
    """The input's partitions, the settings with its coordinate or geometry columns, and its kind."""
    kind = input_kind(path)
    frame = _partitions(path, kind)
    if kind == "parquet":
        column, crs = _geo_column(path)
        if column:
            return frame, Settings(**{**settings.__dict__, "geometry_col": column, "geometry_crs": crs}), kind
        frame = frame.astype(str)  # coordinates parsed from text, as from a CSV
    lon, lat = find_coordinate_columns(list(frame.columns), lon_col=settings.lon_col, lat_col=settings.lat_col)
    return frame, Settings(**{**settings.__dict__, "lon_col": lon, "lat_col": lat}), kind


def screen_on_dask(path: Path, out_dir: Path, settings: Settings, *, scheduler: str | None = None,
                   workers: int | None = None, progress: Callable[[int, int], None] | None = None,
                   client: object | None = None) -> ScreenReport:
    """Screen `path` on a Dask cluster (`scheduler` address, else a local cluster of `workers`
    processes) into `out_dir`; the report covers every partition."""
    from dask import delayed
    from distributed import Client, LocalCluster, as_completed

    started = time.perf_counter()
    if out_dir.exists() and any(out_dir.iterdir()):
        raise OptionError(msg("{out}：输出文件夹不是空的；请指定新文件夹", "{out}: the output folder is not empty; name a "
                              "new one", out=out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    kind = input_kind(path)
    if kind == "csv" and path.is_dir():  # a file per partition: each read by the in-process engine's reader
        files = sorted(p for p in path.glob("*.csv") if not p.name.startswith((".", "_")))
        tasks = [delayed(screen_csv_file)(str(p), i, settings, str(out_dir)) for i, p in enumerate(files)]
    else:  # one CSV cut into blocks, or Parquet partitions
        frame, settings, kind = prepare(path, settings)
        tasks = [delayed(screen_partition)(part, i, settings, str(out_dir), kind)
                 for i, part in enumerate(frame.to_delayed())]
    own = None
    if client is None:
        own = (Client(scheduler) if scheduler else
               Client(LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                                   dashboard_address=None)))
    active = client or own
    try:
        futures = active.compute(tasks)  # type: ignore[union-attr]
        results: list[PartResult] = []
        for future in as_completed(futures):
            results.append(future.result())
            if progress:
                progress(len(results), len(tasks))
    finally:
        if own is not None:
            cluster = own.cluster
            own.close()
            if cluster is not None:
                cluster.close()
        for stray in out_dir.glob(".part-*.tmp"):  # a file a killed worker was writing: done again elsewhere
            stray.unlink(missing_ok=True)
    return _report(path, out_dir, settings, kind, sorted(results, key=lambda r: r.index), time.perf_counter() - started)


def _report(path: Path, out_dir: Path, settings: Settings, kind: str, results: list[PartResult],
            seconds: float) -> ScreenReport:
    waters = load_waters(scope=settings.scope, path=Path(settings.waters_path) if settings.waters_path else None,
                         shoreline_accuracy_m=settings.shoreline_accuracy_m)
    rule = rule_label(waters, settings.distance_m)
    report = ScreenReport(input_name=str(path), input_format=f"{kind}, {len(results)} partitions on Dask",
                          datum=settings.datum, rule=rule, waters=f"{waters.scope}: {waters.source['selection']}",
                          out=out_dir, seconds=seconds)
    start = 0
    for part in results:
        report.rows += part.rows
        report.counts.update(part.counts)
        for row, why in part.examples:
            if len(report.examples) < EXAMPLES:
                report.examples.append((start + row + 1, why))
        start += part.rows
    return report
