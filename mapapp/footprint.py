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

from mapapp.geo import GEOD
from mapapp.ground import FROM_LCC, inv_scale
from mapapp.waters import Waters

# A plane length in JIANGXI_LCC is at most this much longer than on the ground (scale error <= 0.067 %).
_PLANE_OVER_GROUND = 1.001
_SQRT2 = math.sqrt(2.0)


@dataclass(frozen=True)
class Farthest:
    """The largest ground distance from any point of an area to the waters."""

    distance_m: float  # reached at a point of the area
    bound_m: float  # no point of the area is farther than this (distance_m + at most the tolerance)
    water: int  # index of the water nearest to that farthest point


def farthest(area: BaseGeometry, waters: Waters, *, tolerance_m: float | None = None) -> Farthest:
    """Branch and bound over square cells: distance to a set changes by at most the distance moved,
    so a cell whose centre is d away holds no point farther than d plus its half-diagonal. Cells
    that cannot beat the best point found (by more than the tolerance) are dropped, the rest split.

    The tolerance defaults to 1 m or a thousandth of the area's extent, whichever is larger.
    """
    x0, y0, x1, y1 = area.bounds
    size = max(x1 - x0, y1 - y0, 1e-6)
    tolerance = tolerance_m if tolerance_m is not None else max(1.0, size / 1000.0)
    vertices = shapely.get_coordinates(area)
    d, water = waters.distance_xy(vertices[:, 0], vertices[:, 1])
    best = int(np.argmax(d))
    best_d, best_water = float(d[best]), int(water[best])
    shapely.prepare(area)
    cx, cy, half = np.array([(x0 + x1) / 2]), np.array([(y0 + y1) / 2]), size / 2
    while True:
        cells = shapely.box(cx - half, cy - half, cx + half, cy + half)
        keep = shapely.intersects(area, cells)
        cx, cy = cx[keep], cy[keep]
        d, water = waters.distance_xy(cx, cy)
        inside = np.nonzero(shapely.contains_xy(area, cx, cy))[0]
        if inside.size and d[inside].max() > best_d:
            i = inside[np.argmax(d[inside])]
            best_d, best_water = float(d[i]), int(water[i])
        upper = d + half * _SQRT2 * _PLANE_OVER_GROUND
        open_ = upper > best_d + tolerance
        if not open_.any() or half * _SQRT2 <= tolerance / 2:
            return Farthest(best_d, max(best_d, float(upper.max(initial=best_d))), best_water)
        cx, cy, half = _split(cx[open_], cy[open_], half)


def _split(cx: np.ndarray, cy: np.ndarray, half: float) -> tuple[np.ndarray, np.ndarray, float]:
    q = half / 2
    dx, dy = np.array([-q, q, -q, q]), np.array([-q, -q, q, q])
    return (cx[:, None] + dx).ravel(), (cy[:, None] + dy).ravel(), q


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
    wgs = shapely.transform(metric, lambda x, y: FROM_LCC.transform(x, y), interleaved=False)
    area, _ = GEOD.geometry_area_perimeter(wgs)
    return abs(area)


@dataclass(frozen=True)
class Overlap:
    hectares: float
    share: float  # of the area's own ground area, 0-1


def overlap(area: BaseGeometry, waters: Waters, distance_m: float) -> Overlap:
    total = ground_area_m2(area)
    inner = ground_area_m2(land_within(area, waters, distance_m))
    return Overlap(inner / 1e4, inner / total if total > 0 else math.nan)
