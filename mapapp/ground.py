"""Ground distance in the Jiangxi Lambert conformal conic (JIANGXI_LCC): plane lengths corrected by
the projection's scale factor, exact to ~1e-9 relative over the province and its surroundings."""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray
from pyproj import Proj, Transformer

from mapapp.geo import JIANGXI_LCC, WGS84

_F = NDArray[np.float64]

# Distances are measured only within this lon/lat box (Jiangxi's box plus 5 degrees): inside it the
# scale-factor fit below holds and the conic's distortion is corrected exactly; far outside it,
# plane distances would mean little. (west, south, east, north)
MEASURE_BOX = (108.4, 19.4, 123.6, 35.2)

TO_LCC = Transformer.from_crs(WGS84, JIANGXI_LCC, always_xy=True)
FROM_LCC = Transformer.from_crs(JIANGXI_LCC, WGS84, always_xy=True)


@cache
def _scale_poly() -> tuple[float, np.polynomial.Polynomial]:
    """(apex y, polynomial in rho giving 1/k) for JIANGXI_LCC.

    A conformal conic's scale factor k depends only on the distance rho from the cone's apex (on
    the central meridian), so a polynomial in rho fitted to pyproj's own scale factors between
    18 and 37 degrees north gives k anywhere in the plane (fit error checked below 1e-9).
    """
    params = {p.name: p.value for p in JIANGXI_LCC.coordinate_operation.params}
    lon0, lat0 = params["Longitude of false origin"], params["Latitude of false origin"]
    _, y0 = TO_LCC.transform(lon0, lat0)
    x1, y1 = TO_LCC.transform(lon0 + 1.0, lat0)
    # The apex (0, ya) is equidistant from (0, y0) and (x1, y1): both lie on the parallel lat0.
    apex = (x1 * x1 + y1 * y1 - y0 * y0) / (2.0 * (y1 - y0))
    lats = np.linspace(18.0, 37.0, 2001)
    lons = np.full_like(lats, lon0)
    _, ys = TO_LCC.transform(lons, lats)
    inv_k = 1.0 / np.asarray(Proj(JIANGXI_LCC).get_factors(lons, lats).meridional_scale)
    rho = apex - np.asarray(ys)
    poly = np.polynomial.Polynomial.fit(rho, inv_k, 7)
    misfit = float(np.max(np.abs(poly(rho) - inv_k)))
    if misfit > 1e-9:
        raise RuntimeError(f"scale-factor fit error {misfit:.1e} is too large")
    return float(apex), poly


def inv_scale(x: _F, y: _F) -> _F:
    apex, poly = _scale_poly()
    return poly(np.hypot(x, apex - y))


def ground_length(px: _F, py: _F, qx: _F, qy: _F) -> _F:
    """Ground length of the plane segment p-q: its plane length times the mean of 1/k along it.

    Simpson's rule over the segment; 1/k varies by < 0.14% across Jiangxi and smoothly, so the
    rule is exact to ~1e-9 relative for the distances that matter here.
    """
    mid = inv_scale((px + qx) / 2.0, (py + qy) / 2.0)
    mean = (inv_scale(px, py) + 4.0 * mid + inv_scale(qx, qy)) / 6.0
    return np.hypot(qx - px, qy - py) * mean


def in_measure_box(lon: _F, lat: _F) -> NDArray[np.bool_]:
    west, south, east, north = MEASURE_BOX
    return (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)


def km_text(value: float) -> str:
    return f"{value:.1f} km" if value < 10 else f"{value:,.0f} km"


def to_lcc_xy(x: _F, y: _F) -> tuple[_F, _F]:
    return TO_LCC.transform(x, y)
