"""The map on the page: a fragment, so panning, clicking and drawing rerun only the map and its answer.

The folium map itself depends only on the language, the basemap and the layers; sites, uploaded
points and the point last clicked are dynamic feature groups, and the view (centre and zoom) is
passed to streamlit-folium, which moves the map without rebuilding it.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import streamlit as st
import streamlit_folium
from streamlit.errors import StreamlitInvalidLayoutContextError
from streamlit_folium import st_folium

from mapapp.i18n import t
from mapapp.measure import measure_drawings
from mapapp.pointcheck import PointCheck
from mapapp.render.assets import check_links
from mapapp.render.script_bundle import bundled
from mapapp.render.sitemap import MapLayer, build_map, points_group, sites_group
from mapapp.render.thematic import Thematic, ThematicLayer
from mapapp.ui import data, state
from mapapp.ui.check import clicked_check, point_marker
from mapapp.ui.loading import loading_note
from mapapp.ui.panel import panel_ui
from mapapp.ui.table import selection_ui
from mapapp.ui.thematic import thematic_key
from mapapp.viewstate import RULE_ZONE, MapView, ViewState, corners, fit_view

# What the browser sends back: a click on the map (site check), on a site (its id, see
# markers.SiteMarkers), drawn shapes (export region, selection) and the view (for the link).
RETURNED = ["last_clicked", "last_object_clicked_popup", "all_drawings", "center", "zoom"]
HEIGHT = 620


def _guard() -> None:
    """streamlit-folium also adds links of its own (d3 for colour maps): check the final list, then
    send the scripts as one bundle."""
    original = streamlit_folium._component_func
    if getattr(original, "_mapapp_guard", False):
        return

    def guarded(*args: Any, **kwargs: Any) -> Any:
        for key in ("js_links", "css_links"):
            kwargs[key] = check_links(list(kwargs.get(key) or []))
        kwargs["js_links"] = bundled(kwargs["js_links"])
        return original(*args, **kwargs)

    guarded._mapapp_guard = True  # type: ignore[attr-defined]
    streamlit_folium._component_func = guarded


_guard()


def map_key(view: ViewState, shown: Thematic | None = None) -> str:
    """The static map's identity: it is rebuilt when one of these changes (the rule only if its zone is
    shown, the thematic map only if there is one)."""
    rule = f"-{view.filter.scope}-{view.filter.distance_m:g}" if RULE_ZONE in view.layers else ""
    theme = f"-{thematic_key(shown)}" if shown is not None else ""
    return f"map-{view.lang}-{view.basemap}-{','.join(view.layers)}{rule}{theme}"


def region_bounds(view: ViewState) -> list[list[float]] | None:
    """The chosen county's or prefecture's bounds ([[south, west], [north, east]]), if one is chosen."""
    f = view.filter
    for code, layer in ((f.county, "counties"), (f.prefecture, "prefectures")):
        if code:
            frame = data.full_layer(layer)
            match = frame[frame.adcode == code]
            if match.empty:  # a stale or foreign code: show the province rather than NaN bounds
                return None
            return corners(match.total_bounds)
    return None


def _opening_view(view: ViewState, key: str) -> MapView | None:
    """Where to move the map: to a selection just made in the table or by search; to a newly chosen
    region; when the page opens, to the link's view or else its region; a map drawn anew (other
    layers, language or basemap) to where the user left the last one. Otherwise nowhere: the map is
    where the user put it, and a view it reported a moment ago would pull it back if it has moved on since."""
    region = (view.filter.prefecture, view.filter.county)
    previous = state.swap_region(region)
    new_map = state.swap_map(key) != key
    frame = state.take_frame()
    if frame is not None:
        return fit_view(frame)
    if previous is None:
        bounds = region_bounds(view)
        return view.map_view or (fit_view(bounds) if bounds else None)
    if previous != region:
        return fit_view(region_bounds(view))
    return view.map_view if new_map else None


def _static_map(view: ViewState, shown: Thematic | None) -> Any:
    specs = data.specs()
    chosen = sorted((i for i in view.layers if i in specs and i != "sites"), key=lambda i: (specs[i].z, list(specs).index(i)))
    layers = [MapLayer(specs[i], data.map_features(i, view.basemap, view.lang), True) for i in chosen]
    if RULE_ZONE in view.layers:  # filled, so drawn first
        f = view.filter
        zone = MapLayer(data.rule_zone_spec(f.scope, f.distance_m),
                        data.rule_zone_features(f.scope, f.distance_m, view.basemap, view.lang), True)
        layers.insert(0, zone)
    underlay = ThematicLayer(data.thematic_outlines(shown.level, view.basemap), shown) if shown is not None else None
    return build_map(layers, lang=view.lang, basemap=view.basemap, underlay=underlay,
                     labels=data.place_labels(view.lang, view.basemap, tuple(chosen)))


def _map(view: ViewState, shown: gpd.GeoDataFrame, rev: int, clicked: PointCheck | None,
         theme: Thematic | None) -> dict:
    """Draw the map with the shown sites (the selected ringed) and the checked point; what it reported."""
    key = map_key(view, theme)
    lang = view.lang
    groups = [sites_group(shown, data.site_shapes(view.basemap, rev), lang, name=data.specs()["sites"].title(lang),
                          selected=state.selection())]
    marked = [point_marker(clicked, lang, view.filter.distance_m)] if clicked else []
    for points, name in ((state.uploaded_points(), t("uploaded_points", lang)), (marked, t("clicked_point", lang))):
        if points:
            groups.append(points_group(data.shift_points(points, view.basemap), name=name))
    opening = _opening_view(view, key)
    out = st_folium(_static_map(view, theme), key=key, height=HEIGHT, use_container_width=True, returned_objects=RETURNED,
                    feature_group_to_add=groups, center=opening.center if opening else None,
                    zoom=opening.zoom if opening else None) or {}
    state.remember_view(out.get("center"), out.get("zoom"), key)
    return out


def measures_ui(lang: str) -> None:
    """The lengths and areas of the shapes drawn on the map, measured on the ellipsoid."""
    said = []
    for i, m in enumerate(measure_drawings(state.drawings()), start=1):
        if m.kind == "line":
            said.append(t("measure_line", lang, i=i, km=m.km))
        else:
            said.append(t("measure_area", lang, i=i, km2=m.km2, km=m.km))
    if said:
        st.caption(t("measure_heading", lang) + ("；" if lang == "zh" else "; ").join(said))


@st.fragment
def explore_ui(view: ViewState, shown: gpd.GeoDataFrame, rev: int, theme: Thematic | None = None) -> None:
    """The map, the panel beside it and the site table under it: one fragment, so a click on the map,
    a ticked row or a panel choice reruns only these, and each shows the others' selection."""
    map_col, panel_col = st.columns([3, 2], gap="small")
    clicked = clicked_check(view)
    with map_col:
        out = _map(view, shown, rev, clicked, theme)
        measures_ui(view.lang)
    if out.get("map_drawn") and state.map_drawn():
        st.rerun(scope="app")  # now the rest of the page (see state.waiting_for_map)
    redraw = False
    picked = state.remember_site_click(out.get("last_object_clicked_popup"))
    if picked:
        state.select([picked])
        redraw = True  # ring it on the map
    elif state.remember_click(out.get("last_clicked"), view):
        state.focus_point()
        clicked, redraw = clicked_check(view), True  # draw the point in its verdict's colour
    if state.remember_drawings(out.get("all_drawings")):
        st.rerun(scope="app")  # the export tab and the selection offer the new shape
    with panel_col, st.container(height=HEIGHT, border=False, key="site_panel"):
        panel_ui(view, rev, clicked)
    with st.container(key="site_list"):
        if state.waiting_for_map():
            loading_note("site_list", view.lang)
        else:
            selection_ui(view, shown)
    if state.page_is_behind():
        st.rerun(scope="app")  # the export tab offers the new selection, and the map rings it
    if redraw:
        _run_map_again()


def _run_map_again() -> None:
    """Run the map's fragment again to draw what changed; in a full run of the page (a click can
    arrive with one) only a full rerun may be asked for."""
    try:
        st.rerun(scope="fragment")
    except StreamlitInvalidLayoutContextError:
        st.rerun(scope="app")
