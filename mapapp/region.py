"""The study region: Jiangxi, which sites must lie in, and how far outside a point is."""

from __future__ import annotations

from functools import cache, cached_property

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from mapapp.ground import ground_length, in_measure_box, km_text, to_lcc_xy
from mapapp.layers import load_layer_features
from mapapp.messages import msg
from mapapp.polygon_grid import PolygonGrid
from mapapp.shoreline_index import LineIndex

_F = NDArray[np.float64]

_CELL_M = 500.0  # the province grid's cells: 2% of them on the boundary; built in 0.03 s


@cache
def province_wgs84() -> BaseGeometry:
    return shapely.union_all(load_layer_features("province").geometry)


@cache
def province_lcc() -> BaseGeometry:
    return shapely.transform(province_wgs84(), to_lcc_xy, interleaved=False)


class Region:
    """The area sites must lie in (Jiangxi), with a tolerance for the boundary's accuracy."""

    def __init__(self, name: str, geometry: BaseGeometry, *, tolerance_m: float = 500.0, name_zh: str | None = None,
                 boundary_zh: str = "边界") -> None:
        self.name = name
        self.name_zh = name_zh or name
        self.boundary_zh = boundary_zh
        self.geometry = geometry  # WGS 84
        self.tolerance_m = tolerance_m
        self._metric = shapely.transform(geometry, to_lcc_xy, interleaved=False)
        self._grid = PolygonGrid(self._metric, cell=_CELL_M)
        coords, part = shapely.get_coordinates(shapely.get_parts(shapely.get_parts(self._metric.boundary)),
                                               return_index=True)
        self._boundary = LineIndex(coords, part, np.zeros(len(coords), dtype=np.intp))

    def outside_xy(self, x: _F, y: _F) -> NDArray[np.bool_]:
        """Points neither in the region nor within tolerance_m of its boundary (exact plane distance:
        no buffer polygon, whose arcs are chords, to build for every run)."""
        outside = ~self._grid.covers_xy(x, y)
        if self.tolerance_m > 0:
            near = np.nonzero(outside & np.isfinite(x) & np.isfinite(y))[0]
            if near.size:
                outside[near] = self._boundary.nearest_xy(x[near], y[near])[0] > self.tolerance_m
        return outside

    def outside_geoms(self, geoms_metric: NDArray[np.object_]) -> NDArray[np.bool_]:
        return ~shapely.intersects(self._buffered, geoms_metric)

    @cached_property
    def _buffered(self) -> BaseGeometry:
        return self._metric.buffer(self.tolerance_m) if self.tolerance_m > 0 else self._metric

    def distance_message(self, lon: _F, lat: _F) -> NDArray[np.object_]:
        """'outside Jiangxi (x km from the boundary)' per point, as a Msg (ground distance; approximate
        only for points hundreds of km away, where the Jiangxi projection stretches)."""
        lon = np.asarray(lon, dtype=np.float64)
        lat = np.asarray(lat, dtype=np.float64)
        km = np.full(len(lon), np.nan)
        ok = in_measure_box(lon, lat)
        if ok.any():
            x, y = to_lcc_xy(lon[ok], lat[ok])
            _, _, qx, qy = self._boundary.nearest_xy(x, y)
            km[ok] = ground_length(x, y, qx, qy) / 1000.0
        names = {"name": self.name, "zh": self.name_zh, "edge": self.boundary_zh}
        out = np.full(len(km), None, dtype=object)
        for i, v in enumerate(km):
            out[i] = (msg("在{zh}外（距{edge} {km_zh}）", "outside {name} ({km} from the boundary)", km=km_text(v),
                          km_zh=km_text(v).replace("km", "公里"), **names) if np.isfinite(v) else
                      msg("在{zh}外（相距数百公里）", "outside {name} (hundreds of km away)", **names))
        return out


def load_region(*, tolerance_m: float = 500.0) -> Region:
    """Jiangxi from the packaged province layer (WGS 84)."""
    return Region("Jiangxi", province_wgs84(), tolerance_m=tolerance_m, name_zh="江西省", boundary_zh="省界")
