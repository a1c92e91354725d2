"""Vector layers as files the browser fetches once and keeps, instead of GeoJSON embedded in the page.

Embedded, the default view's layers made every rerun send and re-render about 1 MB of map script.
As files under static/cache/layers/ (served by Streamlit's static serving, like the vendored
Leaflet) they are sent once; their names carry a hash of their content, so a changed layer is a
new file and a browser never keeps a stale one.

A FeatureCollection is written as TopoJSON: each border shared by two counties once, coordinates as
small integer steps. That is a third of the GeoJSON's gzipped bytes (the default view's layers went
from 280 kB to 113 kB). The browser turns it back with topojson-client (AS_GEOJSON_JS).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import topojson
from topojson.utils import serialize_as_geojson

from mapapp.paths import ROOT
from mapapp.render.assets import asset_base

STATIC_DIR = ROOT / "static"
LAYER_DIR = STATIC_DIR / "cache" / "layers"
TOPOLOGY_OBJECT = "layer"
# Coordinates snap to 100,000 steps across the layer's extent: about 5 m over Jiangxi, well inside
# the display outlines' own 50-150 m simplification.
QUANTIZATION = 100_000
# The browser's side of `publish`: a fetched file's data as GeoJSON, whichever way it was written.
AS_GEOJSON_JS = ("function (d) { return d && d.type === 'Topology' ? "
                 f"topojson.feature(d, d.objects.{TOPOLOGY_OBJECT}) : d; }}")


def publish(features: dict, name: str) -> str | None:
    """The URL (relative to the map's frame) of `features` written as `<name>-<hash>.json`;
    None when the folder cannot be written (then the caller embeds the features)."""
    return publish_bytes(_encode(features), LAYER_DIR, name, ".json")


def _encode(data: dict) -> bytes:
    """TopoJSON for a FeatureCollection whose features all have a geometry (what topojson can take);
    anything else as JSON."""
    features = data.get("features") if data.get("type") == "FeatureCollection" else None
    if features and all(f.get("geometry") for f in features):
        data = topojson.Topology(data, object_name=TOPOLOGY_OBJECT, prequantize=QUANTIZATION, topology=True,
                                 presimplify=False, toposimplify=False).to_dict()
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def publish_bytes(body: bytes, folder: Path, name: str, suffix: str) -> str | None:
    """The URL of `body` written under `folder` (inside static/) as `<name>-<hash><suffix>`, or
    None when the folder cannot be written."""
    path = folder / f"{name}-{hashlib.sha256(body).hexdigest()[:16]}{suffix}"
    try:
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, body)
    except OSError:
        return None
    return asset_base() + path.relative_to(STATIC_DIR).as_posix()


def layer_source(features: dict, name: str) -> dict | str:
    """What a map layer loads: the URL of its published file, or the features when it cannot be written."""
    return publish(features, name) or features


def _write_atomically(path: Path, body: bytes) -> None:
    """Another process may publish the same layer at the same moment: each writes its own file and
    renames it into place, so a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(body)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_published(source: dict | str) -> dict:
    """The features behind what `publish` returned (or the features themselves, if embedded)."""
    if isinstance(source, dict):
        return source
    data = json.loads((STATIC_DIR / source.removeprefix(asset_base())).read_bytes())
    if data.get("type") == "Topology":
        return json.loads(json.dumps(serialize_as_geojson(data, objectname=TOPOLOGY_OBJECT)))
    return data
