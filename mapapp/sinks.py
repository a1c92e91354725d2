"""Writing screened results: CSV (UTF-8 with BOM, for Excel) and GeoJSON, chunk by chunk, atomically."""

from __future__ import annotations

import codecs
import io
import json
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any, Self

import geopandas as gpd
import pyarrow as pa
import pyarrow.csv as pacsv

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
