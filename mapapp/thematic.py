"""Thematic maps of the prefectures or counties: counts and shares from the register, or the values of
an indicator table a user brings (keyed by adcode or by name), classified with mapclassify.

Pure: frames in, values, problems and classes out; mapapp/render/thematic.py draws them.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd

from mapapp.messages import Msg, msg

LEVELS = ("prefectures", "counties")
# What the register can be counted by, per unit. Shares are of the unit's sites.
MEASURES = ("sites", "chemical_parks", "development_zones", "retrofit_completed", "retrofit_known", "retrofit_share",
            "within", "within_or_uncertain")
SCHEMES = ("quantiles", "natural_breaks", "equal_interval")
# ColorBrewer YlOrRd (sequential, colour-blind safe), by number of classes.
PALETTES = {
    2: ["#feb24c", "#f03b20"],
    3: ["#ffeda0", "#feb24c", "#f03b20"],
    4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
    5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    6: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
    7: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
}
NO_DATA = "#d9d9d9"


@dataclass(frozen=True)
class Counted:
    values: pd.Series  # adcode -> value, every unit of the level
    uncounted: int  # sites whose unit at this level is unknown
    share: bool  # values are shares (0-1)


def _unit_column(level: str) -> str:
    return "prefecture_adcode" if level == "prefectures" else "county_adcode"


def count(sites: pd.DataFrame, units: pd.DataFrame, level: str, measure: str) -> Counted:
    """The register counted per unit. `sites` carry their screening `verdict` (filters.screen_sites);
    an unknown retrofit status is never counted as not done; sites whose unit is unknown are reported."""
    column = _unit_column(level)
    placed = sites[sites[column].isin(units["adcode"])]
    status = placed["circular_retrofit"]
    picks = {
        "sites": pd.Series(True, index=placed.index),
        "chemical_parks": placed["kind"] == "chemical_park",
        "development_zones": placed["kind"] == "development_zone",
        "retrofit_completed": status == "completed",
        "retrofit_known": status != "unknown",
        "within": placed["verdict"] == "within",
        "within_or_uncertain": placed["verdict"].isin(["within", "uncertain"]),
    }
    zero = pd.Series(0.0, index=pd.Index(units["adcode"], name="adcode"))
    if measure == "retrofit_share":  # of the sites whose status is known: unknown is not "not done"
        known = placed[status != "unknown"]
        done = known[known["circular_retrofit"] == "completed"].groupby(column).size()
        total = known.groupby(column).size()
        values = (done.reindex(total.index, fill_value=0) / total).reindex(zero.index)
        return Counted(values, len(sites) - len(placed), True)
    counts = placed[picks[measure]].groupby(column).size().astype(float)
    return Counted(counts.reindex(zero.index, fill_value=0.0), len(sites) - len(placed), False)


# -- an indicator table the user brings --

_SUFFIX = re.compile(r"(市|县|区)$")


def _plain(name: object) -> str:
    """' 南 昌 市 ' -> 南昌市, 'Nanchang City' -> nanchangcity."""
    return unicodedata.normalize("NFKC", str(name)).strip().replace(" ", "").lower()


def _name_key(name: object) -> str:
    """南昌市 / 南昌 -> 南昌: a name as typed without its unit's suffix."""
    text = _plain(name)
    return _SUFFIX.sub("", text) if len(text) > 2 else text


def _names(units: pd.DataFrame) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Full names and names without their suffix -> adcodes (Chinese and English)."""
    full: dict[str, list[str]] = {}
    short: dict[str, list[str]] = {}
    for code, zh, en in zip(units["adcode"], units["name_zh"], units["name_en"]):
        for name in {_plain(zh), _plain(en)}:
            full.setdefault(name, []).append(code)
        short.setdefault(_name_key(zh), []).append(code)
    return full, short


def _match(text: str, full: dict[str, list[str]], short: dict[str, list[str]]) -> list[str]:
    """A full name matches as written; a name without a suffix (九江) matches the unit it shortens.
    A name with a suffix is never read as another unit's (吉安市 is not 吉安县)."""
    exact = full.get(_plain(text))
    if exact:
        return list(dict.fromkeys(exact))
    if _SUFFIX.search(_plain(text)):
        return []
    return short.get(_plain(text), [])


def _number(cell: object) -> float | None:
    text = unicodedata.normalize("NFKC", str(cell)).strip().replace(",", "").rstrip("%")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def key_column(table: pd.DataFrame, units: pd.DataFrame) -> str | None:
    """The column most of whose cells are the units' adcodes or names."""
    codes, names = set(units["adcode"]), {_name_key(n) for n in units["name_zh"]} | {_name_key(n) for n in units["name_en"]}
    best, hits = None, 0
    for column in table.columns:
        cells = table[column].astype(str).str.strip()
        found = int(cells.isin(codes).sum() + cells.map(_name_key).isin(names).sum())
        if found > hits:
            best, hits = column, found
    return best if hits >= max(1, len(table) // 3) else None


def value_columns(table: pd.DataFrame, key: str | None) -> list[str]:
    """Columns whose filled cells are mostly numbers: what can be mapped."""
    found = []
    for column in table.columns:
        cells = table[column][table[column].astype(str).str.strip() != ""]
        if column != key and len(cells) and cells.map(lambda c: _number(c) is not None).mean() >= 0.5:
            found.append(column)
    return found


def join_table(table: pd.DataFrame, key: str, value: str, units: pd.DataFrame,
               other_units: pd.DataFrame | None = None) -> tuple[pd.Series, list[Msg]]:
    """The table's values per adcode of `units`, and what was wrong with which row (row 1 is the
    header, as the user sees the sheet). Good rows count whatever the bad ones say."""
    by_code = set(units["adcode"])
    full, short = _names(units)
    other_full = _names(other_units)[0] if other_units is not None else {}
    elsewhere = set(other_units["adcode"]) if other_units is not None else set()
    values: dict[str, float] = {}
    rows: dict[str, int] = {}
    problems: list[Msg] = []
    for i, (cell, raw) in enumerate(zip(table[key], table[value]), start=2):
        text = str(cell).strip()
        if not text:
            continue
        codes = [text] if text in by_code else _match(text, full, short)
        if not codes:
            other_level = text in elsewhere or _plain(text) in other_full
            said = ("是另一级行政区", "is a unit at the other level") if other_level else \
                ("不是江西的行政区", "is not a unit of Jiangxi at this level")
            problems.append(msg("第 {row} 行：“{name}”" + said[0], "row {row}: {name!r} " + said[1], row=i, name=text))
            continue
        if len(codes) > 1:
            problems.append(msg("第 {row} 行：“{name}”有重名，请改用行政区划代码", "row {row}: {name!r} names more than "
                                "one unit; use the adcode", row=i, name=text))
            continue
        number = _number(raw)
        if number is None:
            problems.append(msg("第 {row} 行：“{value}”不是数值", "row {row}: {value!r} is not a number", row=i, value=raw))
            continue
        if codes[0] in values:
            problems.append(msg("第 {row} 行：“{name}”与第 {first} 行重复，保留第 {first} 行",
                                "row {row}: {name!r} repeats row {first}; row {first} is kept", row=i, name=text,
                                first=rows[codes[0]]))
            continue
        values[codes[0]], rows[codes[0]] = number, i
    return pd.Series(values, dtype=float).reindex(pd.Index(units["adcode"], name="adcode")), problems


# -- classes --

@dataclass(frozen=True)
class Classes:
    upper: list[float]  # each class's upper bound
    colours: list[str]
    of_unit: pd.Series  # adcode -> class index, -1 for no data
    lowest: float

    def colour(self, adcode: str) -> str:
        index = int(self.of_unit.get(adcode, -1))
        return NO_DATA if index < 0 else self.colours[index]


def classify(values: pd.Series, scheme: str = "quantiles", k: int = 5) -> Classes:
    """At most `k` classes (fewer when there are fewer distinct values); units without a value get none."""
    known = values.dropna()
    distinct = int(known.nunique())
    if distinct == 0:
        return Classes([], [], pd.Series(-1, index=values.index), 0.0)
    k = max(1, min(k, distinct, max(PALETTES)))
    if k == 1:
        upper, index = [float(known.max())], np.zeros(len(known), dtype=int)
    else:
        method = {"quantiles": mapclassify.Quantiles, "natural_breaks": mapclassify.FisherJenks,
                  "equal_interval": mapclassify.EqualInterval}[scheme]
        with warnings.catch_warnings():  # "not enough unique values" (handled below) and "Numba not installed"
            warnings.simplefilter("ignore", UserWarning)
            found = method(known.to_numpy(dtype=float), k=k)
        upper, index = [float(b) for b in found.bins], np.asarray(found.yb, dtype=int)
    used = sorted(set(index.tolist()))  # quantiles of tied values can leave a class empty: drop it
    renumber = {old: new for new, old in enumerate(used)}
    upper = [upper[i] for i in used]
    palette = PALETTES[max(2, len(upper))][-len(upper):] if len(upper) > 1 else [PALETTES[2][1]]
    of_unit = pd.Series(-1, index=values.index)
    of_unit[known.index] = [renumber[i] for i in index]
    return Classes(upper, palette, of_unit, float(known.min()))


def class_labels(classes: Classes, share: bool, lang: str) -> list[str]:
    """'3 – 7', '12.5% – 40%' per class."""
    def fmt(v: float) -> str:
        return f"{v * 100:.3g}%" if share else f"{v:,.4g}"
    lows = [classes.lowest, *classes.upper[:-1]]
    return [fmt(lo) if lo == hi else f"{fmt(lo)} – {fmt(hi)}" for lo, hi in zip(lows, classes.upper)]

