"""The site table: the same rows as the map, the shoreline answer first, every code as a label."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from functools import partial
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapapp.catalog import vocab
from mapapp.catalog.records import split_list
from mapapp.i18n import t
from mapapp.ui import data, state
from mapapp.ui.sidebar import wkey
from mapapp.viewstate import ViewState, corners

UNKNOWN = "unknown"


def _labels(cells: pd.Series, vocabulary: dict[str, tuple[str, str]], lang: str) -> pd.Series:
    sep = "、" if lang == "zh" else ", "
    return cells.map(lambda cell: sep.join(vocab.label(vocabulary, c, lang) for c in split_list(cell)))


def _unit_names(codes: pd.Series, layer: str, lang: str, fallback: pd.Series) -> pd.Series:
    """Prefecture or county names in the UI language; the source's text where no code is known."""
    names = data.unit_names(lang)[layer]
    unknown = t("unknown", lang)
    given = fallback.map(lambda v: unknown if not isinstance(v, str) or v in ("", UNKNOWN) or v.startswith("(") else v)
    return codes.map(names).fillna(given)


def site_table(shown: gpd.GeoDataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("name", lang): shown["name_zh" if lang == "zh" else "name_en"],
        t("restriction", lang): shown["verdict"].map(lambda v: t(f"verdict_short_{v}", lang)),
        t("distance", lang): pd.to_numeric(shown["distance_m"], errors="coerce").round(0),
        t("max_distance", lang): pd.to_numeric(shown["max_distance_m"], errors="coerce").round(0),
        t("overlap_ha", lang): pd.to_numeric(shown["overlap_ha"], errors="coerce").round(1),
        t("kind", lang): _labels(shown["kind"], vocab.SITE_KINDS, lang),
        t("level", lang): _labels(shown["level"], vocab.LEVELS, lang),
        t("prefecture", lang): _unit_names(shown["prefecture_adcode"], "prefectures", lang, shown["prefecture_zh"]),
        t("county", lang): _unit_names(shown["county_adcode"], "counties", lang, shown["county_zh"]),
        t("industry", lang): _labels(shown["industries"], vocab.INDUSTRIES, lang),
        t("retrofit", lang): _labels(shown["circular_retrofit"], vocab.RETROFIT_STATUSES, lang),
        t("green_park", lang): _labels(shown["green_park"], vocab.GREEN_PARK_STATUSES, lang),
        t("location", lang): _labels(shown["location_kind"], vocab.LOCATION_KINDS, lang),
        t("location_precision", lang): _labels(shown["location_precision"], vocab.PRECISIONS, lang),
        t("site_id", lang): shown["id"],
    })


def readable_table(frame: pd.DataFrame, measures: Collection[str] = (), **kwargs: Any) -> None:
    """A table for people: the `measures` columns grouped ('6,577', '152,277.4'), other numbers as
    they are (codes, years, a file's coordinates), and blank where a value is unknown.

    Streamlit writes "None" into an empty cell whatever the Styler says, so a numeric column with
    gaps is shown as text (sorting it then goes by text); columns without gaps stay numbers, shown
    the same way, so a filter that removes the gaps does not change how a column reads."""
    shown = frame.copy()
    config: dict[str, Any] = {}
    for column in frame.select_dtypes("number").columns:
        grouped = column in measures
        if shown[column].isna().any():
            pattern = ",.10g" if grouped else ".10g"
            shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else format(v, pattern)).astype(object)
        elif grouped:
            config[column] = st.column_config.NumberColumn(format="localized")
    shown = shown.astype({c: object for c in shown.columns if not pd.api.types.is_numeric_dtype(shown[c])})
    config |= kwargs.pop("column_config", None) or {}
    st.dataframe(shown.where(shown.notna(), ""), hide_index=True, width="stretch", column_config=config, **kwargs)


def bounds_of(sites: gpd.GeoDataFrame) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the mapped sites among `sites`, or None."""
    mapped = sites[sites.geometry.notna()]
    return None if mapped.empty else corners(mapped.total_bounds)


def table_key(lang: str, ids: list[str]) -> str:
    """Rows are positions: other rows (a new filter) or a selection made elsewhere make a new table."""
    return f"site_table.{lang}.{state.table_generation()}.{hashlib.sha1(' '.join(ids).encode()).hexdigest()[:10]}"


def _on_rows(key: str, shown: gpd.GeoDataFrame) -> None:
    """Ticked rows become the selection, and the map moves to them. A table the page has since
    replaced may still report (its last rows, as it goes): that changes nothing."""
    if key != table_key(key.split(".")[1], list(shown["id"])):
        return
    rows = st.session_state[key]["selection"]["rows"]
    chosen = shown.iloc[sorted(rows)]
    state.select(list(chosen["id"]), frame=bounds_of(chosen), from_table=True)


def _select_drawn(view_basemap: str, shown: gpd.GeoDataFrame, lang: str) -> None:
    drawn = state.drawn_polygon(view_basemap)
    inside = shown[shown.geometry.notna() & shown.geometry.intersects(drawn)] if drawn is not None else shown.iloc[:0]
    if inside.empty:
        state.set_flash(t("selection_drawn_none", lang), "selection")
        return
    state.select(list(inside["id"]), frame=bounds_of(inside))


def selection_ui(view: ViewState, shown: gpd.GeoDataFrame) -> None:
    """The filtered sites, linked to the map: ticked rows are the selection, and a site selected on the
    map, by search or by a drawn shape is ticked here. Click a header to sort."""
    lang = view.lang
    ids = list(shown["id"])
    key = table_key(lang, ids)
    wanted = [ids.index(i) for i in state.selection() if i in ids]
    head, clear, drawn = st.columns([3, 1, 2], vertical_alignment="center")
    head.markdown(f"**{t('site_list', lang)}** · {t('selection_count', lang, n=len(state.selection()))}")
    clear.button(t("selection_clear", lang), key=wkey("selection_clear", lang), on_click=state.select, args=([],),
                 disabled=not state.selection())
    drawn.button(t("selection_drawn", lang), key=wkey("selection_drawn", lang), on_click=_select_drawn,
                 args=(view.basemap, shown, lang), disabled=state.drawn_polygon(view.basemap) is None)
    flash = state.pop_flash("selection")
    if flash:
        st.info(flash)
    measures = [t(c, lang) for c in ("distance", "max_distance", "overlap_ha")]
    readable_table(site_table(shown, lang), measures, key=key, on_select=partial(_on_rows, key, shown), selection_mode="multi-row",
                   selection_default={"selection": {"rows": wanted, "columns": []}})
