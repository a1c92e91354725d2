"""A pygeoapi feature provider over mapapp's data: the register's approved sites and clusters (read
from its database, SQLite or PostGIS, and re-read when an approved change moves the revision) or a
packaged layer. pygeoapi loads it by its dotted name, `mapapp.ogc.provider.FrameProvider`."""

from __future__ import annotations

import json
import math
import threading
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pygeoapi.provider.base import BaseProvider, ProviderItemNotFoundError, ProviderQueryError
from pygeoapi.util import crs_transform

from mapapp.layers import load_layer
from mapapp.register import changes
from mapapp.register.store import REGISTER_LAYERS, open_register, register_catalog

_LOCK = threading.Lock()
_ENGINES: dict[str, Any] = {}
_FRAMES: dict[tuple[str, str, int], gpd.GeoDataFrame] = {}


def _engine(url: str):  # noqa: ANN202 - a SQLAlchemy Engine
    with _LOCK:
        if url not in _ENGINES:
            _ENGINES[url] = open_register(url or None)
        return _ENGINES[url]


def layer_frame(source: str, url: str = "") -> gpd.GeoDataFrame:
    """`register:sites`, `register:clusters` (as of the register's current revision) or `layer:<id>`."""
    kind, _, layer_id = source.partition(":")
    if kind == "register" and layer_id in REGISTER_LAYERS:
        engine = _engine(url)
        key = (url, layer_id, changes.revision(engine))
        with _LOCK:
            if key not in _FRAMES:
                if len(_FRAMES) > 8:  # older revisions are not asked for again
                    _FRAMES.clear()
                _FRAMES[key] = getattr(register_catalog(engine), layer_id)
            return _FRAMES[key]
    if kind == "layer":
        key = ("", layer_id, 0)
        with _LOCK:
            if key not in _FRAMES:
                _FRAMES[key] = load_layer(layer_id)
            return _FRAMES[key]
    raise RuntimeError(f"unknown data source {source!r}: register:sites, register:clusters or layer:<id>")


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class FrameProvider(BaseProvider):
    """Features of one mapapp layer: bbox, property equality, sorting, paging and ids."""

    def __init__(self, provider_def: dict) -> None:
        super().__init__(provider_def)
        self.url = (self.options or {}).get("database_url", "")
        self.id_field = self.id_field or "id"
        self.get_fields()

    def _frame(self) -> gpd.GeoDataFrame:
        return layer_frame(self.data, self.url)

    def get_fields(self) -> dict:
        if not self._fields:
            frame = self._frame()
            for column in frame.columns:
                if column == frame.geometry.name:
                    continue
                dtype = frame[column].dtype
                kind = "integer" if pd.api.types.is_integer_dtype(dtype) else \
                    "number" if pd.api.types.is_float_dtype(dtype) else "string"
                self._fields[column] = {"type": kind}
        return self._fields

    def _feature(self, row: pd.Series, geometry: Any, skip_geometry: bool, select: list[str]) -> dict:
        names = [c for c in row.index if not select or c in select]
        properties = {name: _jsonable(row[name]) for name in names}
        identifier = row.get(self.id_field, row.name)
        return {"type": "Feature", "id": str(_jsonable(identifier)), "properties": properties,
                "geometry": None if skip_geometry or geometry is None else shapely.geometry.mapping(geometry)}

    @crs_transform
    def query(self, offset: int = 0, limit: int = 10, resulttype: str = "results", bbox: list | None = None,
              datetime_: str | None = None, properties: list | None = None, sortby: list | None = None,
              select_properties: list | None = None, skip_geometry: bool = False, q: str | None = None,
              **kwargs: Any) -> dict:
        frame = self._frame()
        attributes = frame.drop(columns=frame.geometry.name)
        keep = np.ones(len(frame), dtype=bool)
        for name, value in properties or []:
            if name not in attributes.columns:
                raise ProviderQueryError(f"unknown property {name}")
            keep &= attributes[name].astype(str).to_numpy() == str(value)
        if bbox:
            box = shapely.box(*[float(v) for v in bbox[:4]])
            keep &= np.asarray(frame.geometry.intersects(box).fillna(False), dtype=bool)
        chosen = frame[keep]
        for order in reversed(sortby or []):
            chosen = chosen.sort_values(order["property"], ascending=order.get("order", "+") == "+", kind="stable")
        matched = len(chosen)
        page = chosen.iloc[offset: offset + limit] if resulttype != "hits" else chosen.iloc[0:0]
        select = list(select_properties or self.properties or [])
        features = [self._feature(row, geom, skip_geometry, select)
                    for (_, row), geom in zip(page.drop(columns=frame.geometry.name).iterrows(), page.geometry.values)]
        return {"type": "FeatureCollection", "features": features, "numberMatched": matched,
                "numberReturned": len(features)}

    @crs_transform
    def get(self, identifier: str, **kwargs: Any) -> dict:
        frame = self._frame()
        if self.id_field in frame.columns:
            hits = frame[frame[self.id_field].astype(str) == str(identifier)]
        elif str(identifier).isdigit() and int(identifier) < len(frame):  # a layer without ids: the row number
            hits = frame.iloc[[int(identifier)]]
        else:
            hits = frame.iloc[0:0]
        if hits.empty:
            raise ProviderItemNotFoundError(f"no feature {identifier}")
        row = hits.drop(columns=frame.geometry.name).iloc[0]
        return self._feature(row, hits.geometry.iloc[0], False, [])

    def __repr__(self) -> str:
        return f"<FrameProvider {json.dumps(self.data)}>"
