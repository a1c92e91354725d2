"""The map's scripts as one file.

streamlit-folium loads a map's script links one after another, each waiting for the one before
(Leaflet, its plugins, our shim): six round trips before the map can start, about 0.15 s of a
cold open. Concatenated into one file under static/cache/scripts/ (named by its content, so
browsers keep it), they are one request.
"""

from __future__ import annotations

import os

from mapapp.render.assets import ICON_PATH_FIX, LEAFLET_DIST, asset_base
from mapapp.render.layer_files import STATIC_DIR, publish_bytes

_SCRIPTS = "cache/scripts"  # under static/
SCRIPT_DIR = STATIC_DIR / _SCRIPTS


def bundled(links: list[str]) -> list[str]:
    """The links as one bundle; unchanged when one of them is not a file we serve (or the cache
    folder cannot be written), so the map still loads, only slower."""
    base = asset_base()
    if len(links) < 2 or not all(url.startswith(base) for url in links):
        return links
    parts = []
    for url in links:
        path = STATIC_DIR / url.removeprefix(base)
        if url == base + ICON_PATH_FIX[1]:
            parts.append(_icon_path_line())  # the shim finds the images from its own URL, which moves
        elif path.is_file():
            parts.append(path.read_text(encoding="utf-8"))
        else:
            return links
    # ";" between files: a file that ends without one must not run into the next.
    bundle = publish_bytes("\n;\n".join(parts).encode(), SCRIPT_DIR, "map", ".js")
    return [bundle] if bundle else links


def _icon_path_line() -> str:
    relative = os.path.relpath(LEAFLET_DIST + "images", _SCRIPTS).replace(os.sep, "/") + "/"
    return f"L.Icon.Default.imagePath = new URL({relative!r}, document.currentScript.src).href;"
