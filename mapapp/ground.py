"""Ground distance in the Jiangxi Lambert conformal conic (JIANGXI_LCC): plane lengths corrected by
the projection's scale factor, exact to ~1e-9 relative over the province and its surroundings."""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

from mapapp import lcc

_F = NDArray[np.float64]

# Distances are measured only within this lon/lat box (Jiangxi's box plus 5 degrees): inside it the
# scale-factor fit below holds and the conic's distortion is corrected exactly; far outside it,
# plane distances would mean little. (west, south, east, north)
MEASURE_BOX = (108.4, 19.4, 123.6, 35.2)

to_lcc_xy = lcc.forward  # WGS 84 lon/lat -> JIANGXI_LCC x/y: the one projection every measurement uses
from_lcc_xy = lcc.inverse


@cache
def _scale_poly() -> np.polynomial.Polynomial:
    """The polynomial in rho giving 1/k for JIANGXI_LCC.

    A conformal conic's scale factor k depends only on the distance rho from the cone's apex, so a
    polynomial in rho fitted to k between 18 and 37 degrees north gives 1/k anywhere in the plane from
    x and y alone (fit error checked below 1e-9; k itself is held to PROJ's in the tests).
    """
    lats = np.linspace(18.0, 37.0, 2001)
    inv_k = lcc.inv_scale_at_lat(lats)
    _, ys = lcc.forward(np.full_like(lats, lcc.LON_0), lats)
    rho = lcc.RHO_0 - ys
    poly = np.polynomial.Polynomial.fit(rho, inv_k, 7)
    misfit = float(np.max(np.abs(poly(rho) - inv_k)))
    if misfit > 1e-9:
        raise RuntimeError(f"scale-factor fit error {misfit:.1e} is too large")
    return poly


def inv_scale(x: _F, y: _F) -> _F:
    return _scale_poly()(np.hypot(x, lcc.RHO_0 - y))


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
