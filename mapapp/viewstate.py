"""The map view's state (language, basemap, layers, filters) and its round trip through a URL query."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from mapapp import vocab
from mapapp.filters import RESTRICTION_CHOICES, SiteFilter
from mapapp.screening import SCOPES

LANGS = ("zh", "en")
BASEMAPS = ("none", "osm", "tianditu", "gaode")
DEFAULT_LAYERS = ("prefectures", "counties", "water_areas", "river_lines", "sites", "zone_jiangxi_1000m")

# query key -> (SiteFilter field, vocabulary of allowed codes or None)
_LIST_KEYS = {
    "industry": ("industries", vocab.INDUSTRIES),
    "retrofit": ("retrofit", vocab.RETROFIT_STATUSES),
    "green": ("green_park", vocab.GREEN_PARK_STATUSES),
    "kind": ("kinds", vocab.SITE_KINDS),
    "level": ("levels", vocab.LEVELS),
}


@dataclass(frozen=True)
class ViewState:
    lang: str = "zh"
    basemap: str = "none"
    layers: tuple[str, ...] = DEFAULT_LAYERS
    filter: SiteFilter = field(default_factory=SiteFilter)


def _one(params: Mapping[str, object], key: str) -> str:
    value = params.get(key, "")
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    return str(value).strip()


def _many(params: Mapping[str, object], key: str) -> list[str]:
    return [v for v in _one(params, key).split(",") if v]


def _adcode(params: Mapping[str, object], key: str, warnings: list[str]) -> str:
    value = _one(params, key)
    if value and not (len(value) == 6 and value.startswith("36") and value.isdigit()):
        warnings.append(f"{key}={value!r} ignored")
        return ""
    return value


def to_query(state: ViewState) -> dict[str, str]:
    """Only what differs from the default view, so links stay short."""
    default = ViewState()
    query: dict[str, str] = {}
    if state.lang != default.lang:
        query["lang"] = state.lang
    if state.basemap != default.basemap:
        query["basemap"] = state.basemap
    if state.layers != default.layers:
        query["layers"] = ",".join(state.layers)
    f = state.filter
    for key, (name, _) in _LIST_KEYS.items():
        if getattr(f, name):
            query[key] = ",".join(getattr(f, name))
    for key, name in (("pref", "prefecture"), ("county", "county"), ("restriction", "restriction"), ("scope", "scope")):
        if getattr(f, name) != getattr(SiteFilter(), name):
            query[key] = str(getattr(f, name))
    if f.distance_m != SiteFilter().distance_m:
        query["distance"] = f"{f.distance_m:g}"
    return query


def from_query(params: Mapping[str, object], *, layer_ids: tuple[str, ...]) -> tuple[ViewState, list[str]]:
    """Read a query; values that are not understood are dropped and named in the returned warnings."""
    warnings: list[str] = []

    def choice(key: str, allowed: tuple[str, ...] | dict, default: str) -> str:
        value = _one(params, key)
        if value and value not in allowed:
            warnings.append(f"{key}={value!r} ignored")
            return default
        return value or default

    state = ViewState(lang=choice("lang", LANGS, "zh"), basemap=choice("basemap", BASEMAPS, "none"))
    if "layers" in params:
        wanted = _many(params, "layers")
        warnings += [f"layer {x!r} ignored" for x in wanted if x not in layer_ids]
        state = replace(state, layers=tuple(x for x in wanted if x in layer_ids))
    lists = {}
    for key, (name, allowed) in _LIST_KEYS.items():
        wanted = _many(params, key)
        warnings += [f"{key}={x!r} ignored" for x in wanted if x not in allowed]
        lists[name] = tuple(x for x in wanted if x in allowed)
    distance = SiteFilter().distance_m
    if _one(params, "distance"):
        try:
            distance = float(_one(params, "distance"))
            if distance <= 0:
                raise ValueError
        except ValueError:
            warnings.append(f"distance={_one(params, 'distance')!r} ignored")
            distance = SiteFilter().distance_m
    f = SiteFilter(
        **lists,
        prefecture=_adcode(params, "pref", warnings),
        county=_adcode(params, "county", warnings),
        restriction=choice("restriction", RESTRICTION_CHOICES, "any"),
        scope=choice("scope", tuple(SCOPES), "jiangxi"),
        distance_m=distance,
    )
    return replace(state, filter=f), warnings
