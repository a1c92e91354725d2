"""Export: the current filter, a prefecture, a county or a drawn shape, as one GeoJSON file."""

from __future__ import annotations

import json

import geopandas as gpd
import streamlit as st

from mapapp._errors import MapAppError
from mapapp.export import (
    Region,
    export_collection,
    export_filename,
    region_from_filter,
    region_from_geometry,
    resolve_region,
    select,
)
from mapapp.i18n import t
from mapapp.messages import text
from mapapp.ui import data, state
from mapapp.ui.sidebar import wkey
from mapapp.viewstate import ViewState

REGION_KINDS = ("selection", "filter", "prefecture", "county", "drawn")


def _region_ui(kind: str, view: ViewState) -> Region | None:
    lang = view.lang
    if kind in ("filter", "selection"):  # no spatial limit: exactly the rows chosen
        return region_from_filter()
    if kind in ("prefecture", "county"):
        layer = "prefectures" if kind == "prefecture" else "counties"
        names = data.unit_names(lang)[layer]
        preset = view.filter.county if kind == "county" else view.filter.prefecture
        codes = list(names)
        code = st.selectbox(t(kind, lang), codes, index=codes.index(preset) if preset in codes else 0,
                            format_func=names.get, key=wkey(f"export_{kind}", lang))
        return resolve_region(code, prefectures=data.full_layer("prefectures"), counties=data.full_layer("counties"),
                              province=data.full_layer("province"))
    drawn = state.drawn_polygon(view.basemap)
    if drawn is None:
        st.warning(t("no_drawing", lang))
        return None
    return region_from_geometry(drawn)


def region_name(region: Region, lang: str, kind_chosen: str = "") -> str:
    """The region in the page's language: a unit's name and code, or what the region is."""
    if region.kind == "filter" and kind_chosen == "selection":
        return t("region_name_selection", lang)
    if region.adcode:
        names = data.unit_names(lang)
        name = names["prefectures"].get(region.adcode) or names["counties"].get(region.adcode)
        if name:
            return name
    return t(f"region_name_{region.kind}", lang) if region.kind in ("filter", "drawn") else region.label


@st.fragment  # its widgets rerun only the tab, never the map
def export_ui(view: ViewState, shown: gpd.GeoDataFrame, all_sites: gpd.GeoDataFrame) -> None:
    lang, f = view.lang, view.filter
    specs = data.specs()
    selected = all_sites[all_sites["id"].isin(state.selection())]
    kind = st.radio(t("region", lang), REGION_KINDS, index=0 if len(selected) else 1, horizontal=True,
                    format_func=lambda k: t(f"region_{k}", lang, n=len(selected)), key=wkey("export_region", lang))
    if kind == "selection" and selected.empty:
        st.warning(t("no_selection", lang))
        return
    try:
        region = _region_ui(kind, view)
    except MapAppError as exc:
        st.error(text(exc, lang))
        return
    if region is None:
        return
    chosen = st.multiselect(t("export_layers", lang), list(specs), default=["sites", "water_areas", "river_lines"],
                            format_func=lambda i: specs[i].title(lang), key=wkey("export_layers", lang),
                            placeholder=t("choose", lang))
    filtered = True
    if kind not in ("filter", "selection") and "sites" in chosen:
        filtered = st.checkbox(t("export_filtered", lang, shown=len(shown), total=len(all_sites)), value=True,
                               key=wkey("export_filtered", lang))
    clip = st.checkbox(t("clip", lang), value=False, key=wkey("export_clip", lang), disabled=kind == "filter")
    sites = selected if kind == "selection" else (shown if filtered else all_sites)
    frames = {i: (sites if i == "sites" else data.full_layer(i)) for i in chosen}
    if kind == "selection":
        recorded: dict = {"site_ids": list(selected["id"])}
    else:
        recorded = {k: list(v) if isinstance(v, tuple) else v for k, v in f.as_dict().items()} if filtered else {}
    place = region_name(region, lang, kind)
    count = _feature_count((kind, region.adcode, region.geometry.wkb if region.geometry is not None else None,
                            tuple(chosen), clip, tuple(sites["id"])), frames, region, clip)
    st.caption(t("export_summary", lang, n=count, region=f"{place} ({region.adcode})" if region.adcode else place))

    def payload() -> bytes:  # made when the button is pressed, not on every run of the page
        collection = export_collection(frames, region, clip=clip, filters=recorded,
                                       rule={"scope": f.scope, "distance_m": f.distance_m})
        return json.dumps(collection, ensure_ascii=False).encode("utf-8")

    st.download_button(t("download_geojson", lang), payload, file_name=export_filename(region, chosen, place=place),
                       mime="application/geo+json", key=wkey("export_download", lang), disabled=not chosen,
                       on_click="ignore")


@st.cache_data(show_spinner=False, max_entries=64)
def _feature_count(key: tuple, _frames: dict[str, gpd.GeoDataFrame], _region: Region, clip: bool) -> int:
    """How many features the export will hold (`key` identifies the frames and the region)."""
    return sum(len(select(frame, _region, clip=clip)) for frame in _frames.values())
