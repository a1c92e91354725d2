"""Vectorised conversions between WGS 84 and China's obfuscated datums GCJ-02 (Amap, Tencent) and BD-09 (Baidu)."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

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
CoordT = TypeVar("CoordT", float, NDArray[np.float64])
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

# Inverse iterations: each forward map is the identity plus a smooth offset whose Jacobian is
# below ~0.005 (GCJ-02) or ~0.02 (BD-09), so each fixed-point step shrinks the error >50x.
# Stopping once the correction is < 1e-7 deg (~1 cm) leaves an error < 2e-9 deg (0.2 mm),
# typically ~1e-10 deg, after 3 forward evaluations. The cap is only a safety net.
_TOL_DEG = 1e-7
_MAX_ITER = 20


def out_of_china(lon: CoordT, lat: CoordT) -> bool | NDArray[np.bool_]:
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
    # np.sin dominates the cost, so the sines of multiple angles come from exact identities
    # (triple and double angle) instead of more np.sin calls: 8 calls instead of 12.
    s3x = np.sin(px / 3.0)
    c3x = np.cos(px / 3.0)
    s1x = s3x * (3.0 - 4.0 * s3x * s3x)  # sin(pi x)
    s2x = 2.0 * s1x * c3x * (4.0 * c3x * c3x - 3.0)  # sin(2 pi x) = 2 sin(pi x) cos(pi x)
    s6x = s2x * (3.0 - 4.0 * s2x * s2x)  # sin(6 pi x)
    s3y = np.sin(py / 3.0)
    s1y = s3y * (3.0 - 4.0 * s3y * s3y)  # sin(pi y)
    shared = (20.0 * s6x + 20.0 * s2x) * (2.0 / 3.0)  # the x terms common to both components
    root_x = np.sqrt(np.abs(x))
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * root_x
        + shared
        + (20.0 * s1y + 40.0 * s3y) * (2.0 / 3.0)
        + (160.0 * np.sin(py / 12.0) + 320.0 * np.sin(py / 30.0)) * (2.0 / 3.0)
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * root_x
        + shared
        + (20.0 * s1x + 40.0 * s3x) * (2.0 / 3.0)
        + (150.0 * np.sin(px / 12.0) + 300.0 * np.sin(px / 30.0)) * (2.0 / 3.0)
    )
    # The terms above are metres on the Krasovsky ellipsoid; turn them into degrees there.
    # cos(lat) from sin(lat): latitudes lie in [-90, 90], where the cosine is not negative.
    sin_lat2 = np.sin(np.radians(lat)) ** 2
    cos_lat = np.sqrt(1.0 - sin_lat2)
    magic = 1.0 - _EE * sin_lat2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * cos_lat * np.pi)
    return dlon, dlat


def _wgs_to_gcj(lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    dlon, dlat = _gcj_offset(lon, lat)
    outside = _outside(lon, lat)
    return np.where(outside, lon, lon + dlon), np.where(outside, lat, lat + dlat)


def _invert(forward: _Fn, lon: _Arr, lat: _Arr, guess: tuple[_Arr, _Arr]) -> tuple[_Arr, _Arr]:
    """Solve forward(x) = (lon, lat) by the fixed-point iteration x <- x - (forward(x) - target).

    A point stops once its correction is below _TOL_DEG; only the points still moving are
    evaluated again, which keeps the cost near the number of iterations most points need.
    """
    x, y = guess[0].copy(), guess[1].copy()
    todo = np.arange(x.size)
    for _ in range(_MAX_ITER):
        fx, fy = forward(x[todo], y[todo])
        ex = fx - lon[todo]
        ey = fy - lat[todo]
        x[todo] -= ex
        y[todo] -= ey
        # NaN compares False, so a NaN point drops out instead of blocking the rest.
        todo = todo[(np.abs(ex) > _TOL_DEG) | (np.abs(ey) > _TOL_DEG)]
        if todo.size == 0:
            break
    return x, y


def _gcj_to_wgs(lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    def raw_forward(x: _Arr, y: _Arr) -> tuple[_Arr, _Arr]:
        # Iterate on the raw formula: the box test would make the map discontinuous at its edge.
        dx, dy = _gcj_offset(x, y)
        return x + dx, y + dy

    # Start from target - offset(target): already within ~2 m, as the one-step inverses are.
    dx, dy = _gcj_offset(lon, lat)
    wx, wy = _invert(raw_forward, lon, lat, (lon - dx, lat - dy))
    outside = _outside(lon, lat)
    return np.where(outside, lon, wx), np.where(outside, lat, wy)


def _gcj_to_bd(lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + _BD_DLON, z * np.sin(theta) + _BD_DLAT


def _bd_to_gcj(lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    # The widely copied closed form (undo the perturbation evaluated at the BD point) is off by
    # ~1e-6 deg; it is a good start, and iterating the forward formula from it makes it exact.
    x = lon - _BD_DLON
    y = lat - _BD_DLAT
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _invert(_gcj_to_bd, lon, lat, (z * np.cos(theta), z * np.sin(theta)))


def _wgs_to_bd(lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    return _gcj_to_bd(*_wgs_to_gcj(lon, lat))


def _bd_to_wgs(lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    return _gcj_to_wgs(*_bd_to_gcj(lon, lat))


def _identity(lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    return lon, lat


# numpy releases the GIL inside ufuncs, and np.sin on float64 is scalar libm code, so large
# inputs are cut into chunks run on a few threads: ~2x faster on 2 cores, more on more cores.
_CHUNK = 1 << 16


_POOL: tuple[int, ThreadPoolExecutor] | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL
    # Keyed by process id: a forked child inherits the pool object but not its threads.
    if _POOL is None or _POOL[0] != os.getpid():
        _POOL = (os.getpid(), ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1), thread_name_prefix="datum"))
    return _POOL[1]


def _run_chunked(fn: _Fn, lon: _Arr, lat: _Arr) -> tuple[_Arr, _Arr]:
    if lon.size <= _CHUNK:
        return fn(lon, lat)
    out_x = np.empty(lon.size)
    out_y = np.empty(lon.size)

    def one(start: int) -> None:
        sl = slice(start, start + _CHUNK)
        out_x[sl], out_y[sl] = fn(lon[sl], lat[sl])

    # list() re-raises any exception from a chunk here.
    list(_pool().map(one, range(0, lon.size, _CHUNK)))
    return out_x, out_y


def _apply(fn: _Fn, lon: CoordT, lat: CoordT) -> tuple[CoordT, CoordT]:
    """Run an array kernel on scalars or arrays and give back the caller's kind."""
    lo = np.asarray(lon, dtype=np.float64)
    la = np.asarray(lat, dtype=np.float64)
    scalar = lo.ndim == 0 and la.ndim == 0
    lo, la = np.broadcast_arrays(lo, la)
    shape = lo.shape
    # Kernels work on contiguous 1-D arrays; ravel copies only when it has to.
    rx, ry = _run_chunked(fn, np.ravel(lo), np.ravel(la))
    out: tuple[Any, Any]
    if scalar:
        out = float(rx[0]), float(ry[0])
    else:
        # Copy so a result never aliases the caller's input (the "wgs84" kernel is the identity).
        out = np.array(rx, dtype=np.float64).reshape(shape), np.array(ry, dtype=np.float64).reshape(shape)
    # Scalars in give floats out, arrays in give arrays out: the kind the caller's CoordT names.
    return cast("tuple[CoordT, CoordT]", out)


def wgs84_to_gcj02(lon: CoordT, lat: CoordT) -> tuple[CoordT, CoordT]:
    """WGS 84 -> GCJ-02 by the published formula.

    Points outside the out_of_china box (lon 72.004-137.8347, lat 0.8293-55.8271) are returned
    unchanged, as every published implementation does; the box is crude (it takes in parts of
    neighbouring countries) but this app only feeds it data for Jiangxi.
    """
    return _apply(_wgs_to_gcj, lon, lat)


def gcj02_to_wgs84(lon: CoordT, lat: CoordT) -> tuple[CoordT, CoordT]:
    """GCJ-02 -> WGS 84, iterated until the round trip is exact to well under 1 mm.

    Points outside the out_of_china box are returned unchanged (the box is tested on the
    GCJ-02 input; inside it the inverse iterates on the formula without the box).
    """
    return _apply(_gcj_to_wgs, lon, lat)


def gcj02_to_bd09(lon: CoordT, lat: CoordT) -> tuple[CoordT, CoordT]:
    """GCJ-02 -> BD-09 by Baidu's published formula (applied everywhere: it has no China box)."""
    return _apply(_gcj_to_bd, lon, lat)


def bd09_to_gcj02(lon: CoordT, lat: CoordT) -> tuple[CoordT, CoordT]:
    """BD-09 -> GCJ-02, the exact (iterated) inverse of `gcj02_to_bd09`."""
    return _apply(_bd_to_gcj, lon, lat)


def wgs84_to_bd09(lon: CoordT, lat: CoordT) -> tuple[CoordT, CoordT]:
    """WGS 84 -> BD-09 (via GCJ-02; outside the China box only Baidu's own shift applies)."""
    return _apply(_wgs_to_bd, lon, lat)


def bd09_to_wgs84(lon: CoordT, lat: CoordT) -> tuple[CoordT, CoordT]:
    """BD-09 -> WGS 84, exact inverse of `wgs84_to_bd09` (inside the China box)."""
    return _apply(_bd_to_wgs, lon, lat)


_TO_WGS: dict[str, _Fn] = {"wgs84": _identity, "gcj02": _gcj_to_wgs, "bd09": _bd_to_wgs}
_FROM_WGS: dict[str, _Fn] = {"wgs84": _identity, "gcj02": _wgs_to_gcj, "bd09": _wgs_to_bd}


def _kernel(table: dict[str, _Fn], datum: str) -> _Fn:
    try:
        return table[datum]
    except (KeyError, TypeError):
        raise ValueError(f"unknown datum {datum!r}: expected one of {', '.join(DATUMS)}") from None


def to_wgs84(lon: CoordT, lat: CoordT, datum: str) -> tuple[CoordT, CoordT]:
    """Convert coordinates in `datum` ("wgs84", "gcj02" or "bd09") to WGS 84."""
    return _apply(_kernel(_TO_WGS, datum), lon, lat)


def from_wgs84(lon: CoordT, lat: CoordT, datum: str) -> tuple[CoordT, CoordT]:
    """Convert WGS 84 coordinates to `datum` ("wgs84", "gcj02" or "bd09")."""
    return _apply(_kernel(_FROM_WGS, datum), lon, lat)


_G = TypeVar("_G", bound=BaseGeometry)


def _transform_geometry(geom: _G, fn: _Fn) -> _G:
    def xy(x: _Arr, y: _Arr, z: _Arr | None = None) -> tuple[_Arr, ...]:
        nx, ny = _run_chunked(fn, np.ascontiguousarray(x), np.ascontiguousarray(y))
        return (nx, ny) if z is None else (nx, ny, z)

    # include_z=None keeps 3D geometries 3D (z passes through untouched).
    return cast(_G, shapely.transform(geom, xy, include_z=None, interleaved=False))


def geometry_to_wgs84(geom: _G, datum: str) -> _G:
    """A copy of a lon/lat shapely geometry (any type) moved from `datum` to WGS 84."""
    return _transform_geometry(geom, _kernel(_TO_WGS, datum))


def geometry_from_wgs84(geom: _G, datum: str) -> _G:
    """A copy of a WGS 84 shapely geometry moved into `datum`, e.g. to overlay Gaode GCJ-02 tiles."""
    return _transform_geometry(geom, _kernel(_FROM_WGS, datum))
