"""The targets tab: every target of the plans, filtered; targets over years as small charts; and the
sites a chosen target applies to. A fragment: its filters never rerun the map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mapapp.catalog import vocab
from mapapp.catalog.records import split_list
from mapapp.i18n import t
from mapapp.plan_targets import JURISDICTIONS, TargetFilter, applies_to, documents, over_years, select, table
from mapapp.ui import data
from mapapp.ui.sidebar import wkey


def _names(lang: str, rev: int) -> dict[str, str]:
    sites = data.register_sites(rev)
    return data.unit_names(lang)["prefectures"] | dict(zip(sites["id"], sites["name_zh" if lang == "zh" else "name_en"]))


def _filter_ui(frame: pd.DataFrame, lang: str) -> TargetFilter:
    cols = st.columns(4)
    industries = sorted({c for cell in frame.loc[frame["scope"] == "industry", "scope_key"] for c in split_list(cell)})
    titles = documents(frame, lang)
    return TargetFilter(
        jurisdictions=tuple(cols[0].multiselect(t("targets_jurisdiction", lang), JURISDICTIONS, key=wkey("targets_scope", lang),
                                                format_func=lambda s: t(f"targets_scope_{s}", lang), placeholder=t("all", lang))),
        industries=tuple(cols[1].multiselect(t("industry", lang), industries, key=wkey("targets_industry", lang),
                                             format_func=lambda c: vocab.label(vocab.INDUSTRIES, c, lang),
                                             placeholder=t("all", lang))),
        years=tuple(cols[2].multiselect(t("target_year", lang), sorted(int(y) for y in frame["target_year"].dropna().unique()),
                                        key=wkey("targets_year", lang), placeholder=t("all", lang))),
        documents=tuple(cols[3].multiselect(t("targets_document", lang), list(titles), format_func=titles.get,
                                            key=wkey("targets_document", lang), placeholder=t("all", lang))))


@st.fragment
def targets_ui(lang: str, rev: int) -> None:
    frame = data.indicators()
    names = _names(lang, rev)
    chosen = select(frame, _filter_ui(frame, lang))
    st.caption(t("targets_count", lang, n=len(chosen), total=len(frame)))
    shown = table(chosen, lang, names)
    event = st.dataframe(shown, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                         key=wkey("targets_table", lang) + f".{len(chosen)}")
    rows = event.selection.rows if event else []
    if rows:
        target = chosen.iloc[rows[0]]
        linked = applies_to(target, data.register_sites(rev), lang)
        label = target["indicator_zh" if lang == "zh" else "indicator_en"]
        if linked is None:
            st.info(t("targets_applies_all", lang, target=label))
        elif linked:
            st.info(t("targets_applies", lang, target=label, n=len(linked)) + "、".join(linked) if lang == "zh"
                    else t("targets_applies", lang, target=label, n=len(linked)) + ", ".join(linked))
        else:
            st.info(t("targets_applies_none", lang, target=label))
    else:
        st.caption(t("targets_pick_hint", lang))
    st.markdown(f"**{t('targets_over_years', lang)}**")
    years = over_years(frame, lang, names)
    if years.empty:
        return
    chart = t("targets_chart", lang)
    st.dataframe(years, hide_index=True, width="stretch",
                 column_config={chart: st.column_config.BarChartColumn(chart, help=t("targets_chart_help", lang))})
