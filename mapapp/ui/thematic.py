"""The sidebar's thematic map: what to count per prefecture or county (or an uploaded indicator
table), how to classify it; the result is drawn under the map's other layers."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapapp._errors import MapAppError
from mapapp.i18n import t
from mapapp.messages import text
from mapapp.render.thematic import Thematic, thematic
from mapapp.tables import read_table
from mapapp.thematic import (
    LEVELS,
    MEASURES,
    SCHEMES,
    class_labels,
    classify,
    count,
    join_table,
    key_column,
    value_columns,
)
from mapapp.ui import data
from mapapp.ui.sidebar import carried

UPLOAD = "upload"
MAX_PROBLEMS_SHOWN = 20


def _uploaded(upload: object) -> pd.DataFrame:
    """The uploaded table, read as the rest of the app reads tables (CSV in UTF-8 or GBK, Excel)."""
    suffix = Path(getattr(upload, "name", "")).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="mapapp-thematic-") as folder:
        path = Path(folder) / f"table{suffix}"
        path.write_bytes(upload.getvalue())  # type: ignore[attr-defined]
        return read_table(path)


def _upload_values(level: str, lang: str) -> tuple[pd.Series, str] | None:
    """The values of an uploaded table for the level's units, with the column's name; problems are said."""
    upload = st.sidebar.file_uploader(t("thematic_upload", lang), type=["csv", "xlsx", "xls"], key="thematic_upload")
    if upload is None:
        return None
    units = data.full_layer(level)
    other = data.full_layer("counties" if level == "prefectures" else "prefectures")
    try:
        table = _uploaded(upload)
    except MapAppError as exc:
        st.sidebar.error(text(exc, lang))
        return None
    guessed = key_column(table, units)
    columns = list(table.columns)
    key = st.sidebar.selectbox(t("thematic_key", lang), columns, index=columns.index(guessed) if guessed in columns else None,
                               placeholder=t("choose", lang), key="thematic_key")
    numeric = value_columns(table, key)
    value = st.sidebar.selectbox(t("thematic_value", lang), numeric, index=0 if numeric else None,
                                 placeholder=t("choose", lang), key="thematic_value")
    if key is None or value is None:
        st.sidebar.warning(t("thematic_pick_columns", lang))
        return None
    values, problems = join_table(table, key, value, units, other)
    if problems:
        shown = "\n".join(f"- {text(p, lang)}" for p in problems[:MAX_PROBLEMS_SHOWN])
        more = t("thematic_more_problems", lang, n=len(problems) - MAX_PROBLEMS_SHOWN) if len(problems) > MAX_PROBLEMS_SHOWN else ""
        st.sidebar.warning(t("thematic_problems", lang, n=len(problems), used=int(values.notna().sum())) + "\n" + shown + more)
    return values, str(value)


def _value_text(value: float, share: bool) -> str:
    if pd.isna(value):
        return ""
    return f"{value * 100:.1f}%" if share else f"{value:,.4g}"


def thematic_ui(sites: gpd.GeoDataFrame, lang: str) -> Thematic | None:
    """The thematic map the user set up in the sidebar (None when it is off)."""
    with st.sidebar.expander(t("thematic", lang)):
        # A toggle and a slider keep their value across languages; a choice whose labels change
        # language is a new widget per language, opened on the code chosen before (see sidebar.py).
        if not st.toggle(t("thematic_on", lang), key="thematic_on"):
            return None
        level = carried("thematic_level", LEVELS, lang, lambda **kw: st.radio(
            t("thematic_level", lang), LEVELS, horizontal=True, format_func=lambda v: t(f"thematic_level_{v}", lang), **kw))
        measures = [*MEASURES, UPLOAD]
        measure = carried("thematic_measure", measures, lang, lambda **kw: st.selectbox(
            t("thematic_measure", lang), measures, format_func=lambda m: t(f"thematic_{m}", lang), **kw))
        scheme = carried("thematic_scheme", SCHEMES, lang, lambda **kw: st.selectbox(
            t("thematic_scheme", lang), SCHEMES, format_func=lambda v: t(f"thematic_scheme_{v}", lang), **kw))
        k = st.slider(t("thematic_classes", lang), 3, 7, 5, key="thematic_classes")
    units = data.full_layer(level)
    if measure == UPLOAD:
        uploaded = _upload_values(level, lang)
        if uploaded is None:
            return None
        values, title, share = uploaded[0], uploaded[1], False
    else:
        counted = count(sites, units, level, measure)
        values, share = counted.values, counted.share
        title = t(f"thematic_{measure}", lang)
        if counted.uncounted:
            st.sidebar.caption(t("thematic_uncounted", lang, n=counted.uncounted, level=t(f"thematic_level_{level}", lang)))
    classes = classify(values, scheme, k)
    names = data.unit_names(lang)[level]
    texts = {code: _value_text(v, share) for code, v in values.items() if not pd.isna(v)}
    return thematic(title, level, names, texts, classes, class_labels(classes, share, lang), t("thematic_no_data", lang))


def thematic_key(shown: Thematic | None) -> str:
    """Part of the map's identity: a new thematic map is a new map."""
    if shown is None:
        return ""
    return hashlib.sha1(repr((shown.title, sorted(shown.styles.items()))).encode()).hexdigest()[:12]
