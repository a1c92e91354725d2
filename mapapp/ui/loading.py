"""What stands in for a part of the page that waits for the map (see state.waiting_for_map)."""

from __future__ import annotations

import streamlit as st

from mapapp.i18n import t


def loading_note(part: str, lang: str) -> None:
    """A short "loading" line, in a container the browser tests wait on (st-key-waiting_for_map_*)."""
    with st.container(key=f"waiting_for_map_{part}"):
        st.caption(t("loading", lang))
