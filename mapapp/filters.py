"""Filtering sites: by industry, status, kind, level, place, and by the shoreline-restriction verdict."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, fields

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapapp.catalog import vocab
from mapapp.catalog.records import split_list
from mapapp.i18n import aside, t
from mapapp.screening import KIND_COLUMN, load_waters, screen

# "Within the restriction" choices; a county-level point near water is "uncertain", not "within".
RESTRICTION_CHOICES = ("any", "within", "within_or_uncertain", "outside")


@dataclass(frozen=True)
class SiteFilter:
    """What the user asked to see. Empty tuples mean "no restriction on this attribute"."""

    industries: tuple[str, ...] = ()  # a site matches if it has any of them
    retrofit: tuple[str, ...] = ()
    green_park: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    prefecture: str = ""  # adcode
    county: str = ""  # adcode
    restriction: str = "any"
    scope: str = "jiangxi"
    distance_m: float = 1000.0

    def __post_init__(self) -> None:
        if self.restriction not in RESTRICTION_CHOICES:
            raise ValueError(f"restriction {self.restriction!r} is not one of {RESTRICTION_CHOICES}")
        if not self.distance_m > 0:
            raise ValueError(f"distance_m must be positive, got {self.distance_m!r}")

    def as_dict(self) -> dict[str, object]:
        """Only the settings that differ from the defaults (for metadata and links)."""
        default = SiteFilter()
        return {f.name: v for f, v in zip(fields(self), asdict(self).values()) if v != getattr(default, f.name)}


_SCREENED = ("distance_m", "max_distance_m", "overlap_ha", "overlap_share", "nearest_water", "verdict",
             "shoreline_accuracy_m")
# Each site's screening under a rule, kept by what it depends on (its location, how precise, whether a
# range): after one approved change only that site is screened again (the whole register took ~1 s).
# The last few rules only, so a user trying distances does not grow it without end.
_KEPT_RULES = 6
_memo: OrderedDict[tuple, dict[tuple, tuple]] = OrderedDict()
_memo_lock = threading.Lock()


def screen_sites(sites: gpd.GeoDataFrame, *, scope: str, distance_m: float) -> gpd.GeoDataFrame:
    """Sites with their shoreline verdicts (rows without a location get verdict 'no_location')."""
    located = sites[sites.geometry.notna()]
    waters = load_waters(scope=scope)
    known = _rule_memo((scope, float(distance_m), waters.checksum))
    keys = _site_keys(located)
    todo = [i for i, key in enumerate(keys) if key not in known]
    if todo:
        screened = screen(located.iloc[todo], waters=waters, threshold_m=distance_m,
                          uncertainty_column="location_accuracy_m")
        known.update(zip((keys[i] for i in todo), screened[list(_SCREENED)].astype(object).itertuples(index=False, name=None)))
    out = sites.copy()
    values = pd.DataFrame([known[key] for key in keys], index=located.index, columns=list(_SCREENED), dtype=object)
    for column in _SCREENED:
        out[column] = values[column].reindex(out.index)
    out["verdict"] = out["verdict"].fillna("no_location")
    out.attrs["threshold_m"] = float(distance_m)
    return out


def _rule_memo(rule: tuple) -> dict[tuple, tuple]:
    with _memo_lock:  # page sessions run in threads
        known = _memo.pop(rule, None)
        known = {} if known is None else known
        _memo[rule] = known
        while len(_memo) > _KEPT_RULES:
            _memo.popitem(last=False)
        return known


def _site_keys(located: gpd.GeoDataFrame) -> list[tuple]:
    """What a site's screening depends on besides the rule."""
    n = len(located)
    accuracy = located["location_accuracy_m"] if "location_accuracy_m" in located.columns else [None] * n
    kinds = located[KIND_COLUMN] if KIND_COLUMN in located.columns else [None] * n
    return [(shapely.to_wkb(g), str(a), str(k)) for g, a, k in zip(located.geometry.values, accuracy, kinds)]


def _any_of(cells: gpd.GeoSeries, wanted: tuple[str, ...]) -> np.ndarray:
    wanted_set = set(wanted)
    return np.array([bool(wanted_set & set(split_list(c))) for c in cells], dtype=bool)


def matches(sites: gpd.GeoDataFrame, f: SiteFilter) -> np.ndarray:
    """Boolean mask of the sites that pass the filter. Restriction filters need a `verdict` column."""
    mask = np.ones(len(sites), dtype=bool)
    if f.industries:
        mask &= _any_of(sites["industries"], f.industries)
    for column, wanted in (("circular_retrofit", f.retrofit), ("green_park", f.green_park),
                           ("kind", f.kinds), ("level", f.levels)):
        if wanted:
            mask &= sites[column].isin(wanted).to_numpy()
    if f.prefecture:
        mask &= (sites["prefecture_adcode"] == f.prefecture).to_numpy()
    if f.county:
        mask &= (sites["county_adcode"] == f.county).to_numpy()
    if f.restriction != "any":
        allowed = {"within": {"within"}, "within_or_uncertain": {"within", "uncertain"},
                   "outside": {"outside"}}[f.restriction]
        mask &= sites["verdict"].isin(allowed).to_numpy()
    return mask


_VOCABULARIES = (("industries", "industry", vocab.INDUSTRIES), ("retrofit", "retrofit", vocab.RETROFIT_STATUSES),
                 ("green_park", "green_park", vocab.GREEN_PARK_STATUSES), ("kinds", "kind", vocab.SITE_KINDS),
                 ("levels", "level", vocab.LEVELS))


def in_words(f: SiteFilter, lang: str, units: dict[str, str]) -> str:
    """The filter as a reader of a printed map needs it ('' when nothing is filtered). `units`: adcode -> name."""
    sep, list_sep, colon = ("；", "、", "：") if lang == "zh" else ("; ", ", ", ": ")
    parts = [t(label, lang) + colon + list_sep.join(vocab.label(words, v, lang) for v in getattr(f, name))
             for name, label, words in _VOCABULARIES if getattr(f, name)]
    for name in ("prefecture", "county"):
        code = getattr(f, name)
        if code:
            parts.append(t(name, lang) + colon + units.get(code, code))
    if f.restriction != "any":
        rule = t("panel_rule", lang, scope=t(f"scope_{f.scope}", lang), distance=f.distance_m)
        parts.append(t("restriction", lang) + colon + t(f"restriction_{f.restriction}", lang) + aside(rule, lang))
    return sep.join(parts)
