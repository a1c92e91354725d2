"""Indicator targets from the plans: the tidy table's schema, and which targets apply to a site or cluster."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mapapp.catalog import vocab
from mapapp.catalog.records import RowError, check_code, check_codes, split_list, validate_rows
from mapapp.citations import DOCUMENTS

# How units read in a popup or table: (Chinese, English).
UNITS: dict[str, tuple[str, str]] = {
    "percent_change": ("%（较基年变化）", "% change"),
    "percent": ("%", "%"),
    "percentage_points": ("个百分点", "percentage points"),
    "count": ("个", ""),
    "10k_t": ("万吨", "10k t"),
    "10k_tce": ("万吨标准煤", "10k tce"),
    "100m_t": ("亿吨", "100 Mt"),
    "10k_t_per_day": ("万吨/日", "10k t/day"),
    "10k_m3_per_day": ("万立方米/日", "10k m³/day"),
    "t_per_h": ("吨/小时", "t/h"),
    "km": ("公里", "km"),
    "year": ("年", "year"),
    "trillion_cny": ("万亿元", "trillion CNY"),
    "water_quality_class": ("类（地表水环境质量）", "(surface-water class)"),
    "qualitative": ("（定性目标）", "(qualitative)"),
}


# English readers count in thousands and millions, not in 万 (10^4) and 亿 (10^8): (factor, unit).
_EN_SCALE = {"10k_t": (0.01, "Mt"), "10k_tce": (0.01, "Mtce"), "100m_t": (100.0, "Mt"),
             "10k_t_per_day": (10.0, "kt/day"), "10k_m3_per_day": (10_000.0, "m³/day")}


def unit_label(unit: str, lang: str = "zh") -> str:
    """The unit as `format_value` writes it in `lang` ('万吨标准煤', 'Mtce')."""
    if lang == "en" and unit in _EN_SCALE:
        return _EN_SCALE[unit][1]
    zh, en = UNITS.get(unit, (unit, unit))
    return en if lang == "en" else zh


def format_value(value: float | None, unit: str, lang: str = "zh") -> str:
    """'较基年下降13.5%', '480 万吨标准煤', 'II 类': a target value as people write it."""
    zh, en = UNITS.get(unit, (unit, unit))
    label = en if lang == "en" else zh
    if value is None or value != value:  # None or NaN: qualitative targets
        return label
    if unit == "year":  # a calendar year (the year emissions peak), not a duration
        return f"{int(value)} 年" if lang != "en" else f"the year {int(value)}"
    if unit == "water_quality_class":
        return f"{'I II III IV V'.split()[int(value) - 1]} {label}"
    if unit == "percent_change":
        if lang == "en":
            return f"{abs(value):g}% {'below' if value < 0 else 'above'} the base year"
        return f"较基年{'下降' if value < 0 else '上升'}{abs(value):g}%"
    if lang == "en" and unit in _EN_SCALE:
        factor, label = _EN_SCALE[unit]
        return f"{value * factor:,.4g} {label}"
    return f"{value:g} {label}".strip()


SCOPES = ("national", "province", "prefecture", "industry", "site")
# scope_key of a target set for each prefecture-level city alike (e.g. 000's 各设区市建成区).
EVERY_PREFECTURE = "all"
DIRECTIONS = ("decrease", "increase", "cap", "floor", "reach")
# Plans of the State Council's ministries: their targets are national, shown to Jiangxi's sites as
# context, never as a site's or a prefecture's own (issue 10).
NATIONAL_DOCUMENTS = frozenset({"003_ceaaba9e87eb4612.txt"})


class IndicatorRecord(BaseModel):
    """One target value: what, for whom (scope), how much, by when, and where it is written."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    indicator_zh: str
    indicator_en: str
    scope: str
    scope_key: str
    unit: str
    baseline_year: int | None = Field(default=None, ge=2000, le=2100)
    target_year: int | None = Field(default=None, ge=2000, le=2100)
    value: float | None = None
    direction: str
    document: str
    clause: str
    notes: str = ""  # English
    notes_zh: str = ""  # the same note for the Chinese page

    @field_validator("scope")
    @classmethod
    def _scope(cls, v: str) -> str:
        return check_code(v, SCOPES, "scope")

    @field_validator("direction")
    @classmethod
    def _direction(cls, v: str) -> str:
        return check_code(v, DIRECTIONS, "direction")

    @field_validator("document")
    @classmethod
    def _document(cls, v: str) -> str:
        return check_code(v, DOCUMENTS, "plan document")

    @model_validator(mode="after")
    def _consistent(self) -> IndicatorRecord:
        if self.value is None and self.unit != "qualitative":
            raise ValueError("value is required unless unit is 'qualitative'")
        if self.scope == "industry":
            check_codes(self.scope_key, vocab.INDUSTRIES, "industry")
        if self.scope == "prefecture" and not (self.scope_key == EVERY_PREFECTURE or self.scope_key.endswith("市")):
            raise ValueError(f"scope_key {self.scope_key!r} is not a prefecture-level city (名称，如 九江市) or 'all'")
        if self.document in NATIONAL_DOCUMENTS and self.scope in ("site", "prefecture", "province"):
            raise ValueError(f"a national plan's target cannot be scoped to a {self.scope}: it applies to all of China")
        return self


def validate_indicator_rows(rows: list[dict[str, Any]]) -> tuple[list[IndicatorRecord], list[RowError]]:
    return validate_rows(IndicatorRecord, rows)


def indicators_frame(records: Iterable[IndicatorRecord]) -> pd.DataFrame:
    """The targets, each with its `jurisdiction`: "china" for a national plan's, else "jiangxi"."""
    frame = pd.DataFrame([r.model_dump() for r in records], columns=list(IndicatorRecord.model_fields))
    frame["jurisdiction"] = frame["document"].map(lambda d: "china" if d in NATIONAL_DOCUMENTS else "jiangxi")
    return frame


def applicable(
    indicators: pd.DataFrame, *, industries: Iterable[str], prefectures: Iterable[str] = (), site_id: str | None = None
) -> pd.DataFrame:
    """The Jiangxi targets that apply specifically to a place: by its industries, its prefecture(s), or its id.

    Province-wide targets apply everywhere and are not repeated per site; a national plan's targets
    (even for an industry) are context, see `national_context`.
    """
    industries, prefectures = set(industries) - {"unknown"}, set(prefectures)
    # A plain loop: the register links ~190 places to ~110 targets, and pandas masks per place took 0.5 s.
    mask = [jurisdiction == "jiangxi" and _applies(scope, str(key), industries, prefectures, site_id)
            for scope, key, jurisdiction in zip(indicators["scope"], indicators["scope_key"], indicators["jurisdiction"])]
    return indicators[mask]


def _applies(scope: str, key: str, industries: set[str], prefectures: set[str], site_id: str | None) -> bool:
    if scope == "industry":
        return _names_one_of(key, industries)
    if scope == "prefecture":
        return key in prefectures or (key == EVERY_PREFECTURE and bool(prefectures))
    return scope == "site" and site_id is not None and key == site_id


def national_context(indicators: pd.DataFrame, *, industries: Iterable[str]) -> pd.DataFrame:
    """National targets for a place's industries: the national picture it belongs to, not its own targets."""
    wanted = set(industries) - {"unknown"}
    national = indicators["jurisdiction"] == "china"
    return indicators[national & (indicators["scope"] == "industry") & _names_any(indicators["scope_key"], wanted)]


def _names_any(keys: pd.Series, wanted: set[str]) -> pd.Series:
    """Which `;`-joined scope keys (an industry target may name several industries) name one of `wanted`."""
    return keys.map(lambda cell: _names_one_of(cell, wanted)).astype(bool)


def _names_one_of(cell: str, wanted: set[str]) -> bool:
    return not wanted.isdisjoint(split_list(cell))


def general(indicators: pd.DataFrame) -> pd.DataFrame:
    """Targets that apply to every site: province-wide and national ones."""
    return indicators[indicators["scope"].isin(["province", "national"])]


def link_ids(indicators: pd.DataFrame, *, industries: str, prefectures: str = "", site_id: str | None = None) -> str:
    """`;`-joined ids of the applicable targets, for storing on a feature."""
    found = applicable(indicators, industries=split_list(industries), prefectures=split_list(prefectures), site_id=site_id)
    return ";".join(found["id"])
