"""Build the folium map: basemap, vector layers from their specs, place names, tools and legend.

Sites and screened points are added separately (`markers.sites_group`, `markers.points_group`)
as dynamic feature groups, so filtering them does not rebuild the map.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
from folium import plugins

from mapapp.catalog import vocab
from mapapp.datum import geometry_from_wgs84
from mapapp.i18n import t
from mapapp.layers import LayerSpec
from mapapp.render.assets import install
from mapapp.render.controls import (
    DRAW_ZH,
    ClickNow,
    Controls,
    DrawGuard,
    DrawLocal,
    LayerControlTitle,
    Legend,
    ReportDrawn,
)
from mapapp.render.labels import PlaceLabels
from mapapp.render.markers import (  # noqa: F401 - re-exported for callers of the map as a whole
    KIND_SYMBOLS,
    RETROFIT_COLOURS,
    VERDICT_COLOURS,
    ClusterAssets,
    points_group,
    site_payload,
    site_shapes,
    sites_group,
)
from mapapp.render.vectors import layer_features, vector_layer  # noqa: F401

install()

JIANGXI_BOUNDS = [[24.49, 113.57], [30.08, 118.48]]
MAX_ZOOM = {"none": 14}  # with no tiles there is nothing to see closer in; 18 with a basemap
TIANDITU = "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk="
GAODE = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"


@dataclass(frozen=True)
class MapLayer:
    spec: LayerSpec
    features: dict | str  # a GeoJSON FeatureCollection from `layer_features`, or the URL of its file
    show: bool


def shift_for_basemap(frame: gpd.GeoDataFrame, basemap: str) -> gpd.GeoDataFrame:
    """Gaode tiles are drawn in GCJ-02: move overlays there too, or they sit ~500 m off."""
    if basemap != "gaode" or frame.empty:
        return frame
    moved = [None if g is None else geometry_from_wgs84(g, "gcj02") for g in frame.geometry]
    return frame.set_geometry(gpd.GeoSeries(moved, index=frame.index, crs=frame.crs))


def _basemap(m: folium.Map, basemap: str) -> None:
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap").add_to(m)
    elif basemap == "tianditu" and os.environ.get("TIANDITU_KEY"):
        folium.TileLayer(TIANDITU + os.environ["TIANDITU_KEY"], attr="天地图", name="天地图", subdomains="01234567").add_to(m)
    elif basemap == "gaode":
        folium.TileLayer(GAODE, attr="高德地图", name="高德", subdomains="1234").add_to(m)


def legend_html(lang: str) -> str:
    colours = "".join(
        f"<div><span style='color:{c};text-shadow:0 0 1px #000'>●</span> {vocab.label(vocab.RETROFIT_STATUSES, k, lang)}</div>"
        for k, c in RETROFIT_COLOURS.items()
    )
    kinds = "".join(f"<div>{g} {vocab.label(vocab.SITE_KINDS, k, lang)}</div>" for k, g in KIND_SYMBOLS.items())
    zones = f"<div><span style='background:#e31a1c;opacity:.5'>&nbsp;&nbsp;&nbsp;</span> {t('legend_rule_zone', lang)}</div>"
    checked = "".join(f"<div><span style='color:{c}'>●</span> {t('verdict_short_' + k, lang)}</div>"
                      for k, c in VERDICT_COLOURS.items())
    return (f"<b>{t('legend_retrofit', lang)}</b>{colours}<b>{t('legend_kind', lang)}</b>{kinds}"
            f"<b>{t('legend_zones', lang)}</b>{zones}<b>{t('legend_checked', lang)}</b>{checked}"
            f"<div style='color:#a00'>{t('precision_note', lang)}</div>")


def build_map(
    layers: Sequence[MapLayer], *, lang: str = "zh", basemap: str = "none", labels: list[dict] | None = None,
    underlay: folium.map.Layer | None = None,
) -> folium.Map:
    """The static part of the map: basemap, vector layers in the order given, names, tools, legend.

    It opens on the whole province; the page moves it (streamlit-folium's centre and zoom) without
    rebuilding it, so this HTML changes only with the language, basemap and layers.
    """
    m = folium.Map(tiles=None, control_scale=False, zoom_control=False, prefer_canvas=False)
    # With no tile layer folium sets no zoom range; the cluster plugin needs one.
    m.options.update(min_zoom=5, max_zoom=MAX_ZOOM.get(basemap, 18))
    _basemap(m, basemap)
    if underlay is not None:  # a thematic map: filled units under every other layer
        underlay.add_to(m)
    for order, layer in enumerate(layers):
        vector_layer(layer.spec, layer.features, lang=lang, show=layer.show, order=order).add_to(m)
    if labels:
        PlaceLabels(labels).add_to(m)
    Controls(lang).add_to(m)
    if lang == "zh":
        DrawLocal(DRAW_ZH).add_to(m)
    plugins.Draw(
        export=False, position="topleft",
        # A line measures distance (Leaflet.draw shows its length while drawing; the page lists it after).
        draw_options={"polyline": {"metric": True, "feet": False, "showLength": True},
                      "circle": False, "circlemarker": False, "marker": False},
    ).add_to(m)
    ClickNow().add_to(m)
    DrawGuard().add_to(m)
    plugins.Fullscreen(position="topleft", title=t("fullscreen", lang), title_cancel=t("fullscreen_exit", lang)).add_to(m)
    ClusterAssets().add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    LayerControlTitle(t("layers", lang)).add_to(m)
    Legend(legend_html(lang), t("legend", lang)).add_to(m)
    ReportDrawn().add_to(m)
    m.fit_bounds(JIANGXI_BOUNDS)
    return m
