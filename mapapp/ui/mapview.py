"""Showing a folium map through streamlit-folium, with no asset ever fetched from the internet."""

from __future__ import annotations

from typing import Any

import folium
import streamlit_folium
from streamlit_folium import st_folium

from mapapp.render.assets import check_links

# What the browser sends back: a click on the map (site check) and drawn shapes (export region).
# Bounds, zoom and popup clicks are left out, so panning, zooming and opening popups never rerun.
RETURNED = ["last_clicked", "all_drawings"]


def _guard() -> None:
    """streamlit-folium also adds links of its own (d3 for colour maps): check the final list."""
    original = streamlit_folium._component_func
    if getattr(original, "_mapapp_guard", False):
        return

    def guarded(*args: Any, **kwargs: Any) -> Any:
        for key in ("js_links", "css_links"):
            kwargs[key] = check_links(list(kwargs.get(key) or []))
        return original(*args, **kwargs)

    guarded._mapapp_guard = True  # type: ignore[attr-defined]
    streamlit_folium._component_func = guarded


_guard()


def show_map(m: folium.Map, *, dynamic: list[folium.FeatureGroup], key: str, height: int = 620) -> dict[str, Any]:
    return st_folium(
        m, key=key, height=height, use_container_width=True, returned_objects=RETURNED,
        feature_group_to_add=dynamic,
    ) or {}
