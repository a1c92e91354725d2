"""Place names on the map, from the local layers (no tile server needed): prefectures, counties, waters.

Each kind of name appears from its own zoom level on, so the province view shows the 11
prefectures and the counties come in as the user zooms in. Labels ignore the mouse: clicks go
through them to the map (point check) and to the sites.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from branca.element import MacroElement, Template
from shapely.ops import polylabel

from mapapp.geo import JIANGXI_LCC

# kind -> zoom from which its names are shown
MIN_ZOOM = {"prefecture": 7, "county": 9, "water": 8}


def _anchor(geometry: shapely.Geometry) -> shapely.Point:
    """Where a name goes: halfway along a line; in a polygon, at the point farthest from its edges
    (its largest part's), which also keeps it off the representative point where sites are drawn."""
    if geometry.geom_type in ("LineString", "MultiLineString"):
        line = shapely.line_merge(geometry)
        if line.geom_type == "MultiLineString":
            line = max(line.geoms, key=lambda g: g.length)
        return line.interpolate(0.5, normalized=True)
    parts = list(geometry.geoms) if geometry.geom_type == "MultiPolygon" else [geometry]
    return polylabel(max(parts, key=lambda g: g.area), tolerance=500.0)  # metres (LCC)


def label_points(frame: gpd.GeoDataFrame, kind: str, lang: str) -> list[dict]:
    """One label per named feature (features of the same name, such as a river's pieces, share one)."""
    name_col = "name_en" if lang == "en" else "name_zh"
    named = frame[frame.geometry.notna() & frame[name_col].fillna("").astype(str).str.len().gt(0)]
    merged = named.dissolve(by=name_col, as_index=False) if named[name_col].duplicated().any() else named
    metric = merged.to_crs(JIANGXI_LCC)
    anchors = gpd.GeoSeries([_anchor(g) for g in metric.geometry], crs=JIANGXI_LCC).to_crs(4326)
    return [{"name": str(name), "kind": kind, "lat": round(p.y, 5), "lon": round(p.x, 5)}
            for name, p in zip(merged[name_col], anchors)]


class PlaceLabels(MacroElement):
    """The names as non-interactive DivIcons, each kind shown from its zoom level."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .place-label { background: none; border: none; white-space: nowrap; pointer-events: none;
                         font-family: "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif; }
          .place-label span { position: relative; left: -50%; top: -0.6em;
                              text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; }
          .place-label.prefecture span { font-size: 14px; font-weight: bold; color: #333; }
          .place-label.county span { font-size: 11px; color: #555; }
          .place-label.water span { font-size: 12px; font-style: italic; color: #1f5f99; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var minZoom = {{ this.min_zoom|tojson }};
            var groups = {};
            {{ this.labels|tojson }}.forEach(function (l) {
                var g = groups[l.kind] || (groups[l.kind] = L.layerGroup());
                var span = document.createElement('span');
                span.textContent = l.name;
                L.marker([l.lat, l.lon], {interactive: false, keyboard: false,
                    icon: L.divIcon({className: 'place-label ' + l.kind, html: span.outerHTML, iconSize: null})
                }).addTo(g);
            });
            function update() {
                var z = map.getZoom();
                Object.keys(groups).forEach(function (kind) {
                    var on = z >= minZoom[kind];
                    if (on && !map.hasLayer(groups[kind])) { groups[kind].addTo(map); }
                    if (!on && map.hasLayer(groups[kind])) { map.removeLayer(groups[kind]); }
                });
            }
            map.on('zoomend', update);
            map.whenReady(update);
        })();
        {% endmacro %}
    """)

    def __init__(self, labels: list[dict]) -> None:
        super().__init__()
        self._name = "PlaceLabels"
        self.labels = labels
        self.min_zoom = MIN_ZOOM
