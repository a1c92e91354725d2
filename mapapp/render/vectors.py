"""Vector layers (boundaries, waters, zones, clusters) as the map draws them.

Every text that reaches the browser is escaped here, in Python: a feature carries only its
geometry, `_tip` (its name, for the hover tooltip) and, for thematic layers, `_popup` (an HTML
table in the page's language). Base, water and zone layers get no popup: a Leaflet popup stops
the click, and a click on the Yangtze or Poyang Lake must check that point like any other.
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Template
from folium.map import Layer
from folium.utilities import JsCode

from mapapp.catalog import vocab
from mapapp.catalog.records import split_list
from mapapp.citations import cite
from mapapp.i18n import field_label
from mapapp.layers import LayerSpec
from mapapp.render.layer_files import AS_GEOJSON_JS
from mapapp.storage import geojson_dict

# Fields whose cells are codes of a vocabulary: shown as labels, not as codes.
CODED_FIELDS = {"industries": vocab.INDUSTRIES, "kind": vocab.SITE_KINDS, "level": vocab.LEVELS}
POPUP_GROUPS = ("thematic",)  # layers whose features open a popup on click


def cell_text(value: object) -> str:
    """A cell as escaped HTML ("" for blanks, NaN and None)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def _name(row: pd.Series, lang: str) -> str:
    for column in (("name_en", "name_zh") if lang == "en" else ("name_zh", "name_en")):
        if column in row and isinstance(row[column], str) and row[column]:
            return row[column]
    return ""


def _value(field: str, value: object, lang: str) -> str:
    if field in CODED_FIELDS:
        return html.escape("、".join(vocab.label(CODED_FIELDS[field], c, lang) for c in split_list(value)))
    if field.endswith("_ids"):
        return html.escape(", ".join(split_list(value)))
    if field == "sources":
        return "<br>".join(cell_text(cite(source, lang)) for source in split_list(value))
    text = cell_text(value)
    return text.replace(";", "<br>") if field == "notes" else text


def _in_language(field: str, lang: str) -> str:
    """The column that holds `field` in the page's language (notes are written twice)."""
    return "notes_zh" if field == "notes" and lang == "zh" else field


def feature_popup(spec: LayerSpec, row: pd.Series, lang: str) -> str:
    shown = [(f, _in_language(f, lang)) for f in spec.popup_fields if f not in ("name_zh", "name_en")]
    rows = "".join(
        f"<tr><th>{html.escape(field_label(f, lang))}</th><td>{_value(f, row[c], lang)}</td></tr>"
        for f, c in shown if c in row and cell_text(row[c])
    )
    return (f"<div class='layer-popup' style='font-size:12px;max-height:320px;overflow:auto'>"
            f"<b>{html.escape(_name(row, lang))}</b><table>{rows}</table></div>")


def layer_features(spec: LayerSpec, frame: gpd.GeoDataFrame, lang: str = "zh") -> dict:
    """The FeatureCollection the map embeds: geometry, the escaped name, and a popup if the layer has one."""
    located = frame[frame.geometry.notna()]
    out = gpd.GeoDataFrame({"_tip": [html.escape(_name(row, lang)) for _, row in located.iterrows()]},
                           geometry=located.geometry.values, crs=located.crs)
    if spec.group in POPUP_GROUPS:
        out["_popup"] = [feature_popup(spec, row, lang) for _, row in located.iterrows()]
    return geojson_dict(out, precision=5)


def style(spec: LayerSpec) -> dict:
    s = spec.style
    return {
        "color": s.get("color", "#3388ff"), "weight": s.get("weight", 1), "fill": s.get("fill", "fill_color" in s),
        "fillColor": s.get("fill_color", s.get("color", "#3388ff")), "fillOpacity": s.get("fill_opacity", 0.2),
    }


# Tooltips follow the pointer; popups open where the user clicked, without stopping the click, so
# the map still checks that point. Both texts were escaped in Python.
_ON_EACH_FEATURE = JsCode("""
function (feature, layer) {
    var p = feature.properties || {};
    if (p._tip) { layer.bindTooltip(p._tip, {sticky: true}); }
    if (p._popup) {
        layer.on('click', function (e) {
            L.popup({maxWidth: 420}).setLatLng(e.latlng).setContent(p._popup).openOn(layer._map);
        });
    }
}
""")


class FetchedGeoJson(Layer):
    """A GeoJSON layer whose features the browser fetches from `url` (a file it caches) after the map
    is drawn, so the map script stays small. Listed in the layer control like any folium layer. Its
    loading is listed in window.mapappLayersLoading, for controls.ReportDrawn.

    Drawn in a pane of its own at z-index `z` (see pane_z): Leaflet stacks paths in the order they
    arrive, so in one shared pane the file fetched last would be drawn on top, whatever the layer order."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.createPane({{ this.pane|tojson }}).style.zIndex = {{ this.z }};
        var {{ this.get_name() }} = L.geoJSON(null, {
            pane: {{ this.pane|tojson }},
            style: function () { return {{ this.style|tojson }}; }, smoothFactor: 1.0,
            onEachFeature: {{ this.on_each_feature }}
        });
        (window.mapappLayersLoading = window.mapappLayersLoading || []).push(fetch({{ this.url|tojson }})
            .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
            .then({{ this.as_geojson }})
            .then(function (data) { {{ this.get_name() }}.addData(data).fire('mapapp:loaded'); })
            .catch(function (e) { console.error('layer not loaded', {{ this.layer_name|tojson }}, e); }));
        {% endmacro %}
    """)

    def __init__(self, url: str, *, name: str, style: dict, show: bool, z: int) -> None:
        super().__init__(name=name, overlay=True, show=show)
        self._name = "FetchedGeoJson"
        self.z, self.pane = z, f"mapapp-layer-{z}"
        self.url, self.style, self.on_each_feature = url, style, _ON_EACH_FEATURE.js_code
        self.as_geojson = AS_GEOJSON_JS


def pane_z(order: int) -> int:
    """The z-index of the pane of the `order`-th fetched layer (0 = bottom): above an underlay
    (UNDERLAY_Z) and below Leaflet's overlay pane (400), where the sites and the checked point are drawn."""
    return UNDERLAY_Z + 1 + order


UNDERLAY_Z = 300  # a thematic map's units, under every layer


def vector_layer(spec: LayerSpec, source: dict | str, *, lang: str, show: bool, order: int) -> folium.map.Layer:
    """`source`: the features (embedded in the map) or the URL of their file (fetched by the browser);
    `order`: the layer's place from the bottom, for a fetched layer's pane."""
    fixed = style(spec)
    if isinstance(source, str):
        return FetchedGeoJson(source, name=spec.title(lang), style=fixed, show=show, z=pane_z(order))
    return folium.GeoJson(source, name=spec.title(lang), style_function=lambda _f: fixed, show=show,
                          smooth_factor=1.0, on_each_feature=_ON_EACH_FEATURE)

