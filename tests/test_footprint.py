"""Screening areas: 16 ha parks placed at known geodesic distances from a river, checked against
figures worked out by hand (a straight bank makes the overlap a strip), and county ranges."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Polygon

from mapapp.footprint import farthest, land_within, overlap
from mapapp.geo import GEOD, JIANGXI_LCC
from mapapp.layers import load_layer
from mapapp.screening import Waters, load_waters, screen

SIDE_M = 400.0  # 16 ha
LON0, LAT0 = 116.0, 28.5


@pytest.fixture(scope="module")
def river() -> Waters:
    """A straight north-south river centreline, exact (accuracy 0)."""
    line = LineString([(LON0, 28.0), (LON0, 29.0)])
    return Waters(gpd.GeoDataFrame({"id": ["r"], "name_zh": ["直河"], "accuracy_m": [0.0]}, geometry=[line], crs=4326),
                  scope="test")


def park(distance_m: float, side_m: float = SIDE_M) -> Polygon:
    """A square park east of the river whose west edge runs `distance_m` from it (geodesically)."""
    _, north, _ = GEOD.fwd(LON0, LAT0, 0, side_m)
    corners = []
    for lat in (LAT0, north):
        west = GEOD.fwd(LON0, lat, 90, distance_m)[:2]
        east = GEOD.fwd(LON0, lat, 90, distance_m + side_m)[:2]
        corners.append((west, east))
    (sw, se), (nw, ne) = corners
    return Polygon([sw, se, ne, nw, sw])


def metric(geom: shapely.Geometry) -> shapely.Geometry:
    return gpd.GeoSeries([geom], crs=4326).to_crs(JIANGXI_LCC).iloc[0]


@pytest.mark.parametrize("distance_m", [0.0, 150.0, 500.0, 800.0, 999.0, 1300.0, 2500.0])
def test_a_16_ha_park_overlap_and_farthest_point_match_the_hand_worked_strip(river: Waters, distance_m: float) -> None:
    area = metric(park(distance_m))
    expected_ha = SIDE_M * float(np.clip(1000.0 - distance_m, 0, SIDE_M)) / 1e4
    got = overlap(area, river, 1000.0)
    assert got.hectares == pytest.approx(expected_ha, rel=0.01, abs=0.01)
    assert got.share == pytest.approx(expected_ha / 16.0, rel=0.01, abs=0.001)
    far = farthest(area, river)
    assert far.distance_m == pytest.approx(distance_m + SIDE_M, abs=1.5)
    assert far.distance_m <= far.bound_m <= far.distance_m + 4.0  # twice the 2 m tolerance


@pytest.mark.parametrize(("distance_m", "boundary", "range_"), [
    (300.0, "within", "within"),  # farthest point 700 m
    (800.0, "within", "uncertain"),  # part within, part beyond
    (1100.0, "outside", "outside"),
])
def test_boundary_is_within_when_any_part_is_and_a_range_only_when_all_is(
        river: Waters, distance_m: float, boundary: str, range_: str) -> None:
    sites = gpd.GeoDataFrame({"location_kind": ["boundary", "range"]}, geometry=[park(distance_m)] * 2, crs=4326)
    out = screen(sites, waters=river, threshold_m=1000.0)
    assert list(out["verdict"].astype(str)) == [boundary, range_]
    assert out["distance_m"].iloc[0] == pytest.approx(distance_m, abs=1.0)
    assert out["max_distance_m"].iloc[0] == pytest.approx(distance_m + SIDE_M, abs=1.5)


def test_accuracies_widen_the_area_verdicts(river: Waters) -> None:
    sites = gpd.GeoDataFrame({"location_kind": ["boundary", "range"], "uncertainty_m": [250.0, 250.0]},
                             geometry=[park(800.0), park(300.0)], crs=4326)
    out = screen(sites, waters=river, threshold_m=1000.0)
    # 800 + 250 > 1000 and 800 - 250 <= 1000; the range's farthest point 700 + 250 <= 1000 still holds.
    assert list(out["verdict"].astype(str)) == ["uncertain", "within"]


def test_points_have_no_area_figures(river: Waters) -> None:
    east = GEOD.fwd(LON0, LAT0, 90, 600.0)[:2]
    out = screen(gpd.GeoDataFrame(geometry=[shapely.Point(east)], crs=4326), waters=river, threshold_m=1000.0)
    assert out["distance_m"].iloc[0] == pytest.approx(600.0, abs=1.0)
    assert out[["max_distance_m", "overlap_ha", "overlap_share"]].isna().all(axis=None)


def test_a_park_in_several_plots_adds_up_its_plots(river: Waters) -> None:
    plots = shapely.MultiPolygon([park(200.0), park(2000.0)])
    got = overlap(metric(plots), river, 1000.0)
    assert got.hectares == pytest.approx(16.0, rel=0.01)  # all of the near plot, none of the far one
    assert got.share == pytest.approx(0.5, rel=0.01)
    assert farthest(metric(plots), river).distance_m == pytest.approx(2400.0, abs=2.5)


def test_farthest_point_of_a_real_county_agrees_with_a_dense_grid() -> None:
    waters = load_waters(scope="jiangxi")
    county = load_layer("counties").to_crs(JIANGXI_LCC).set_index("name_zh").loc["安义县", "geometry"]
    far = farthest(county, waters)
    x0, y0, x1, y1 = county.bounds
    xs, ys = np.meshgrid(np.arange(x0, x1, 250.0), np.arange(y0, y1, 250.0))
    inside = shapely.contains_xy(county, xs.ravel(), ys.ravel())
    grid, _ = waters.distance_xy(xs.ravel()[inside], ys.ravel()[inside])
    # The grid misses the true maximum by at most half a cell diagonal; the search never overshoots it.
    assert grid.max() <= far.bound_m
    assert far.distance_m >= grid.max() - 0.5 * 250.0 * np.sqrt(2)


def test_land_within_keeps_the_water_surface(river: Waters) -> None:
    """A park astride the river is within 0 m of it in the middle: all of it counts."""
    sw, ne = GEOD.fwd(LON0, LAT0, 270, 200.0)[:2], GEOD.fwd(LON0, LAT0 + 0.003, 90, 200.0)[:2]
    astride = metric(shapely.box(sw[0], sw[1], ne[0], ne[1]))
    assert land_within(astride, river, 1000.0).area == pytest.approx(astride.area, rel=1e-6)


def test_a_county_range_far_from_the_rule_waters_is_outside() -> None:
    waters = load_waters(scope="yangtze")
    counties = load_layer("counties")
    far_south = counties[counties["name_zh"] == "龙南市"]
    sites = far_south.assign(location_kind="range")[["location_kind", "geometry"]]
    out = screen(sites, waters=waters, threshold_m=1000.0)
    assert out["verdict"].astype(str).iloc[0] == "outside"
    assert out["overlap_ha"].iloc[0] == 0
