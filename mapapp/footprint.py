"""How a site's area lies against the regulated waters: its farthest point, and its land within a distance.

Pure computation on JIANGXI_LCC geometries. A point site needs only its distance (screening.py);
a boundary or a county range is an area, and the rule asks whether any of it, or all of it, lies
within the threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from mapapp import geo
from mapapp.ground import from_lcc_xy, inv_scale
from mapapp.waters import Waters

# A plane length in JIANGXI_LCC is at most this much longer than on the ground (scale error <= 0.067 %).
_PLANE_OVER_GROUND = 1.001
_SQRT2 = math.sqrt(2.0)


@dataclass(frozen=True)
class Farthest:
    """The largest ground distance from any point of an area to the waters."""

    distance_m: float  # reached at a point of the area
    bound_m: float  # no point of the area is farther than this (distance_m + at most twice the tolerance)
    water: int  # index of the water nearest to that farthest point


def farthest(area: BaseGeometry, waters: Waters, *, tolerance_m: float | None = None) -> Farthest:
    """The farthest point of one area (see farthest_many)."""
    return farthest_many(np.array([area], dtype=object), waters, tolerance_m=tolerance_m)[0]


def farthest_many(areas: np.ndarray, waters: Waters, *, tolerance_m: float | None = None) -> list[Farthest]:
    """Branch and bound over square cells, all areas at once: distance to a set changes by at most
    the distance moved, so a cell whose centre is d away holds no point farther than d plus its
    half-diagonal. Cells that cannot beat the best point found in their area (by more than the
    tolerance) are dropped, the rest split, until the cells are smaller than the tolerance.

    The tolerance defaults to 2 m or 1/500 of the area's extent, whichever is larger (a county's
    farthest point to about 100 m, well inside its 300 m boundary accuracy); the bound returned is
    at most twice the tolerance above the distance.
    """
    n = len(areas)
    x0, y0, x1, y1 = shapely.bounds(areas).T
    size = np.maximum(np.maximum(x1 - x0, y1 - y0), 1e-6)
    tolerance = np.full(n, tolerance_m) if tolerance_m is not None else np.maximum(2.0, size / 500.0)
    shapely.prepare(areas)
    # The vertices are points of the areas: the first lower bounds.
    coords, owner = shapely.get_coordinates(areas, return_index=True)
    d, water = waters.distance_xy(coords[:, 0], coords[:, 1])
    best, best_water = np.full(n, -np.inf), np.full(n, -1, dtype=np.intp)
    _raise(best, best_water, owner, d, water)
    bound = best.copy()
    half = size / 2
    owner = np.arange(n)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    for _ in range(2):  # start at 16 cells an area: the first levels rarely prune anything
        cx, cy, owner = _split(cx, cy, owner, half)
        half = half / 2
    while owner.size:
        reach = half[owner] * _SQRT2
        # Cells that may touch their area (a centre within a half-diagonal of it): a few extra ones
        # only loosen the bound, and this is much cheaper than building the squares.
        keep = shapely.dwithin(areas[owner], shapely.points(cx, cy), reach)
        cx, cy, owner, reach = cx[keep], cy[keep], owner[keep], reach[keep]
        d, water = waters.distance_xy(cx, cy)
        inside = shapely.contains_xy(areas[owner], cx, cy)
        _raise(best, best_water, owner[inside], d[inside], water[inside])
        upper = d + reach * _PLANE_OVER_GROUND
        go_on = (upper > best[owner] + tolerance[owner]) & (reach > tolerance[owner])
        # A cell not split further bounds its part of the area; those split are bounded by their quarters.
        np.maximum.at(bound, owner[~go_on], upper[~go_on])
        cx, cy, owner = _split(cx[go_on], cy[go_on], owner[go_on], half)
        half = half / 2
    return [Farthest(float(b), float(max(b, u)), int(w)) for b, u, w in zip(best, bound, best_water)]


def _raise(best: np.ndarray, best_water: np.ndarray, owner: np.ndarray, d: np.ndarray, water: np.ndarray) -> None:
    """best[o] = the largest d of owner o (and the water nearest that point), in place."""
    if not owner.size:
        return
    order = np.lexsort((d, owner))  # by owner, then distance: each owner's last entry is its largest
    last = np.r_[owner[order][1:] != owner[order][:-1], True]
    o, dd, ww = owner[order][last], d[order][last], water[order][last]
    better = dd > best[o]
    best[o[better]], best_water[o[better]] = dd[better], ww[better]


def _split(cx: np.ndarray, cy: np.ndarray, owner: np.ndarray, half: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each cell's four quarters (`half` is per area, indexed by the cell's owner)."""
    q = (half[owner] / 2)[:, None]
    dx, dy = np.array([-1.0, 1.0, -1.0, 1.0]), np.array([-1.0, -1.0, 1.0, 1.0])
    return (cx[:, None] + q * dx).ravel(), (cy[:, None] + q * dy).ravel(), np.repeat(owner, 4)


def land_within(area: BaseGeometry, waters: Waters, distance_m: float) -> BaseGeometry:
    """The part of `area` within `distance_m` (ground metres) of the waters, water surface included.

    Only waters near the area matter: they are clipped to the area's box grown by more than the
    distance (the cut edges then lie too far away to reach the area) before they are buffered.
    The buffer is widened by the projection's scale factor at the area, so it is a ground distance.
    """
    centre = area.centroid
    plane = distance_m / float(inv_scale(np.array([centre.x]), np.array([centre.y]))[0])
    pad = plane * 1.01 + 1.0
    x0, y0, x1, y1 = area.bounds
    window = shapely.box(x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    near = waters.near(window)
    if not len(near):
        return shapely.Polygon()
    zone = shapely.union_all(shapely.buffer(shapely.intersection(near, window), plane, quad_segs=16))
    return shapely.intersection(area, zone)


def ground_area_m2(metric: BaseGeometry) -> float:
    """Area on the WGS 84 ellipsoid of a JIANGXI_LCC geometry (0 for points and lines)."""
    if metric.is_empty:
        return 0.0
    wgs = shapely.transform(metric, from_lcc_xy, interleaved=False)
    area, _ = geo.GEOD.geometry_area_perimeter(wgs)
    return abs(area)


@dataclass(frozen=True)
class Overlap:
    hectares: float
    share: float  # of the area's own ground area, 0-1


def overlap(area: BaseGeometry, waters: Waters, distance_m: float) -> Overlap:
    total = ground_area_m2(area)
    inner = ground_area_m2(land_within(area, waters, distance_m))
    return Overlap(inner / 1e4, inner / total if total > 0 else math.nan)
