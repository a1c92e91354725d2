"""Reading site tables (CSV, Excel) and vector files in bounded chunks, and writing screened results."""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, Self

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyogrio
import shapely
from numpy.typing import NDArray
from pyproj import CRS, Transformer

from mapapp._errors import InputFileError
from mapapp.geo import JIANGXI_BBOX, WGS84
from mapapp.storage import atomic_write, geojson_dict

__all__ = [
    "LAT_NAMES",
    "LON_NAMES",
    "Chunk",
    "CsvSink",
    "GeoJsonSink",
    "InputSource",
    "detect_encoding",
    "find_coordinate_columns",
    "iter_chunks",
    "open_input",
    "parse_coordinates",
]

_F = NDArray[np.float64]
_O = NDArray[np.object_]

# Column names recognised as coordinates, compared case-insensitively after normalising (see
# _normalise_name); earlier names win when a table has several.
LON_NAMES = ("longitude", "lon", "lng", "long", "经度", "东经", "x")
LAT_NAMES = ("latitude", "lat", "纬度", "北纬", "y")

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".shp", ".fgb")

# Jiangxi's box with a margin, for telling a swapped lon/lat pair from a merely distant point.
_SWAP_MARGIN = 1.0
_SAMPLE_BYTES = 1 << 16


@dataclass
class InputSource:
    """What an input file is and how to read it."""

    path: Path
    kind: str  # "csv", "excel" or "vector"
    columns: list[str]
    lon_col: str | None = None
    lat_col: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    rows: int | None = None  # when known before reading (vector, Excel)
    rows_estimate: int | None = None  # CSV: from the file size and the first lines, for progress only
    crs: str | None = None

    def describe(self) -> str:
        parts = [self.kind.upper() if self.kind == "csv" else self.kind]
        if self.encoding:
            parts.append(self.encoding)
        if self.delimiter and self.delimiter != ",":
            parts.append(f"delimiter {self.delimiter!r}")
        if self.lon_col:
            parts.append(f"coordinates from columns {self.lon_col!r}/{self.lat_col!r}")
        if self.crs:
            parts.append(f"CRS {self.crs}")
        return ", ".join(parts)


@dataclass
class Chunk:
    """A run of input rows: the original columns as read, plus what the screening needs."""

    table: pa.Table  # original columns, unchanged
    start: int  # 0-based index of the first row in the file's data rows
    lon: _F | None = None  # table inputs: parsed coordinates (NaN where unusable)
    lat: _F | None = None
    geometry: _O | None = None  # vector inputs: shapely geometries, lon/lat degrees
    errors: _O | None = None  # per-row message, None where the row is usable

    def __len__(self) -> int:
        return self.table.num_rows


# --- opening ------------------------------------------------------------------------------------


def open_input(
    path: Path, *, lon_col: str | None = None, lat_col: str | None = None, coordinates: bool = True
) -> InputSource:
    """Inspect `path` and decide how to read it; raise InputFileError if nothing can be read.

    With `coordinates=False` a table needs no lon/lat columns (edits keyed by id).
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: file not found")
    if path.is_dir():
        raise InputFileError(f"{path}: is a directory, not a file")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: file is empty")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        source = _open_excel(path)
    elif suffix in VECTOR_SUFFIXES:
        source = _open_vector(path)
    elif suffix in CSV_SUFFIXES or suffix == "":
        source = _open_csv(path)
    elif suffix == ".xls":
        raise InputFileError(f"{path}: old .xls workbooks are not supported; save it as .xlsx or CSV")
    else:
        raise InputFileError(
            f"{path}: unknown file type {suffix!r}; expected CSV ({', '.join(CSV_SUFFIXES)}), Excel (.xlsx), "
            f"or a vector file ({', '.join(VECTOR_SUFFIXES)})"
        )
    if coordinates and (source.kind != "vector" or lon_col or lat_col):
        source.lon_col, source.lat_col = find_coordinate_columns(source.columns, lon_col=lon_col, lat_col=lat_col,
                                                                 origin=str(path))
    return source


def _normalise_name(name: str) -> str:
    """'Longitude (deg)' -> 'longitude', '经度（E）' -> '经度': bracketed notes and punctuation dropped."""
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    text = re.sub(r"[(\[{（【].*?[)\]}）】]", "", text)
    return re.sub(r"[\s_\-.:°/]+", "", text)


def find_coordinate_columns(
    columns: Sequence[str], *, lon_col: str | None = None, lat_col: str | None = None, origin: str = "input"
) -> tuple[str, str]:
    """The longitude and latitude column names, by explicit choice or by common names."""
    found = []
    for given, names, what, flag in ((lon_col, LON_NAMES, "longitude", "--lon-col"),
                                     (lat_col, LAT_NAMES, "latitude", "--lat-col")):
        if given is not None:
            if given not in columns:
                raise InputFileError(f"{origin}: no column {given!r} (given by {flag}); columns are {list(columns)}")
            found.append(given)
            continue
        normalised = {}
        for col in columns:
            normalised.setdefault(_normalise_name(col), col)
        match = next((normalised[n] for n in names if n in normalised), None)
        if match is None:
            raise InputFileError(
                f"{origin}: no {what} column found; looked for {'/'.join(names)} (any case); "
                f"columns are {list(columns)}; name it with {flag}"
            )
        found.append(match)
    if found[0] == found[1]:
        raise InputFileError(f"{origin}: the same column {found[0]!r} was chosen for longitude and latitude")
    return found[0], found[1]


def detect_encoding(path: Path) -> str:
    """'utf-8' (with or without BOM), 'utf-16' (with BOM) or 'gb18030' (GBK's superset).

    The whole file is checked as UTF-8 incrementally (fast, bounded memory), because a GBK file
    can look like UTF-8 for its first megabytes when its early rows are plain ASCII.
    """
    with open(path, "rb") as fh:
        head = fh.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset = 0
        try:
            for block in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(block)
                offset += len(block)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("gb18030")()
        try:
            for block in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
            return "gb18030"
        except UnicodeDecodeError as exc:
            raise InputFileError(f"{path}: text is neither UTF-8 nor GBK/GB18030 ({exc.reason})") from None


def _first_record(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, newline="") as fh:
        text = fh.read(_SAMPLE_BYTES)
    return text.lstrip("\ufeff")


def _sniff_delimiter(sample: str) -> str:
    header = sample.splitlines()[0] if sample else ""
    counts = {d: header.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _open_csv(path: Path) -> InputSource:
    encoding = detect_encoding(path)
    sample = _first_record(path, encoding)
    if not sample.strip():
        raise InputFileError(f"{path}: file has no text")
    delimiter = _sniff_delimiter(sample)
    header = next(csv.reader(io.StringIO(sample), delimiter=delimiter), [])
    columns = list(header)  # as Arrow will see them: not stripped
    if not any(c.strip() for c in columns):
        raise InputFileError(f"{path}: the first line (the header) is blank")
    lines = sample.count("\n")
    estimate = int(path.stat().st_size / (len(sample.encode(encoding, "replace")) / lines)) - 1 if lines > 1 else None
    return InputSource(path, "csv", columns, encoding=encoding, delimiter=delimiter, rows_estimate=estimate)


def _open_excel(path: Path) -> InputSource:
    header, rows = _excel_header(path)
    return InputSource(path, "excel", header, rows=rows)


def _excel_header(path: Path) -> tuple[list[str], int | None]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for damaged workbooks
        raise InputFileError(f"{path}: cannot be read as an Excel workbook ({exc})") from exc
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            if any(v is not None and str(v).strip() for v in row):
                names = [_cell_text(v).strip() or f"column_{i + 1}" for i, v in enumerate(row)]
                return names, (sheet.max_row - 1 if sheet.max_row else None)
        raise InputFileError(f"{path}: the first sheet is empty")
    finally:
        book.close()


def _open_vector(path: Path) -> InputSource:
    try:
        info = pyogrio.read_info(path)
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise InputFileError(f"{path}: cannot be read as a vector file ({exc})") from exc
    columns = [str(c) for c in info["fields"]]
    rows = int(info["features"]) if info.get("features", -1) >= 0 else None
    if rows == 0:
        raise InputFileError(f"{path}: the file has no features")
    return InputSource(path, "vector", columns, rows=rows, crs=info.get("crs"))


# --- reading ------------------------------------------------------------------------------------


def iter_chunks(source: InputSource, *, chunk_rows: int = 100_000) -> Iterator[Chunk]:
    """The input's rows in order, `chunk_rows` at a time (memory stays bounded)."""
    if source.kind == "csv":
        tables = _csv_tables(source, chunk_rows)
    elif source.kind == "excel":
        tables = _excel_tables(source, chunk_rows)
    else:
        yield from _vector_chunks(source, chunk_rows)
        return
    start = 0
    for table in tables:
        yield _table_chunk(table, start, source)
        start += table.num_rows


def read_table(path: Path) -> pd.DataFrame:
    """A whole CSV (UTF-8 or GBK) or Excel table as text cells ("" where blank), header names stripped."""
    source = open_input(path, coordinates=False)
    if source.kind == "vector":
        raise InputFileError(f"{path}: expected a table (CSV or Excel), not a vector file")
    tables = list(_csv_tables(source, 100_000) if source.kind == "csv" else _excel_tables(source, 100_000))
    frame = pa.concat_tables(tables).to_pandas() if tables else pd.DataFrame(columns=source.columns)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.astype(object).where(frame.notna(), "")


def _table_chunk(table: pa.Table, start: int, source: InputSource) -> Chunk:
    assert source.lon_col is not None and source.lat_col is not None
    lon, lat, errors = parse_coordinates(table.column(source.lon_col), table.column(source.lat_col),
                                         lon_name=source.lon_col, lat_name=source.lat_col)
    return Chunk(table, start, lon=lon, lat=lat, errors=errors)


def _csv_tables(source: InputSource, chunk_rows: int) -> Iterator[pa.Table]:
    # Every column is read as text, so values are written back exactly as they came (codes with
    # leading zeros, dates, ...); only the coordinate columns are parsed, separately.
    # Duplicate or blank header names are allowed by Arrow and kept as they are. Arrow reads a
    # fixed number of blocks ahead, so 1 MB blocks bound the read-ahead to a few tens of MB
    # (8 MB blocks held 130 MB) whatever the file's size.
    read = pacsv.ReadOptions(encoding=source.encoding or "utf-8", block_size=1 << 20, use_threads=True)
    parse = pacsv.ParseOptions(delimiter=source.delimiter or ",", newlines_in_values=True)
    convert = pacsv.ConvertOptions(column_types={c: pa.string() for c in source.columns},
                                   strings_can_be_null=False, quoted_strings_can_be_null=False)
    done = 0
    try:
        reader = pacsv.open_csv(source.path, read_options=read, parse_options=parse, convert_options=convert)
        for table in _rebatch(reader, chunk_rows):
            yield table
            done += table.num_rows
    except pa.ArrowInvalid as exc:
        message = str(exc)
        if "columns" in message and "Expected" in message:
            # A row with more or fewer fields than the header: go on with a forgiving reader,
            # from the first row not yet handed out.
            yield from _csv_tables_python(source, chunk_rows, skip=done)
            return
        raise InputFileError(f"{source.path}: cannot be parsed as CSV ({message})") from None


def _rebatch(reader: Any, chunk_rows: int) -> Iterator[pa.Table]:
    pending: list[pa.RecordBatch] = []
    size = 0
    for batch in reader:
        while batch.num_rows:
            take = min(batch.num_rows, chunk_rows - size)
            pending.append(batch.slice(0, take))
            size += take
            batch = batch.slice(take)
            if size == chunk_rows:
                yield pa.Table.from_batches(pending)
                pending, size = [], 0
    if size:
        yield pa.Table.from_batches(pending)


def _csv_tables_python(source: InputSource, chunk_rows: int, *, skip: int = 0) -> Iterator[pa.Table]:
    """The slow path for ragged rows: short rows padded with blanks, extra fields kept joined in the
    last column (so nothing is lost)."""
    names = _unique_names(source.columns)
    width = len(names)
    with open(source.path, encoding=source.encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=source.delimiter or ",")
        next(reader, None)
        rows: list[list[str]] = []
        for row in reader:
            if not row:
                continue
            if skip:
                skip -= 1
                continue
            if len(row) > width:
                # Keep the extra fields visible rather than silently dropping them.
                row = row[: width - 1] + [source.delimiter.join(row[width - 1 :])]  # type: ignore[union-attr]
            rows.append(row + [""] * (width - len(row)))
            if len(rows) == chunk_rows:
                yield _strings_table(names, rows)
                rows = []
        if rows:
            yield _strings_table(names, rows)


def _unique_names(columns: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for col in columns:
        n = seen.get(col, 0)
        out.append(col if n == 0 else f"{col}.{n}")
        seen[col] = n + 1
    return out


def _strings_table(names: list[str], rows: list[list[str]]) -> pa.Table:
    cols = list(zip(*rows)) if rows else [[] for _ in names]
    return pa.table({name: pa.array(list(col), type=pa.string()) for name, col in zip(names, cols)})


def _cell_text(value: Any) -> str:
    """An Excel cell as the text a user sees (numbers without a spurious '.0')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def _excel_tables(source: InputSource, chunk_rows: int) -> Iterator[pa.Table]:
    import openpyxl

    names = _unique_names(source.columns)
    book = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    try:
        rows_iter = book.worksheets[0].iter_rows(values_only=True)
        for row in rows_iter:  # skip to the header row
            if any(v is not None and str(v).strip() for v in row):
                break
        rows: list[list[str]] = []
        blank_run: list[list[str]] = []  # trailing blank rows are formatting, not data
        for row in rows_iter:
            cells = [_cell_text(v) for v in row[: len(names)]]
            cells += [""] * (len(names) - len(cells))
            if not any(c.strip() for c in cells):
                blank_run.append(cells)
                continue
            rows.extend(blank_run)
            blank_run = []
            rows.append(cells)
            if len(rows) >= chunk_rows:
                yield _strings_table(names, rows[:chunk_rows])
                rows = rows[chunk_rows:]
        if rows:
            yield _strings_table(names, rows)
    finally:
        book.close()


def _vector_chunks(source: InputSource, chunk_rows: int) -> Iterator[Chunk]:
    try:
        with pyogrio.open_arrow(source.path, batch_size=chunk_rows, use_pyarrow=True) as (meta, reader):
            geom_name = meta.get("geometry_name") or "wkb_geometry"
            crs = meta.get("crs")
            to_wgs = None
            if crs and not CRS.from_user_input(crs).equals(WGS84):
                to_wgs = Transformer.from_crs(CRS.from_user_input(crs), WGS84, always_xy=True)
            start = 0
            for table in _rebatch(reader, chunk_rows):
                geoms = shapely.from_wkb(table.column(geom_name).to_numpy(zero_copy_only=False)) \
                    if geom_name in table.column_names else np.full(table.num_rows, None, dtype=object)
                if to_wgs is not None:
                    geoms = shapely.transform(geoms, lambda x, y: to_wgs.transform(x, y), interleaved=False)
                attrs = table.drop_columns([geom_name]) if geom_name in table.column_names else table
                yield _vector_chunk(attrs, geoms, start, source)
                start += table.num_rows
    except InputFileError:
        raise
    except Exception as exc:  # pyogrio/GDAL errors while reading
        raise InputFileError(f"{source.path}: cannot be read as a vector file ({exc})") from exc


def _vector_chunk(attrs: pa.Table, geoms: _O, start: int, source: InputSource) -> Chunk:
    if source.lon_col and source.lat_col:  # coordinate columns given: use them, as for a table
        text = {c: pc.cast(attrs.column(c), pa.string()) for c in (source.lon_col, source.lat_col)}
        lon, lat, errors = parse_coordinates(text[source.lon_col], text[source.lat_col],
                                             lon_name=source.lon_col, lat_name=source.lat_col)
        return Chunk(attrs, start, lon=lon, lat=lat, errors=errors)
    errors = np.full(len(geoms), None, dtype=object)
    is_point = shapely.get_type_id(geoms) == 0
    x = np.where(is_point, shapely.get_x(geoms), np.nan)
    y = np.where(is_point, shapely.get_y(geoms), np.nan)
    for i in np.nonzero(_looks_swapped(x, y))[0]:
        errors[i] = (f"lat/lon appear swapped (x={x[i]:g} looks like a latitude, y={y[i]:g} like a longitude); "
                     "not corrected: fix the file")
    return Chunk(attrs, start, geometry=geoms, errors=errors)


# --- coordinates --------------------------------------------------------------------------------


def _looks_swapped(lon: _F, lat: _F) -> NDArray[np.bool_]:
    west, south, east, north = JIANGXI_BBOX
    m = _SWAP_MARGIN
    with np.errstate(invalid="ignore"):
        return (lon >= south - m) & (lon <= north + m) & (lat >= west - m) & (lat <= east + m)


_DMS = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[°度:]\s*(?:(\d+(?:\.\d+)?)\s*['′分:]?\s*)?(?:(\d+(?:\.\d+)?)\s*"
                  r"(?:\"|″|''|秒)?)?\s*$")
_HEMISPHERE = re.compile(r"^(?:东经|北纬|西经|南纬|[ENWS])\s*|\s*(?:[ENWS])$", re.IGNORECASE)


def _parse_text(value: str) -> float | None:
    """One coordinate written by hand: '115.9', ' 115.9° ', 'E115.9', '东经115°54′', '115°54\\'36"'."""
    text = unicodedata.normalize("NFKC", value).strip()
    negative = text[:2] in ("西经", "南纬") or text[:1].upper() in ("W", "S") or text[-1:].upper() in ("W", "S")
    text = _HEMISPHERE.sub("", text).strip()
    try:
        number = float(text.rstrip("°度"))
    except ValueError:
        match = _DMS.match(text)
        if not match:
            return None
        deg, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
        if minutes >= 60 or seconds >= 60:
            return None
        number = math.copysign(abs(deg) + minutes / 60 + seconds / 3600, deg if deg else 1.0)
    if not math.isfinite(number):
        return None
    return -abs(number) if negative else number


def _to_float(column: pa.ChunkedArray | pa.Array) -> tuple[_F, _O]:
    """Parse a text column to floats; second array holds the raw text where parsing failed."""
    text = pc.utf8_trim_whitespace(column)
    try:
        values = np.asarray(pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        if np.isfinite(values).all():
            return values, np.full(len(values), None, dtype=object)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass  # some value is not a plain number: take the careful path below
    raw = np.asarray(text.to_pylist(), dtype=object)
    out = np.full(len(raw), np.nan)
    failed = np.full(len(raw), None, dtype=object)
    for i, value in enumerate(raw):
        if value is None or value == "":
            continue
        try:
            out[i] = float(value)
            if not math.isfinite(out[i]):
                raise ValueError
        except ValueError:
            parsed = _parse_text(value)
            if parsed is None:
                failed[i] = value
                out[i] = np.nan
            else:
                out[i] = parsed
    return out, failed


def parse_coordinates(
    lon_text: pa.ChunkedArray | pa.Array, lat_text: pa.ChunkedArray | pa.Array, *, lon_name: str = "lon",
    lat_name: str = "lat",
) -> tuple[_F, _F, _O]:
    """Numbers from two text columns, with a message per unusable row (None where usable).

    Blank, non-numeric and swapped pairs are reported, never guessed at: a row whose longitude
    looks like a Jiangxi latitude and whose latitude like a Jiangxi longitude is "swapped".
    """
    lon, lon_bad = _to_float(lon_text)
    lat, lat_bad = _to_float(lat_text)
    errors = np.full(len(lon), None, dtype=object)
    lon_blank = np.isnan(lon) & np.equal(lon_bad, None)
    lat_blank = np.isnan(lat) & np.equal(lat_bad, None)
    for i in np.nonzero(np.isnan(lon) | np.isnan(lat))[0]:
        problems = []
        if lon_blank[i] and lat_blank[i]:
            problems.append(f"missing coordinates ({lon_name!r} and {lat_name!r} are blank)")
        else:
            if lon_blank[i]:
                problems.append(f"missing longitude ({lon_name!r} is blank)")
            elif lon_bad[i] is not None:
                problems.append(f"longitude {lon_bad[i]!r} in {lon_name!r} is not a number")
            if lat_blank[i]:
                problems.append(f"missing latitude ({lat_name!r} is blank)")
            elif lat_bad[i] is not None:
                problems.append(f"latitude {lat_bad[i]!r} in {lat_name!r} is not a number")
        errors[i] = "; ".join(problems)
    swapped = _looks_swapped(lon, lat)
    for i in np.nonzero(swapped)[0]:
        errors[i] = (f"lat/lon appear swapped ({lon_name}={lon[i]:g} looks like a latitude, "
                     f"{lat_name}={lat[i]:g} like a longitude); not corrected: fix the file or use --lon-col/--lat-col")
    usable = np.equal(errors, None)
    return np.where(usable, lon, np.nan), np.where(usable, lat, np.nan), errors


# --- writing ------------------------------------------------------------------------------------


class CsvSink:
    """Writes chunks to a CSV file (UTF-8 with BOM, so Excel opens it) atomically: all or nothing."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._stack = ExitStack()
        self._fh: IO[bytes] | None = None
        self._schema: pa.Schema | None = None

    def __enter__(self) -> Self:
        self._fh = self._stack.enter_context(atomic_write(self.path, "wb"))
        self._fh.write(codecs.BOM_UTF8)
        return self

    def write(self, table: pa.Table) -> None:
        assert self._fh is not None
        first = self._schema is None
        if first:
            self._schema = table.schema
        elif table.schema != self._schema:
            table = table.cast(self._schema)
        buffer = io.BytesIO()
        options = pacsv.WriteOptions(include_header=first, quoting_style="needed")
        pacsv.write_csv(table, buffer, write_options=options)
        self._fh.write(buffer.getbuffer())

    def __exit__(self, *exc: object) -> None:
        self._stack.__exit__(*exc)


class GeoJsonSink:
    """Writes chunks as one GeoJSON FeatureCollection (WGS 84, RFC 7946) atomically."""

    def __init__(self, path: Path, *, metadata: dict[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.metadata = metadata
        self._stack = ExitStack()
        self._fh: IO[str] | None = None
        self._first = True

    def __enter__(self) -> Self:
        self._fh = self._stack.enter_context(atomic_write(self.path))
        head = {"type": "FeatureCollection"}
        if self.metadata:
            head["metadata"] = self.metadata
        self._fh.write(json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"features":[\n')
        return self

    def write(self, frame: gpd.GeoDataFrame) -> None:
        assert self._fh is not None
        for feature in geojson_dict(frame)["features"]:
            if not self._first:
                self._fh.write(",\n")
            self._fh.write(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
            self._first = False

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None and self._fh is not None:
            self._fh.write("\n]}\n")
        self._stack.__exit__(*exc)
