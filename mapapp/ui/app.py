"""The map page: sidebar filters, the map, and tabs for the site table, site check, export and notes."""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st
from shapely.geometry import shape

from mapapp import vocab
from mapapp.cli import build_parser
from mapapp.datum import DATUMS, geometry_to_wgs84
from mapapp.export import Region, export_collection, region_from_filter, region_from_geometry, resolve_region
from mapapp.filters import RESTRICTION_CHOICES, SiteFilter, matches
from mapapp.i18n import t
from mapapp.records import split_list
from mapapp.render.sitemap import MapLayer, build_map, shift_for_basemap, sites_group
from mapapp.screening import SCOPES, check_point
from mapapp.ui import data
from mapapp.ui.mapview import show_map
from mapapp.viewstate import BASEMAPS, LANGS, ViewState, from_query, to_query

MAP_KEY = "map"


def _options(vocabulary: dict[str, tuple[str, str]], lang: str) -> dict:
    return {"options": list(vocabulary), "format_func": lambda code: vocab.label(vocabulary, code, lang),
            "placeholder": t("all", lang)}


def language_ui(default: str) -> str:
    return st.sidebar.radio(t("language"), LANGS, index=LANGS.index(default), horizontal=True,
                            format_func=lambda x: {"zh": "中文", "en": "English"}[x], key="lang")


def place_ui(f: SiteFilter, lang: str) -> tuple[str, str]:
    prefectures = data.full_layer("prefectures")
    names = dict(zip(prefectures.adcode, prefectures.name_zh if lang == "zh" else prefectures.name_en))
    codes = ["", *names]
    prefecture = st.sidebar.selectbox(t("prefecture", lang), codes, index=codes.index(f.prefecture) if f.prefecture in codes else 0,
                                      format_func=lambda c: names.get(c, t("all", lang)), key="prefecture")
    counties = data.full_layer("counties")
    if prefecture:
        counties = counties[counties.parent_adcode == prefecture]
    county_names = dict(zip(counties.adcode, counties.name_zh if lang == "zh" else counties.name_en))
    county_codes = ["", *county_names]
    county = st.sidebar.selectbox(t("county", lang), county_codes,
                                  index=county_codes.index(f.county) if f.county in county_codes else 0,
                                  format_func=lambda c: county_names.get(c, t("all", lang)), key="county")
    return prefecture, county


def filter_ui(f: SiteFilter, lang: str) -> SiteFilter:
    st.sidebar.subheader(t("filters", lang))
    industries = st.sidebar.multiselect(t("industry", lang), default=list(f.industries), key="industry",
                                        **_options(vocab.INDUSTRIES, lang))
    retrofit = st.sidebar.multiselect(t("retrofit", lang), default=list(f.retrofit), key="retrofit",
                                      **_options(vocab.RETROFIT_STATUSES, lang))
    green = st.sidebar.multiselect(t("green_park", lang), default=list(f.green_park), key="green",
                                   **_options(vocab.GREEN_PARK_STATUSES, lang))
    kinds = st.sidebar.multiselect(t("kind", lang), default=list(f.kinds), key="kind", **_options(vocab.SITE_KINDS, lang))
    levels = st.sidebar.multiselect(t("level", lang), default=list(f.levels), key="level", **_options(vocab.LEVELS, lang))
    prefecture, county = place_ui(f, lang)
    st.sidebar.subheader(t("restriction", lang))
    restriction = st.sidebar.selectbox(t("restriction", lang), RESTRICTION_CHOICES, index=RESTRICTION_CHOICES.index(f.restriction),
                                       format_func=lambda c: t(f"restriction_{c}", lang), key="restriction",
                                       label_visibility="collapsed")
    scope = st.sidebar.selectbox(t("scope", lang), list(SCOPES), index=list(SCOPES).index(f.scope),
                                 format_func=lambda c: t(f"scope_{c}", lang), key="scope")
    distance = st.sidebar.number_input(t("distance", lang), min_value=1.0, max_value=50_000.0, value=float(f.distance_m),
                                       step=500.0, key="distance")
    return SiteFilter(tuple(industries), tuple(retrofit), tuple(green), tuple(kinds), tuple(levels), prefecture, county,
                      restriction, scope, float(distance))


def view_ui(state: ViewState, lang: str) -> ViewState:
    st.sidebar.subheader(t("layers", lang))
    specs = data.specs()
    layer_ids = [i for i in specs if i != "sites"]
    layers = st.sidebar.multiselect(t("layers", lang), layer_ids, default=[i for i in state.layers if i in layer_ids],
                                    format_func=lambda i: specs[i].title(lang), key="layers", label_visibility="collapsed")
    basemap = st.sidebar.selectbox(t("basemap", lang), BASEMAPS, index=BASEMAPS.index(state.basemap),
                                   format_func=lambda b: t(f"basemap_{b}", lang), key="basemap")
    if basemap == "tianditu" and not os.environ.get("TIANDITU_KEY"):
        st.sidebar.warning(t("tianditu_missing_key", lang))
    chosen = {*layers, "sites"}
    return replace(state, lang=lang, basemap=basemap, layers=tuple(i for i in specs if i in chosen))  # spec order


def region_bounds(f: SiteFilter) -> list[list[float]] | None:
    """Fit the map to the chosen county or prefecture."""
    for code, layer in ((f.county, "counties"), (f.prefecture, "prefectures")):
        if code:
            frame = data.full_layer(layer)
            west, south, east, north = frame[frame.adcode == code].total_bounds
            return [[south, west], [north, east]]
    return None


def map_ui(state: ViewState, shown: gpd.GeoDataFrame) -> dict:
    specs = data.specs()
    chosen = sorted((i for i in state.layers if i in specs and i != "sites"), key=lambda i: (specs[i].z, list(specs).index(i)))
    layers = [MapLayer(specs[i], data.map_features(i, state.basemap), True) for i in chosen]
    m = build_map(layers, lang=state.lang, basemap=state.basemap, bounds=region_bounds(state.filter))
    shown_for_map = shift_for_basemap(shown, state.basemap)
    f = state.filter
    group = sites_group(shown_for_map, data.popups(state.lang, f.scope, f.distance_m), state.lang,
                        name=specs["sites"].title(state.lang))
    return show_map(m, dynamic=[group], key=f"{MAP_KEY}-{state.lang}-{state.basemap}-{','.join(state.layers)}")


def _labels(cells: pd.Series, vocabulary: dict[str, tuple[str, str]], lang: str) -> pd.Series:
    return cells.map(lambda cell: ", ".join(vocab.label(vocabulary, c, lang) for c in split_list(cell)))


def _unit_names(codes: pd.Series, layer: str, lang: str, fallback: pd.Series) -> pd.Series:
    """Prefecture or county names in the UI language; the source's text where no code is known."""
    units = data.full_layer(layer)
    names = dict(zip(units.adcode, units.name_zh if lang == "zh" else units.name_en))
    return codes.map(names).fillna(fallback)


def table_ui(shown: gpd.GeoDataFrame, lang: str) -> None:
    """The filtered sites, the same rows as on the map; click a header to sort."""
    label = lambda vocabulary: (lambda cells: _labels(cells, vocabulary, lang))  # noqa: E731
    table = pd.DataFrame({
        "id": shown["id"],
        t("name", lang): shown["name_zh" if lang == "zh" else "name_en"],
        t("kind", lang): label(vocab.SITE_KINDS)(shown["kind"]),
        t("level", lang): label(vocab.LEVELS)(shown["level"]),
        t("prefecture", lang): _unit_names(shown["prefecture_adcode"], "prefectures", lang, shown["prefecture_zh"]),
        t("county", lang): _unit_names(shown["county_adcode"], "counties", lang, shown["county_zh"]),
        t("industry", lang): label(vocab.INDUSTRIES)(shown["industries"]),
        t("retrofit", lang): label(vocab.RETROFIT_STATUSES)(shown["circular_retrofit"]),
        t("green_park", lang): label(vocab.GREEN_PARK_STATUSES)(shown["green_park"]),
        t("location_precision", lang): label(vocab.PRECISIONS)(shown["location_precision"]),
        t("restriction", lang): shown["verdict"].map(lambda v: t(f"verdict_{v}", lang)),
        t("distance", lang): shown["distance_m"].astype(float).round(0),
    })
    st.dataframe(table, hide_index=True, width="stretch", key="site_table")


def _verdict_text(result: dict, lang: str, threshold: float) -> str:
    if result["error"]:
        return f"{t('verdict_invalid', lang)}: {result['error']}"
    return t("result", lang, verdict=t(f"verdict_{result['verdict']}", lang), water=result["nearest_water"],
             distance=result["distance_m"], threshold=threshold)


def clicked_point_ui(f: SiteFilter, clicked: dict | None, basemap: str, lang: str) -> None:
    """The shoreline verdict for the last point clicked on the map (GCJ-02 when Gaode tiles are shown)."""
    if not clicked:
        st.caption(t("click_hint", lang))
        return
    datum = "gcj02" if basemap == "gaode" else "wgs84"
    result = check_point(clicked["lng"], clicked["lat"], datum=datum, scope=f.scope, threshold_m=f.distance_m)
    st.info(f"({result['lon_wgs84']:.5f}, {result['lat_wgs84']:.5f}) → " + _verdict_text(result, lang, f.distance_m))


def check_ui(f: SiteFilter, lang: str) -> None:
    with st.form("point_check"):
        cols = st.columns(3)
        lon = cols[0].number_input(t("lon", lang), value=117.21, format="%.6f", key="check_lon")
        lat = cols[1].number_input(t("lat", lang), value=28.29, format="%.6f", key="check_lat")
        datum = cols[2].selectbox(t("datum", lang), DATUMS, format_func=str.upper, key="check_datum")
        if st.form_submit_button(t("check_button", lang)):
            result = check_point(lon, lat, datum=datum, scope=f.scope, threshold_m=f.distance_m)
            st.success(_verdict_text(result, lang, f.distance_m))
    upload = st.file_uploader(t("upload", lang), type=["csv", "txt", "xlsx", "geojson", "json", "gpkg", "zip"])
    if upload is not None:
        batch_check_ui(upload, f, lang)


def batch_check_ui(upload, f: SiteFilter, lang: str) -> None:
    """Screen an uploaded file with exactly the `mapapp screen` pipeline (every row kept, errors per row)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / Path(upload.name).name
        source.write_bytes(upload.getvalue())
        out = Path(tmp) / "result.csv"
        args = build_parser().parse_args(["screen", str(source), "--out", str(out), "--scope", f.scope,
                                          "--distance", str(f.distance_m)])
        log = io.StringIO()
        with contextlib.redirect_stderr(log):
            code = args.func(args)
        st.code(log.getvalue()[-4000:], language=None)
        if code == 0 and out.exists():
            payload = out.read_bytes()
            st.dataframe(pd.read_csv(io.BytesIO(payload), dtype=str), hide_index=True, width="stretch")
            st.download_button(t("download_result", lang), payload, file_name=f"{source.stem}_screened.csv", mime="text/csv")


def export_ui(state: ViewState, shown: gpd.GeoDataFrame, drawings: list | None, lang: str) -> None:
    specs = data.specs()
    kinds = ["filter", "prefecture", "county", "drawn"]
    kind = st.radio(t("region", lang), kinds, format_func=lambda k: t(f"region_{k}", lang), horizontal=True, key="export_region")
    region: Region | None = region_from_filter()
    if kind in ("prefecture", "county"):
        frame = data.full_layer("prefectures" if kind == "prefecture" else "counties")
        code = st.selectbox(t(kind, lang), list(frame.adcode),
                            format_func=dict(zip(frame.adcode, frame.name_zh + " " + frame.name_en)).get, key=f"export_{kind}")
        region = resolve_region(code, prefectures=data.full_layer("prefectures"), counties=data.full_layer("counties"),
                                province=data.full_layer("province"))
    elif kind == "drawn":
        polygons = [d for d in (drawings or []) if d.get("geometry", {}).get("type") in ("Polygon", "MultiPolygon")]
        if not polygons:
            st.warning(t("no_drawing", lang))
            return
        drawn = shape(polygons[-1]["geometry"])
        if state.basemap == "gaode":  # drawn over GCJ-02 tiles: bring it back to WGS 84
            drawn = geometry_to_wgs84(drawn, "gcj02")
        region = region_from_geometry(drawn)
    chosen = st.multiselect(t("export_layers", lang), list(specs), default=["sites", "water_areas", "river_lines"],
                            format_func=lambda i: specs[i].title(lang), key="export_layers")
    clip = st.checkbox(t("clip", lang), value=False, key="export_clip", disabled=kind == "filter")
    frames = {i: (shown if i == "sites" else data.full_layer(i)) for i in chosen}
    f = state.filter
    collection = export_collection(frames, region, clip=clip, filters={k: list(v) if isinstance(v, tuple) else v
                                                                        for k, v in f.as_dict().items()},
                                   rule={"scope": f.scope, "distance_m": f.distance_m})
    payload = json.dumps(collection, ensure_ascii=False).encode("utf-8")
    st.caption(f"{len(collection['features'])} features, {len(payload) / 1e6:.2f} MB · {region.label}")
    st.download_button(t("download_geojson", lang), payload, file_name="jiangxi_export.geojson",
                       mime="application/geo+json", key="export_download")


def about_ui(lang: str) -> None:
    st.markdown(t("precision_note", lang))
    st.markdown(t("accuracy_note", lang))
    specs = data.specs()
    st.dataframe(pd.DataFrame([{"id": s.id, "title": s.title(lang), "source": s.source} for s in specs.values()]),
                 hide_index=True, width="stretch")
    st.markdown("data/README.md · data/sources/CURATION.md")


def main() -> None:
    st.set_page_config(page_title="江西工业绿色发展地图 · Jiangxi Green Industry Map", page_icon="🗺️", layout="wide")
    state, warnings = from_query(st.query_params.to_dict(), layer_ids=tuple(data.specs()))
    lang = language_ui(state.lang)
    st.title(t("app_title", lang))
    if warnings:
        st.warning(t("warnings", lang) + " " + "; ".join(warnings))
    state = view_ui(state, lang)
    state = replace(state, filter=filter_ui(state.filter, lang))
    st.query_params.from_dict(to_query(state))

    sites = data.screened_sites(state.filter.scope, state.filter.distance_m)
    shown = sites[matches(sites, state.filter)]
    st.markdown(f"**{t('count', lang, shown=len(shown), total=len(sites), mapped=int(shown.geometry.notna().sum()))}** · "
                f"{t('precision_note', lang)}")
    output = map_ui(state, shown)
    clicked_point_ui(state.filter, output.get("last_clicked"), state.basemap, lang)
    table_tab, check_tab, export_tab, about_tab = st.tabs([t("table", lang), t("check", lang), t("export", lang), t("about", lang)])
    with table_tab:
        table_ui(shown, lang)
    with check_tab:
        check_ui(state.filter, lang)
    with export_tab:
        export_ui(state, shown, output.get("all_drawings"), lang)
    with about_tab:
        about_ui(lang)
