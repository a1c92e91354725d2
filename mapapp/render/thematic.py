"""A thematic map on the Leaflet map: the units' outlines (a file the browser fetches) filled by class,
each unit's value in its tooltip, and a legend of the classes."""

from __future__ import annotations

import html
from dataclasses import dataclass

import geopandas as gpd
from branca.element import Template
from folium.map import Layer

from mapapp.render.layer_files import AS_GEOJSON_JS
from mapapp.render.vectors import UNDERLAY_Z
from mapapp.storage import geojson_dict
from mapapp.thematic import NO_DATA, Classes


@dataclass(frozen=True)
class Thematic:
    """What the map draws: the title, each unit's colour and tooltip, and the legend's rows."""

    title: str
    level: str  # "prefectures" or "counties"
    styles: dict[str, tuple[str, str]]  # adcode -> (fill colour, tooltip text, unescaped)
    legend: list[tuple[str, str]]  # (colour, label)


def thematic(title: str, level: str, names: dict[str, str], values_text: dict[str, str], classes: Classes,
             labels: list[str], no_data: str) -> Thematic:
    """`names`: adcode -> unit name; `values_text`: adcode -> the value as the tooltip says it."""
    styles = {code: (classes.colour(code), f"{name}: {values_text.get(code, no_data)}") for code, name in names.items()}
    legend = [*zip(classes.colours, labels), (NO_DATA, no_data)]
    return Thematic(title, level, styles, legend)


def unit_outlines(units: gpd.GeoDataFrame) -> dict:
    """The units' outlines keyed by adcode: the file the thematic layer fetches."""
    return geojson_dict(gpd.GeoDataFrame({"adcode": units["adcode"].to_numpy()}, geometry=units.geometry.values,
                                         crs=units.crs), precision=5)


class ThematicLayer(Layer):
    """Units filled by class (fetched outlines, styled from a small table), with a legend control."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .thematic-legend { background: rgba(255,255,255,.92); border-radius: 4px; box-shadow: 0 0 4px #999;
                             font-size: 12px; line-height: 18px; padding: 6px 8px; max-width: 240px; }
          .thematic-legend i { display: inline-block; width: 14px; height: 12px; margin-right: 6px;
                               border: 1px solid #888; vertical-align: -1px; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var styles = {{ this.styles|tojson }};
            {{ this._parent.get_name() }}.createPane('mapapp-underlay').style.zIndex = {{ this.z }};
            var layer = L.geoJSON(null, {
                pane: 'mapapp-underlay',
                className: 'thematic-unit',
                style: function (f) {
                    var s = styles[f.properties.adcode];
                    return {color: '#555', weight: 1, fillOpacity: 0.75, fillColor: s ? s[0] : '{{ this.no_data }}'};
                },
                onEachFeature: function (f, l) {
                    var s = styles[f.properties.adcode];
                    if (s) { l.bindTooltip(s[1], {sticky: true}); }
                }
            });
            fetch({{ this.url|tojson }}).then(function (r) { return r.json(); }).then({{ this.as_geojson }})
                .then(function (d) { layer.addData(d); layer.bringToBack(); });
            var legend = L.control({position: 'bottomleft'});
            legend.onAdd = function () {
                var div = L.DomUtil.create('div', 'thematic-legend');
                div.innerHTML = {{ this.legend_html|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
            return layer;
        })();
        {% endmacro %}
    """)

    def __init__(self, url: str, shown: Thematic) -> None:
        super().__init__(name=shown.title, overlay=True, show=True)
        self._name = "ThematicLayer"
        self.z = UNDERLAY_Z  # its own pane, under the layers' (vectors.pane_z)
        self.url, self.no_data, self.as_geojson = url, NO_DATA, AS_GEOJSON_JS
        self.styles = {code: [colour, html.escape(tip)] for code, (colour, tip) in shown.styles.items()}
        rows = "".join(f"<div><i style='background:{c}'></i>{html.escape(label)}</div>" for c, label in shown.legend)
        self.legend_html = f"<b>{html.escape(shown.title)}</b>{rows}"
