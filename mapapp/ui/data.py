"""Cached loaders: data read once per process, derived tables cached per setting."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapapp.catalog import INDICATORS_CSV, SOURCES
from mapapp.filters import screen_sites
from mapapp.indicators import indicators_frame, validate_indicator_rows
from mapapp.layers import LayerSpec, load_layer, load_specs
from mapapp.paths import DATA_DIR
from mapapp.render.sitemap import layer_features, shift_for_basemap, site_popups
from mapapp.storage import read_csv_records


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
def screened_sites(scope: str, distance_m: float) -> gpd.GeoDataFrame:
    """All sites with their shoreline verdict for one rule (cheap: ~0.1 s, cached anyway)."""
    return screen_sites(full_layer("sites"), scope=scope, distance_m=distance_m)


@st.cache_resource(show_spinner=False)
def indicators() -> pd.DataFrame:
    records, _ = validate_indicator_rows(read_csv_records(DATA_DIR / SOURCES / INDICATORS_CSV))
    return indicators_frame(records)


@st.cache_resource(show_spinner=False)
def map_features(layer_id: str, basemap: str) -> dict:
    """The GeoJSON the map embeds for a layer. Read-only: folium only reads it."""
    return layer_features(specs()[layer_id], display_layer(layer_id, basemap))


@st.cache_resource(show_spinner=False)
def popups(lang: str, scope: str, distance_m: float) -> dict[str, str]:
    return site_popups(screened_sites(scope, distance_m), indicators(), lang)
