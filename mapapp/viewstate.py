"""The map view's state (language, basemap, layers, filters) and its round trip through a URL query."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from mapapp.catalog import vocab
from mapapp.filters import RESTRICTION_CHOICES, SiteFilter
from mapapp.screening import SCOPES

LANGS = ("zh", "en")
BASEMAPS = ("none", "osm", "tianditu", "gaode")
# The page draws one restriction zone, the rule's in use (scope and distance), under this layer id;
# links made when the page offered fixed zone layers (zone_jiangxi_1000m ...) open with it.
RULE_ZONE = "zone"
DEFAULT_LAYERS = ("prefectures", "counties", "water_areas", "river_lines", "sites", RULE_ZONE)

# query key -> (SiteFilter field, vocabulary of allowed codes or None)
_LIST_KEYS = {
    "industry": ("industries", vocab.INDUSTRIES),
    "retrofit": ("retrofit", vocab.RETROFIT_STATUSES),
    "green": ("green_park", vocab.GREEN_PARK_STATUSES),
    "kind": ("kinds", vocab.SITE_KINDS),
    "level": ("levels", vocab.LEVELS),
}


# The map's view in a link: `view=LAT,LON,ZOOM`, kept to Jiangxi and its surroundings.
VIEW_BOX = (20.0, 110.0, 34.0, 122.0)  # south, west, north, east
ZOOMS = (5, 18)


@dataclass(frozen=True)
class MapView:
    """Where the map is: a centre (lat, lon) and a zoom level."""

    center: tuple[float, float]
    zoom: int


@dataclass(frozen=True)
class ViewState:
    lang: str = "zh"
    basemap: str = "none"
    layers: tuple[str, ...] = DEFAULT_LAYERS
    filter: SiteFilter = field(default_factory=SiteFilter)
    map_view: MapView | None = None


def view_param(lat: float, lon: float, zoom: int) -> str:
    return f"{lat:.4f},{lon:.4f},{zoom:d}"


def parse_view(value: str) -> MapView | None:
    """`28.6800,115.9000,9` -> MapView; None for anything else (out of the box, not numbers)."""
    parts = value.split(",")
    if len(parts) != 3:
        return None
    try:
        lat, lon, zoom = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        return None
    south, west, north, east = VIEW_BOX
    if not (south <= lat <= north and west <= lon <= east and ZOOMS[0] <= zoom <= ZOOMS[1]):
        return None
    return MapView((lat, lon), zoom)


def corners(bounds: Sequence[float] | None, margin: float = 0.0) -> list[list[float]] | None:
    """(west, south, east, north), as shapely and geopandas give bounds, as Leaflet's
    [[south, west], [north, east]], widened by `margin` degrees; None stays None."""
    if bounds is None:
        return None
    west, south, east, north = (float(v) for v in bounds)
    return [[south - margin, west - margin], [north + margin, east + margin]]


def fit_view(bounds: list[list[float]] | None, *, width: int = 900, height: int = 600) -> MapView:
    """The centre and the largest whole zoom at which `bounds` ([[s, w], [n, e]]) fit a map of that size."""
    (south, west), (north, east) = bounds or [[24.49, 113.57], [30.08, 118.48]]

    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    zoom_x = math.log2(width * 360 / (256 * max(east - west, 1e-6)))
    zoom_y = math.log2(height * 2 * math.pi / (256 * max(mercator_y(north) - mercator_y(south), 1e-9)))
    zoom = int(max(ZOOMS[0], min(ZOOMS[1] - 4, math.floor(min(zoom_x, zoom_y)))))
    return MapView(((south + north) / 2, (west + east) / 2), zoom)


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
        warnings.append(f"{key}={value}")
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
    if state.map_view is not None:
        query["view"] = view_param(*state.map_view.center, state.map_view.zoom)
    return query


def from_query(params: Mapping[str, object], *, layer_ids: tuple[str, ...]) -> tuple[ViewState, list[str]]:
    """Read a query; values that are not understood are dropped and named in the returned warnings."""
    warnings: list[str] = []

    def choice(key: str, allowed: tuple[str, ...] | dict, default: str) -> str:
        value = _one(params, key)
        if value and value not in allowed:
            warnings.append(f"{key}={value}")
            return default
        return value or default

    state = ViewState(lang=choice("lang", LANGS, "zh"), basemap=choice("basemap", BASEMAPS, "none"))
    if "layers" in params:
        wanted = [RULE_ZONE if x.startswith("zone_") and RULE_ZONE in layer_ids else x for x in _many(params, "layers")]
        wanted = list(dict.fromkeys(wanted))
        warnings += [f"layers={x}" for x in wanted if x not in layer_ids]
        state = replace(state, layers=tuple(x for x in wanted if x in layer_ids))
    lists = {}
    for key, (name, allowed) in _LIST_KEYS.items():
        wanted = _many(params, key)
        warnings += [f"{key}={x}" for x in wanted if x not in allowed]
        lists[name] = tuple(x for x in wanted if x in allowed)
    distance = SiteFilter().distance_m
    if _one(params, "distance"):
        try:
            distance = float(_one(params, "distance"))
            if distance <= 0:
                raise ValueError
        except ValueError:
            warnings.append(f"distance={_one(params, 'distance')}")
            distance = SiteFilter().distance_m
    f = SiteFilter(
        **lists,
        prefecture=_adcode(params, "pref", warnings),
        county=_adcode(params, "county", warnings),
        restriction=choice("restriction", RESTRICTION_CHOICES, "any"),
        scope=choice("scope", tuple(SCOPES), "jiangxi"),
        distance_m=distance,
    )
    map_view = None
    if _one(params, "view"):
        map_view = parse_view(_one(params, "view"))
        if map_view is None:
            warnings.append(f"view={_one(params, 'view')}")
    return replace(state, filter=f, map_view=map_view), warnings
