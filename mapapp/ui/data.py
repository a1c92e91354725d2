"""Cached loaders: data read once per process, derived tables cached per setting."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from mapapp.catalog.catalog import load_indicators
from mapapp.datum import from_wgs84
from mapapp.filters import screen_sites
from mapapp.finder import Finder
from mapapp.i18n import t
from mapapp.layers import LayerSpec, load_layer, load_specs
from mapapp.outputs.site_check import ReportData, load_report_data
from mapapp.pointcheck import PointCheck, check
from mapapp.register import changes
from mapapp.register.store import open_register, register_catalog
from mapapp.render import markers
from mapapp.render.labels import label_points
from mapapp.render.layer_files import layer_source
from mapapp.render.sitemap import layer_features, shift_for_basemap
from mapapp.render.thematic import unit_outlines
from mapapp.screening import load_waters, restriction_zone, simplified_zone
from mapapp.viewstate import RULE_ZONE
from mapapp.waters import WATER_LAYERS

ZONE_DISPLAY_TOLERANCE_M = 50.0


@st.cache_resource(show_spinner=False)
def specs() -> dict[str, LayerSpec]:
    return load_specs()


@st.cache_resource(show_spinner=False)
def display_layer(layer_id: str, basemap: str = "none") -> gpd.GeoDataFrame:
    """The light version of a layer, shifted to GCJ-02 when the basemap needs it. Treat as read-only."""
    return shift_for_basemap(load_layer(layer_id, display=True), basemap)


@st.cache_resource(show_spinner=False)
def full_layer(layer_id: str) -> gpd.GeoDataFrame:
    """Full-resolution layer for analysis and export. Treat as read-only."""
    return load_layer(layer_id)


@st.cache_resource(show_spinner=False)
def register() -> Engine:
    """The register (MAPAPP_DATABASE_URL, else the embedded SQLite file), seeded on first start."""
    return open_register()


def revision() -> int:
    """Moves with every approved change in any process: the key of everything derived from the sites."""
    return changes.revision(register())


@st.cache_resource(show_spinner=False, max_entries=2)
def register_sites(rev: int) -> gpd.GeoDataFrame:
    """The approved sites, placed, with their targets linked, as of revision `rev`. Treat as read-only."""
    return register_catalog(register()).sites


@st.cache_resource(show_spinner=False, max_entries=2)
def finder(rev: int) -> Finder:
    """The search index of the register as of revision `rev`."""
    return Finder.build(register_sites(rev), full_layer("prefectures"), full_layer("counties"))


@st.cache_resource(show_spinner=False, max_entries=8)
def screened_sites(scope: str, distance_m: float, rev: int) -> gpd.GeoDataFrame:
    """All sites with their shoreline verdict for one rule (cheap: ~0.1 s, cached anyway)."""
    return screen_sites(register_sites(rev), scope=scope, distance_m=distance_m)


@st.cache_resource(show_spinner=False)
def indicators() -> pd.DataFrame:
    return load_indicators()


@st.cache_resource(show_spinner=False)
def map_features(layer_id: str, basemap: str, lang: str) -> dict | str:
    """The URL of the file the browser fetches a layer from (the features themselves if it cannot be
    written). Read-only: folium only reads it."""
    features = layer_features(specs()[layer_id], display_layer(layer_id, basemap), lang)
    return layer_source(features, f"{layer_id}-{basemap}-{lang}")


@st.cache_resource(show_spinner=False)
def thematic_outlines(level: str, basemap: str) -> dict | str:
    """The units' light outlines keyed by adcode, as a file the thematic layer fetches."""
    outlines = unit_outlines(display_layer(level, basemap))
    return layer_source(outlines, f"thematic-{level}-{basemap}")


def page_layer_ids() -> tuple[str, ...]:
    """The layers the page offers: every spec but the fixed zones, with the rule's zone in their place."""
    ids: list[str] = []
    for layer_id, spec in specs().items():
        if spec.group != "zones":
            ids.append(layer_id)
        elif RULE_ZONE not in ids:
            ids.append(RULE_ZONE)
    return tuple(ids)


def rule_zone_spec(scope: str, distance_m: float) -> LayerSpec:
    """The rule's zone, styled like the packaged zone layers, titled with its rule."""
    template = next(s for s in specs().values() if s.group == "zones")
    scope_zh, scope_en = t(f"scope_{scope}", "zh"), t(f"scope_{scope}", "en")
    return replace(template, id=RULE_ZONE, file="", display_file=None,
                   title_zh=f"岸线{distance_m:,.0f}米管控范围（{scope_zh}）",
                   title_en=f"{distance_m:,.0f} m shoreline restriction ({scope_en})",
                   description="Computed on demand from the regulated waters of the rule in use")


@st.cache_resource(show_spinner=False, max_entries=16)
def rule_zone_features(scope: str, distance_m: float, basemap: str, lang: str) -> dict | str:
    """The land within `distance_m` of the scope's waters, as the map draws it (0.1 s to compute;
    simplified by 50 m in metres, like the packaged display zones)."""
    zone = restriction_zone(load_waters(scope=scope), distance_m=distance_m)
    light = simplified_zone(zone, ZONE_DISPLAY_TOLERANCE_M)
    features = layer_features(rule_zone_spec(scope, distance_m), shift_for_basemap(light, basemap), lang)
    return layer_source(features, f"{RULE_ZONE}-{scope}-{distance_m:g}-{basemap}-{lang}")


@st.cache_resource(show_spinner=False)
def unit_names(lang: str) -> dict[str, dict[str, str]]:
    """{"prefectures"|"counties": {adcode: name in lang}}."""
    column = "name_en" if lang == "en" else "name_zh"
    return {layer: dict(zip(full_layer(layer).adcode, full_layer(layer)[column])) for layer in ("prefectures", "counties")}


@st.cache_resource(show_spinner=False, max_entries=4)
def site_shapes(basemap: str, rev: int) -> dict[str, dict]:
    """Each site's symbol position and outline for the map (simplified once per basemap)."""
    return markers.site_shapes(shift_for_basemap(register_sites(rev), basemap))


@st.cache_resource(show_spinner=False)
def place_labels(lang: str, basemap: str, layers: tuple[str, ...]) -> list[dict]:
    """Names of the prefectures, counties and regulated waters among `layers`, from the display layers."""
    labels = []
    for layer, kind in (("prefectures", "prefecture"), ("counties", "county"), *((w, "water") for w in WATER_LAYERS)):
        if layer in layers:
            labels += label_points(display_layer(layer, basemap), kind, lang)
    return labels


@st.cache_resource(show_spinner=False)
def water_names(lang: str) -> dict[str, str]:
    """The screening names waters by their Chinese name: that name -> the name in `lang`."""
    names: dict[str, str] = {}
    for layer in WATER_LAYERS:
        frame = full_layer(layer)
        names |= dict(zip(frame.name_zh, frame.name_en if lang == "en" else frame.name_zh))
    return names


@st.cache_data(show_spinner=False, max_entries=256)
def checked_point(lon: float, lat: float, datum: str, scope: str, distance_m: float) -> PointCheck:
    return check(lon, lat, datum=datum, scope=scope, threshold_m=distance_m, counties=full_layer("counties"))


def shift_points(points: list[dict], basemap: str) -> list[dict]:
    """Map points (WGS 84) moved to GCJ-02 over Gaode tiles."""
    if basemap != "gaode":
        return points
    moved = []
    for p in points:
        lon, lat = from_wgs84(p["lon"], p["lat"], "gcj02")
        to = from_wgs84(*p["to"], "gcj02") if p.get("to") else None
        moved.append(p | {"lon": float(lon), "lat": float(lat), "to": None if to is None else (float(to[0]), float(to[1]))})
    return moved


@st.cache_resource(show_spinner=False, max_entries=2)
def report_data(rev: int) -> ReportData:
    """What every site-check report reads besides its subject, as of register revision `rev`."""
    return load_report_data(register_sites(rev))
