"""Search in the sidebar: a site, a prefecture or county, a code or a coordinate; a hit moves the map
there and opens the site's panel, or checks the point."""

from __future__ import annotations

import streamlit as st

from mapapp.finder import Hit
from mapapp.i18n import t
from mapapp.messages import text
from mapapp.ui import data, state
from mapapp.viewstate import corners

MAX_SHOWN = 8
POINT_MARGIN = 0.03  # degrees around a found point, about 3 km: the map shows its surroundings


def go(hit: Hit) -> None:
    """What a chosen hit does: a site is selected, a unit shown, a point checked."""
    if hit.kind == "site" and hit.key:
        state.select([hit.key], frame=corners(hit.bounds))
    elif hit.kind == "point" and hit.lon is not None and hit.lat is not None:
        state.check_point(hit.lon, hit.lat)
        state.move_to(corners(hit.bounds, POINT_MARGIN))
    else:
        state.move_to(corners(hit.bounds))


def search_ui(lang: str, rev: int) -> None:
    query = st.sidebar.text_input(t("search", lang), key="search_query", placeholder=t("search_placeholder", lang),
                                  help=t("search_help", lang))
    if not query.strip():
        return
    found = data.finder(rev).find(query, limit=MAX_SHOWN)
    if found.note:
        (st.sidebar.caption if found.hits else st.sidebar.warning)(text(found.note, lang))
    if not found.hits:
        if not found.note:
            st.sidebar.caption(t("search_none", lang))
        return
    for i, hit in enumerate(found.hits):
        st.sidebar.button(hit.label(lang), key=f"search_hit.{i}.{hit.kind}.{hit.key}", on_click=go, args=(hit,),
                          width="stretch", icon=_ICONS.get(hit.kind))


_ICONS = {"site": ":material/factory:", "prefecture": ":material/location_city:", "county": ":material/map:",
          "point": ":material/my_location:"}
