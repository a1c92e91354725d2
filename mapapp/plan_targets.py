"""The plans' targets as a register of their own: who each target binds, filtered by jurisdiction,
industry, year and document; targets over years (the 2016-2018 decomposition table of plan 000); and
which sites a target applies to. Pure: frames in, tables in the page's language out."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from mapapp.catalog import vocab
from mapapp.catalog.indicators import EVERY_PREFECTURE, UNITS, format_value, unit_label
from mapapp.catalog.records import split_list
from mapapp.citations import cite, document_title
from mapapp.i18n import t

JURISDICTIONS = ("national", "province", "prefecture", "industry", "site")
_YEAR_SUFFIX = re.compile(r"_(\d{4})$")


@dataclass(frozen=True)
class TargetFilter:
    jurisdictions: tuple[str, ...] = ()  # scopes; empty: all
    industries: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    documents: tuple[str, ...] = ()


def _industries(cell: object, lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(vocab.label(vocab.INDUSTRIES, c, lang) for c in split_list(cell))


def bound(row: pd.Series, lang: str, names: dict[str, str]) -> str:
    """Whom a target binds, in words: 全国 / 江西省 / 各设区市 / 九江市 / 钢铁、水泥 / a site's name."""
    scope, key = row["scope"], str(row["scope_key"])
    if scope == "national":
        return t("targets_china", lang)
    if scope == "province":
        return t("targets_jiangxi", lang)
    if scope == "prefecture":
        return t("targets_every_prefecture", lang) if key == EVERY_PREFECTURE else names.get(key, key)
    if scope == "industry":
        where = t("targets_china", lang) if row["jurisdiction"] == "china" else t("targets_jiangxi", lang)
        return f"{where} · {_industries(key, lang)}"
    return names.get(key, key)


def select(indicators: pd.DataFrame, f: TargetFilter) -> pd.DataFrame:
    """The targets the filter keeps (an industry filter keeps industry targets naming one of them)."""
    keep = pd.Series(True, index=indicators.index)
    if f.jurisdictions:
        keep &= indicators["scope"].isin(f.jurisdictions)
    if f.industries:
        wanted = set(f.industries)
        keep &= (indicators["scope"] == "industry") & indicators["scope_key"].map(
            lambda cell: not wanted.isdisjoint(split_list(cell)))
    if f.years:
        keep &= indicators["target_year"].isin(f.years)
    if f.documents:
        keep &= indicators["document"].isin(f.documents)
    return indicators[keep]


def table(indicators: pd.DataFrame, lang: str, names: dict[str, str]) -> pd.DataFrame:
    """One row per target, with headers in the page's language."""
    zh = lang == "zh"
    indicators = indicators.set_index("id", drop=False)
    return pd.DataFrame({
        t("target_indicator", lang): indicators["indicator_zh" if zh else "indicator_en"].astype(str),
        t("targets_bound", lang): [bound(r, lang, names) for _, r in indicators.iterrows()],
        t("target_year", lang): indicators["target_year"].map(lambda y: "" if pd.isna(y) else str(int(y))),
        t("target_value", lang): [format_value(v, u, lang) for v, u in zip(indicators["value"], indicators["unit"])],
        t("target_unit", lang): indicators["unit"].map(lambda u: unit_label(u, lang)),
        t("target_baseline", lang): indicators["baseline_year"].map(lambda y: "" if pd.isna(y) else str(int(y))),
        t("target_source", lang): [cite(f"{d} {c}", lang) for d, c in zip(indicators["document"], indicators["clause"])],
        t("notes_label", lang): indicators["notes_zh" if zh else "notes"].fillna("").astype(str),
    }, index=indicators.index)


def over_years(indicators: pd.DataFrame, lang: str, names: dict[str, str]) -> pd.DataFrame:
    """Targets set for several years (ids that differ only in their year suffix): one row each, a
    column per year, and the values as a list for a small chart (None where a year has none)."""
    keyed = indicators.assign(series=indicators["id"].str.replace(_YEAR_SUFFIX, "", regex=True))
    counted = keyed.groupby("series")["target_year"].nunique()
    several = keyed[keyed["series"].isin(counted[counted > 1].index)].dropna(subset=["target_year"])
    if several.empty:
        return pd.DataFrame()
    years = sorted(int(y) for y in several["target_year"].unique())
    rows = []
    for series, group in several.groupby("series", sort=False):
        first = group.iloc[0]
        by_year = {int(r.target_year): r.value for r in group.itertuples()}
        row = {t("target_indicator", lang): str(first["indicator_zh" if lang == "zh" else "indicator_en"]),
               t("targets_bound", lang): bound(first, lang, names),
               # the years' values are the plan's own numbers, so their unit is the plan's too
               t("target_unit", lang): UNITS.get(first["unit"], (first["unit"],) * 2)[0 if lang == "zh" else 1]}
        row |= {str(y): by_year.get(y) for y in years}
        row[t("targets_chart", lang)] = [by_year.get(y) for y in years]
        row[t("target_source", lang)] = cite(f"{first['document']} {first['clause']}", lang)
        rows.append(row)
    return pd.DataFrame(rows)


def applies_to(target: pd.Series, sites: pd.DataFrame, lang: str) -> list[str] | None:
    """The sites a target is linked to, by name; None for a national or province-wide target, which
    applies to every site alike (and is context, for a national one)."""
    if target["scope"] in ("national", "province"):
        return None
    linked = sites[sites["indicator_ids"].map(lambda cell: target["id"] in split_list(cell))]
    return sorted(linked["name_zh" if lang == "zh" else "name_en"].astype(str))


def documents(indicators: pd.DataFrame, lang: str) -> dict[str, str]:
    """Document file -> its title, for a filter's choices."""
    return {d: document_title(d, lang) for d in sorted(indicators["document"].unique())}
