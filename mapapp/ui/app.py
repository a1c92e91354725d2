"""The map page: sidebar filters, the map, and tabs for the site table, site check, export and notes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapapp.filters import SiteFilter, matches
from mapapp.i18n import t
from mapapp.messages import markdown_safe
from mapapp.register.accounts import User
from mapapp.ui import data, sidebar
from mapapp.ui import state as ui_state
from mapapp.ui.account import account_ui, signed_in_user
from mapapp.ui.check import check_ui
from mapapp.ui.chrome import chrome_ui
from mapapp.ui.editing import editing_ui
from mapapp.ui.export_tab import export_ui
from mapapp.ui.loading import loading_note
from mapapp.ui.mapview import explore_ui
from mapapp.ui.plan_targets import targets_ui
from mapapp.ui.review import history_ui, review_ui
from mapapp.ui.search import search_ui
from mapapp.ui.state import current_view
from mapapp.ui.thematic import thematic_ui
from mapapp.viewstate import LANGS, ViewState, from_query, parse_view, to_query

log = logging.getLogger("mapapp.ui")


@contextmanager
def guard(lang: str) -> Iterator[None]:
    """A fault in one part of the page is said in the page's words and logged; the rest still shows."""
    try:
        yield
    except Exception:  # noqa: BLE001 - the user sees a message, the server log the traceback
        log.exception("page section failed")
        st.error(t("internal_error", lang))


def restriction_notice(sites: gpd.GeoDataFrame, f: SiteFilter, lang: str) -> None:
    """Say why "within" may show nothing: most locations are too coarse to decide, and offer those."""
    if f.restriction != "within":
        return
    within = int(matches(sites, f).sum())
    uncertain = int(matches(sites, replace(f, restriction="within_or_uncertain")).sum()) - within
    if not uncertain:
        return
    st.info(t("uncertain_notice", lang, within=within, uncertain=uncertain, distance=f.distance_m))
    st.button(t("show_uncertain", lang, n=uncertain), key=sidebar.wkey("show_uncertain", lang),
              on_click=sidebar.set_filter_value, args=("restriction", "within_or_uncertain", "restriction", lang))


def about_ui(lang: str) -> None:
    st.markdown(t("precision_note", lang))
    st.markdown(t("accuracy_note", lang))
    specs = data.specs()
    st.dataframe(pd.DataFrame([{t("layer", lang): s.title(lang), t("source", lang): s.source_text(lang)} for s in specs.values()]),
                 hide_index=True, width="stretch")
    st.markdown("data/README.md · data/sources/CURATION.md")


def register_ui(user: User | None, lang: str, rev: int, basemap: str) -> None:
    """The register's tab: edit or add a site, proposals to review, a site's history."""
    editing_ui(user, lang, rev, basemap)
    review_ui(user, lang)
    history_ui(user, lang, rev)


def page() -> None:
    state, warnings = from_query(st.query_params.to_dict(), layer_ids=data.page_layer_ids())
    warnings = ui_state.link_warnings(warnings)
    ui_state.full_run_starts()
    lang = sidebar.language_ui(state.lang)
    chrome_ui(lang)
    search_ui(lang, data.revision())
    st.title(t("app_title", lang))
    # Warnings and notices come and go; in one container they never move the map, which Streamlit
    # would otherwise take for a new element and reload (a blank map for a second).
    messages = st.container()
    if warnings:
        messages.warning(t("warnings", lang) + " " + "；".join(markdown_safe(w) for w in warnings))
    state = sidebar.view_ui(state, lang)
    state = replace(state, filter=sidebar.filter_ui(state.filter, lang))
    user = signed_in_user(lang)
    account_ui(user, lang)
    st.query_params.from_dict(to_query(_with_current_view(state)))

    rev = data.revision()  # every process sees the others' approved changes at its next rerun
    sites = data.screened_sites(state.filter.scope, state.filter.distance_m, rev)
    shown = sites[matches(sites, state.filter)]
    with messages:
        st.markdown(f"**{t('count', lang, shown=len(shown), total=len(sites), mapped=int(shown.geometry.notna().sum()))}** · "
                    f"{t('precision_note', lang)}")
        restriction_notice(sites, state.filter, lang)
    theme = None
    with guard(lang):
        theme = thematic_ui(sites, lang)
    with guard(lang):
        ui_state.selection_drawn_by_page()
        explore_ui(state, shown, rev, theme)
    parts = (("targets", lambda: targets_ui(lang, rev)),
             ("check", lambda: check_ui(state, rev)),
             ("export", lambda: export_ui(state, shown, sites)),
             ("edit", lambda: register_ui(user, lang, rev, state.basemap)),
             ("about", lambda: about_ui(lang)))
    tabs_ui(parts, lang)


# Tabs whose widgets hold the user's work (an uploaded file and its points on the map, an edit not yet
# sent) are run even when closed: Streamlit forgets the state of a widget that a run does not render.
_ALWAYS_RUN = frozenset({"check", "edit"})
TAB_LABELS = {"targets": "targets_tab", "check": "check", "export": "export", "edit": "edit_tab", "about": "about"}


def tabs_ui(parts: tuple[tuple[str, Callable[[], None]], ...], lang: str) -> None:
    """The tabs under the map. Only the open one (and those in _ALWAYS_RUN) is run: a filter change
    then renders one tab, not five. Switching tabs runs the page (the map is not redrawn). Not a
    fragment: the review's decisions must stay outside one (see review.review_ui)."""
    names = [name for name, _ in parts]
    labels = [t(TAB_LABELS[name], lang) for name in names]
    default = labels[names.index(ui_state.tab_default(names, lang))]
    tabs = st.tabs(labels, key=f"mapapp.tab.{lang}", default=default, on_change="rerun")
    waiting = ui_state.waiting_for_map()
    for (name, show), tab in zip(parts, tabs):
        if tab.open:
            ui_state.remember_open_tab(name)
        elif name not in _ALWAYS_RUN:
            continue
        with tab, guard(lang):
            if waiting:
                loading_note(name, lang)
            else:
                show()


def _with_current_view(state: ViewState) -> ViewState:
    """The URL keeps the map's view as the map last reported it (the fragment updates it while panning)."""
    value = current_view()
    return replace(state, map_view=parse_view(value)) if value else state


def main() -> None:
    st.set_page_config(page_title="江西工业绿色发展地图 · Jiangxi Green Industry Map", page_icon="🗺️", layout="wide")
    lang = st.query_params.get("lang", "zh")
    lang = lang if lang in LANGS else "zh"
    with guard(lang):
        page()
