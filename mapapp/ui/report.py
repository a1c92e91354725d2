"""The site-check report in the page: choose what to check (the clicked point, a selected site, the
drawn shape or an uploaded boundary), then make the PDF or Word file."""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

import streamlit as st

from mapapp._errors import MapAppError, OptionError
from mapapp.export import REGION_FILE_SUFFIXES, region_from_file
from mapapp.i18n import t
from mapapp.messages import Msg, markdown_safe, text
from mapapp.outputs import Progress
from mapapp.outputs.report_files import REPORT_FORMATS, report_file
from mapapp.outputs.site_check import Subject, boundary_subject, build_report, point_subject, site_subject
from mapapp.ui import data, state
from mapapp.ui.downloads import Made, made_on_request
from mapapp.ui.sidebar import carried, wkey
from mapapp.viewstate import ViewState

SUBJECTS = ("point", "site", "drawn", "file")
MIMES = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@st.fragment  # choosing what to check reruns this part only
def site_report_ui(view: ViewState, rev: int) -> None:
    lang = view.lang
    st.subheader(t("report_heading", lang))
    st.caption(t("report_caption", lang))
    what = carried("report_what", SUBJECTS, lang, lambda **kw: st.radio(
        t("report_what", lang), SUBJECTS, horizontal=True, format_func=lambda k: t(f"report_what_{k}", lang), **kw))
    try:
        subject = _subject(what, view, rev)
    except MapAppError as exc:
        # A point far from Jiangxi: its verdict above already says so; here only why there is no report.
        (st.caption if what == "point" else st.error)(text(exc, lang))
        return
    if what == "point":  # the map reruns alone on a click: name no point here that may be an old one
        st.caption(t("report_point_hint", lang))
    elif subject is None:
        return
    else:
        st.caption(t("report_ready", lang, what=markdown_safe(_said(subject, lang))))
    fmt = carried("report_format", REPORT_FORMATS, lang, lambda **kw: st.radio(
        t("report_file_format", lang), REPORT_FORMATS, horizontal=True, format_func=str.upper, **kw))

    def make(progress: Progress) -> Made:
        # A map click reruns only the map: the point is read again when the button is pressed.
        if subject is None:
            raise OptionError(Msg(t("report_no_point", "en"), t("report_no_point", "zh")))
        report_data = data.report_data(rev)
        progress(0.1, "checking")
        report = build_report(subject, report_data, lang=lang)
        stamp = report.created.strftime("%Y%m%d")
        name = f"选址核查报告_{_safe(_said(subject, lang))}_{stamp}.{fmt}" if lang == "zh" else \
            f"site_check_{_safe(_said(subject, lang))}_{stamp}.{fmt}"
        return Made(report_file(report, report_data.layers, fmt, progress=progress), name, MIMES[fmt])

    identity = (what, subject.label if subject else "", subject.geometry.wkb if subject else b"", fmt, lang, rev)
    made_on_request("report", identity, make, lang)


def _subject(what: str, view: ViewState, rev: int) -> Subject | None:
    lang = view.lang
    if what == "point":
        clicked = state.click()
        return None if clicked is None else point_subject(*clicked)
    if what == "site":
        return _site(lang, rev)
    if what == "drawn":
        drawn = state.drawn_polygon(view.basemap)
        if drawn is None:
            st.caption(t("no_drawing", lang))
            return None
        return boundary_subject(drawn, label=t("region_name_drawn", lang))
    upload = st.file_uploader(t("report_boundary_file", lang), type=[s.lstrip(".") for s in REGION_FILE_SUFFIXES],
                              key="report_boundary")  # one key in both languages: a switch keeps the file
    if upload is None:
        return None
    with tempfile.TemporaryDirectory(prefix="mapapp-boundary-") as folder:
        path = Path(folder) / f"boundary{Path(upload.name).suffix.lower()}"
        path.write_bytes(upload.getvalue())
        region = region_from_file(path, name=upload.name, repair=False)
    digest = hashlib.sha256(upload.getvalue()).hexdigest()[:8]
    return boundary_subject(region.geometry, label=f"{upload.name} ({digest})")


def _site(lang: str, rev: int) -> Subject | None:
    chosen = state.selection()
    if not chosen:
        st.caption(t("report_no_site", lang))
        return None
    sites = data.register_sites(rev).set_index("id", drop=False)
    chosen = [sid for sid in chosen if sid in sites.index]
    column = "name_en" if lang == "en" else "name_zh"
    site_id = chosen[0] if len(chosen) == 1 else st.selectbox(
        t("report_pick_site", lang), chosen, format_func=lambda sid: sites.loc[sid, column], key=wkey("report_site", lang))
    site = sites.loc[site_id]
    if site.geometry is None:
        st.warning(t("report_no_location", lang))
        return None
    return site_subject(site)


def _said(subject: Subject, lang: str) -> str:
    if subject.site is not None:
        return str(subject.site["name_en" if lang == "en" else "name_zh"])
    return subject.label


def _safe(name: str) -> str:
    """A file-name part: letters, digits (any script) and -_. kept, every other run made one _."""
    return re.sub(r"[^\w\-.]+", "_", name).strip("_")[:60] or "x"
