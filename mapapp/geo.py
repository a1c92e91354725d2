"""CRS choices and metric helpers: store in WGS 84, measure in metres."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from mapapp import lcc

if TYPE_CHECKING:
    from pyproj import CRS, Geod
    from shapely.geometry.base import BaseGeometry

# Jiangxi's bounding box with a margin, lon/lat degrees: (west, south, east, north).
JIANGXI_BBOX = (113.4, 24.4, 118.6, 30.2)

WGS84: CRS
# Lambert conformal conic fitted to Jiangxi (24.4-30.2 N, 113.4-118.6 E): scale error within
# +/-0.067% over that box (tests/test_lcc.py, against PROJ's scale factors), so distances
# and buffers computed in it are true ground distances to better than 0.1%. Its formulas are in
# lcc.py, which screening uses without pyproj.
JIANGXI_LCC: CRS
GEOD: Geod


# pyproj's objects are made on first use: importing pyproj would cost a screening run 0.1-0.2 s it
# does not need (it measures with lcc.py).
@cache
def _geod() -> Geod:
    from pyproj import Geod

    return Geod(ellps="WGS84")


@cache
def _crs(name: str) -> CRS:
    from pyproj import CRS

    return CRS.from_epsg(4326) if name == "WGS84" else CRS.from_proj4(lcc.PROJ4)


def __getattr__(name: str) -> Any:
    if name in ("WGS84", "JIANGXI_LCC"):
        return _crs(name)
    if name == "GEOD":
        return _geod()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")  # the import system asks for __path__


def geodesic_area_km2(geom: BaseGeometry) -> float:
    """Area of a lon/lat polygon on the WGS 84 ellipsoid, in square kilometres."""
    area, _ = _geod().geometry_area_perimeter(geom)
    return abs(area) / 1e6


def geodesic_length_km(geom: BaseGeometry) -> float:
    """Length of a lon/lat line (or a polygon's perimeter) on the WGS 84 ellipsoid, in km."""
    return _geod().geometry_length(geom) / 1000.0
