"""Writing screened results: CSV (UTF-8 with BOM, for Excel) and GeoJSON, chunk by chunk, atomically."""

from __future__ import annotations

import codecs
import io
import json
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import shapely

from mapapp.cells import neutralise_table
from mapapp.json_text import features_text, json_points, json_values
from mapapp.storage import SyncedWriter, atomic_write, geojson_dict

if TYPE_CHECKING:
    import geopandas as gpd


class CsvSink:
    """Writes chunks to a CSV file (UTF-8 with BOM, so Excel opens it) atomically: all or nothing."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._stack = ExitStack()
        self._fh: SyncedWriter | None = None
        self._schema: pa.Schema | None = None

    def __enter__(self) -> Self:
        self._fh = SyncedWriter(self._stack.enter_context(atomic_write(self.path, "wb")))
        self._fh.write(codecs.BOM_UTF8)
        return self

    def write(self, table: pa.Table, text: CsvText | None = None) -> None:
        """Append a chunk; `text`, when given, is its csv_text() made beforehand (in another thread),
        used if it was made as this chunk needs it (the header on the first, the first's columns)."""
        assert self._fh is not None
        first = self._schema is None
        if first:
            self._schema = table.schema
        elif table.schema != self._schema:
            table = table.cast(self._schema)
        if text is None or text.header != first or text.schema != self._schema:
            text = csv_text(table, header=first)
        self._fh.write(text.data)

    def __exit__(self, *exc: object) -> None:
        self._stack.__exit__(*exc)


@dataclass(frozen=True)
class CsvText:
    """A chunk as CSV bytes, with what they were made for."""

    schema: pa.Schema
    header: bool
    data: memoryview


def csv_text(table: pa.Table, *, header: bool) -> CsvText:
    """A chunk's CSV text, formula-like cells neutralised: pure, so screening threads make it in parallel."""
    buffer = io.BytesIO()
    options = pacsv.WriteOptions(include_header=header, quoting_style="needed")
    pacsv.write_csv(_blank_numbers_as_nulls(neutralise_table(table)), buffer, write_options=options)
    return CsvText(table.schema, header, buffer.getbuffer())


def _blank_numbers_as_nulls(table: pa.Table) -> pa.Table:
    """Number columns with no value (the area columns of point sites) as null-typed columns: the
    same empty fields, which Arrow writes without formatting a number per row (0.1 s per 1 M rows)."""
    for i, column in enumerate(table.columns):
        if column.null_count == len(column) and pa.types.is_floating(column.type):
            table = table.set_column(i, table.field(i).with_type(pa.null()), pa.nulls(len(column)))
    return table


_SLICE_ROWS = 10_000  # features made at a time: the text of a whole chunk at once costs memory


@dataclass(frozen=True)
class Points:
    """Point sites by their WGS 84 coordinates (NaN where unknown): all that GeoJSON output needs of a
    table of points, without making a shapely point per row (0.5 s per million)."""

    lon: np.ndarray
    lat: np.ndarray

    def __len__(self) -> int:
        return len(self.lon)

    def __getitem__(self, rows: slice) -> Points:
        return Points(self.lon[rows], self.lat[rows])

    def known(self) -> np.ndarray:
        return np.isfinite(self.lon) & np.isfinite(self.lat)

    def geometries(self) -> np.ndarray:
        """Shapely points, None where a coordinate is unknown."""
        known = self.known()
        geoms = np.full(len(self), None, dtype=object)
        geoms[known] = shapely.points(self.lon[known], self.lat[known])
        return geoms


Geometries = np.ndarray | Points  # a chunk's WGS 84 geometries: shapely objects (None where unknown), or Points


def output_frame(table: pa.Table, geoms: Geometries | None) -> gpd.GeoDataFrame:
    """A result chunk as a GeoDataFrame (WGS 84): plain text for the categories."""
    import geopandas as gpd
    import pandas as pd

    frame = table.to_pandas()
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.CategoricalDtype):
            frame[name] = frame[name].astype(object)
    frame = frame.rename(columns=_renamed(frame.columns))
    geoms = geoms.geometries() if isinstance(geoms, Points) else geoms
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=4326), crs=4326)


def _renamed(columns: Any) -> dict[str, str]:
    return {"geometry": "input_geometry"} if "geometry" in columns else {}  # an input column: keep it as data


class GeoJsonSink:
    """Writes chunks as one GeoJSON FeatureCollection (WGS 84, RFC 7946) atomically."""

    def __init__(self, path: Path, *, metadata: dict[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.metadata = metadata
        self._stack = ExitStack()
        self._fh: SyncedWriter | None = None
        self._first = True

    def __enter__(self) -> Self:
        self._fh = SyncedWriter(self._stack.enter_context(atomic_write(self.path, "wb")))
        head = {"type": "FeatureCollection"}
        if self.metadata:
            head["metadata"] = self.metadata
        self._fh.write((json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"features":[\n').encode())
        return self

    def write(self, table: pa.Table, geoms: Geometries | None) -> None:
        """One chunk: its rows' columns and WGS 84 geometries (None where unknown)."""
        geoms = np.full(table.num_rows, None, dtype=object) if geoms is None else geoms
        for start in range(0, table.num_rows, _SLICE_ROWS):
            part, shapes = table.slice(start, _SLICE_ROWS), geoms[start:start + _SLICE_ROWS]
            text = _point_features(part, shapes)
            if text is None:  # lines, polygons or unusual column types: feature by feature
                features = geojson_dict(output_frame(part, shapes))["features"]
                text = "".join(",\n" + json.dumps(f, ensure_ascii=False, separators=(",", ":"))
                               for f in features).encode()
            self._put(text)

    def _put(self, text: bytes | memoryview) -> None:
        assert self._fh is not None
        if len(text):
            self._fh.write(text[2:] if self._first else text)  # no separator before the first feature
            self._first = False

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None and self._fh is not None:
            self._fh.write(b"\n]}\n")
        self._stack.__exit__(*exc)


def _point_features(table: pa.Table, geoms: Geometries) -> bytes | memoryview | None:
    """Features of points (or rows without geometry) as GeoJSON text, made column by column in Arrow:
    what a million screened points need. None for other geometries or column types."""
    if isinstance(geoms, Points):
        lon, lat, present = geoms.lon, geoms.lat, geoms.known()
    else:
        present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        if not (shapely.get_type_id(geoms[present]) == 0).all():
            return None
        lon, lat = shapely.get_x(geoms), shapely.get_y(geoms)
    renamed = _renamed(table.column_names)
    properties = {}
    for name, column in zip(table.column_names, table.columns):
        values = json_values(column)
        if values is None:
            return None
        properties[renamed.get(name, name)] = values
    return features_text(properties, json_points(lon, lat, present))
