"""Writing screened results: CSV (UTF-8 with BOM, for Excel) and GeoJSON, chunk by chunk, atomically."""

from __future__ import annotations

import codecs
import io
import json
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any, Self

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import shapely

from mapapp.cells import neutralise_table
from mapapp.storage import atomic_write, geojson_dict


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
        pacsv.write_csv(neutralise_table(table), buffer, write_options=options)
        self._fh.write(buffer.getbuffer())

    def __exit__(self, *exc: object) -> None:
        self._stack.__exit__(*exc)


_SLICE_ROWS = 10_000


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
        for start in range(0, len(frame), _SLICE_ROWS):  # slices: the text of a whole chunk at once costs memory
            part = frame.iloc[start:start + _SLICE_ROWS]
            features = _point_features(part)
            if features is None:  # lines and polygons: feature by feature
                features = [json.dumps(f, ensure_ascii=False, separators=(",", ":"))
                            for f in geojson_dict(part)["features"]]
            if features:
                self._fh.write(("" if self._first else ",\n") + ",\n".join(features))
                self._first = False

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None and self._fh is not None:
            self._fh.write("\n]}\n")
        self._stack.__exit__(*exc)


def _point_features(frame: gpd.GeoDataFrame) -> list[str] | None:
    """Features of a frame of points (or rows without geometry) as JSON text, made column-wise: what a
    million screened points need (10x faster than a dict per row). None for any other geometry."""
    geoms = frame.geometry.values
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not (shapely.get_type_id(geoms[present]) == 0).all():
        return None
    x = np.round(shapely.get_x(geoms), 6)
    y = np.round(shapely.get_y(geoms), 6)
    attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    lines = attributes.to_json(orient="records", lines=True, force_ascii=False, double_precision=15).splitlines() \
        if len(attributes.columns) else ["{}"] * len(frame)
    return [f'{{"type":"Feature","properties":{props},"geometry":'
            + (f'{{"type":"Point","coordinates":[{float(a)!r},{float(b)!r}]}}}}' if here else "null}")
            for props, a, b, here in zip(lines, x, y, present)]
