"""Point symbols on the map: the register's sites (clustered, with popups) and screened points.

Both are drawn in the browser from one JSON payload by one element each: folium compiles a
template per Marker, DivIcon, Popup and Tooltip, which made every filter change cost a quarter
of a second.
"""

from __future__ import annotations

import html
import json
from collections.abc import Collection
from functools import lru_cache

import folium
import geopandas as gpd
import shapely
import shapely.geometry
from branca.element import MacroElement, Template
from folium import plugins
from folium.elements import JSCSSMixin

from mapapp.catalog import vocab
from mapapp.ground import from_lcc_xy, to_lcc_xy

RETROFIT_COLOURS = {
    "completed": "#1a9641", "in_progress": "#66bd63", "pilot": "#4eb3d3", "planned": "#fdae61", "not_started": "#d7191c",
    "unknown": "#8c8c8c",
}
KIND_SYMBOLS = {
    "park": "●", "development_zone": "■", "recycling_base": "▲", "solid_waste_base": "◆",
    "chemical_park": "⬣", "cluster_node": "✚", "plant": "★", "county_base": "⬟",
}
VERDICT_COLOURS = {"within": "#d7191c", "uncertain": "#f59e0b", "outside": "#2b83ba"}
UNKNOWN = "unknown"


class SiteMarkers(MacroElement):
    """All sites as clustered symbols. Cluster bubbles are neutral grey-blue (the colours belong to
    the retrofit status); a bubble whose sites share one point (a county's representative point)
    spreads them out instead of zooming the map in onto an empty canvas."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var cluster = L.markerClusterGroup({
                maxClusterRadius: 40, zoomToBoundsOnClick: false, spiderfyOnMaxZoom: true,
                iconCreateFunction: function (c) {
                    return L.divIcon({html: '<div>' + c.getChildCount() + '</div>', className: 'marker-cluster site-cluster',
                                      iconSize: [36, 36]});
                }
            });
            cluster.on('clusterclick', function (e) {
                var b = e.layer.getBounds();
                var m = cluster._map;
                if (b.getNorthEast().equals(b.getSouthWest(), 1e-6) || m.getBoundsZoom(b) > 12) { e.layer.spiderfy(); }
                else { e.layer.zoomToBounds({padding: [30, 30]}); }
            });
            var group = {{ this._parent.get_name() }};
            // A click on a site tells the page which site (streamlit-folium returns the clicked
            // object's "popup"; a counter makes a second click on the same site news too).
            function pick(s) {
                window.__mapappClicks = (window.__mapappClicks || 0) + 1;
                window.__GLOBAL_DATA__.last_object_clicked_popup = 'site:' + s.id + ':' + window.__mapappClicks;
            }
            {{ this.sites|tojson }}.forEach(function (s) {
                // A range is not a location: its symbol is hollow, and its unit is outlined while it is selected.
                var style = s.range ? "color:#fff;-webkit-text-stroke:1.5px " + s.colour + ";opacity:.9"
                                    : "color:" + s.colour + ";text-shadow:0 0 2px #000,0 0 1px #000";
                var icon = L.divIcon({
                    html: "<div class='site-marker" + (s.range ? " site-range" : "") + (s.selected ? " site-selected" : "") +
                          "' data-site-id='" + s.id + "' style='font-size:20px;line-height:20px;" + style + "'>" + s.glyph + "</div>",
                    className: "", iconSize: [20, 20], iconAnchor: [10, 10]});
                var marker = L.marker([s.lat, s.lon], {icon: icon, riseOnHover: true}).bindTooltip(s.tooltip, {className: 'site-tip'});
                marker.on('click', function () { pick(s); });
                if (s.outline) {  // a boundary, or a selected range's unit
                    L.geoJSON(s.outline, {className: s.range ? 'site-range-outline' : 'site-boundary',
                        style: s.range ? {color: s.colour, weight: 2, dashArray: '6 4', fillOpacity: 0.08}
                                       : {color: s.colour, weight: 2, fillOpacity: 0.25}})
                        .bindTooltip(s.tooltip, {sticky: true, className: 'site-tip'}).on('click', function () { pick(s); }).addTo(group);
                }
                if (s.selected) {  // a ring that stays visible even when the symbol is in a cluster
                    L.circleMarker([s.lat, s.lon], {radius: 15, color: '#00b8d9', weight: 4, fill: false,
                                                     interactive: false, className: 'site-selection'}).addTo(group);
                }
                marker.addTo(cluster);
            });
            cluster.addTo(group);
        })();
        {% endmacro %}
    """)

    def __init__(self, sites: list[dict]) -> None:
        super().__init__()
        self._name = "SiteMarkers"
        self.sites = sites


# Outlines sent to the browser are simplified by this much (metres): a range's outline only shows
# which unit the site lies in; a boundary keeps its shape to well within a symbol's width.
OUTLINE_TOLERANCE_M = {"range": 150.0, "boundary": 5.0}


def site_shapes(sites: gpd.GeoDataFrame) -> dict[str, dict]:
    """Per located site: where its symbol goes (a point, or a point inside its area) and, for an area,
    its simplified outline as GeoJSON. Built once per basemap: simplifying is the costly part."""
    located = sites[sites.geometry.notna()]
    return {sid: _shape(shapely.to_wkb(geom), str(kind))
            for sid, geom, kind in zip(located["id"], located.geometry, located["location_kind"])}


@lru_cache(maxsize=4096)  # by location: after an approved change only that site is simplified again
def _shape(wkb: bytes, kind: str) -> dict:
    """One site's symbol position and outline (treat as read-only: it is shared)."""
    geom = shapely.from_wkb(wkb)
    anchor = geom if geom.geom_type == "Point" else shapely.point_on_surface(geom)
    outline = None
    if geom.geom_type != "Point":
        flat = shapely.transform(geom, to_lcc_xy, interleaved=False)
        simple = shapely.simplify(flat, OUTLINE_TOLERANCE_M.get(kind, 5.0), preserve_topology=True)
        outline = shapely.geometry.mapping(shapely.transform(simple, from_lcc_xy, interleaved=False))
    return {"lon": round(anchor.x, 6), "lat": round(anchor.y, 6), "outline": _rounded(outline)}


def _rounded(geojson: dict | None) -> dict | None:
    """GeoJSON coordinates to 5 decimals (about 1 m), which is all a drawn outline needs."""
    if geojson is None:
        return None
    return json.loads(json.dumps(geojson), parse_float=lambda v: round(float(v), 5))


def site_payload(sites: gpd.GeoDataFrame, shapes: dict[str, dict], lang: str,
                 selected: Collection[str] = ()) -> list[dict]:
    """What the browser needs per located site: position, outline, symbol, colour, tooltip, selected."""
    located = sites[sites.geometry.notna()]
    names = located["name_zh" if lang == "zh" else "name_en"]
    kinds = located["location_kind"].map(lambda k: vocab.label(vocab.LOCATION_KINDS, k, lang))
    chosen = set(selected)
    # A range's outline (a whole county's) is sent only while it is selected: the rest of the time it
    # would be most of the payload and is never drawn.
    return [
        shapes[sid] | {"outline": shapes[sid]["outline"] if where != "range" or sid in chosen else None, "id": html.escape(sid), "range": where == "range", "selected": sid in chosen,
                       "tooltip": html.escape(f"{name} · {kind_label}"),
                       "colour": RETROFIT_COLOURS.get(status, RETROFIT_COLOURS["unknown"]),
                       "glyph": KIND_SYMBOLS.get(kind, "●")}
        for sid, name, kind_label, where, status, kind in zip(
            located["id"], names, kinds, located["location_kind"], located["circular_retrofit"], located["kind"])
    ]


def sites_group(sites: gpd.GeoDataFrame, shapes: dict[str, dict], lang: str, *, name: str,
                selected: Collection[str] = ()) -> folium.FeatureGroup:
    """The sites as a feature group: a symbol each (clusters spread those sharing a point), boundaries
    drawn as areas, and the selected sites ringed (a selected range also outlines its unit)."""
    group = folium.FeatureGroup(name=name)
    SiteMarkers(site_payload(sites, shapes, lang, selected)).add_to(group)
    return group


class ClusterAssets(JSCSSMixin, MacroElement):
    """Loads the marker-cluster plugin with the static map.

    streamlit-folium collects script links from the static map only; the sites arrive later as a
    dynamic feature group, whose cluster layer would otherwise find no plugin loaded.
    """

    default_js = plugins.MarkerCluster.default_js
    default_css = plugins.MarkerCluster.default_css
    # The bubbles' style lives here too, and the checked points' (PointMarkers): a dynamic group's own
    # header is never rendered. A point's long description, and a site's long name, wrap instead of
    # running out of the map (a tooltip left of a point right of the centre has only half the map).
    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .site-cluster div { width: 30px; height: 30px; margin: 3px; border-radius: 15px; background: #3f5873;
                              color: #fff; font: bold 12px/30px sans-serif; text-align: center;
                              box-shadow: 0 0 0 3px rgba(63,88,115,.35); }
          .point-tip { white-space: normal; width: 22em; }
          .site-tip { white-space: normal; width: max-content; max-width: 16em; }
        </style>
        {% endmacro %}
    """)


class PointMarkers(MacroElement):
    """Screened points (an uploaded file, the point last clicked) as circles coloured by verdict."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            // Above the site symbols and their clusters (markerPane, 600), below the tooltips (650): a
            // checked point must not hide under a cluster. The pane is made when the group joins a map.
            var pane = function (map) {
                if (!map.getPane('mapapp-points')) { map.createPane('mapapp-points').style.zIndex = 640; }
            };
            group.beforeAdd = pane;
            if (group._map) { pane(group._map); }  // already on the map (a static group)
            {{ this.points|tojson }}.forEach(function (p) {
                L.circleMarker([p.lat, p.lon], {radius: p.radius || 6, color: '#222', weight: 1, fillColor: p.colour,
                                               fillOpacity: 0.9, bubblingMouseEvents: true, pane: 'mapapp-points'})
                    .bindTooltip(p.tooltip, {direction: 'auto', className: 'point-tip'}).addTo(group);  // left near the right edge
                if (p.line) {  // to the nearest regulated water, labelled with its length
                    L.polyline(p.line, {color: '#222', weight: 2, dashArray: '5 5', interactive: false,
                                        className: 'nearest-water-line'}).addTo(group)
                        .bindTooltip(p.line_label, {permanent: true, direction: 'center', className: 'nearest-water-label'});
                }
            });
        })();
        {% endmacro %}
    """)

    def __init__(self, points: list[dict]) -> None:
        super().__init__()
        self._name = "PointMarkers"
        self.points = points


def points_group(points: list[dict], *, name: str) -> folium.FeatureGroup:
    """`points`: dicts with lat, lon, verdict and an (unescaped) tooltip text; optionally `to` (lon, lat)
    of the nearest water and `to_label`, drawn as a labelled line."""
    group = folium.FeatureGroup(name=name)
    payload = [{"lat": round(p["lat"], 6), "lon": round(p["lon"], 6), "tooltip": html.escape(p["tooltip"]),
                "colour": VERDICT_COLOURS.get(p["verdict"], "#8c8c8c"), "radius": p.get("radius"),
                "line": [[p["lat"], p["lon"]], [p["to"][1], p["to"][0]]] if p.get("to") else None,
                "line_label": html.escape(p.get("to_label", ""))} for p in points]
    PointMarkers(payload).add_to(group)
    return group
