"""The targets tab: every target of the plans, filtered; targets over years as small charts; and the
sites a chosen target applies to. A fragment: its filters never rerun the map."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from mapapp.catalog import vocab
from mapapp.catalog.records import split_list
from mapapp.i18n import t
from mapapp.plan_targets import JURISDICTIONS, TargetFilter, applies_to, documents, over_years, select, table
from mapapp.ui import data
from mapapp.ui.sidebar import carried_many, wkey


def _names(lang: str, rev: int) -> dict[str, str]:
    sites = data.register_sites(rev)
    return data.unit_names(lang)["prefectures"] | dict(zip(sites["id"], sites["name_zh" if lang == "zh" else "name_en"]))


def _filter_ui(frame: pd.DataFrame, lang: str) -> TargetFilter:
    cols = st.columns(4)
    industries = sorted({c for cell in frame.loc[frame["scope"] == "industry", "scope_key"] for c in split_list(cell)})
    titles = documents(frame, lang)
    years = sorted(int(y) for y in frame["target_year"].dropna().unique())

    def pick(col: int, name: str, label: str, options: list, **kw: Any) -> tuple:
        return tuple(carried_many(name, options, lang, lambda **widget: cols[col].multiselect(
            label, options, placeholder=t("all", lang), **kw, **widget), default=[]))

    return TargetFilter(
        jurisdictions=pick(0, "targets_scope", t("targets_jurisdiction", lang), list(JURISDICTIONS),
                           format_func=lambda s: t(f"targets_scope_{s}", lang)),
        industries=pick(1, "targets_industry", t("industry", lang), industries,
                        format_func=lambda c: vocab.label(vocab.INDUSTRIES, c, lang)),
        years=pick(2, "targets_year", t("target_year", lang), years),
        documents=pick(3, "targets_document", t("targets_document", lang), list(titles), format_func=titles.get))


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
    # A line per row, in the row's own range: bars so scaled drew a row's smallest value as no bar at
    # all, and bars from zero cannot show targets that are reductions (negative) beside counts.
    st.dataframe(years, hide_index=True, width="stretch",
                 column_config={chart: st.column_config.LineChartColumn(chart, help=t("targets_chart_help", lang))})
