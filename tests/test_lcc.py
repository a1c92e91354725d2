"""The Jiangxi LCC in closed form (mapapp.lcc) against PROJ, which stays the reference."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import CRS, Proj, Transformer

from mapapp import lcc
from mapapp.geo import JIANGXI_BBOX, JIANGXI_LCC
from mapapp.ground import MEASURE_BOX


@pytest.fixture(scope="module")
def lonlat() -> tuple[np.ndarray, np.ndarray]:
    """Random points over the whole measuring box, its corners, the origin and the standard parallels."""
    west, south, east, north = MEASURE_BOX
    rng = np.random.default_rng(7)
    lon = np.r_[rng.uniform(west, east, 200_000), west, east, west, east, lcc.LON_0, lcc.LON_0, lcc.LON_0, 117.3]
    lat = np.r_[rng.uniform(south, north, 200_000), south, south, north, north, lcc.LAT_0, lcc.LAT_1, lcc.LAT_2, 28.1]
    return lon, lat


def test_the_crs_pyproj_is_given_is_the_one_the_formulas_use():
    assert JIANGXI_LCC == CRS.from_proj4(lcc.PROJ4)
    params = {p.name: p.value for p in JIANGXI_LCC.coordinate_operation.params}
    assert (params["Latitude of 1st standard parallel"], params["Latitude of 2nd standard parallel"],
            params["Latitude of false origin"], params["Longitude of false origin"]) == (
        lcc.LAT_1, lcc.LAT_2, lcc.LAT_0, lcc.LON_0)
    assert JIANGXI_LCC.ellipsoid.semi_major_metre == lcc.A
    assert JIANGXI_LCC.ellipsoid.inverse_flattening == pytest.approx(1 / lcc.FLATTENING, rel=1e-15)


def test_forward_equals_proj_within_a_micrometre(lonlat):
    lon, lat = lonlat
    x, y = lcc.forward(lon, lat)
    px, py = Transformer.from_crs(4326, JIANGXI_LCC, always_xy=True).transform(lon, lat)
    assert np.max(np.hypot(x - px, y - py)) < 1e-6


def test_inverse_equals_proj_and_undoes_forward(lonlat):
    lon, lat = lonlat
    px, py = Transformer.from_crs(4326, JIANGXI_LCC, always_xy=True).transform(lon, lat)
    back_lon, back_lat = lcc.inverse(px, py)
    proj_lon, proj_lat = Transformer.from_crs(JIANGXI_LCC, 4326, always_xy=True).transform(px, py)
    assert np.max(np.abs(back_lon - proj_lon)) < 1e-11 and np.max(np.abs(back_lat - proj_lat)) < 1e-11
    assert np.max(np.abs(back_lon - lon)) < 1e-11 and np.max(np.abs(back_lat - lat)) < 1e-11


def test_scale_factor_equals_proj(lonlat):
    lon, lat = lonlat
    k = np.asarray(Proj(JIANGXI_LCC).get_factors(lon[:20_000], lat[:20_000]).meridional_scale)
    # PROJ differentiates numerically: agreement to ~5e-11 is its precision, not ours
    assert np.max(np.abs(lcc.inv_scale_at_lat(lat[:20_000]) - 1 / k)) < 1e-10


def test_the_scale_error_over_jiangxi_is_what_geo_says():
    """Within +/-0.067 % over JIANGXI_BBOX (the conic's k depends on latitude only)."""
    lat = np.linspace(JIANGXI_BBOX[1], JIANGXI_BBOX[3], 10_001)
    k = 1 / lcc.inv_scale_at_lat(lat)
    assert np.max(np.abs(k - 1)) < 0.00067


def test_scalars_and_lists_are_taken():
    x, y = lcc.forward(lcc.LON_0, lcc.LAT_0)
    assert (float(x), float(y)) == (0.0, 0.0)
    (lon_a, lon_b), (lat_a, lat_b) = lcc.inverse([0.0, 1000.0], [0.0, 0.0])
    assert lon_a == pytest.approx(lcc.LON_0, abs=1e-12) and lat_a == pytest.approx(lcc.LAT_0, abs=1e-12)
    assert lon_b > lcc.LON_0


def test_nan_stays_nan():
    x, y = lcc.forward(np.array([np.nan, 116.0]), np.array([27.0, np.nan]))
    assert np.isnan(x).all() and np.isnan(y).all()
