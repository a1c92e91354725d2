"""Point folium at the Leaflet assets the app serves itself (static/vendor), never at a CDN.

folium keeps each element's script and stylesheet links in class-level lists (`default_js`,
`default_css`); streamlit-folium sends exactly those lists to the browser, which loads them one by
one and stops at the first that fails. On an intranet a CDN link therefore means a blank map.
`install()` rewrites the links we vendor and drops the ones the map does not use (jQuery, Bootstrap,
Font Awesome, awesome-markers: only folium.Icon needs them, and we draw sites with DivIcons).
"""

from __future__ import annotations

import os
import re

import folium
import folium.elements
import folium.plugins  # noqa: F401 - registers the plugin classes whose links we rewrite

# The st_folium iframe lives at <base>/component/streamlit_folium.st_folium/index.html, so this
# relative path reaches <base>/app/static/ under any server.baseUrlPath or proxy prefix.
DEFAULT_BASE = "../../app/static/"
ICON_PATH_FIX = ("leaflet_icon_path", "vendor/mapapp-extra/leaflet-icon-path.js")
# Vector layers arrive as TopoJSON (render/layer_files.py); this turns them into GeoJSON in the browser.
TOPOJSON_CLIENT = ("topojson_client", "vendor/topojson-client@3.1.0/dist/topojson-client.min.js")

LEAFLET_DIST = "vendor/leaflet@1.9.4/dist/"  # under static/
_CLUSTER = "vendor/leaflet.markercluster@1.5.3/dist/"
LOCAL: dict[str, str] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": LEAFLET_DIST + "leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": LEAFLET_DIST + "leaflet.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js": _CLUSTER + "leaflet.markercluster.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css": _CLUSTER + "MarkerCluster.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": _CLUSTER + "MarkerCluster.Default.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.js": "vendor/leaflet-draw@1.0.4/dist/leaflet.draw.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.css": "vendor/leaflet-draw@1.0.4/dist/leaflet.draw.css",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": "vendor/leaflet.fullscreen@3.0.0/Control.FullScreen.js",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": "vendor/leaflet.fullscreen@3.0.0/Control.FullScreen.css",
}
# folium.Map's links that only folium.Icon / Bootstrap widgets use, and jQuery, which only folium.Popup
# and Map(objects_in_front=...) use: the map has neither (sites open the panel beside the map), and
# the browser tests fail on any page error, such as "$ is not defined".
UNUSED = {"jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css", "awesome_markers_font_css",
          "awesome_markers_css", "awesome_rotate_css"}

EXTERNAL = re.compile(r"^(https?:)?//", re.IGNORECASE)


class ExternalAssetError(RuntimeError):
    """A map would load a script or stylesheet from the internet."""


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def asset_base() -> str:
    base = os.environ.get("MAPAPP_ASSET_BASE") or DEFAULT_BASE
    return base if base.endswith("/") else base + "/"


def localize(url: str) -> str:
    return asset_base() + LOCAL[url] if url in LOCAL else url


def install() -> None:
    """Rewrite folium's asset links in place (they are shared class attributes). Idempotent."""
    base = asset_base()
    for cls in {folium.Map, *_subclasses(folium.elements.JSCSSMixin)}:
        for attr in ("default_js", "default_css"):
            links = cls.__dict__.get(attr)
            if not links:
                continue
            if cls is folium.Map:
                links[:] = [(name, url) for name, url in links if name not in UNUSED]
            links[:] = [(name, localize(url)) for name, url in links]
    after_leaflet = next(i for i, (name, _) in enumerate(folium.Map.default_js) if name == "leaflet") + 1
    for name, path in reversed((ICON_PATH_FIX, TOPOJSON_CLIENT)):
        if name not in {known for known, _ in folium.Map.default_js}:
            folium.Map.default_js.insert(after_leaflet, (name, base + path))


def check_links(links: list[str]) -> list[str]:
    """The links with CDN URLs mapped to local ones; raise if any would still leave the server."""
    local = list(dict.fromkeys(localize(u) for u in links))
    external = [u for u in local if EXTERNAL.match(u)]
    if external:
        raise ExternalAssetError(f"the map would load {external} from the internet; vendor it (scripts/fetch_assets.py)")
    return local
