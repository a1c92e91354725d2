"""A file made on request: a button that makes it with a progress bar, then offers it for download.

The made file is kept in the session with the options it was made from; when the options change it
is forgotten, so the download always matches what the page shows."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from mapapp._errors import MapAppError
from mapapp.i18n import t
from mapapp.messages import Msg, markdown_safe, text
from mapapp.outputs import Progress
from mapapp.ui.sidebar import wkey

log = logging.getLogger("mapapp.ui")


@dataclass(frozen=True)
class Made:
    data: bytes
    name: str
    mime: str
    notes: tuple[Msg | str, ...] = ()


def made_on_request(key: str, options: tuple, make: Callable[[Progress], Made], lang: str, *,
                    disabled: bool = False) -> None:
    """`make` runs when the button is pressed (with a progress callback); its file is then offered."""
    store = f"made_{key}"
    kept = st.session_state.get(store)
    if kept is not None and kept[0] != options:
        st.session_state.pop(store)
        kept = None
    if st.button(t("make_file", lang), key=wkey(f"make_{key}", lang), disabled=disabled):
        bar = st.progress(0.0, text=t("making", lang))
        try:
            made = make(lambda share, _what: bar.progress(min(max(share, 0.0), 1.0), text=t("making", lang)))
        except MapAppError as exc:
            st.error(text(exc, lang))
            return
        except Exception:  # noqa: BLE001 - the user sees a message, the server log the traceback
            log.exception("making %s failed", key)
            st.error(t("make_failed", lang))
            return
        finally:
            bar.empty()
        kept = (options, made)
        st.session_state[store] = kept
    if kept is None:
        return
    made = kept[1]
    st.download_button(t("download_file", lang, name=made.name), made.data, file_name=made.name, mime=made.mime,
                       key=wkey(f"download_{key}", lang), on_click="ignore", type="primary")
    if made.notes:
        joined = ("；" if lang == "zh" else "; ").join(markdown_safe(text(n, lang)) for n in made.notes)
        st.caption(t("made_notes", lang) + " " + joined)
