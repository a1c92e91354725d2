"""Lengths and areas of the shapes drawn on the map, on the WGS 84 ellipsoid (never in degrees)."""

from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from mapapp.geo import GEOD, geodesic_area_km2


@dataclass(frozen=True)
class Measure:
    kind: str  # "line" or "area"
    km: float  # a line's length, or an area's perimeter
    km2: float | None  # an area's area


def measure(geom: BaseGeometry) -> Measure | None:
    """A drawn line's length, or a drawn polygon's area and perimeter; None for other shapes."""
    if geom.geom_type in ("LineString", "MultiLineString"):
        return Measure("line", GEOD.geometry_length(geom) / 1000, None)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return Measure("area", GEOD.geometry_length(geom.boundary) / 1000, geodesic_area_km2(geom))
    return None


def measure_drawings(drawings: list[dict]) -> list[Measure]:
    """Measure each drawn feature (GeoJSON, as the map reports them), in drawing order."""
    found = (measure(shape(d["geometry"])) for d in drawings if d.get("geometry"))
    return [m for m in found if m is not None]
