"""CRS choices and metric helpers: store in WGS 84, measure in metres."""

from __future__ import annotations

from pyproj import CRS, Geod
from shapely.geometry.base import BaseGeometry

WGS84 = CRS.from_epsg(4326)

# Lambert conformal conic fitted to Jiangxi (24.4-30.2 N, 113.4-118.6 E): scale error within
# +/-0.067% over that box (checked with pyproj get_factors in tests/test_geo.py), so distances
# and buffers computed in it are true ground distances to better than 0.1%.
JIANGXI_LCC = CRS.from_proj4(
    "+proj=lcc +lat_1=25.2 +lat_2=29.4 +lat_0=27.3 +lon_0=116 +ellps=GRS80 +units=m +no_defs"
)

# Jiangxi's bounding box with a margin, lon/lat degrees: (west, south, east, north).
JIANGXI_BBOX = (113.4, 24.4, 118.6, 30.2)

GEOD = Geod(ellps="WGS84")


def geodesic_area_km2(geom: BaseGeometry) -> float:
    """Area of a lon/lat polygon on the WGS 84 ellipsoid, in square kilometres."""
    area, _ = GEOD.geometry_area_perimeter(geom)
    return abs(area) / 1e6


def geodesic_length_km(geom: BaseGeometry) -> float:
    """Length of a lon/lat line (or a polygon's perimeter) on the WGS 84 ellipsoid, in km."""
    return GEOD.geometry_length(geom) / 1000.0
