"""The panel beside the map: the selected site's profile (or the point last clicked) and its history."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapapp.i18n import t
from mapapp.messages import markdown_safe
from mapapp.pointcheck import PointCheck
from mapapp.register import changes
from mapapp.site_profile import TARGET_SECTIONS, SiteProfile, Verdict, profile
from mapapp.ui import data, state
from mapapp.ui.check import clicked_point_ui
from mapapp.ui.sidebar import wkey
from mapapp.viewstate import SCOPES, ViewState

VERDICT_COLOUR = {"within": "red", "uncertain": "orange", "outside": "blue"}
# Long tables open folded: a site's own targets matter most.
FOLDED = {"province", "national"}


def _names(lang: str, rev: int) -> dict[str, dict[str, str]]:
    sites = data.register_sites(rev)
    return data.unit_names(lang) | {"waters": data.water_names(lang),
                                    "site_names": dict(zip(sites["id"], sites["name_en" if lang == "en" else "name_zh"]))}


def site_profile(site_id: str, view: ViewState, rev: int) -> SiteProfile | None:
    """The profile of a site as of revision `rev`, screened under every rule at the page's distance."""
    f = view.filter
    screened = {scope: data.screened_sites(scope, f.distance_m, rev).set_index("id", drop=False) for scope in SCOPES}
    if site_id not in screened[f.scope].index:
        return None
    # The page's rule first, then the other.
    rows = {scope: screened[scope].loc[site_id] for scope in sorted(SCOPES, key=lambda s: s != f.scope)}
    return profile(rows[f.scope], rows, data.indicators(), view.lang, threshold_m=f.distance_m,
                   units=_names(view.lang, rev))


def _verdict_ui(v: Verdict, distance_m: float, lang: str) -> None:
    colour = VERDICT_COLOUR.get(v.verdict)
    said = f":{colour}[**{markdown_safe(v.said)}**]" if colour else f"**{markdown_safe(v.said)}**"
    rule = t("panel_rule", lang, scope=t(f"scope_{v.scope}", lang), distance=distance_m)
    lines = [f"{rule}：{said}" if lang == "zh" else f"{rule}: {said}"]
    for label, value in (("panel_nearest", v.nearest), ("max_distance_label", v.farthest), ("overlap_label", v.overlap)):
        if value:
            lines.append(f"{t(label, lang)}：{markdown_safe(value)}" if lang == "zh" else f"{t(label, lang)}: {markdown_safe(value)}")
    st.markdown("  \n".join(lines))


def profile_ui(p: SiteProfile, view: ViewState) -> None:
    lang = view.lang
    st.markdown(f"#### {markdown_safe(p.name)}")
    st.caption(markdown_safe(p.other_name))
    sep = "：" if lang == "zh" else ": "
    st.markdown("  \n".join(f"**{markdown_safe(label)}**{sep}{markdown_safe(value)}" for label, value in p.facts))
    st.markdown(f"**{t('restriction', lang)}**")
    for v in p.verdicts:
        _verdict_ui(v, view.filter.distance_m, lang)
    for section in TARGET_SECTIONS:
        table = p.targets[section]
        title = t(f"panel_targets_{section}", lang, n=len(table))
        if section in FOLDED:
            with st.expander(title):
                st.dataframe(table, hide_index=True, width="stretch")
        else:
            st.markdown(f"**{title}**")
            if table.empty:
                st.caption(t("panel_no_targets", lang))
            else:
                st.dataframe(table, hide_index=True, width="stretch")
    if p.note:
        st.markdown(f"**{t('notes_label', lang)}**{sep}{markdown_safe(p.note)}")
    st.markdown(f"**{t('sources', lang)}**")
    st.markdown("\n".join(f"- {markdown_safe(s)}" for s in p.sources))


def history_table(site_id: str, lang: str) -> pd.DataFrame:
    """The site's approved history, newest first (proposals are shown in the register's tab)."""
    rows = [c for c in changes.history(data.register(), site_id) if c.state == "approved"]
    return pd.DataFrame([{t("history_time", lang): f"{c.created_at:%Y-%m-%d %H:%M}",
                          t("history_action", lang): t(f"action_{c.action}", lang), t("history_author", lang): c.author,
                          t("history_source", lang): c.source} for c in reversed(rows)])


def _chosen(selected: list[str], sites: gpd.GeoDataFrame, lang: str) -> str:
    """With several sites selected, the one to show (the first unless the user picks another)."""
    if len(selected) == 1:
        return selected[0]
    names = dict(zip(sites["id"], sites["name_en" if lang == "en" else "name_zh"]))
    return st.selectbox(t("panel_pick", lang, n=len(selected)), selected, format_func=lambda i: names.get(i, i),
                        key=wkey("panel_pick", lang))


def panel_ui(view: ViewState, rev: int, clicked: PointCheck | None) -> None:
    """The selected site, or the point last clicked, or a hint of what to do."""
    lang = view.lang
    known = set(data.register_sites(rev)["id"])
    selected = [i for i in state.selection() if i in known]
    if not selected or (state.focus() == "point" and clicked is not None):
        clicked_point_ui(view, clicked)
        if not selected:
            st.caption(t("panel_hint", lang))
        return
    site_id = _chosen(selected, data.register_sites(rev), lang)
    p = site_profile(site_id, view, rev)
    if p is None:
        return
    profile_ui(p, view)
    with st.expander(t("panel_history", lang)):
        st.dataframe(history_table(site_id, lang), hide_index=True, width="stretch")
