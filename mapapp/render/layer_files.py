"""Vector layers as files the browser fetches once and keeps, instead of GeoJSON embedded in the page.

Embedded, the default view's layers made every rerun send and re-render about 1 MB of map script.
As files under static/cache/layers/ (served by Streamlit's static serving, like the vendored
Leaflet) they are sent once; their names carry a hash of their content, so a changed layer is a
new file and a browser never keeps a stale one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from mapapp.paths import ROOT
from mapapp.render.assets import asset_base

STATIC_DIR = ROOT / "static"
LAYER_DIR = STATIC_DIR / "cache" / "layers"


def publish(features: dict, name: str) -> str | None:
    """The URL (relative to the map's frame) of `features` written as `<name>-<hash>.json`;
    None when the folder cannot be written (then the caller embeds the features)."""
    body = json.dumps(features, ensure_ascii=False, separators=(",", ":")).encode()
    path = LAYER_DIR / f"{name}-{hashlib.sha256(body).hexdigest()[:16]}.json"
    try:
        if not path.exists():
            LAYER_DIR.mkdir(parents=True, exist_ok=True)
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
    return json.loads((STATIC_DIR / source.removeprefix(asset_base())).read_bytes())
