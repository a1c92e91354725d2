"""Screening a whole file of sites: one function for the command line, the page and the Python API.

`screen_file` reads any supported table or vector file in bounded chunks, screens every row and
either streams the result to a file (CSV or GeoJSON, written atomically) or returns it as a
GeoDataFrame, together with a `ScreenReport`: what was read, the verdict counts, the first bad
rows and why. It prints nothing and touches no global state (no stderr redirection), so two
users of the page can screen files at the same time; progress goes to an optional callback.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import shapely

from mapapp._errors import InputFileError
from mapapp.arrow_columns import dictionary_column, float_column, string_column
from mapapp.datum import to_wgs84
from mapapp.i18n import t, uncertainty_words
from mapapp.messages import Msg, msg, text
from mapapp.screening import (
    DEFAULT_THRESHOLD_M,
    KIND_COLUMN,
    VERDICTS,
    Region,
    ScreenResult,
    Waters,
    load_region,
    load_waters,
    provenance,
    screen_geometries,
    screen_lonlat,
    uncertain_reasons,
)
from mapapp.sinks import CsvSink, CsvText, GeoJsonSink, Geometries, Points, csv_text, output_frame
from mapapp.storage import check_output
from mapapp.tables import Chunk, PendingChunk, iter_pending, open_input

if TYPE_CHECKING:  # imported where used: a file screened to a file needs neither
    import geopandas as gpd
    import pandas as pd

ADDED_COLUMNS = ("distance_m", "max_distance_m", "overlap_ha", "overlap_share", "nearest_water", "nearest_water_id",
                 "verdict", "error", "rule")
UNCERTAINTY_COLUMN = "uncertainty_m"
OUTPUT_KINDS = {".csv": "csv", ".geojson": "geojson", ".json": "geojson"}
EXAMPLES = 5
# Rows screened at a time, and chunks screened at once (threads). On two cores, three threads keep
# both busy while one waits for the GIL (~7% faster than two); with three 50,000-row chunks in
# flight, 1 M points peak at ~300 MB (CSV out) and ~360 MB (GeoJSON out) (bench/screening.py).
CHUNK_ROWS = 50_000
_SCREENING_THREADS = 3

Progress = Callable[[int, int | None], None]  # (rows done, rows expected or None)


@dataclass
class ScreenReport:
    """What a screening run read and found; `lines(lang)` says it in words."""

    input_name: str
    input_format: Msg | str
    datum: str
    rule: str
    waters: str
    rule_zh: str = ""
    rule_en: str = ""  # the rule as the page says it in English (`rule` is the CLI's, with the selection)
    rows: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[int, Msg | str]] = field(default_factory=list)  # (1-based data row, why)
    warnings: list[Msg | str] = field(default_factory=list)
    seconds: float = 0.0
    out: Path | None = None

    @property
    def screened(self) -> int:
        return self.rows - self.counts["invalid"]

    def readable_lines(self, lang: str) -> list[str]:
        """The summary as the page says it, in `lang` (the CLI's English lines are `lines("en")`)."""
        c = self.counts
        how = t("summary_how", lang, format=text(self.input_format, lang), datum=t(f"datum_{self.datum}", lang))
        lines = [t("summary_read", lang, name=self.input_name, rows=self.rows, how=how),
                 t("summary_rule", lang, rule=(self.rule_zh if lang == "zh" else self.rule_en) or self.rule),
                 t("summary_counts", lang, screened=self.screened, within=c["within"], outside=c["outside"],
                   uncertain=c["uncertain"], invalid=c["invalid"])]
        lines += [t("summary_row", lang, row=row, why=text(why, lang)) for row, why in self.examples]
        if c["invalid"] > len(self.examples):
            lines.append(t("summary_more", lang, n=c["invalid"] - len(self.examples)))
        return lines + [t("summary_note", lang, note=text(w, lang)) for w in self.warnings]

    def lines(self, lang: str = "en") -> list[str]:
        c = self.counts
        if lang == "zh":
            return self.readable_lines("zh")
        lines = [f"mapapp screen: read {self.rows:,} rows from {self.input_name} ({self.input_format}; datum {self.datum})",
                 f"  rule: {self.rule} ({self.waters})",
                 (f"  screened {self.screened:,}: within {c['within']:,}, outside {c['outside']:,}, "
                  f"uncertain {c['uncertain']:,}; invalid {c['invalid']:,}")]
        if self.examples:
            lines.append("  invalid rows (1-based data rows, header not counted):")
            lines += [f"    row {row}: {why}" for row, why in self.examples]
            if c["invalid"] > len(self.examples):
                lines.append(f"    ... and {c['invalid'] - len(self.examples):,} more (see the error column)")
        lines += [f"  warning: {w}" for w in self.warnings]
        if self.out is not None:
            rate = self.rows / self.seconds if self.seconds > 0 else float("inf")
            lines.append(f"  wrote {self.out} in {self.seconds:.1f} s ({rate:,.0f} rows/s)")
        return lines


def output_kind(path: Path) -> str:
    kind = OUTPUT_KINDS.get(Path(path).suffix.lower())
    if kind is None:
        suffix = Path(path).suffix.lower() or "no extension"
        raise InputFileError(msg("输出文件须以 .csv 或 .geojson 结尾（现为 {s!r}）",
                                 "{path}: output must end in .csv or .geojson, got {s!r}", path=path, s=suffix))
    return kind


def screen_file(
    path: Path, *, out: Path | None = None, scope: str = "jiangxi", distance_m: float = DEFAULT_THRESHOLD_M,
    datum: str = "wgs84", waters_path: Path | None = None, shoreline_accuracy_m: float | None = None,
    lon_col: str | None = None, lat_col: str | None = None,
    max_rows: int | None = None, chunk_rows: int = CHUNK_ROWS, progress: Progress | None = None,
    input_name: str | None = None, waters: Waters | None = None,
) -> tuple[gpd.GeoDataFrame | None, ScreenReport]:
    """Screen every row of `path`; write to `out` (CSV/GeoJSON) or, with no `out`, return the rows.

    `waters`, when given, is the already built waters of `scope` (a Dask worker builds it once for
    all its partitions); otherwise they are loaded here.

    Raises InputFileError (a bilingual message) when nothing can be read, when the file has more
    than `max_rows` rows, or when `out` cannot be written; bad rows never raise: each is kept
    with verdict `invalid` and its reason in `error`.
    """
    started = time.perf_counter()
    kind = output_kind(out) if out is not None else None
    if out is not None:
        check_output(out, path, waters_path)
    source = open_input(path, lon_col=lon_col, lat_col=lat_col)
    _check_rows(source.rows, max_rows)
    chunks = iter_pending(source, chunk_rows=max(1, chunk_rows))
    first = next(chunks, None)  # read before the output is opened: no rows, no output
    if first is None:
        raise InputFileError(msg("文件没有数据行（只有表头？）", "{path}: no data rows (only a header?)",
                                 path=input_name or Path(path).name))
    waters = waters or load_waters(scope=scope, path=waters_path, shoreline_accuracy_m=shoreline_accuracy_m)
    described = source.describe()
    meta = provenance(waters, distance_m) | {"input": input_name or str(path), "input_format": described, "datum": datum}
    scope_zh = t(f"scope_{scope}", "zh") if waters_path is None else f"自定义水域文件 {Path(waters_path).name}"
    scope_en = t(f"scope_{scope}", "en") if waters_path is None else f"the waters file {Path(waters_path).name}"
    report = ScreenReport(input_name=input_name or str(path), input_format=described, datum=datum,
                          rule=meta["rule"], waters=f"{waters.scope}: {waters.source['selection']}; "
                                                    f"{waters.source['label']}",
                          rule_zh=f"距{scope_zh} {distance_m:,.0f} 米以内（水域数据校验值 {waters.checksum[:12]}）",
                          rule_en=f"within {distance_m:,.0f} m of {scope_en} (waters checksum {waters.checksum[:12]})",
                          warnings=source.warnings, out=out)  # the same list: reading adds to it
    run = ScreenRun(waters=waters, region=load_region(), threshold=distance_m, datum=datum, rule=meta["rule"])
    screened = _screened(_chain(first, chunks), run, report, max_rows=max_rows, progress=progress,
                         expected=source.rows or source.rows_estimate, want_geometry=kind != "csv", csv=kind == "csv")
    if out is None:
        import geopandas as gpd
        import pandas as pd

        frames = []
        for done in screened:
            result = done.result
            part = output_frame(done.table, done.geoms)
            # The messages themselves, with their Chinese form (Arrow keeps only text; pandas would make
            # them plain strings, and None NaN, without the explicit object dtype).
            part["error"] = pd.Series(result.error, index=part.index, dtype=object)
            frames.append(part)
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=4326)
        frame.attrs["screening"] = meta
        report.seconds = time.perf_counter() - started
        return frame, report
    sink = CsvSink(out) if kind == "csv" else GeoJsonSink(out, metadata=meta)
    # One chunk is written while the next is screened (Arrow's writer releases the GIL); at most one
    # waits, so memory stays that of two chunks.
    with sink, ThreadPoolExecutor(1, thread_name_prefix="mapapp-writer") as writer:
        pending: Future | None = None
        for done in screened:
            if pending is not None:
                pending.result()
            pending = writer.submit(sink.write, done.table, done.text if kind == "csv" else done.geoms)
        if pending is not None:
            pending.result()
    report.seconds = time.perf_counter() - started
    return None, report


@dataclass(frozen=True)
class _Screened:
    """One chunk screened: the result, its table of output columns, and its share of the report."""

    chunk: Chunk
    result: ScreenResult
    geoms: Geometries | None  # WGS 84 geometry of each row (None where unknown), if wanted
    table: pa.Table
    text: CsvText | None  # the table as CSV, when the output is CSV
    per_code: np.ndarray  # rows per verdict code
    bad: np.ndarray  # the first EXAMPLES rows (0-based in the chunk) with an error


def _screened(chunks: Iterator[PendingChunk], run: ScreenRun, report: ScreenReport, *, max_rows: int | None,
              progress: Progress | None, expected: int | None, want_geometry: bool, csv: bool) -> Iterator[_Screened]:
    """Each chunk screened, with the report kept up to date and the row limit enforced as rows arrive.

    The reading thread only reads: each chunk's coordinates are parsed, screened and its output
    columns made (as CSV text too, for CSV output) in one of _SCREENING_THREADS threads (numpy,
    GEOS, Arrow and the shoreline walk release the GIL); they come out in input order."""
    def counted() -> Iterator[PendingChunk]:
        for pending in chunks:
            report.rows += pending.rows
            _check_rows(report.rows, max_rows)
            yield pending

    def screen(pending: PendingChunk) -> _Screened:
        chunk = pending.make()
        result, geoms = run.screen(chunk, want_geometry=want_geometry)
        table = run.table(chunk, result, with_wkt=csv and chunk.geometry is not None)
        text = csv_text(table, header=chunk.start == 0) if csv else None
        bad = np.flatnonzero(~np.equal(result.error, None))[:EXAMPLES]
        return _Screened(chunk, result, geoms, table, text, np.bincount(result.code, minlength=len(VERDICTS)), bad)

    done = 0
    for screened in _in_order(screen, counted(), ahead=_SCREENING_THREADS):
        yield screened
        _tally(screened, report)
        done += len(screened.chunk)
        if progress:
            progress(done, expected)


def _in_order(work: Callable[[Any], Any], items: Iterator[Any], *, ahead: int) -> Iterator[Any]:
    """work(item) for each item, `ahead` at a time in threads, yielded in the items' order."""
    with ThreadPoolExecutor(ahead, thread_name_prefix="mapapp-screen") as pool:
        pending: deque[Future] = deque()
        try:
            for item in items:
                pending.append(pool.submit(work, item))
                if len(pending) >= ahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:  # an error or an abandoned run: start nothing more
                future.cancel()


def _check_rows(rows: int | None, max_rows: int | None) -> None:
    if max_rows is not None and rows is not None and rows > max_rows:
        raise InputFileError(msg("文件超过 {n:,} 行，页面中无法核查；请分成小文件，或在服务器上用命令行 mapapp screen 处理",
                                 "the file has more than {n:,} rows; split it or use `mapapp screen`", n=max_rows))


@dataclass
class ScreenRun:
    """The fixed settings of one run, applied chunk by chunk."""

    waters: Waters
    region: Region
    threshold: float
    datum: str
    rule: str

    def screen(self, chunk: Chunk, *, want_geometry: bool) -> tuple[ScreenResult, Geometries | None]:
        """Screen one chunk; also the WGS 84 geometry of each row (None where unknown) if wanted."""
        u_col = _find_column(chunk.table.column_names, UNCERTAINTY_COLUMN)
        u = chunk.table.column(u_col).to_pandas() if u_col else None
        if chunk.geometry is None:
            assert chunk.lon is not None and chunk.lat is not None
            lon, lat = (chunk.lon, chunk.lat) if self.datum == "wgs84" else to_wgs84(chunk.lon, chunk.lat, self.datum)
            result = screen_lonlat(lon, lat, waters=self.waters, threshold_m=self.threshold, uncertainty_m=u,
                                   region=self.region, errors=chunk.errors)
            # Coordinates, not shapely points: making a million of those costs more than screening them.
            return result, Points(lon, lat) if want_geometry else None
        geoms = chunk.geometry
        if self.datum != "wgs84":
            geoms = shapely.transform(geoms, lambda x, y: to_wgs84(x, y, self.datum), interleaved=False)
        kind_col = _find_column(chunk.table.column_names, KIND_COLUMN)
        kinds = chunk.table.column(kind_col).to_numpy(zero_copy_only=False) if kind_col else None
        result = screen_geometries(geoms, waters=self.waters, threshold_m=self.threshold, uncertainty_m=u,
                                   region=self.region, errors=chunk.errors, kinds=kinds)
        return result, geoms

    def table(self, chunk: Chunk, result: ScreenResult, *, with_wkt: bool) -> pa.Table:
        return output_table(chunk, result, self.waters, self.rule, with_wkt=with_wkt)


def _find_column(columns: list[str], name: str) -> str | None:
    return next((c for c in columns if c.strip().lower() == name), None)


def _original_columns(table: pa.Table, reserved: set[str]) -> pa.Table:
    """The input's columns, with any that clash with ours renamed input_<name> (none dropped)."""
    names = []
    for name in table.column_names:
        new = name
        while new in reserved:
            new = f"input_{new}"
        names.append(new)
    return table.rename_columns(names)


def output_table(chunk: Chunk, result: ScreenResult, waters: Waters, rule: str, *, with_wkt: bool) -> pa.Table:
    """The chunk's own columns, then distance, nearest water, verdict, error and rule."""
    reserved = set(ADDED_COLUMNS) | ({"geometry"} if with_wkt else set())
    table = _original_columns(chunk.table, reserved)
    if with_wkt:  # the input geometry, as given (its own datum), for CSV output of a vector file
        assert chunk.geometry is not None
        table = table.append_column("geometry", pa.array(shapely.to_wkt(chunk.geometry, rounding_precision=-1),
                                                         type=pa.string()))
    n = len(result.distance_m)
    columns: dict[str, Any] = {
        "distance_m": float_column(np.round(result.distance_m, 1)),
        "max_distance_m": float_column(np.round(result.areas.max_distance_m, 1)),
        "overlap_ha": float_column(np.round(result.areas.overlap_ha, 4)),
        "overlap_share": float_column(np.round(result.areas.overlap_share, 5)),
        "nearest_water": dictionary_column(waters.names, result.water),
        "nearest_water_id": dictionary_column(waters.ids, result.water),
        "verdict": dictionary_column(VERDICTS, result.code),
        "error": string_column(result.error),
        "rule": dictionary_column([rule], np.zeros(n, dtype=np.intp)),
    }
    for name, column in columns.items():
        table = table.append_column(name, column)
    return table


def _chain(first: PendingChunk, rest: Iterator[PendingChunk]) -> Iterator[PendingChunk]:
    yield first
    yield from rest


def _tally(screened: _Screened, report: ScreenReport) -> None:
    report.counts.update(dict(zip(VERDICTS, screened.per_code.tolist())))
    for i in screened.bad[: max(0, EXAMPLES - len(report.examples))]:
        report.examples.append((screened.chunk.start + int(i) + 1, screened.result.error[i]))


def readable(frame: gpd.GeoDataFrame, lang: str, *, water_names: dict[str, str] | None = None) -> pd.DataFrame:
    """The result as people read it: the file's own columns, then distance, water, verdict and why,
    headed and worded in `lang` (the machine columns stay in the CLI's files)."""
    import pandas as pd

    names = water_names or {}
    own = [c for c in frame.columns if c not in (*ADDED_COLUMNS, frame.geometry.name)]
    table = pd.DataFrame({c: frame[c] for c in own})
    table[t("distance", lang)] = pd.to_numeric(frame["distance_m"], errors="coerce").round(0)
    if pd.to_numeric(frame["max_distance_m"], errors="coerce").notna().any():  # some rows are areas
        table[t("max_distance", lang)] = pd.to_numeric(frame["max_distance_m"], errors="coerce").round(0)
        table[t("overlap_ha", lang)] = pd.to_numeric(frame["overlap_ha"], errors="coerce").round(2)
        table[t("overlap_share", lang)] = (pd.to_numeric(frame["overlap_share"], errors="coerce") * 100).round(1)
    table[t("nearest_water", lang)] = frame["nearest_water"].map(lambda w: names.get(w, w) if isinstance(w, str) else "")
    table[t("verdict", lang)] = frame["verdict"].map(lambda v: t(f"verdict_short_{v}", lang))
    table[t("reason", lang)] = _reasons(frame, lang)
    return table


def _reasons(frame: gpd.GeoDataFrame, lang: str) -> list[str]:
    """Why each row was not screened, or why its verdict is uncertain (the site's own uncertainty,
    the shoreline's accuracy, or a unit only partly within), as the single-point check says it."""
    import pandas as pd

    meta = frame.attrs.get("screening", {})
    threshold = float(meta.get("threshold_m", DEFAULT_THRESHOLD_M))
    accuracy = meta.get("shoreline_accuracy_m", {})
    u_col = _find_column(list(frame.columns), UNCERTAINTY_COLUMN)
    own = pd.to_numeric(frame[u_col], errors="coerce").fillna(0.0) if u_col else pd.Series(0.0, index=frame.index)
    kind_col = _find_column(list(frame.columns), KIND_COLUMN)
    ranges = frame[kind_col].astype(str).str.strip().str.lower() == "range" if kind_col else pd.Series(False, index=frame.index)
    farthest = pd.to_numeric(frame["max_distance_m"], errors="coerce")
    out = []
    for error, verdict, d, water, u, unit, far in zip(frame["error"], frame["verdict"], frame["distance_m"],
                                                     frame["nearest_water"], own, ranges, farthest):
        if error is not None and error == error:  # a message (NaN: none)
            out.append(text(error, lang))
        elif verdict == "uncertain" and d == d:
            shore = float(accuracy.get(water, 0.0))
            reasons = uncertain_reasons(float(d), threshold, max(float(u), 0.0), shore,
                                        unit_farthest_m=float(far) if unit else None)
            out.append(uncertainty_words(reasons, lang, shoreline_m=shore))
        else:
            out.append("")
    return out
