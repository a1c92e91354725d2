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


_SCALE_LATS = (18.0, 37.0)  # the latitudes the 1/k series holds between (the measuring box and more)
_SCALE_DEGREE = 7


def _rho(lat: _F) -> _F:
    """Distance from the cone's apex of latitude `lat` (the apex is at x = 0, y = RHO_0)."""
    return lcc.RHO_0 - lcc.forward(np.full_like(lat, lcc.LON_0), lat)[1]


@cache
def _inv_scale_series() -> tuple[float, float, _F]:
    """1/k for JIANGXI_LCC as a polynomial in rho: (centre, half-width, power coefficients in
    u = (rho - centre) / half-width, lowest first).

    A conformal conic's scale factor k depends only on the distance rho from the cone's apex, so a
    polynomial in rho gives 1/k anywhere in the plane from x and y alone. It interpolates the exact
    1/k at Chebyshev nodes (error 1.1e-10 here, checked below 1e-9 on a dense sample; k itself is
    held to PROJ's in the tests). No least-squares fit: LAPACK would wake OpenBLAS's threads, which
    then spin for 0.1-0.2 s of CPU the screening threads need.
    """
    lo, hi = _rho(np.array(_SCALE_LATS[::-1]))
    centre, half = (hi + lo) / 2.0, (hi - lo) / 2.0
    n = _SCALE_DEGREE + 1
    nodes = np.cos(np.pi * (np.arange(n) + 0.5) / n)
    _, lat = lcc.inverse(np.zeros(n), lcc.RHO_0 - (centre + half * nodes))
    chebyshev = np.polynomial.chebyshev
    # The interpolating series' coefficients, as plain sums (np.dot could call BLAS).
    cheb = (chebyshev.chebvander(nodes, _SCALE_DEGREE) * lcc.inv_scale_at_lat(lat)[:, None]).sum(axis=0) * 2.0 / n
    cheb[0] /= 2.0
    series = (float(centre), float(half), chebyshev.cheb2poly(cheb))
    lats = np.linspace(*_SCALE_LATS, 2001)
    misfit = float(np.max(np.abs(_horner(series, _rho(lats)) - lcc.inv_scale_at_lat(lats))))
    if misfit > 1e-9:
        raise RuntimeError(f"scale-factor series error {misfit:.1e} is too large")
    return series


def _horner(series: tuple[float, float, _F], rho: _F) -> _F:
    centre, half, coef = series
    u = (rho - centre) / half
    out = np.full_like(u, coef[-1])
    for c in coef[-2::-1]:
        out *= u
        out += c
    return out


def _norm(a: _F, b: _F) -> _F:
    return np.sqrt(a * a + b * b)  # np.hypot is ten times slower, and guards against overflows metres cannot reach


def inv_scale(x: _F, y: _F) -> _F:
    """1/k at plane points: ground length = plane length x 1/k."""
    return _horner(_inv_scale_series(), _norm(x, lcc.RHO_0 - y))


def ground_length(px: _F, py: _F, qx: _F, qy: _F) -> _F:
    """Ground length of the plane segment p-q: its plane length times the mean of 1/k along it.

    Simpson's rule over the segment; 1/k varies by < 0.14% across Jiangxi and smoothly, so the
    rule is exact to ~1e-9 relative for the distances that matter here.
    """
    mid = inv_scale((px + qx) / 2.0, (py + qy) / 2.0)
    mean = (inv_scale(px, py) + 4.0 * mid + inv_scale(qx, qy)) / 6.0
    return _norm(qx - px, qy - py) * mean


def in_measure_box(lon: _F, lat: _F) -> NDArray[np.bool_]:
    west, south, east, north = MEASURE_BOX
    return (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)


def km_text(value: float) -> str:
    return f"{value:.1f} km" if value < 10 else f"{value:,.0f} km"
