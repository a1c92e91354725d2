"""The sidebar: language, layers, basemap and the site filters.

Every widget's key carries the language. Streamlit keeps a selectbox's or multiselect's value
as the *displayed* text of the option, so when the labels change language a widget with a fixed
key no longer recognises its own value: it fell back to its default or returned a label where a
code was expected. A new key per language makes a fresh widget whose default comes from the view
state (the URL), which is exactly what the user had chosen.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import streamlit as st

from mapapp.catalog import vocab
from mapapp.filters import RESTRICTION_CHOICES, SiteFilter
from mapapp.i18n import t
from mapapp.screening import SCOPES
from mapapp.ui import data
from mapapp.viewstate import BASEMAPS, LANGS, RULE_ZONE, ViewState

_GENERATIONS = "mapapp.widget_generations"  # widget name -> how often the page has reset it


def wkey(name: str, lang: str) -> str:
    """A widget key for one language (see the module docstring), and for each reset by the page."""
    generation = st.session_state.get(_GENERATIONS, {}).get(name, 0)
    return f"{name}.{lang}" + (f".{generation}" if generation else "")


_CARRIED = "mapapp.carried."  # + name: the last value of a carried widget, kept outside the widget


def _remember(remembered: str, key: str) -> None:
    """A carried widget's on_change: keep the new value at once, since the run it starts may not draw
    the widget (a tab closed in the same run), and Streamlit then forgets it."""
    if key in st.session_state:
        st.session_state[remembered] = st.session_state[key]


def _carry(name: str, lang: str, widget: Callable[..., Any], **initial: Any) -> Any:
    remembered, key = _CARRIED + name, wkey(name, lang)
    chosen = widget(**initial, key=key, on_change=_remember, args=(remembered, key))
    st.session_state[remembered] = chosen
    return chosen


def carried(name: str, options: Sequence[Any], lang: str, widget: Callable[..., Any], default: Any = None) -> Any:
    """A choice outside the URL that outlives a change of language and a run that does not draw it (a
    closed tab): the value chosen last opens the new widget (`widget` takes `index`, `key`,
    `on_change` and `args`)."""
    value = st.session_state.get(_CARRIED + name, default if default is not None else options[0])
    return _carry(name, lang, widget, index=list(options).index(value) if value in options else 0)


def carried_many(name: str, options: Sequence[Any], lang: str, widget: Callable[..., list],
                 default: Sequence[Any]) -> list:
    """As `carried`, for a multiselect (`widget` takes `default` instead of `index`)."""
    return _carry(name, lang, widget, default=[v for v in st.session_state.get(_CARRIED + name, default) if v in options])


def carried_value(name: str, lang: str, widget: Callable[..., Any], default: Any) -> Any:
    """As `carried`, for a widget that takes `value` (a checkbox, a text input)."""
    return _carry(name, lang, widget, value=st.session_state.get(_CARRIED + name, default))


def _options(vocabulary: dict[str, tuple[str, str]], lang: str) -> dict:
    return {"options": list(vocabulary), "format_func": lambda code: vocab.label(vocabulary, code, lang),
            "placeholder": t("all", lang)}


def language_ui(default: str) -> str:
    return st.sidebar.radio(t("language"), LANGS, index=LANGS.index(default), horizontal=True,
                            format_func=lambda x: {"zh": "中文", "en": "English"}[x], key="lang")


def unit_names(layer: str, lang: str) -> dict[str, str]:
    """adcode -> name of a prefecture or county in the UI language."""
    return data.unit_names(lang)[layer]


def place_ui(f: SiteFilter, lang: str) -> tuple[str, str]:
    names = unit_names("prefectures", lang)
    codes = ["", *names]
    prefecture = st.sidebar.selectbox(t("prefecture", lang), codes, index=codes.index(f.prefecture) if f.prefecture in codes else 0,
                                      format_func=lambda c: names.get(c, t("all", lang)), key=wkey("prefecture", lang))
    counties = data.full_layer("counties")
    if prefecture:
        counties = counties[counties.parent_adcode == prefecture]
    offered = set(counties.adcode)
    county_names = {code: name for code, name in unit_names("counties", lang).items() if code in offered}
    county_codes = ["", *county_names]
    county = st.sidebar.selectbox(t("county", lang), county_codes,
                                  index=county_codes.index(f.county) if f.county in county_codes else 0,
                                  format_func=lambda c: county_names.get(c, t("all", lang)), key=wkey("county", lang))
    return prefecture, county


def filter_ui(f: SiteFilter, lang: str) -> SiteFilter:
    st.sidebar.subheader(t("filters", lang))
    pick = {}
    # How far a status goes, said where the user filters on it (the green-park list is one MIIT batch).
    helps = {"green_park": t("green_park_batches", lang), "level": t("level_help", lang)}
    for name, label, vocabulary in (("industries", "industry", vocab.INDUSTRIES),
                                    ("retrofit", "retrofit", vocab.RETROFIT_STATUSES),
                                    ("green_park", "green_park", vocab.GREEN_PARK_STATUSES),
                                    ("kinds", "kind", vocab.SITE_KINDS), ("levels", "level", vocab.LEVELS)):
        pick[name] = tuple(st.sidebar.multiselect(t(label, lang), default=list(getattr(f, name)), key=wkey(label, lang),
                                                  help=helps.get(label), **_options(vocabulary, lang)))
    prefecture, county = place_ui(f, lang)
    st.sidebar.subheader(t("restriction", lang))
    restriction = st.sidebar.selectbox(t("restriction", lang), RESTRICTION_CHOICES, index=RESTRICTION_CHOICES.index(f.restriction),
                                       format_func=lambda c: t(f"restriction_{c}", lang), key=wkey("restriction", lang),
                                       label_visibility="collapsed")
    scope = st.sidebar.selectbox(t("scope", lang), list(SCOPES), index=list(SCOPES).index(f.scope),
                                 format_func=lambda c: t(f"scope_{c}", lang), key=wkey("scope", lang))
    distance = st.sidebar.number_input(t("distance", lang), min_value=1, max_value=50_000, value=int(round(f.distance_m)),
                                       step=500, format="%d", key=wkey("distance", lang))
    return SiteFilter(prefecture=prefecture, county=county, restriction=restriction, scope=scope,
                      distance_m=float(distance), **pick)


def view_ui(state: ViewState, lang: str) -> ViewState:
    st.sidebar.subheader(t("layers", lang))
    specs = data.specs()
    layer_ids = [i for i in data.page_layer_ids() if i != "sites"]
    layers = st.sidebar.multiselect(t("layers", lang), layer_ids, default=[i for i in state.layers if i in layer_ids],
                                    format_func=lambda i: t("rule_zone", lang) if i == RULE_ZONE else specs[i].title(lang),
                                    key=wkey("layers", lang),
                                    label_visibility="collapsed", placeholder=t("no_layers", lang))
    basemap = st.sidebar.selectbox(t("basemap", lang), BASEMAPS, index=BASEMAPS.index(state.basemap),
                                   format_func=lambda b: t(f"basemap_{b}", lang), key=wkey("basemap", lang))
    if basemap == "tianditu" and not os.environ.get("TIANDITU_KEY"):
        st.sidebar.warning(t("tianditu_missing_key", lang))
    chosen = {*layers, "sites"}
    return replace(state, lang=lang, basemap=basemap, layers=tuple(i for i in data.page_layer_ids() if i in chosen))


def set_filter_value(query_key: str, value: str, widget: str, lang: str) -> None:
    """A button's callback: put a filter value in the URL and give its widget a new key, so a fresh
    widget starts from the URL and shows the new value.

    Setting the widget's own state would clash with the default it is given from the URL, and
    dropping that state leaves the browser showing, and later sending back, the old value.
    """
    st.query_params[query_key] = value
    generations = st.session_state.setdefault(_GENERATIONS, {})
    generations[widget] = generations.get(widget, 0) + 1
