"""Build the folium map: basemap, vector layers from their specs, site symbols, popups and legend."""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement, Template
from folium import plugins
from folium.elements import JSCSSMixin

from mapapp import vocab
from mapapp.datum import geometry_from_wgs84
from mapapp.i18n import t
from mapapp.indicators import format_value
from mapapp.layers import LayerSpec
from mapapp.records import split_list
from mapapp.render.assets import install
from mapapp.storage import geojson_dict

install()

JIANGXI_BOUNDS = [[24.49, 113.57], [30.08, 118.48]]
RETROFIT_COLOURS = {
    "completed": "#1a9641", "in_progress": "#66bd63", "planned": "#fdae61", "not_started": "#d7191c", "unknown": "#8c8c8c",
}
KIND_SYMBOLS = {
    "park": "●", "development_zone": "■", "recycling_base": "▲", "solid_waste_base": "◆",
    "chemical_park": "⬣", "cluster_node": "✚", "plant": "★", "county_base": "⬟",
}
TIANDITU = "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk="
GAODE = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"


@dataclass(frozen=True)
class MapLayer:
    spec: LayerSpec
    features: dict  # a GeoJSON FeatureCollection from `layer_features`
    show: bool


def popup_fields(spec: LayerSpec, frame: gpd.GeoDataFrame) -> list[str]:
    return [f for f in dict.fromkeys([spec.label_field, *spec.popup_fields]) if f in frame.columns]


def layer_features(spec: LayerSpec, frame: gpd.GeoDataFrame) -> dict:
    """The FeatureCollection the map embeds: geometry plus only the fields shown in tooltip and popup."""
    keep = popup_fields(spec, frame)
    located = frame[frame.geometry.notna()]
    return geojson_dict(located[[*keep, located.geometry.name]], precision=5)


def shift_for_basemap(frame: gpd.GeoDataFrame, basemap: str) -> gpd.GeoDataFrame:
    """Gaode tiles are drawn in GCJ-02: move overlays there too, or they sit ~500 m off."""
    if basemap != "gaode" or frame.empty:
        return frame
    moved = [None if g is None else geometry_from_wgs84(g, "gcj02") for g in frame.geometry]
    return frame.set_geometry(gpd.GeoSeries(moved, index=frame.index, crs=frame.crs))


def _basemap(m: folium.Map, basemap: str, lang: str) -> None:
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap").add_to(m)
    elif basemap == "tianditu" and os.environ.get("TIANDITU_KEY"):
        folium.TileLayer(TIANDITU + os.environ["TIANDITU_KEY"], attr="天地图", name="天地图", subdomains="01234567").add_to(m)
    elif basemap == "gaode":
        folium.TileLayer(GAODE, attr="高德地图", name="高德", subdomains="1234").add_to(m)


def _style(spec: LayerSpec) -> dict:
    s = spec.style
    return {
        "color": s.get("color", "#3388ff"), "weight": s.get("weight", 1), "fill": s.get("fill", "fill_color" in s),
        "fillColor": s.get("fill_color", s.get("color", "#3388ff")), "fillOpacity": s.get("fill_opacity", 0.2),
    }


def _vector_layer(layer: MapLayer, lang: str) -> folium.GeoJson:
    spec, features = layer.spec, layer.features
    fields = list(features["features"][0]["properties"]) if features["features"] else []
    style = _style(spec)
    tooltip = folium.GeoJsonTooltip(fields=[spec.label_field], labels=False) if spec.label_field in fields else None
    popup = folium.GeoJsonPopup(fields=fields, max_width=420) if len(fields) > 1 else None
    return folium.GeoJson(
        features, name=spec.title(lang), style_function=lambda _f: style, tooltip=tooltip, popup=popup,
        show=layer.show, smooth_factor=1.0,
    )


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def _codes(cell: str, vocabulary: dict[str, tuple[str, str]], lang: str) -> str:
    return "、".join(vocab.label(vocabulary, c, lang) for c in split_list(cell)) if lang == "zh" else ", ".join(
        vocab.label(vocabulary, c, lang) for c in split_list(cell))


def site_popup_html(site: pd.Series, indicators: pd.DataFrame, lang: str) -> str:
    """The popup: what the site is, how sure its location is, its statuses, targets and sources."""
    name = site["name_zh"] if lang == "zh" else site["name_en"]
    rows = [
        (t("kind", lang), vocab.label(vocab.SITE_KINDS, site["kind"], lang)),
        (t("level", lang), vocab.label(vocab.LEVELS, site["level"], lang)),
        (t("prefecture", lang) + " / " + t("county", lang), f"{site['prefecture_zh']} / {site['county_zh']}"),
        (t("industry", lang), _codes(site["industries"], vocab.INDUSTRIES, lang)),
        (t("retrofit", lang), f"{vocab.label(vocab.RETROFIT_STATUSES, site['circular_retrofit'], lang)} "
                              f"{_cell(site.get('circular_retrofit_as_of'))} {_cell(site.get('circular_retrofit_source'))}"),
        (t("green_park", lang), f"{vocab.label(vocab.GREEN_PARK_STATUSES, site['green_park'], lang)} "
                                f"{_cell(site.get('green_park_as_of'))} {_cell(site.get('green_park_source'))}"),
        (t("location_precision", lang), vocab.label(vocab.PRECISIONS, site["location_precision"], lang)),
        (t("uncertainty", lang), f"{site['uncertainty_m'] / 1000:,.0f} km" if pd.notna(site.get("uncertainty_m")) else ""),
    ]
    if "verdict" in site and pd.notna(site.get("distance_m")):
        rows.append((t("restriction", lang), f"{t('verdict_' + str(site['verdict']), lang)} ({site['distance_m']:,.0f} m, {_cell(site['nearest_water'])})"))
    if pd.notna(site.get("area_ha")):
        rows.append(("面积 / area", f"{site['area_ha']:,.2f} ha"))
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    linked = indicators[indicators["id"].isin(split_list(site.get("indicator_ids")))]
    targets = "".join(
        f"<tr><td>{_cell(r.indicator_zh if lang == 'zh' else r.indicator_en)}</td>"
        f"<td>{'' if pd.isna(r.target_year) else int(r.target_year)}</td>"
        f"<td>{_cell(format_value(r.value, r.unit, lang))}</td><td>{_cell(r.document[:3])} {_cell(r.clause)}</td></tr>"
        for r in linked.itertuples()
    ) or "<tr><td colspan=4>—</td></tr>"
    sources = "".join(f"<li>{_cell(s)}</li>" for s in split_list(site["sources"]))
    return (
        f"<div class='site-popup' data-site-id='{_cell(site['id'])}' style='font-size:12px;max-height:360px;overflow:auto'>"
        f"<b style='font-size:14px'>{_cell(name)}</b><br><i>{_cell(site['name_en'] if lang == 'zh' else site['name_zh'])}</i>"
        f"<table class='site-attrs'>{table}</table>"
        f"<b>{t('indicators', lang)}</b><table class='site-indicators' border=1 style='border-collapse:collapse'>{targets}</table>"
        f"<div style='color:#666'>+ {t('general_indicators', lang)}</div>"
        f"<b>{t('sources', lang)}</b><ul style='padding-left:16px;margin:0'>{sources}</ul></div>"
    )


def site_popups(sites: gpd.GeoDataFrame, indicators: pd.DataFrame, lang: str) -> dict[str, str]:
    """Popup HTML per site id (built once per language and rule, not on every filter change)."""
    return {site["id"]: site_popup_html(site, indicators, lang) for _, site in sites.iterrows()}


class SiteMarkers(MacroElement):
    """All sites as clustered symbols, built in the browser from one JSON payload.

    One element instead of a Marker, DivIcon, Popup and Tooltip per site: folium compiles a template
    for each of those, which made every filter change cost a quarter of a second. The cluster
    plugin itself is loaded by ClusterAssets on the static map.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var cluster = L.markerClusterGroup({spiderfyOnMaxZoom: true, maxClusterRadius: 40});
            {{ this.sites|tojson }}.forEach(function (s) {
                var icon = L.divIcon({
                    html: "<div class='site-marker' data-site-id='" + s.id + "' style='color:" + s.colour +
                          ";font-size:20px;line-height:20px;text-shadow:0 0 2px #000,0 0 1px #000'>" + s.glyph + "</div>",
                    className: "", iconSize: [20, 20], iconAnchor: [10, 10]});
                L.marker([s.lat, s.lon], {icon: icon}).bindTooltip(s.tooltip).bindPopup(s.popup, {maxWidth: 460})
                    .addTo(cluster);
            });
            cluster.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, sites: list[dict]) -> None:
        super().__init__()
        self._name = "SiteMarkers"
        self.sites = sites


def site_payload(sites: gpd.GeoDataFrame, popups: dict[str, str], lang: str) -> list[dict]:
    """What the browser needs per located site: position, symbol, colour, tooltip and popup."""
    located = sites[sites.geometry.notna()]
    names = located["name_zh" if lang == "zh" else "name_en"]
    precisions = located["location_precision"].map(lambda p: vocab.label(vocab.PRECISIONS, p, lang))
    return [
        {"id": sid, "lon": round(g.x, 6), "lat": round(g.y, 6), "popup": popups[sid],
         "tooltip": html.escape(f"{name} · {precision}"),
         "colour": RETROFIT_COLOURS.get(status, RETROFIT_COLOURS["unknown"]), "glyph": KIND_SYMBOLS.get(kind, "●")}
        for sid, g, name, precision, status, kind in zip(
            located["id"], located.geometry, names, precisions, located["circular_retrofit"], located["kind"])
    ]


def sites_group(sites: gpd.GeoDataFrame, popups: dict[str, str], lang: str, *, name: str) -> folium.FeatureGroup:
    """The sites as a feature group (many share a county's representative point; clusters spread them)."""
    group = folium.FeatureGroup(name=name)
    SiteMarkers(site_payload(sites, popups, lang)).add_to(group)
    return group


class ClusterAssets(JSCSSMixin, MacroElement):
    """Loads the marker-cluster plugin with the static map.

    streamlit-folium collects script links from the static map only; the sites arrive later as a
    dynamic feature group, whose cluster layer would otherwise find no plugin loaded.
    """

    default_js = plugins.MarkerCluster.default_js
    default_css = plugins.MarkerCluster.default_css
    _template = Template("")


class Legend(MacroElement):
    """A legend drawn as a Leaflet control (a child of the map, so streamlit-folium renders it)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: 'bottomright'});
            legend.onAdd = function () {
                var div = L.DomUtil.create('div', 'map-legend');
                div.style.cssText = 'background:rgba(255,255,255,.9);padding:6px 8px;font-size:12px;line-height:18px;border-radius:4px;box-shadow:0 0 4px #999';
                div.innerHTML = {{ this.body|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, body: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.body = body


def legend_html(lang: str) -> str:
    colours = "".join(
        f"<div><span style='color:{c};text-shadow:0 0 1px #000'>●</span> {vocab.label(vocab.RETROFIT_STATUSES, k, lang)}</div>"
        for k, c in RETROFIT_COLOURS.items()
    )
    kinds = "".join(f"<div>{g} {vocab.label(vocab.SITE_KINDS, k, lang)}</div>" for k, g in KIND_SYMBOLS.items())
    zones = ("<div><span style='background:#e31a1c;opacity:.5'>&nbsp;&nbsp;&nbsp;</span> 1 km</div>"
             "<div><span style='background:#fd8d3c;opacity:.4'>&nbsp;&nbsp;&nbsp;</span> 5 km</div>")
    return (f"<b>{t('legend_retrofit', lang)}</b>{colours}<b>{t('legend_kind', lang)}</b>{kinds}"
            f"<b>{t('legend_zones', lang)}</b>{zones}<div style='max-width:220px;color:#a00'>{t('precision_note', lang)}</div>")


def build_map(
    layers: Sequence[MapLayer], *, lang: str = "zh", basemap: str = "none", bounds: list[list[float]] | None = None
) -> folium.Map:
    """The static part of the map: basemap, vector layers in the order given, tools, legend.

    Sites are added separately (`sites_group`), so filtering them does not rebuild the map.
    """
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=False)
    m.options.update(min_zoom=5, max_zoom=18)  # with no tile layer folium sets no zoom range; clusters need one
    _basemap(m, basemap, lang)
    for layer in layers:
        _vector_layer(layer, lang).add_to(m)
    plugins.Draw(
        export=False, position="topleft",
        draw_options={"polyline": False, "circle": False, "circlemarker": False, "marker": False},
    ).add_to(m)
    plugins.Fullscreen(position="topleft").add_to(m)
    ClusterAssets().add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    Legend(legend_html(lang)).add_to(m)
    m.fit_bounds(bounds or JIANGXI_BOUNDS)
    return m
