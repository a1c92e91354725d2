"""Vectorised conversions between WGS 84 and China's obfuscated GCJ-02 (Amap, Tencent) and BD-09 (Baidu) datums."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

__all__ = [
    "DATUMS",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "from_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "geometry_from_wgs84",
    "geometry_to_wgs84",
    "out_of_china",
    "to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

# A coordinate is a Python float (returned as float) or a numpy array (returned as an array
# of the broadcast shape); lists are accepted at run time and come back as arrays.
C = TypeVar("C", float, NDArray[np.float64])
_Arr = NDArray[np.float64]
_Fn = Callable[[_Arr, _Arr], tuple[_Arr, _Arr]]

DATUMS = ("wgs84", "gcj02", "bd09")

# GCJ-02 constants as published (Krasovsky 1940 ellipsoid), e.g. googollee/eviltransform.
_A = 6378245.0
_EE = 0.00669342162296594323
# BD-09 constants as published (wandergis/coordtransform; Baidu's fixed shift in degrees).
_X_PI = 3.14159265358979324 * 3000.0 / 180.0
_BD_DLON = 0.0065
_BD_DLAT = 0.006

# The usual "out_of_china" rectangle (eviltransform, PRCoords). It is a crude box, not a border:
# it is the de-facto rule of the published implementations, so data made by them round-trips.
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)

# Inverse iterations: the forward maps are the identity plus a smooth offset whose Jacobian is
# below ~0.01, so each fixed-point step gains >2 decimal digits; 1e-10 deg is ~0.01 mm.
_TOL_DEG = 1e-10
_MAX_ITER = 20


def out_of_china(lon: C, lat: C) -> bool | NDArray[np.bool_]:
    """True where a point lies outside the out_of_china box (GCJ-02 leaves it unchanged)."""
    out = _outside(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    return bool(out) if out.ndim == 0 else out


def _outside(lon: _Arr, lat: _Arr) -> NDArray[np.bool_]:
    # Written as "not inside" so that NaN counts as outside and passes through unchanged.
    inside = (lon >= _CHINA_LON[0]) & (lon <= _CHINA_LON[1]) & (lat >= _CHINA_LAT[0]) & (lat <= _CHINA_LAT[1])
    return ~inside


def _gcj_offset(lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    """The published GCJ-02 offset in degrees at (lon, lat), without the China box."""
    x = lon - 105.0
    y = lat - 35.0
    px = np.pi * x
    py = np.pi * y
    # The two high-frequency x terms are shared by both components; compute them once.
    shared = (20.0 * np.sin(6.0 * px) + 20.0 * np.sin(2.0 * px)) * (2.0 / 3.0)
    dlat = (
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x)) + shared
        + (20.0 * np.sin(py) + 40.0 * np.sin(py / 3.0)) * (2.0 / 3.0)
        + (160.0 * np.sin(py / 12.0) + 320.0 * np.sin(py / 30.0)) * (2.0 / 3.0)
    )
    dlon = (
        300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x)) + shared
        + (20.0 * np.sin(px) + 40.0 * np.sin(px / 3.0)) * (2.0 / 3.0)
        + (150.0 * np.sin(px / 12.0) + 300.0 * np.sin(px / 30.0)) * (2.0 / 3.0)
    )
    # The offsets above are metres-ish; the formula turns them into degrees on Krasovsky.
    rad_lat = np.radians(lat)
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return dlon, dlat


def _wgs_to_gcj(lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    dlon, dlat = _gcj_offset(lon, lat)
    outside = _outside(lon, lat)
    return np.where(outside, lon, lon + dlon), np.where(outside, lat, lat + dlat)


def _invert(forward: _Fn, lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    """Solve forward(x) = (lon, lat) by fixed-point iteration x <- x - (forward(x) - target)."""
    x, y = lon.copy(), lat.copy()
    for _ in range(_MAX_ITER):
        fx, fy = forward(x, y)
        ex, ey = fx - lon, fy - lat
        x -= ex
        y -= ey
        # NaN compares False, so NaN input never blocks convergence of the rest.
        if not (np.any(np.abs(ex) > _TOL_DEG) or np.any(np.abs(ey) > _TOL_DEG)):
            break
    return x, y


def _gcj_to_wgs(lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    def raw_forward(x: _Arr, y: _Arr) -> tuple[_Arr, _Arr]:
        # Iterate on the raw formula: the box test would make the map discontinuous at its edge.
        dx, dy = _gcj_offset(x, y)
        return x + dx, y + dy

    wx, wy = _invert(raw_forward, lon, lat)
    outside = _outside(lon, lat)
    return np.where(outside, lon, wx), np.where(outside, lat, wy)


def _gcj_to_bd(lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + _BD_DLON, z * np.sin(theta) + _BD_DLAT


def _bd_to_gcj(lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    # The widely copied closed form (subtract the perturbation evaluated at the BD point) is off
    # by ~1e-6 deg; iterating the forward formula makes it exact.
    return _invert(_gcj_to_bd, lon, lat)


def _wgs_to_bd(lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    return _gcj_to_bd(*_wgs_to_gcj(lon, lat))


def _bd_to_wgs(lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    return _gcj_to_wgs(*_bd_to_gcj(lon, lat))


def _identity(lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    return lon, lat


def _apply(fn: _Fn, lon: C, lat: C) -> tuple[C, C]:
    """Run an array kernel on scalars or arrays and give back the caller's kind."""
    lo = np.asarray(lon, dtype=np.float64)
    la = np.asarray(lat, dtype=np.float64)
    scalar = lo.ndim == 0 and la.ndim == 0
    lo, la = np.broadcast_arrays(np.atleast_1d(lo), np.atleast_1d(la))
    rx, ry = fn(lo, la)
    if scalar:
        return cast(C, float(rx[0])), cast(C, float(ry[0]))
    # Copy so a result never aliases the caller's input (the "wgs84" kernel is the identity).
    return cast(C, np.array(rx, dtype=np.float64)), cast(C, np.array(ry, dtype=np.float64))


def wgs84_to_gcj02(lon: C, lat: C) -> tuple[C, C]:
    """WGS 84 -> GCJ-02 by the published formula.

    Points outside the out_of_china box (lon 72.004-137.8347, lat 0.8293-55.8271) are returned
    unchanged, as every published implementation does; the box is crude (it takes in parts of
    neighbouring countries) but this app only feeds it data for Jiangxi.
    """
    return _apply(_wgs_to_gcj, lon, lat)


def gcj02_to_wgs84(lon: C, lat: C) -> tuple[C, C]:
    """GCJ-02 -> WGS 84, iterated to ~1e-10 deg so the round trip is exact to well under 1 mm.

    Points outside the out_of_china box are returned unchanged (the box is tested on the
    GCJ-02 input; inside it the inverse iterates on the formula without the box).
    """
    return _apply(_gcj_to_wgs, lon, lat)


def gcj02_to_bd09(lon: C, lat: C) -> tuple[C, C]:
    """GCJ-02 -> BD-09 by Baidu's published formula (applied everywhere: it has no China box)."""
    return _apply(_gcj_to_bd, lon, lat)


def bd09_to_gcj02(lon: C, lat: C) -> tuple[C, C]:
    """BD-09 -> GCJ-02, the exact (iterated) inverse of `gcj02_to_bd09`."""
    return _apply(_bd_to_gcj, lon, lat)


def wgs84_to_bd09(lon: C, lat: C) -> tuple[C, C]:
    """WGS 84 -> BD-09 (via GCJ-02; outside the China box only Baidu's own shift applies)."""
    return _apply(_wgs_to_bd, lon, lat)


def bd09_to_wgs84(lon: C, lat: C) -> tuple[C, C]:
    """BD-09 -> WGS 84, exact inverse of `wgs84_to_bd09` (inside the China box)."""
    return _apply(_bd_to_wgs, lon, lat)


_TO_WGS: dict[str, _Fn] = {"wgs84": _identity, "gcj02": _gcj_to_wgs, "bd09": _bd_to_wgs}
_FROM_WGS: dict[str, _Fn] = {"wgs84": _identity, "gcj02": _wgs_to_gcj, "bd09": _wgs_to_bd}


def _kernel(table: dict[str, _Fn], datum: str) -> _Fn:
    try:
        return table[datum]
    except (KeyError, TypeError):
        raise ValueError(f"unknown datum {datum!r}: expected one of {', '.join(DATUMS)}") from None


def to_wgs84(lon: C, lat: C, datum: str) -> tuple[C, C]:
    """Convert coordinates in `datum` ("wgs84", "gcj02" or "bd09") to WGS 84."""
    return _apply(_kernel(_TO_WGS, datum), lon, lat)


def from_wgs84(lon: C, lat: C, datum: str) -> tuple[C, C]:
    """Convert WGS 84 coordinates to `datum` ("wgs84", "gcj02" or "bd09")."""
    return _apply(_kernel(_FROM_WGS, datum), lon, lat)


_G = TypeVar("_G", bound=BaseGeometry)


def _transform_geometry(geom: _G, fn: _Fn) -> _G:
    def xy(x: _Arr, y: _Arr, z: _Arr | None = None) -> tuple[_Arr, ...]:
        nx, ny = fn(x, y)
        return (nx, ny) if z is None else (nx, ny, z)

    # include_z=None keeps 3D geometries 3D (z passes through untouched).
    return cast(_G, shapely.transform(geom, xy, include_z=None, interleaved=False))


def geometry_to_wgs84(geom: _G, datum: str) -> _G:
    """A copy of a lon/lat shapely geometry (any type) moved from `datum` to WGS 84."""
    return _transform_geometry(geom, _kernel(_TO_WGS, datum))


def geometry_from_wgs84(geom: _G, datum: str) -> _G:
    """A copy of a WGS 84 shapely geometry moved into `datum`, e.g. to overlay Gaode GCJ-02 tiles."""
    return _transform_geometry(geom, _kernel(_FROM_WGS, datum))
