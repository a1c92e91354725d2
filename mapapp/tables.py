"""Reading site tables (CSV, Excel) and vector files in bounded chunks (sinks.py writes the results;
coordinates.py finds and parses the coordinate columns)."""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import shapely
from numpy.typing import NDArray

from mapapp import geo
from mapapp._errors import InputFileError
from mapapp.coordinates import find_coordinate_columns, looks_swapped, parse_coordinates, swapped_message
from mapapp.messages import Msg, join, msg
from mapapp.screening import invalid_geometry
from mapapp.storage import gdal_reason

if TYPE_CHECKING:  # pandas and GDAL (pyogrio) are imported where used: a CSV needs neither
    import pandas as pd

__all__ = [
    "UNCOMPUTED_FORMULAS",
    "Chunk",
    "InputSource",
    "PendingChunk",
    "Sheet",
    "detect_encoding",
    "iter_chunks",
    "iter_pending",
    "open_input",
]

_F = NDArray[np.float64]
_O = NDArray[np.object_]

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".shp", ".fgb", ".kml", ".kmz", ".dxf")
GEOJSON_SUFFIXES = (".geojson", ".json")

# read_table's frame.attrs key: [(1-based data row, column)] of Excel formulas saved without a value.
UNCOMPUTED_FORMULAS = "uncomputed_formulas"

_SAMPLE_BYTES = 1 << 16
# Python's csv refuses fields over 128 KiB by default; a WKT column can hold megabytes.
_MAX_FIELD_CHARS = (1 << 31) - 1


@dataclass
class Sheet:
    """An Excel sheet to read: its header, and where each of its columns goes in the source's columns."""

    name: str
    header: list[str]  # the names as written (blank ones named column_N)
    columns: list[str]  # the same, repeats renamed
    rows: int | None = None
    positions: list[int | None] = field(default_factory=list)


@dataclass(frozen=True)
class VectorPart:
    """One layer of a vector input: a file, a member of a .zip, or one layer of a GeoPackage."""

    dataset: str  # what GDAL opens
    layer: str | None  # None when the dataset has one layer
    name: str  # what the source_layer column says, when there are several parts


# The column that says which layer or archive member a row came from, when an input has several.
PART_COLUMN = "source_layer"


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
    # For the user, beside the per-row errors: renamed duplicate columns, sheets read or skipped,
    # formulas without values. Reading may add to it.
    warnings: list[Msg] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)  # Excel: the sheets read, in order
    reader: str = "gdal"  # vector: "gdal", or "json" for a GeoJSON file read feature by feature
    decode_errors: str = "strict"  # CSV: "replace" when a few bytes are not text in `encoding`
    parts: list[VectorPart] = field(default_factory=list)  # vector: the datasets and layers read, in order

    def describe(self) -> Msg:
        """What was read and how, e.g. 'CSV, gbk, coordinates from columns '经度'/'纬度'' (bilingual)."""
        parts: list[Msg | str] = [_KIND_WORDS[self.kind] if self.kind != "vector" else
                                  msg("矢量文件（{f}）", "vector file ({f})", f=_format_name(Path(self.path)))]
        if self.encoding:
            parts.append(self.encoding)
        if self.delimiter and self.delimiter != ",":
            parts.append(msg("分隔符 {d!r}", "delimiter {d!r}", d=self.delimiter))
        if len(self.sheets) > 1:
            parts.append(msg("工作表 {s}", "sheets {s}", s=", ".join(repr(s.name) for s in self.sheets)))
        if self.lon_col:
            parts.append(msg("经纬度取自 {lon!r}/{lat!r} 列", "coordinates from columns {lon!r}/{lat!r}",
                             lon=self.lon_col, lat=self.lat_col))
        if self.crs:
            parts.append(msg("坐标参照系 {crs}", "CRS {crs}", crs=self.crs))
        if self.reader == "json":
            parts.append(msg("逐个要素读取", "read feature by feature"))
        return join(parts, "，", ", ")


_KIND_WORDS: dict[str, Msg | str] = {"csv": "CSV", "excel": msg("Excel 工作簿", "Excel workbook")}
_FORMAT_NAMES = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GeoPackage", ".zip": "Shapefile",
                 ".shp": "Shapefile", ".kml": "KML", ".kmz": "KMZ", ".dxf": "DXF"}


def _format_name(path: Path) -> str:
    return _FORMAT_NAMES.get(path.suffix.lower(), path.suffix.lstrip(".").upper() or "?")


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


@dataclass(frozen=True)
class PendingChunk:
    """A run of rows read but not yet made into a Chunk: `make()` parses its coordinates, so a caller
    can do that in a worker thread while the next rows are read (it touches nothing shared)."""

    rows: int
    make: Callable[[], Chunk]


class _ReadOn(Exception):
    """The fast reader cannot go on: the careful one takes over from the first row not handed out."""


def _file_error(path: Path, zh: str, en: str, **values: object) -> InputFileError:
    """An InputFileError that names the file by its base name only (no server paths)."""
    return InputFileError(msg("{file}：" + zh, "{file}: " + en, file=Path(path).name, **values))


def _reason(exc: BaseException, path: Path) -> str:
    """An exception's text on one line, with the file's full path shortened to its name."""
    return " ".join(str(exc).replace(str(path), Path(path).name).split())


# --- opening ------------------------------------------------------------------------------------


def open_input(
    path: Path, *, lon_col: str | None = None, lat_col: str | None = None, coordinates: bool = True,
    required: Sequence[str] = (),
) -> InputSource:
    """Inspect `path` and decide how to read it; raise InputFileError if nothing can be read.

    With `coordinates=False` a table needs no lon/lat columns (edits keyed by id). A workbook is
    read from its first sheet that has the coordinate columns (and the `required` ones).
    """
    path = Path(path)
    if not path.exists():
        raise _file_error(path, "找不到文件", "file not found")
    if path.is_dir():
        raise _file_error(path, "这是一个文件夹，不是文件", "is a directory, not a file")
    if path.stat().st_size == 0:
        raise _file_error(path, "文件是空的", "file is empty")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        source = _open_excel(path)
    elif suffix in VECTOR_SUFFIXES:
        source = _open_vector(path)
    elif suffix in CSV_SUFFIXES or suffix == "":
        source = _open_csv(path)
    elif suffix == ".xls":
        raise _file_error(path, "不支持旧版 .xls 工作簿，请另存为 .xlsx 或 CSV",
                          "old .xls workbooks are not supported; save it as .xlsx or CSV")
    else:
        raise _file_error(
            path, "无法识别的文件类型 {suffix!r}；应为 CSV、Excel（.xlsx）或矢量文件（{vector}）",
            "unknown file type {suffix!r}; expected CSV ({csv}), Excel (.xlsx), or a vector file ({vector})",
            suffix=suffix, csv=", ".join(CSV_SUFFIXES), vector=", ".join(VECTOR_SUFFIXES))
    if source.kind == "excel":
        _start_at_data_sheet(source, coordinates=coordinates, lon_col=lon_col, lat_col=lat_col, required=required)
    if coordinates and (source.kind != "vector" or lon_col or lat_col):
        source.lon_col, source.lat_col = find_coordinate_columns(source.columns, lon_col=lon_col, lat_col=lat_col,
                                                                 origin=path.name)
    if source.kind == "excel":
        _choose_sheets(source)
    return source


def detect_encoding(path: Path) -> str:
    """'utf-8' (with or without BOM), 'utf-16' (with BOM), 'utf-16-le'/'utf-16-be' (without) or 'gb18030'.

    The whole file is checked as UTF-8 incrementally (fast, bounded memory), because a GBK file
    can look like UTF-8 for its first megabytes when its early rows are plain ASCII.
    """
    encoding, bad = _encoding_and_damage(path)
    if bad:
        raise _file_error(path, "文本既不是 UTF-8 也不是 GBK/GB18030 编码（{reason}）",
                          "text is neither UTF-8 nor GBK/GB18030 ({reason})", reason=f"{bad} undecodable places")
    return encoding


# A text file with more undecodable bytes than this share is no text file at all (a binary, a
# workbook renamed .csv): refused. Fewer are damage in a few cells: replaced, and the rows named.
MAX_DAMAGE_SHARE = 0.001


def _encoding_and_damage(path: Path) -> tuple[str, int]:
    """The file's encoding, and how many of its bytes cannot be decoded in it (0 for clean text)."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", _damage(_blocks(path), "utf-16")
    utf16 = _utf16_without_bom(head)
    if utf16:
        return utf16, _damage(_blocks(path), utf16)
    damage = {}
    for encoding in ("utf-8", "gb18030"):
        damage[encoding] = _damage(_blocks(path), encoding)
        if not damage[encoding]:
            return ("big5" if encoding == "gb18030" and _looks_big5(path) else encoding), 0
    best = min(damage, key=lambda e: damage[e])
    return best, damage[best]


_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def _looks_big5(path: Path) -> bool:
    """Big5 (traditional Chinese) bytes also decode as GB18030, but into nonsense that includes
    private-use characters, which real GBK text never holds; Big5 decodes them into real ones."""
    with open(path, "rb") as fh:
        sample = fh.read(_SAMPLE_BYTES)
    as_gb = sample.decode("gb18030", errors="replace")
    if not _PRIVATE_USE.search(as_gb):
        return False
    as_big5 = sample.decode("big5", errors="replace")
    return not _PRIVATE_USE.search(as_big5) and as_big5.count("\ufffd") <= 1 and not _damage(_blocks(path), "big5")


def _damage(blocks: Iterable[bytes], encoding: str) -> int:
    """How many places of the text cannot be decoded in `encoding` (decoded incrementally; a literal
    U+FFFD in the text counts too, which errs on the side of naming a row)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    bad = sum(decoder.decode(block).count("\ufffd") for block in blocks)
    return bad + decoder.decode(b"", final=True).count("\ufffd")


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when about every other byte is NUL, as in UTF-16 text of digits and commas.

    UTF-8 and GBK text never holds NUL bytes; UTF-16 written without a BOM (some exporters) does.
    """
    even, odd = head[0::2].count(0), head[1::2].count(0)
    pairs = len(head) // 2
    if odd > 0.3 * pairs and even < odd / 4:
        return "utf-16-le"
    if even > 0.3 * pairs and odd < even / 4:
        return "utf-16-be"
    return None


def _blocks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        yield from iter(lambda: fh.read(1 << 20), b"")


def _decode_error(blocks: Iterable[bytes], encoding: str) -> str:
    """Why the bytes are not text in `encoding` ("" when they are), decoding incrementally."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for block in blocks:
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return exc.reason
    return ""


def _first_record(path: Path, encoding: str, errors: str = "strict") -> str:
    with open(path, encoding=encoding, errors=errors, newline="") as fh:
        text = fh.read(_SAMPLE_BYTES)
    return text.lstrip("\ufeff")


def _sniff_delimiter(sample: str) -> str:
    header = sample.splitlines()[0] if sample else ""
    counts = {d: header.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _open_csv(path: Path) -> InputSource:
    encoding, bad = _encoding_and_damage(path)
    if bad > MAX_DAMAGE_SHARE * max(path.stat().st_size, 1) + 16:
        raise _file_error(path, "这不像文本文件：有 {bad:,} 处既不是 UTF-8 也不是 GBK/GB18030 编码",
                          "this does not look like a text file: {bad:,} places are neither UTF-8 nor GBK/GB18030", bad=bad)
    errors = "replace" if bad else "strict"
    sample = _first_record(path, encoding, errors)
    if not sample.strip():
        raise _file_error(path, "文件中没有文字", "file has no text")
    delimiter = _sniff_delimiter(sample)
    # newline="": \n, \r\n and old Mac/Excel \r all end the header, as they do for Arrow.
    header = next(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), [])
    if not any(c.strip() for c in header):
        raise _file_error(path, "第一行（表头）是空的", "the first line (the header) is blank")
    columns = _unique_names(header)  # as Arrow will see them (not stripped), repeats renamed
    lines = len(sample.splitlines())
    estimate = int(path.stat().st_size / (len(sample.encode(encoding, "replace")) / lines)) - 1 if lines > 1 else None
    warnings = _renamed_warnings(header, columns)
    if bad:
        warnings.append(msg("文件中有 {bad} 处无法按 {enc} 解码，已替换为“\ufffd”（行号见下）",
                            "{bad} place(s) could not be decoded as {enc} and were replaced by '\ufffd' (rows below)",
                            bad=bad, enc=encoding))
    return InputSource(path, "csv", columns, encoding=encoding, delimiter=delimiter, rows_estimate=estimate,
                       warnings=warnings, decode_errors=errors)


def _unique_names(columns: Sequence[str]) -> list[str]:
    """Column names with repeats renamed 'name.1', 'name.2', ...: the first keeps its name."""
    taken: set[str] = set()
    out = []
    for col in columns:
        name, n = col, 0
        while name in taken:
            n += 1
            name = f"{col}.{n}"
        taken.add(name)
        out.append(name)
    return out


def _renamed_warnings(header: Sequence[str], columns: Sequence[str]) -> list[Msg]:
    return [msg("列名“{old}”重复：使用第一列，这一列保留为“{new}”",
                "column {old!r} appears more than once: the first is the one used, this one is kept as {new!r}",
                old=old, new=new) for old, new in zip(header, columns) if old != new]


# --- Excel --------------------------------------------------------------------------------------


def _load_workbook(path: Path, *, data_only: bool = True) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises several types for damaged workbooks
        raise _file_error(path, "无法作为 Excel 工作簿读取（{reason}）", "cannot be read as an Excel workbook ({reason})",
                          reason=_reason(exc, path)) from exc


def _excel_damage(path: Path, exc: Exception) -> InputFileError:
    """openpyxl reads cells lazily: a damaged one (text stored as a number) fails mid-reading."""
    return _file_error(path, "工作簿内容已损坏，无法读取（{reason}）：请用 Excel 或 WPS 打开并另存后再试",
                       "the workbook's content is damaged ({reason}); open it in Excel or WPS and save it again",
                       reason=_reason(exc, path))


def _open_excel(path: Path) -> InputSource:
    book = _load_workbook(path)
    try:
        sheets = [s for s in map(_sheet_header, book.worksheets) if s is not None]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise _excel_damage(path, exc) from exc
    finally:
        book.close()
    if not sheets:
        raise _file_error(path, "工作簿的每个工作表都是空的", "the workbook is empty (every sheet is blank)")
    first = sheets[0]
    return InputSource(path, "excel", first.columns, rows=first.rows, sheets=sheets,
                       warnings=_renamed_warnings(first.header, first.columns))


def _sheet_header(sheet: Any) -> Sheet | None:
    """The sheet's header (its first non-blank row), or None when the sheet is blank."""
    for row in sheet.iter_rows(values_only=True):
        if _has_text(row):
            # Up to the last named column: a stray cell far to the right (XFD1048576) would otherwise
            # make every row 16,384 cells wide.
            row = row[: max(i for i, v in enumerate(row) if v is not None and str(v).strip()) + 1]
            names = [_cell_text(v).strip() or f"column_{i + 1}" for i, v in enumerate(row)]
            return Sheet(sheet.title, names, _unique_names(names), sheet.max_row - 1 if sheet.max_row else None)
    return None


def _has_text(row: Sequence[Any]) -> bool:
    return any(v is not None and str(v).strip() for v in row)


def _start_at_data_sheet(source: InputSource, *, coordinates: bool, lon_col: str | None, lat_col: str | None,
                         required: Sequence[str]) -> None:
    """Make the first sheet with the needed columns the main one (a workbook often opens on a
    notes or cover sheet); the sheets before it are named in a warning."""

    def fits(sheet: Sheet) -> bool:
        if any(c not in sheet.columns for c in required):
            return False
        if not coordinates:
            return True
        try:
            find_coordinate_columns(sheet.columns, lon_col=lon_col, lat_col=lat_col)
        except InputFileError:
            return False
        return True

    found = next((i for i, sheet in enumerate(source.sheets) if fits(sheet)), 0)
    if found:
        skipped = source.sheets[:found]
        source.sheets = source.sheets[found:]
        main = source.sheets[0]
        source.columns, source.rows = main.columns, main.rows
        source.warnings[:] = _renamed_warnings(main.header, main.columns)
        source.warnings.append(msg("从工作表“{sheet}”读起：前面的 {skipped} 没有所需的列",
                                   "read from sheet {sheet!r} on: {skipped} before it lack the needed columns",
                                   sheet=main.name, skipped=", ".join(repr(x.name) for x in skipped)))


def _choose_sheets(source: InputSource) -> None:
    """Keep the first sheet, and each other sheet whose rows fit its columns; say which were skipped."""
    first, *others = source.sheets
    first.positions = list(range(len(first.columns)))
    kept = [first]
    for sheet in others:
        why = _sheet_misfit(source, sheet)
        if why is None:
            sheet.positions = [source.columns.index(c) if c in source.columns else None for c in sheet.columns]
            kept.append(sheet)
        else:
            source.warnings.append(msg("未读取工作表“{sheet}”：{why_zh}", "sheet {sheet!r} was not read: {why}",
                                       sheet=sheet.name, why=why, why_zh=why.zh))
    if len(kept) > 1:
        source.warnings.append(msg("也读取了工作表 {names}，其行接在“{first}”之后编号",
                                   "also read sheet(s) {names}; their rows are numbered after those of {first!r}",
                                   names=", ".join(repr(s.name) for s in kept[1:]), first=first.name))
    source.sheets = kept
    counts = [s.rows for s in kept]
    source.rows = sum(c for c in counts if c is not None) if None not in counts else None


def _sheet_misfit(source: InputSource, sheet: Sheet) -> Msg | None:
    """Why a further sheet's rows cannot go under the first sheet's columns (None when they can).

    A sheet with the same header fits; so does one with the coordinate columns whose named
    columns all exist in the first sheet (in any order). Blank-headed columns are not compared.
    """
    if sheet.columns == source.columns:
        return None
    coords = [c for c in (source.lon_col, source.lat_col) if c]
    if not coords:
        return msg("表头与第一个工作表不同", "its header differs from the first sheet's")
    missing = [c for c in coords if c not in sheet.columns]
    if missing:
        return msg("没有坐标列 {cols}", "it lacks the coordinate column(s) {cols}", cols=", ".join(map(repr, missing)))
    extra = [c for c in sheet.columns if c not in source.columns and not re.fullmatch(r"column_\d+", c)]
    if extra:
        return msg("有第一个工作表没有的列 {cols}", "it has columns the first sheet lacks: {cols}",
                   cols=", ".join(map(repr, extra)))
    return None


def _excel_tables(source: InputSource, chunk_rows: int) -> Iterator[tuple[pa.Table, list[list[str]]]]:
    """The chosen sheets' rows under the first sheet's columns, with the columns of each row that
    hold a formula saved without its value (openpyxl's data_only mode reads those as blank)."""
    rows: list[list[str]] = []
    formulas: list[list[str]] = []
    with ExitStack() as stack:
        books = [stack.enter_context(closing(_load_workbook(source.path)))]
        if _has_formulas(source.path):  # a second reading, only for workbooks that have formulas at all
            books.append(stack.enter_context(closing(_load_workbook(source.path, data_only=False))))
        for sheet in source.sheets:
            try:
                for cells, uncomputed in _sheet_rows(books, sheet, source.columns):
                    rows.append(cells)
                    formulas.append(uncomputed)
                    if len(rows) == chunk_rows:
                        yield _strings_table(source.columns, rows), formulas
                        rows, formulas = [], []
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                raise _excel_damage(source.path, exc) from exc
    if rows:
        yield _strings_table(source.columns, rows), formulas


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the .xlsx holds a formula element (<f>), by scanning its XML."""
    pattern = re.compile(rb"<(?:\w+:)?f[\s>/]")
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as fh:
                    tail = b""
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        if pattern.search(tail + block):
                            return True
                        tail = block[-16:]
    return False


def _sheet_rows(books: list[Any], sheet: Sheet, columns: list[str]) -> Iterator[tuple[list[str], list[str]]]:
    """(cells as text, columns holding an uncomputed formula) for each data row; trailing blank rows
    are formatting, not data, and are dropped."""
    width = len(sheet.columns)  # only the header's columns: openpyxl pads rows to the sheet's last cell
    values = books[0][sheet.name].iter_rows(values_only=True, max_col=width)
    formulas = (books[1][sheet.name].iter_rows(values_only=True, max_col=width) if len(books) > 1
                else itertools.repeat(()))
    pairs = zip(values, formulas)
    for row, _ in pairs:  # skip to the header row
        if _has_text(row):
            break
    blanks = 0  # blank rows not yet given out: kept only if data follows them
    for row, formula_row in pairs:
        cells = [""] * len(columns)
        for value, position in zip(row, sheet.positions):
            if position is not None:
                cells[position] = _cell_text(value)
        uncomputed = [columns[position] for value, formula, position in zip(row, formula_row, sheet.positions)
                      if position is not None and value is None and str(formula).startswith("=")]
        if not any(c.strip() for c in cells) and not uncomputed:
            blanks += 1
            continue
        for _ in range(blanks):
            yield [""] * len(columns), []
        blanks = 0
        yield cells, uncomputed


def _formula_error(columns: list[str]) -> Msg:
    return msg("“{cols_zh}”是公式，但文件中没有保存计算结果：请用 Excel 或 WPS 打开并保存后再试",
               "formula without a computed value in {cols} (the file was saved without one): open and save it in "
               "Excel or WPS, then try again", cols=" and ".join(map(repr, columns)), cols_zh="”“".join(columns))


# --- vector -------------------------------------------------------------------------------------


def _open_vector(path: Path) -> InputSource:
    if path.suffix.lower() in GEOJSON_SUFFIXES and (text_encoding := _geojson_encoding(path)):
        return _open_geojson(path, text_encoding, [msg("GeoJSON 应为 UTF-8 编码；此文件按 GBK/GB18030 读取",
                                                       "GeoJSON should be UTF-8; this file was read as GBK/GB18030")])
    import pyogrio

    encoding = _shapefile_encoding(path)
    parts, infos = [], []
    try:
        datasets = _datasets(path)
        for dataset, member in datasets:
            layers = [str(name) for name, _ in pyogrio.list_layers(dataset)]
            for layer in layers:
                chosen = layer if len(layers) > 1 else None
                infos.append(pyogrio.read_info(dataset, layer=chosen, encoding=encoding))
                name = ":".join(x for x in (member, chosen) if x) or layer
                parts.append(VectorPart(dataset, chosen, name))
    except InputFileError:
        raise
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        if path.suffix.lower() in GEOJSON_SUFFIXES:
            return _open_geojson(path)  # GDAL refuses the file: read its features one by one
        raise _vector_error(path, exc) from exc
    columns = list(dict.fromkeys(str(c) for info in infos for c in info["fields"]))
    counts = [int(info["features"]) if info.get("features", -1) >= 0 else None for info in infos]
    rows = None if None in counts else sum(c for c in counts if c is not None)
    warnings: list[Msg] = []
    if len(parts) > 1:
        columns.append(PART_COLUMN)
        warnings.append(msg("读取了 {n} 个图层（{names}）：各行的 {col} 列注明其来源",
                            "read {n} layers ({names}); each row's {col} column says which it came from",
                            n=len(parts), names=", ".join(p.name for p in parts), col=PART_COLUMN))
    elif path.suffix.lower() in GEOJSON_SUFFIXES and _gdal_skips_features(path, rows):
        return _open_geojson(path)  # the JSON reader keeps every feature, each bad one with its reason
    if rows == 0:
        raise _file_error(path, "文件中没有要素", "the file has no features")
    return InputSource(path, "vector", columns, rows=rows, crs=infos[0].get("crs"), encoding=encoding,
                       parts=parts, warnings=warnings)


_COUNT_CHECK_BYTES = 64 << 20  # GeoJSON files up to this size are counted once more, as plain JSON


def _gdal_skips_features(path: Path, rows: int | None) -> bool:
    """True when GDAL sees fewer features than the file lists (it drops entries that are not
    objects, such as a stray number or null, without a word)."""
    if path.stat().st_size > _COUNT_CHECK_BYTES:
        return False
    try:
        features, _ = _geojson_features(path)
    except InputFileError:
        return False
    return rows is not None and len(features) != rows


_DATASET_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".fgb", ".kml")


def _datasets(path: Path) -> list[tuple[str, str | None]]:
    """What GDAL should open, with the archive member's name: the file itself, or every vector file
    in a .zip wherever it sits in the archive (GDAL finds one only at the top)."""
    if path.suffix.lower() != ".zip":
        return [(str(path), None)]
    if not zipfile.is_zipfile(path):
        raise _file_error(path, "不是有效的 zip 压缩包（文件已损坏，或并非 zip）", "is not a valid zip archive (damaged, or no zip)")
    with zipfile.ZipFile(path) as archive:
        members = [n for n in archive.namelist() if n.lower().endswith(_DATASET_SUFFIXES)
                   and not n.startswith(("__MACOSX/", "/")) and ".." not in Path(n).parts]  # no names that climb out
    if not members:
        raise _file_error(path, "压缩包中没有可读取的矢量文件（.shp 连同 .shx 和 .dbf、.gpkg、.geojson、.kml 或 .fgb）",
                          "the archive holds no vector file (.shp with its .shx and .dbf, .gpkg, .geojson, .kml or .fgb)")
    return [(f"/vsizip/{path.resolve()}/{member}", member) for member in members]


def _vector_error(path: Path, exc: BaseException | str) -> InputFileError:
    reason = exc if isinstance(exc, str) else gdal_reason(
        re.sub(r"/vsizip/[^']*?\.zip/?", "", str(exc)).replace(str(path), path.name))  # paths inside the zip, not GDAL's
    return _file_error(path, "无法作为矢量文件读取（{reason}）", "cannot be read as a vector file ({reason})",
                       reason=reason)


def _shapefile_encoding(path: Path) -> str | None:
    """'UTF-8' or 'GB18030' for a Shapefile whose .dbf does not say its encoding (no .cpg, no code page
    byte), where GDAL would assume Latin-1; None when GDAL knows, or for other files.

    Chinese Shapefiles are usually GBK without a .cpg: UTF-8 is tried first, strictly, then GB18030.
    """
    dbf = _dbf_without_cpg(path)
    if dbf is None:
        return None
    with _open_dbf(dbf) as fh:
        head = fh.read(32)
    if len(head) < 32 or head[29] != 0:  # no header, or a code page byte GDAL will use
        return None
    for encoding in ("ascii", "UTF-8", "GB18030"):
        if not _decode_error(_dbf_text(dbf), encoding):
            return None if encoding == "ascii" else encoding  # plain ASCII reads the same in any encoding
    return None


_Dbf = tuple[Path, str | None]  # the .dbf file, or the .zip and the .dbf's name inside it


def _dbf_without_cpg(path: Path) -> _Dbf | None:
    """Where the Shapefile's .dbf is (also inside a .zip), or None if there is none or a .cpg beside it."""
    suffix = path.suffix.lower()
    if suffix == ".shp":
        siblings = {p.suffix.lower(): p for p in path.parent.glob(path.stem + ".*")}
        return (siblings[".dbf"], None) if ".dbf" in siblings and ".cpg" not in siblings else None
    if suffix != ".zip" or not zipfile.is_zipfile(path):
        return None
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    dbfs = [n for n in names if n.lower().endswith(".dbf")]
    return (path, dbfs[0]) if dbfs and not any(n.lower().endswith(".cpg") for n in names) else None


@contextmanager
def _open_dbf(dbf: _Dbf) -> Iterator[IO[bytes]]:
    file, member = dbf
    if member is None:
        with open(file, "rb") as fh:
            yield fh
    else:
        with zipfile.ZipFile(file) as archive, archive.open(member) as fh:
            yield fh


def _dbf_text(dbf: _Dbf) -> Iterator[bytes]:
    """The text bytes of a .dbf: its field names and character fields (numbers and dates are ASCII)."""
    with _open_dbf(dbf) as fh:
        head = fh.read(32)
        header_len = int.from_bytes(head[8:10], "little")
        record_len = int.from_bytes(head[10:12], "little")
        descriptors = fh.read(max(0, header_len - 32))
        fields, names, offset = [], [], 1  # each record starts with a deletion flag
        for pos in range(0, len(descriptors) - 31, 32):
            desc = descriptors[pos : pos + 32]
            if desc[0] == 0x0D:
                break
            names.append(desc[:11].split(b"\0")[0])
            text = desc[11:12] == b"C"
            width = desc[16] + (desc[17] << 8 if text else 0)  # long character fields use two bytes
            if text:
                fields.append(slice(offset, offset + width))
            offset += width
        yield b"\n".join(names)
        if record_len <= 0:
            return
        for block in iter(lambda: fh.read(record_len * 4096), b""):
            records = (block[i : i + record_len] for i in range(0, len(block), record_len))
            yield b"\n" + b"\n".join(rec[f].rstrip(b" \0") for rec in records for f in fields)


def _open_geojson(path: Path, encoding: str = "utf-8-sig", warnings: list[Msg] | None = None) -> InputSource:
    features, crs = _geojson_features(path, encoding)
    return InputSource(path, "vector", _property_names(features), rows=len(features), crs=crs, reader="json",
                       encoding=None if encoding == "utf-8-sig" else encoding, warnings=warnings or [])


def _geojson_encoding(path: Path) -> str | None:
    """'gb18030' for a GeoJSON file written in GBK (GeoJSON is UTF-8, but Chinese tools do write GBK);
    GDAL would pass its bytes through undecoded."""
    if _damage(_blocks(path), "utf-8") and not _damage(_blocks(path), "gb18030"):
        return "gb18030"
    return None


def _geojson_features(path: Path, encoding: str = "utf-8-sig") -> tuple[list[Any], str | None]:
    """The features of a GeoJSON file as parsed JSON (no geometry built yet), and its old-style CRS name."""
    try:
        with open(path, encoding=encoding) as fh:
            doc = json.load(fh)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # RecursionError: nested too deeply
        raise _vector_error(path, f"not valid JSON: {_reason(exc, path)}") from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        raise _vector_error(path, "not a GeoJSON FeatureCollection")
    if not doc["features"]:
        raise _file_error(path, "文件中没有要素", "the file has no features")
    crs = doc.get("crs")  # the pre-RFC 7946 member; WGS 84 without it
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str):
        return doc["features"], None
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        return doc["features"], CRS.from_user_input(name).to_string()
    except CRSError:
        raise _file_error(path, "无法识别坐标系 {crs!r}", "unknown CRS {crs!r}", crs=name) from None


def _property_names(features: list[Any]) -> list[str]:
    names: dict[str, None] = {}
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(props, dict):
            names.update(dict.fromkeys(map(str, props)))
    return list(names)


# --- reading ------------------------------------------------------------------------------------


def iter_chunks(source: InputSource, *, chunk_rows: int = 100_000) -> Iterator[Chunk]:
    """The input's rows in order, `chunk_rows` at a time (memory stays bounded)."""
    return (pending.make() for pending in iter_pending(source, chunk_rows=chunk_rows))


def iter_pending(source: InputSource, *, chunk_rows: int = 100_000) -> Iterator[PendingChunk]:
    """As iter_chunks, but each table chunk's coordinates are parsed when the caller makes it."""
    if source.kind == "vector":
        yield from (PendingChunk(len(chunk), functools.partial(_made, chunk))
                    for chunk in _vector_chunks(source, chunk_rows))
        return
    start = 0
    multiline: list[int] = []
    quoted = source.kind == "csv" and _has_quote(source.path)
    for table, formulas in _table_parts(source, chunk_rows):
        if quoted and len(multiline) < 10:
            multiline += [start + int(i) + 1 for i in _rows_with_line_breaks(table)]
        if formulas:  # warns about them (shared state): made here, in order
            yield PendingChunk(table.num_rows, functools.partial(_made, _table_chunk(table, start, source, formulas)))
        else:
            yield PendingChunk(table.num_rows, functools.partial(_table_chunk, table, start, source, formulas))
        start += table.num_rows
    if multiline:
        source.warnings.append(msg(
            "第 {rows} 行有跨行的单元格：若不是有意为之，可能是引号未闭合，其后的行被并入了这一行",
            "row(s) {rows} hold a cell that spans lines: unless meant, a quote was left open and the rows after "
            "it were read into that cell", rows=", ".join(map(str, multiline[:10]))))


def _made(chunk: Chunk) -> Chunk:
    return chunk


def _has_quote(path: Path) -> bool:
    """Whether the file holds a double quote: only a quoted cell can span lines, so a file without
    one needs no search for line breaks (a byte search: 0x22 is a quote in UTF-8, GBK and UTF-16
    alike, and never part of another character in them)."""
    with open(path, "rb") as fh:
        while block := fh.read(1 << 22):
            if b'"' in block:
                return True
    return False


def _rows_with_line_breaks(table: pa.Table) -> NDArray[np.intp]:
    """Rows (0-based) with a line break inside a cell: what an unclosed quote leaves behind."""
    hit = np.zeros(table.num_rows, dtype=bool)
    for column in table.columns:
        for end in ("\n", "\r"):  # two plain searches beat one regular expression by about 2x
            hit |= pc.fill_null(pc.match_substring(column, end), False).to_numpy(zero_copy_only=False)
    return np.nonzero(hit)[0]


def _table_parts(source: InputSource, chunk_rows: int) -> Iterator[tuple[pa.Table, list[list[str]]]]:
    if source.kind == "excel":
        return _excel_tables(source, chunk_rows)
    return ((table, []) for table in _csv_tables(source, chunk_rows))


def read_table(path: Path, *, required: Sequence[str] = ()) -> pd.DataFrame:
    """A whole CSV (UTF-8 or GBK) or Excel table as text cells ("" where blank), header names stripped.

    frame.attrs[UNCOMPUTED_FORMULAS] lists the Excel cells holding a formula saved without a value;
    frame.attrs["warnings"] what the user should know (renamed columns, skipped sheets).
    """
    import pandas as pd

    source = open_input(path, coordinates=False, required=required)
    if source.kind == "vector":
        raise _file_error(path, "应为表格（CSV 或 Excel），而不是矢量文件", "expected a table (CSV or Excel), not a vector file")
    tables, uncomputed = [], []
    for table, formulas in _table_parts(source, 100_000):
        start = sum(t.num_rows for t in tables)
        uncomputed += [(start + i + 1, col) for i, cols in enumerate(formulas) for col in cols]
        tables.append(table)
    frame = pa.concat_tables(tables).to_pandas() if tables else pd.DataFrame(columns=source.columns)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.astype(object).where(frame.notna(), "")
    frame.attrs[UNCOMPUTED_FORMULAS] = uncomputed
    frame.attrs["warnings"] = list(source.warnings)
    return frame


def _table_chunk(table: pa.Table, start: int, source: InputSource, formulas: list[list[str]]) -> Chunk:
    assert source.lon_col is not None and source.lat_col is not None
    lon, lat, errors = parse_coordinates(table.column(source.lon_col), table.column(source.lat_col),
                                         lon_name=source.lon_col, lat_name=source.lat_col)
    coords = (source.lon_col, source.lat_col)
    for i, cols in enumerate(formulas):
        if needed := [c for c in cols if c in coords]:  # blank only because never computed: say so
            errors[i], lon[i], lat[i] = _formula_error(needed), np.nan, np.nan
        for col in cols:
            if col not in coords:  # no row error for these: the result's cell is blank, so warn
                _warn_once(source, _formula_warning(col))
    return Chunk(table, start, lon=lon, lat=lat, errors=errors)


def _formula_warning(column: str) -> Msg:
    return msg("“{col}”列有公式没有保存计算结果，结果中为空：请用 Excel 或 WPS 打开并保存后再试",
               "column {col!r} has formulas saved without computed values; they are blank in the result "
               "(open and save the file in Excel or WPS)", col=column)


def _warn_once(source: InputSource, warning: Msg) -> None:
    if warning not in source.warnings:
        source.warnings.append(warning)


def _csv_tables(source: InputSource, chunk_rows: int) -> Iterator[pa.Table]:
    """Arrow's fast reader; from its first failure on, Python's csv (ragged rows, huge fields, damaged text)."""
    if source.decode_errors != "strict":
        yield from _csv_tables_python(source, chunk_rows)
        return
    done = 0
    try:
        for table in _arrow_csv_tables(source, chunk_rows):
            yield table
            done += table.num_rows
    except (pa.ArrowException, _ReadOn):
        # A row with more or fewer fields than the header, or longer than Arrow's block, ...: go
        # on with the forgiving reader, from the first row not yet handed out.
        yield from _csv_tables_python(source, chunk_rows, skip=done)


def _arrow_csv_tables(source: InputSource, chunk_rows: int) -> Iterator[pa.Table]:
    # Every column is read as text, so values are written back exactly as they came (codes with
    # leading zeros, dates, ...); only the coordinate columns are parsed, separately.
    # Arrow reads a fixed number of blocks ahead, so 1 MB blocks bound the read-ahead to a few
    # tens of MB (8 MB blocks held 130 MB) whatever the file's size.
    read = pacsv.ReadOptions(encoding=source.encoding or "utf-8", block_size=1 << 20, use_threads=True)
    parse = pacsv.ParseOptions(delimiter=source.delimiter or ",", newlines_in_values=True)
    # Keyed by name, so a repeated header name is covered by its first occurrence's (unchanged) name.
    convert = pacsv.ConvertOptions(column_types={c: pa.string() for c in source.columns},
                                   strings_can_be_null=False, quoted_strings_can_be_null=False)
    # Opened by its bytes: a file name that is not valid UTF-8 (copied from an old GBK disk) stays readable.
    with pa.OSFile(os.fsencode(source.path)) as stream:
        reader = pacsv.open_csv(stream, read_options=read, parse_options=parse, convert_options=convert)
        if len(reader.schema) != len(source.columns):
            raise _ReadOn  # Arrow reads the header differently: let Python's csv, which read it, go on
        for table in _rebatch(reader, chunk_rows):
            yield table.rename_columns(source.columns)  # repeated names made unique, as in source.columns


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
    """The slow path: short rows padded with blanks, extra fields kept joined in the last column (so
    nothing is lost), fields of any length."""
    names = source.columns
    width = len(names)
    csv.field_size_limit(max(csv.field_size_limit(), _MAX_FIELD_CHARS))
    damaged: list[int] = []  # data rows (1-based) with replaced bytes
    seen = 0
    with open(source.path, encoding=source.encoding, errors=source.decode_errors, newline="") as fh:
        reader = csv.reader(fh, delimiter=source.delimiter or ",")
        rows: list[list[str]] = []
        try:
            next(reader, None)
            for row in reader:
                if not row:
                    continue
                if skip:
                    skip -= 1
                    continue
                seen += 1
                if source.decode_errors != "strict" and any("\ufffd" in cell for cell in row):
                    damaged.append(seen)
                if len(row) > width:
                    # Keep the extra fields visible rather than silently dropping them.
                    row = row[: width - 1] + [(source.delimiter or ",").join(row[width - 1 :])]
                rows.append(row + [""] * (width - len(row)))
                if len(rows) == chunk_rows:
                    yield _strings_table(names, rows)
                    rows = []
        except (csv.Error, UnicodeDecodeError) as exc:
            raise _file_error(source.path, "无法按 CSV 解析（约在第 {line} 行：{reason}）",
                              "cannot be parsed as CSV (near line {line}: {reason})",
                              line=reader.line_num, reason=_reason(exc, source.path)) from None
        if rows:
            yield _strings_table(names, rows)
    if damaged:
        shown = "、".join(map(str, damaged[:10])) + ("……" if len(damaged) > 10 else "")
        source.warnings.append(msg("含无法解码文字的行：第 {rows} 行（共 {n} 行），请核对这些行",
                                   "rows with undecodable text: {rows_en} ({n} in all); check them",
                                   rows=shown, rows_en=", ".join(map(str, damaged[:10])) + (", ..." if len(damaged) > 10 else ""),
                                   n=len(damaged)))


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


def _vector_chunks(source: InputSource, chunk_rows: int) -> Iterator[Chunk]:
    done = 0
    if source.reader == "gdal":
        try:
            for chunk in _gdal_chunks(source, chunk_rows):
                yield chunk
                done += len(chunk)
            return
        except _ReadOn:
            pass
    yield from _json_chunks(source, chunk_rows, skip=done)


def _gdal_chunks(source: InputSource, chunk_rows: int) -> Iterator[Chunk]:
    """Chunks read by GDAL, part after part. For a GeoJSON file, raises _ReadOn where GDAL fails or a
    geometry comes back null (GDAL nulls malformed ones quietly): the JSON reader then says why,
    feature by feature."""
    import pyogrio

    geojson = source.path.suffix.lower() in GEOJSON_SUFFIXES and len(source.parts) == 1
    start = 0
    for part in source.parts:
        try:
            with pyogrio.open_arrow(part.dataset, layer=part.layer, batch_size=chunk_rows, use_pyarrow=True,
                                    encoding=source.encoding) as (meta, reader):
                geom_name = meta.get("geometry_name") or "wkb_geometry"
                to_wgs = _to_wgs84(meta.get("crs") or source.crs)  # each part in its own (or the one named)
                for table in _rebatch(reader, chunk_rows):
                    if geom_name in table.column_names:
                        geoms, errors = _from_wkb(table.column(geom_name).to_numpy(zero_copy_only=False))
                        attrs = table.drop_columns([geom_name])
                    else:
                        geoms, errors = np.full(table.num_rows, None, dtype=object), None
                        attrs = table
                    if geojson and shapely.is_missing(geoms).any():
                        raise _ReadOn
                    if len(source.parts) > 1:
                        attrs = _aligned(attrs, source.columns, part.name)
                    yield _vector_chunk(attrs, to_wgs(geoms), start, source, errors)
                    start += table.num_rows
        except (InputFileError, _ReadOn):
            raise
        except Exception as exc:  # pyogrio/GDAL errors while reading
            if geojson:
                raise _ReadOn from exc
            raise _vector_error(source.path, exc) from exc


def _aligned(attrs: pa.Table, columns: list[str], part: str) -> pa.Table:
    """One part's attributes under the columns of all parts, as text (the parts' types may differ),
    blank where a part lacks a column, with the part's name in PART_COLUMN."""
    attrs = _plain_columns(attrs)
    n = attrs.num_rows
    arrays = [pc.cast(attrs.column(c), pa.string()) if c in attrs.column_names else pa.nulls(n, pa.string())
              for c in columns[:-1]]
    return pa.table([*arrays, pa.array([part] * n, type=pa.string())], names=columns)


def _to_wgs84(crs: str | None) -> Callable[[_O], _O]:
    from pyproj import CRS, Transformer

    if not crs or CRS.from_user_input(crs).equals(geo.WGS84):
        return lambda geoms: geoms
    transformer = Transformer.from_crs(CRS.from_user_input(crs), geo.WGS84, always_xy=True)
    return lambda geoms: shapely.transform(geoms, lambda x, y: transformer.transform(x, y), interleaved=False)


def _from_wkb(values: _O) -> tuple[_O, _O]:
    """Geometries from WKB, and why GEOS refused each that it did (an unclosed ring, ...)."""
    errors = np.full(len(values), None, dtype=object)
    try:
        return shapely.from_wkb(values), errors
    except shapely.errors.GEOSException:
        pass  # one bad geometry spoils the whole array: decode one by one
    geoms = np.full(len(values), None, dtype=object)
    for i, value in enumerate(values):
        try:
            geoms[i] = shapely.from_wkb(value)
        except shapely.errors.GEOSException as exc:
            errors[i] = invalid_geometry(str(exc))
    return geoms, errors


def _json_chunks(source: InputSource, chunk_rows: int, *, skip: int = 0) -> Iterator[Chunk]:
    """GeoJSON read with json and shapely, one feature at a time, each bad one kept with its reason."""
    features, crs = _geojson_features(source.path, source.encoding or "utf-8-sig")
    columns = list(dict.fromkeys(source.columns + _property_names(features)))
    to_wgs = _to_wgs84(source.crs or crs)
    for start in range(skip, len(features), chunk_rows):
        part = features[start : start + chunk_rows]
        props, geoms, errors = (np.full(len(part), None, dtype=object) for _ in range(3))
        for i, feature in enumerate(part):
            props[i], geoms[i], errors[i] = _json_feature(feature)
        attrs = pa.table({c: _json_column([p.get(c) for p in props]) for c in columns}) if columns else \
            pa.table({"_": pa.nulls(len(part))}).drop_columns(["_"])
        yield _vector_chunk(attrs, to_wgs(geoms), start, source, errors)


def _json_feature(feature: Any) -> tuple[dict[str, Any], Any, Msg | None]:
    """(properties, shapely geometry or None, why the feature cannot be used or None)."""
    if not isinstance(feature, dict):
        return {}, None, msg("不是 GeoJSON 要素（{value}）", "not a GeoJSON feature ({value})",
                             value=json.dumps(feature, ensure_ascii=False)[:60])
    props = feature.get("properties")
    props = {str(k): v for k, v in props.items()} if isinstance(props, dict) else {}
    geometry = feature.get("geometry")
    if geometry is None:
        return props, None, None  # the screening reports it as missing
    try:
        text = json.dumps(geometry, allow_nan=False)
    except ValueError:  # Infinity, NaN or 1e999 (which json reads as infinity)
        return props, None, invalid_geometry("a coordinate is infinite or NaN")
    try:
        return props, shapely.from_geojson(text), None
    except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
        return props, None, invalid_geometry(str(exc))


def _json_column(values: list[Any]) -> pa.Array:
    """Property values as Arrow infers them; nested values as JSON text; mixed types as text."""
    values = [json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v for v in values]
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def _plain_columns(table: pa.Table) -> pa.Table:
    """Nested attributes (GDAL's JSON fields: objects, arrays, mixed types) as their JSON text, so every
    writer can take them."""
    for i, column in enumerate(table.schema):
        kind = column.type.storage_type if isinstance(column.type, pa.BaseExtensionType) else column.type
        if isinstance(column.type, pa.BaseExtensionType) or pa.types.is_nested(kind):
            values = table.column(i)
            if isinstance(column.type, pa.BaseExtensionType):
                values = pa.chunked_array([chunk.storage for chunk in values.chunks], type=kind)
            text = values if pa.types.is_string(kind) or pa.types.is_large_string(kind) else pa.array(
                [None if v is None else json.dumps(v, ensure_ascii=False) for v in values.to_pylist()], type=pa.string())
            table = table.set_column(i, pa.field(column.name, pa.string()), pc.cast(text, pa.string()))
    return table


def _vector_chunk(attrs: pa.Table, geoms: _O, start: int, source: InputSource, geom_errors: _O | None) -> Chunk:
    attrs = _plain_columns(attrs)
    if source.lon_col and source.lat_col:  # coordinate columns given: use them, as for a table
        text = {c: pc.cast(attrs.column(c), pa.string()) for c in (source.lon_col, source.lat_col)}
        lon, lat, errors = parse_coordinates(text[source.lon_col], text[source.lat_col],
                                             lon_name=source.lon_col, lat_name=source.lat_col)
        return Chunk(attrs, start, lon=lon, lat=lat, errors=errors)
    errors = np.full(len(geoms), None, dtype=object) if geom_errors is None else geom_errors
    if len(geoms) and shapely.is_missing(geoms).all():  # a bare .dbf, a CSV in a zip: coordinates may be columns
        _warn_once(source, msg("文件中的要素都没有几何图形：若经纬度在属性列中，请指明这两列后再核查",
                               "no feature in the file has a geometry: if the coordinates are in attribute columns, "
                               "name those columns and check again"))
    is_point = shapely.get_type_id(geoms) == 0
    x = np.where(is_point, shapely.get_x(geoms), np.nan)
    y = np.where(is_point, shapely.get_y(geoms), np.nan)
    for i in np.nonzero(looks_swapped(x, y))[0]:
        errors[i] = swapped_message("x", x[i], "y", y[i])
    return Chunk(attrs, start, geometry=geoms, errors=errors)
