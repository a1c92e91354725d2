"""Export and print: the selection, the current filter, a prefecture, a county or a drawn shape, as a
file in the format and CRS a GIS office asks for, or as a printed map."""

from __future__ import annotations

import hashlib

import geopandas as gpd
import streamlit as st

from mapapp._errors import MapAppError
from mapapp.export import (
    Region,
    export_filename,
    extract,
    region_from_filter,
    region_from_geometry,
    resolve_region,
    select,
)
from mapapp.filters import in_words
from mapapp.i18n import t
from mapapp.messages import text
from mapapp.outputs import Progress
from mapapp.outputs.crs import OUTPUT_CRS
from mapapp.outputs.formats import ENCODINGS, FORMATS, write_extract
from mapapp.outputs.mapprint import ORIENTATIONS, PAPERS_MM, PRINT_FORMATS, MapContent, PrintOptions, print_map
from mapapp.ui import data, state
from mapapp.ui.downloads import Made, made_on_request
from mapapp.ui.sidebar import carried, carried_many, carried_value, wkey
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
        code = carried(f"export_{kind}", codes, lang, lambda **kw: st.selectbox(t(kind, lang), codes, format_func=names.get,
                                                                                **kw), default=preset or None)
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
    if region.kind in ("prefecture", "county", "province"):
        return region.name(lang)
    return t(f"region_name_{region.kind}", lang) if region.kind in ("filter", "drawn") else region.label


@st.fragment  # its widgets rerun only the tab, never the map
def export_ui(view: ViewState, shown: gpd.GeoDataFrame, all_sites: gpd.GeoDataFrame) -> None:
    lang, f = view.lang, view.filter
    specs = data.specs()
    selected = all_sites[all_sites["id"].isin(state.selection())]
    kind = carried("export_region", REGION_KINDS, lang, lambda **kw: st.radio(
        t("region", lang), REGION_KINDS, horizontal=True, format_func=lambda k: t(f"region_{k}", lang, n=len(selected)),
        **kw), default="selection" if len(selected) else "filter")
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
    chosen = carried_many("export_layers", list(specs), lang, lambda **kw: st.multiselect(
        t("export_layers", lang), list(specs), format_func=lambda i: specs[i].title(lang), placeholder=t("choose", lang),
        **kw), default=["sites", "water_areas", "river_lines"])
    filtered = True
    if kind not in ("filter", "selection") and "sites" in chosen:
        filtered = carried_value("export_filtered", lang, lambda **kw: st.checkbox(
            t("export_filtered", lang, shown=len(shown), total=len(all_sites)), **kw), default=True)
    clip = carried_value("export_clip", lang, lambda **kw: st.checkbox(t("clip", lang), disabled=kind == "filter", **kw),
                         default=False) and kind != "filter"  # a tick kept from another region does not apply
    sites = selected if kind == "selection" else (shown if filtered else all_sites)
    frames = {i: (sites if i == "sites" else data.full_layer(i)) for i in chosen}
    if kind == "selection":
        recorded: dict = {"site_ids": list(selected["id"])}
    else:
        recorded = {k: list(v) if isinstance(v, tuple) else v for k, v in f.as_dict().items()} if filtered else {}
    place = region_name(region, lang, kind)
    shape = hashlib.sha256(region.geometry.wkb).hexdigest() if region.geometry is not None else None
    basis = (kind, region.adcode, shape, tuple(chosen), clip, tuple(sites["id"]))
    count = _feature_count(basis, frames, region, clip)
    st.caption(t("export_summary", lang, n=count, region=f"{place} ({region.adcode})" if region.adcode else place))
    st.subheader(t("export_heading", lang))
    fmt_id, crs_id, encoding = _format_ui(lang)

    def make_export(progress: Progress) -> Made:
        chosen_rows = extract(frames, region, clip=clip, filters=recorded,
                              rule={"scope": f.scope, "distance_m": f.distance_m})
        out = write_extract(chosen_rows, FORMATS[fmt_id], OUTPUT_CRS[crs_id], encoding=encoding, progress=progress)
        name = export_filename(region, chosen, place=place, suffix=out.suffix, crs=int(crs_id), lang=lang)
        return Made(out.data, name, out.mime, out.notes)

    made_on_request("export", (*basis, fmt_id, crs_id, encoding, lang), make_export, lang, disabled=not chosen)
    st.divider()
    _print_ui(view, region, place, chosen, sites, basis)


def _format_ui(lang: str) -> tuple[str, str, str]:
    """Format, CRS and (for Shapefile and CSV) text encoding."""
    cols = st.columns(3)
    fmt_id = carried("export_format", list(FORMATS), lang, lambda **kw: cols[0].selectbox(
        t("export_format", lang), list(FORMATS), format_func=lambda i: FORMATS[i].label(lang), **kw))
    fmt = FORMATS[fmt_id]
    if fmt.wgs84_only:  # its own widget: the choice made for other formats is kept for them
        crs_id = cols[1].selectbox(t("export_crs", lang), ["4326"], format_func=lambda i: OUTPUT_CRS[i].label(lang),
                                   key=wkey("export_crs_fixed", lang), disabled=True,
                                   help=t("export_crs_fixed", lang, fmt=fmt.label(lang)))
    else:
        crs_id = carried("export_crs", list(OUTPUT_CRS), lang, lambda **kw: cols[1].selectbox(
            t("export_crs", lang), list(OUTPUT_CRS), format_func=lambda i: OUTPUT_CRS[i].label(lang), **kw))
    encoding = "UTF-8"
    if fmt.encodings:
        encoding = carried("export_encoding", ENCODINGS, lang, lambda **kw: cols[2].radio(
            t("export_encoding", lang), ENCODINGS, horizontal=True, help=t("export_encoding_help", lang), **kw))
    return fmt_id, crs_id, encoding


def _print_ui(view: ViewState, region: Region, place: str, chosen: list[str], sites: gpd.GeoDataFrame,
              basis: tuple) -> None:
    """A printed map of the region (of the province for the selection or the filter) with the chosen layers."""
    lang = view.lang
    st.subheader(t("print_heading", lang))
    st.caption(t("print_caption", lang))
    if region.geometry is None:  # the selection or the filter: the whole province, with those sites
        region = resolve_region("360000", prefectures=data.full_layer("prefectures"),
                                counties=data.full_layer("counties"), province=data.full_layer("province"))
        place = region_name(region, lang)
    cols = st.columns(4)
    paper = carried("print_paper", list(PAPERS_MM), lang, lambda **kw: cols[0].selectbox(
        t("print_paper", lang), list(PAPERS_MM), **kw))
    orientation = carried("print_orientation", ORIENTATIONS, lang, lambda **kw: cols[1].radio(
        t("print_orientation", lang), ORIENTATIONS, horizontal=True, format_func=lambda o: t(f"print_{o}", lang), **kw))
    fmt = carried("print_format", PRINT_FORMATS, lang, lambda **kw: cols[2].radio(
        t("print_file_format", lang), PRINT_FORMATS, horizontal=True, format_func=str.upper, **kw))
    title = carried_value("print_title", lang, lambda **kw: cols[3].text_input(  # in any language
        t("print_title_input", lang), max_chars=60, placeholder=t("print_title", lang, place=place), **kw), default="")
    specs = data.specs()
    units = data.unit_names(lang)

    def make_print(progress: Progress) -> Made:
        layers = {i: (specs[i], data.full_layer(i)) for i in chosen if i != "sites"}
        content = MapContent(region, place, layers, sites if "sites" in chosen else None,
                             in_words(view.filter, lang, units["prefectures"] | units["counties"]),
                             units=data.full_layer("prefectures" if region.kind == "province" else "counties"))
        options = PrintOptions(paper=paper, orientation=orientation, fmt=fmt, lang=lang, title=title.strip())
        name = export_filename(region, chosen, place=place, suffix=f".{fmt}", lang=lang)
        return Made(print_map(content, options, progress=progress), name, f"application/{fmt}" if fmt == "pdf"
                    else "image/png")

    made_on_request("print", (*basis, paper, orientation, fmt, title, lang, view.filter), make_print, lang)


@st.cache_data(show_spinner=False, max_entries=64)
def _feature_count(key: tuple, _frames: dict[str, gpd.GeoDataFrame], _region: Region, clip: bool) -> int:
    """How many features the export will hold (`key` identifies the frames and the region)."""
    return sum(len(select(frame, _region, clip=clip)) for frame in _frames.values())
