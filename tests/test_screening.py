"""The screening engine on hand-made waters: exact distances, verdicts, scopes, sites of every type."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Proj, Transformer
from shapely.geometry import LineString, Point, Polygon, box

from mapapp import screening, shoreline_index
from mapapp._errors import DataFileError
from mapapp.geo import GEOD, JIANGXI_LCC
from mapapp.ground import inv_scale
from mapapp.layers import get_spec
from mapapp.screening import (
    Region,
    Waters,
    load_region,
    load_waters,
    restriction_zone,
    screen,
    screen_lonlat,
    verdicts,
)

FIXTURES = Path(__file__).parent / "fixtures" / "screening"
WATERS_FILE = FIXTURES / "waters.geojson"
NORULES_FILE = FIXTURES / "waters_norules.geojson"

_spec = importlib.util.spec_from_file_location("screening_fixtures", FIXTURES / "make_fixtures.py")
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)

TO_LL = Transformer.from_crs(JIANGXI_LCC, 4326, always_xy=True)
TO_XY = Transformer.from_crs(4326, JIANGXI_LCC, always_xy=True)


def tolerance(d: float) -> float:
    """The promised agreement with geodesic distances: 1 m + 0.1%."""
    return 1.0 + 0.001 * d


@pytest.fixture(scope="module")
def waters() -> Waters:
    return load_waters(scope="jiangxi", path=WATERS_FILE)


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region()


def place(foot_xy: tuple[float, float], normal: tuple[float, float], distance_m: float) -> tuple[float, float]:
    """Lon/lat of the point `distance_m` ground metres from a bank point along the bank's normal.

    The projection is conformal, so the plane normal at the foot is the ground normal there; the
    point is then placed by the geodesic forward problem, independent of the engine.
    """
    fx, fy = foot_xy
    lon0, lat0 = TO_LL.transform(fx, fy)
    lon1, lat1 = TO_LL.transform(fx + normal[0], fy + normal[1])
    azimuth, _, _ = GEOD.inv(lon0, lat0, lon1, lat1)
    lon, lat, _ = GEOD.fwd(lon0, lat0, azimuth, distance_m)
    return lon, lat


def points(lonlat: list[tuple[float, float]], **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=[Point(p) for p in lonlat], crs=4326)


# Banks of the fixture waters: (name, foot in plane metres, outward normal, nearest water id).
BANKS = [
    ("lake east bank", (10_000, 155_000), (1, 0), "fx_lake"),
    ("lake south bank", (5_000, 150_000), (0, -1), "fx_lake"),
    ("island east shore, on the island", (6_000, 155_000), (-1, 0), "fx_lake"),
    ("yangtze south bank", (0, 170_000), (0, -1), "fx_yangtze"),
    ("yangtze north bank", (10_000, 172_000), (0, 1), "fx_yangtze"),
    ("river centreline, east side", (-20_000, 140_000), (1, 0), "fx_river"),
    ("river centreline, west side", (-20_000, 140_000), (-1, 0), "fx_river"),
]


DISTANCES = [(900.0, "within"), (1100.0, "outside"), (999.0, "within"), (1001.0, "outside"), (250.0, "within")]
# The island is 2 km wide: more than 1 km in from one shore, the far shore is nearer.
VERDICT_CASES = [(*bank, *dv) for bank in BANKS for dv in DISTANCES if not (bank[0].startswith("island") and dv[0] > 950)]


@pytest.mark.parametrize(("name", "foot", "normal", "water_id", "distance", "verdict"), VERDICT_CASES,
                         ids=[f"{c[0]}-{c[4]:g}m" for c in VERDICT_CASES])
def test_verdict_at_known_geodesic_distance(waters, name, foot, normal, water_id, distance, verdict):
    out = screen(points([place(foot, normal, distance)]), waters=waters, threshold_m=1000)
    assert out.distance_m.iloc[0] == pytest.approx(distance, abs=0.05)
    assert out.verdict.iloc[0] == verdict
    assert out.nearest_water_id.iloc[0] == water_id


def test_threshold_is_any_positive_value(waters):
    sites = points([place((10_000, 155_000), (1, 0), d) for d in (4_900, 5_100)])
    out = screen(sites, waters=waters, threshold_m=5000)
    assert list(out.verdict) == ["within", "outside"]


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), "abc"])
def test_bad_threshold_is_refused_with_its_value(waters, bad):
    with pytest.raises(ValueError, match="threshold"):
        screen(points([(116.0, 28.7)]), waters=waters, threshold_m=bad)


def test_inside_water_is_distance_zero(waters):
    lake_centre = TO_LL.transform(2_000, 152_000)
    channel = TO_LL.transform(0, 171_000)
    out = screen(points([lake_centre, channel]), waters=waters)
    assert list(out.distance_m) == [0.0, 0.0]
    assert list(out.nearest_water) == ["测试湖", "测试长江"]
    assert list(out.verdict) == ["within", "within"]


def test_point_on_the_shoreline_is_zero(waters):
    on_bank = TO_LL.transform(10_000, 153_000)
    on_river = TO_LL.transform(-20_000, 150_000)
    out = screen(points([on_bank, on_river]), waters=waters)
    assert out.distance_m.to_numpy() == pytest.approx([0.0, 0.0], abs=0.02)


def test_island_is_land_not_water(waters):
    island_centre = TO_LL.transform(5_000, 155_000)
    out = screen(points([island_centre]), waters=waters)
    assert out.distance_m.iloc[0] == pytest.approx(1_000, rel=0.001)  # 1 km to the island's shore
    assert out.nearest_water_id.iloc[0] == "fx_lake"


@pytest.mark.parametrize(("distance", "uncertainty", "verdict"), [
    (900, 0, "within"), (900, 50, "within"), (900, 100, "within"),  # d + u <= T is within
    (900, 150, "uncertain"), (1100, 150, "uncertain"), (1100, 100, "uncertain"),  # d - u <= T < d + u
    (1100, 50, "outside"), (5000, 4500, "uncertain"), (5000, 3000, "outside"),
])
def test_uncertain_when_the_uncertainty_straddles_the_threshold(waters, distance, uncertainty, verdict):
    site = points([place((10_000, 155_000), (1, 0), distance)], uncertainty_m=[uncertainty])
    assert screen(site, waters=waters).verdict.iloc[0] == verdict


def test_verdicts_boundaries_are_exact():
    d = np.array([1000.0, 1000.0, 999.0, 1001.0, np.nan])
    u = np.array([0.0, 1.0, 1.0, 1.0, 0.0])
    assert list(verdicts(d, 1000, u)) == ["within", "uncertain", "within", "uncertain", "invalid"]


def test_bad_uncertainty_is_reported_not_guessed(waters):
    site = points([(116.0, 28.7)] * 3, uncertainty_m=["-5", "abc", ""])
    out = screen(site, waters=waters)
    assert list(out.verdict[:2]) == ["invalid", "invalid"]
    assert list(out.error[:2]) == ["uncertainty_m must be a number >= 0, got '-5'",
                                   "uncertainty_m must be a number >= 0, got 'abc'"]
    assert out.verdict.iloc[2] != "invalid"  # blank means no uncertainty
    numeric = screen(points([(116.0, 28.7)], uncertainty_m=[-5.0]), waters=waters)
    assert numeric.error.iloc[0] == "uncertainty_m must be a number >= 0, got -5.0"


def test_polygon_and_line_sites(waters):
    metric = gpd.GeoSeries([
        box(11_500, 154_000, 12_500, 156_000),  # 1.5 km east of the lake's east bank
        box(9_000, 154_000, 11_000, 156_000),  # straddles the east bank
        box(15_000, 100_000, 16_000, 101_000),  # far south
        LineString([(-25_000, 140_000), (-15_000, 140_000)]),  # crosses the river centreline
        LineString([(-17_000, 130_000), (-17_000, 135_000)]),  # 3 km east of the river
        box(-30_000, 100_000, 40_000, 200_000),  # contains everything
    ], crs=JIANGXI_LCC)
    out = screen(gpd.GeoDataFrame({"n": range(6)}, geometry=metric.to_crs(4326)), waters=waters)
    expected_far = [(11_500, 155_000, 10_000, 155_000), (-17_000, 132_000, -20_000, 132_000)]
    truth = []
    for x0, y0, x1, y1 in expected_far:
        (a, b), (c, d) = TO_LL.transform(x0, y0), TO_LL.transform(x1, y1)
        truth.append(GEOD.inv(a, b, c, d)[2])
    assert out.distance_m.iloc[0] == pytest.approx(truth[0], abs=tolerance(truth[0]))
    assert out.distance_m.iloc[4] == pytest.approx(truth[1], abs=tolerance(truth[1]))
    assert out.distance_m.iloc[0] == pytest.approx(truth[0], abs=0.1)  # in fact much closer
    assert list(out.distance_m.iloc[[1, 3, 5]]) == [0.0, 0.0, 0.0]
    assert list(out.verdict) == ["outside", "within", "outside", "within", "outside", "within"]
    assert out.nearest_water_id.iloc[3] == "fx_river"


def test_sites_in_a_projected_crs_are_accepted(waters):
    lonlat = place((10_000, 155_000), (1, 0), 700)
    metric = points([lonlat]).to_crs(JIANGXI_LCC)
    assert screen(metric, waters=waters).distance_m.iloc[0] == pytest.approx(700, abs=0.05)


def test_agrees_with_geodesic_distances(waters):
    """Against an independent brute force: geodesic distance to the shoreline sampled every 2 m."""
    rng = np.random.default_rng(7)
    x = rng.uniform(-40_000, 40_000, 150)
    y = rng.uniform(110_000, 200_000, 150)
    lon, lat = TO_LL.transform(x, y)
    out = screen(points(list(zip(lon, lat))), waters=waters)
    shore = shapely.segmentize(shapely.MultiLineString([
        *[fixtures.LAKE.exterior, *fixtures.LAKE.interiors], fixtures.YANGTZE.exterior, fixtures.RIVER,
    ]), 2.0)
    sx, sy = shapely.get_coordinates(shore).T
    slon, slat = TO_LL.transform(sx, sy)
    water = shapely.union_all([fixtures.LAKE, fixtures.YANGTZE])
    checked = 0
    for i in range(len(x)):
        if water.contains(Point(x[i], y[i])):
            assert out.distance_m.iloc[i] == 0.0
            continue
        plane = np.hypot(sx - x[i], sy - y[i])
        near = plane <= plane.min() + 200
        truth = GEOD.inv(np.full(near.sum(), lon[i]), np.full(near.sum(), lat[i]), slon[near], slat[near])[2].min()
        assert abs(out.distance_m.iloc[i] - truth) <= tolerance(truth)
        assert abs(out.distance_m.iloc[i] - truth) <= 0.05  # sampling error plus 1e-7 degree rounding
        checked += 1
    assert checked > 100


@pytest.fixture(params=["compiled", "numpy"])
def nearest_path(request, monkeypatch) -> str:
    """Each nearest-shoreline test runs on both paths: the compiled walk and the numpy vertex tree."""
    if request.param == "numpy":
        monkeypatch.setattr(shoreline_index, "_nearest", None)
    return request.param


@pytest.mark.parametrize("block", [65_536, 256])  # one block; many blocks in threads
def test_nearest_is_exact_against_geos_including_the_fallback(monkeypatch, block, nearest_path):
    """The nearest search must equal GEOS's brute nearest distance, also where many vertices are
    equidistant (the centre of a circle forces the numpy path's second pass and its GEOS fallback)."""
    monkeypatch.setattr(shoreline_index, "_BLOCK", block)
    ring = shapely.Point(0, 100_000).buffer(3_000, quad_segs=256).exterior  # a river loop, 1024 vertices
    zigzag = LineString([(x, 90_000 + (x % 200)) for x in range(-5_000, 5_001, 100)])
    frame = gpd.GeoDataFrame({"id": ["loop", "zig"], "name_zh": ["环", "锯齿"]}, geometry=[ring, zigzag],
                             crs=JIANGXI_LCC).to_crs(4326)
    w = Waters(frame, scope="test", source={"sha256": "0"})
    rng = np.random.default_rng(3)
    px = np.r_[0.0, 0.3, rng.uniform(-8_000, 8_000, 3_000)]
    py = np.r_[100_000.0, 100_000.2, rng.uniform(85_000, 105_000, 3_000)]
    dist, _, qx, qy = w.shore.nearest_xy(px, py)
    shoreline = shapely.MultiLineString(list(w.metric))  # the plane geometry the index was built from
    geos = shapely.distance(shoreline, shapely.points(px, py))
    assert np.max(np.abs(dist - geos)) < 1e-6
    assert np.max(np.abs(np.hypot(qx - px, qy - py) - dist)) < 1e-6


def test_scale_correction_matches_pyproj():
    lon = np.random.default_rng(1).uniform(113.5, 118.5, 500)
    lat = np.random.default_rng(2).uniform(24.5, 30.1, 500)
    x, y = TO_XY.transform(lon, lat)
    k = np.asarray(Proj(JIANGXI_LCC).get_factors(lon, lat).meridional_scale)
    assert np.max(np.abs(inv_scale(x, y) - 1 / k)) < 1e-9


def test_scope_selection():
    lake_point = TO_LL.transform(2_000, 152_000)
    jiangxi = screen(points([lake_point]), waters=load_waters(scope="jiangxi", path=WATERS_FILE))
    yangtze_waters = load_waters(scope="yangtze", path=WATERS_FILE)
    yangtze = screen(points([lake_point]), waters=yangtze_waters)
    assert jiangxi.nearest_water_id.iloc[0] == "fx_lake" and jiangxi.distance_m.iloc[0] == 0
    assert yangtze.nearest_water_id.iloc[0] == "fx_yangtze"
    assert yangtze.distance_m.iloc[0] == pytest.approx(18_000 / 0.9993, rel=0.002)  # 18 km in the plane
    assert list(yangtze_waters.ids) == ["fx_yangtze"]


def test_unknown_scope_is_refused():
    with pytest.raises(ValueError, match="'rivers'.*jiangxi, yangtze"):
        load_waters(scope="rivers", path=WATERS_FILE)


def test_custom_waters_without_rule_groups_use_every_feature():
    w = load_waters(scope="yangtze", path=NORULES_FILE)
    assert len(w.features) == 3
    assert "no rule_groups" in w.source["selection"]
    out = screen(points([TO_LL.transform(2_000, 152_000)]), waters=w)
    assert out.nearest_water_id.iloc[0] == "fx_lake"


def test_missing_waters_file_is_a_clear_error(tmp_path):
    with pytest.raises(DataFileError, match="not found"):
        load_waters(path=tmp_path / "nope.geojson")


def test_results_record_the_rule_and_the_water_data(waters):
    out = screen(points([(116.0, 28.7)]), waters=waters, threshold_m=5000)
    info = out.attrs["screening"]
    sha = hashlib.sha256(WATERS_FILE.read_bytes()).hexdigest()
    assert info["scope"] == "jiangxi" and info["threshold_m"] == 5000
    assert info["files"] == [{"file": str(WATERS_FILE), "sha256": sha}]
    assert out.rule.iloc[0].startswith("jiangxi 5000 m; waters sha256:")
    assert "centreline" in info["distance"]


def test_invalid_and_missing_geometries_are_reported(waters):
    bowtie = Polygon([(116.0, 28.7), (116.01, 28.71), (116.01, 28.7), (116.0, 28.71)])
    sites = gpd.GeoDataFrame({"n": [1, 2, 3, 4]}, geometry=[bowtie, None, Point(), Point(116.0, 28.7)], crs=4326)
    out = screen(sites, waters=waters)
    assert list(out.verdict[:3]) == ["invalid"] * 3
    assert out.error.iloc[0].startswith("invalid geometry: Self-intersection")
    assert out.error.iloc[1] == out.error.iloc[2] == "missing geometry"
    assert out.error.iloc[3] is None and np.isnan(out.distance_m.iloc[0])
    assert list(out.n) == [1, 2, 3, 4]  # rows kept, in order


def test_outside_the_region_is_invalid_with_the_distance(waters, region):
    wuhan = (114.30, 30.59)
    out = screen(points([wuhan, (116.0, 28.7)]), waters=waters, region=region)
    assert out.verdict.iloc[0] == "invalid"
    assert out.error.iloc[0].startswith("outside Jiangxi (") and "km from the boundary" in out.error.iloc[0]
    assert out.verdict.iloc[1] != "invalid"


def test_region_tolerance_keeps_points_just_outside(waters, region):
    """A point 200 m outside the province boundary is kept (boundary accuracy), one > 1 km out is not."""
    province = shapely.transform(region.geometry, lambda x, y: TO_XY.transform(x, y), interleaved=False)
    edge = province.boundary.interpolate(0.37, normalized=True)
    found = []
    for angle in np.linspace(0, 2 * np.pi, 72, endpoint=False):
        near = Point(edge.x + 200 * np.cos(angle), edge.y + 200 * np.sin(angle))
        far = Point(edge.x + 3000 * np.cos(angle), edge.y + 3000 * np.sin(angle))
        if not province.contains(near) and province.distance(far) > 1000:
            found = [near, far]
            break
    assert found, "no outward direction found"
    lonlat = [TO_LL.transform(p.x, p.y) for p in found]
    out = screen_lonlat(np.array([p[0] for p in lonlat]), np.array([p[1] for p in lonlat]), waters=waters,
                        region=region)
    assert out.error[0] is None
    assert out.error[1].startswith("outside Jiangxi (")


def test_region_tolerance_is_the_exact_distance_from_the_boundary(region):
    """Outside the province, a point counts as in it up to 500 m (plane, JIANGXI_LCC) from its
    boundary, exactly: no buffer polygon whose arcs cut corners."""
    province = shapely.transform(region.geometry, lambda x, y: TO_XY.transform(x, y), interleaved=False)
    rng = np.random.default_rng(17)
    feet = shapely.line_interpolate_point(province.boundary, rng.uniform(0, 1, 4000), normalized=True)
    x = shapely.get_x(feet) + rng.uniform(-700, 700, 4000)
    y = shapely.get_y(feet) + rng.uniform(-700, 700, 4000)
    distance = shapely.distance(province.boundary, shapely.points(x, y))
    inside = shapely.contains_xy(province, x, y)
    clear = np.abs(distance - 500) > 1e-6
    expected = ~inside & (distance > 500)
    assert np.array_equal(region.outside_xy(x, y)[clear], expected[clear])
    assert expected.sum() > 200 and (~inside & ~expected).sum() > 200  # both sides of the band are tested


def test_restriction_zone_is_the_land_within_the_distance(waters):
    zone = restriction_zone(waters, distance_m=1000)
    assert zone.crs.to_epsg() == 4326 and len(zone) == 1
    geom = zone.geometry.iloc[0]
    inside = Point(place((10_000, 155_000), (1, 0), 990))
    outside = Point(place((10_000, 155_000), (1, 0), 1010))
    lake = Point(TO_LL.transform(2_000, 152_000))
    island = Point(TO_LL.transform(5_000, 155_000))
    assert geom.contains(inside) and not geom.contains(outside)
    assert not geom.contains(lake)  # water is not land
    assert geom.contains(island) or geom.touches(island)  # the island is land within 1 km
    assert zone.distance_m.iloc[0] == 1000 and zone.scope.iloc[0] == "jiangxi"


def test_build_zones_script_on_fixtures(tmp_path):
    spec = importlib.util.spec_from_file_location("build_zones", Path(__file__).parent.parent / "scripts" / "build_zones.py")
    build_zones = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_zones)
    first = build_zones.build(tmp_path / "a", waters_path=WATERS_FILE)
    second = build_zones.build(tmp_path / "b", waters_path=WATERS_FILE)
    names = sorted(p.relative_to(tmp_path / "a").as_posix() for p in first)
    assert names == sorted(f"{d}restriction_{s}_{m}m.geojson" for d in ("", "display/")
                           for s in ("jiangxi", "yangtze") for m in (1000, 5000))
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()  # deterministic
    for path in first:
        zone = gpd.read_file(path)
        assert len(zone) == 1 and zone.geometry.iloc[0].is_valid
        if "display" in path.parts:
            assert path.stat().st_size < 300_000
    yangtze = gpd.read_file(tmp_path / "a" / "restriction_yangtze_1000m.geojson").geometry.iloc[0]
    assert yangtze.contains(Point(place((0, 170_000), (0, -1), 990)))
    assert not yangtze.contains(Point(place((10_000, 155_000), (1, 0), 500)))  # near the lake only


@pytest.mark.parametrize(("lon", "lat"), [(0.0, -90.0), (-100.0, 40.0), (116.0, -89.99), (2.35, 48.85)])
def test_points_far_from_jiangxi_are_not_given_meaningless_distances(waters, region, lon, lat):
    alone = screen_lonlat(np.array([lon]), np.array([lat]), waters=waters)
    assert alone.error[0].startswith("too far from Jiangxi to measure") and np.isnan(alone.distance_m[0])
    bounded = screen_lonlat(np.array([lon]), np.array([lat]), waters=waters, region=region)
    assert bounded.error[0] == "outside Jiangxi (hundreds of km away)"


def test_out_of_range_coordinates_are_reported(waters):
    out = screen_lonlat(np.array([200.0, 116.0]), np.array([28.0, 95.0]), waters=waters)
    assert list(out.error) == ["coordinates out of range (lon=200, lat=28)", "coordinates out of range (lon=116, lat=95)"]


# --- the packaged waters (skipped until data/base/water_areas.geojson and river_lines.geojson exist) ---

PACKAGED = [get_spec(i).path() for i in ("water_areas", "river_lines")]
needs_packaged = pytest.mark.skipif(not all(p.exists() for p in PACKAGED), reason="packaged water layers not built yet")


@pytest.fixture(scope="module")
def packaged() -> dict[str, Waters]:
    return {scope: load_waters(scope=scope) for scope in ("jiangxi", "yangtze")}


@needs_packaged
def test_packaged_scopes(packaged):
    jiangxi, yangtze = packaged["jiangxi"], packaged["yangtze"]
    names = {n.split("（")[0] for n in jiangxi.names}  # 长江（江西段） -> 长江
    assert {"长江", "鄱阳湖", "赣江", "抚河", "信江", "饶河", "修河"} <= names
    assert {n.split("（")[0] for n in yangtze.names} == {"长江"}
    assert all("yangtze" in g.split(",") for g in yangtze.features.properties["rule_groups"])
    assert [f["file"] for f in jiangxi.source["files"]] == ["base/water_areas.geojson", "base/river_lines.geojson"]


@needs_packaged
def test_packaged_inside_water_and_far_away(packaged, region):
    jiangxi = packaged["jiangxi"]
    lake = jiangxi.features.geometry[list(jiangxi.names).index("鄱阳湖")].representative_point()
    ganzhou = Point(114.93, 25.83)
    out = screen(points([(lake.x, lake.y), (ganzhou.x, ganzhou.y)]), waters=packaged["yangtze"], region=region)
    assert out.nearest_water.iloc[1].startswith("长江") and out.distance_m.iloc[1] > 300_000
    assert out.verdict.iloc[1] == "outside"
    inside = screen(points([(lake.x, lake.y)]), waters=jiangxi, region=region)
    assert inside.distance_m.iloc[0] == 0 and inside.nearest_water.iloc[0] == "鄱阳湖"


@needs_packaged
def test_packaged_distances_agree_with_geodesics(packaged):
    """Brute force on the real shoreline: geodesic distance to its vertices and 20 m samples."""
    w = packaged["jiangxi"]
    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(114.5, 117.5, 40), rng.uniform(26.0, 29.8, 40)
    out = screen(points(list(zip(lon, lat))), waters=w)
    shore = shapely.segmentize(shapely.MultiLineString(list(shapely.get_parts(shapely.get_parts(
        np.where(np.isin(shapely.get_type_id(w.metric), (3, 6)), shapely.boundary(w.metric), w.metric))))), 20.0)
    sx, sy = shapely.get_coordinates(shore).T
    slon, slat = TO_LL.transform(sx, sy)
    x, y = TO_XY.transform(lon, lat)
    for i in range(len(lon)):
        if out.distance_m.iloc[i] == 0:
            continue
        plane = np.hypot(sx - x[i], sy - y[i])
        near = plane <= plane.min() + 500
        truth = GEOD.inv(np.full(near.sum(), lon[i]), np.full(near.sum(), lat[i]), slon[near], slat[near])[2].min()
        # 20 m sampling can overstate the truth by up to 10^2 / (2 d): within the promised tolerance
        assert abs(out.distance_m.iloc[i] - truth) <= tolerance(truth)


ZONES = Path(__file__).parent.parent / "data" / "zones"


@needs_packaged
@pytest.mark.skipif(not ZONES.exists(), reason="zones not built yet")
def test_committed_zones_match_the_current_water_files():
    current = [{"file": get_spec(i).file, "sha256": hashlib.sha256(get_spec(i).path().read_bytes()).hexdigest()}
               for i in ("water_areas", "river_lines")]
    for path in sorted(ZONES.rglob("restriction_*.geojson")):
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]
        assert meta["waters"]["files"] == current, f"{path.name} is stale: rerun scripts/build_zones.py"
        if "display" in path.parts:
            assert path.stat().st_size < 300_000


# --- a --waters file that cannot be a shoreline ---------------------------------------------------


@pytest.mark.parametrize(("layer", "fragment", "fragment_zh"), [
    ("counties", "its polygons cover 100% of Jiangxi", "覆盖了江西省 100% 的面积"),
    ("sites", "its polygons cover 100% of Jiangxi", "覆盖了江西省 100% 的面积"),  # ranges: whole counties
    ("site_points", "point feature(s); a shoreline file holds lines or polygons", "含有点要素"),
])
def test_waters_file_of_counties_or_sites_is_refused(layer, fragment, fragment_zh, tmp_path):
    if layer == "site_points":
        path = tmp_path / "site_points.geojson"
        sites = gpd.read_file(get_spec("sites").path()).dropna(subset=["geometry"])
        sites.set_geometry(sites.geometry.representative_point()).to_file(path, driver="GeoJSON")
    else:
        path = get_spec(layer).path()
    with pytest.raises(DataFileError) as info:
        load_waters(path=path)
    assert fragment in str(info.value) and info.value.args[0].startswith(path.name)
    assert fragment_zh in info.value.args[0].zh


def test_waters_file_of_real_waters_is_accepted():
    assert len(load_waters(path=get_spec("water_areas").path()).features) > 0  # polygons, 1.5% of Jiangxi
    assert len(load_waters(path=get_spec("river_lines").path()).features) > 0  # lines are always fine


@pytest.mark.parametrize("layer", ["counties", "sites"])
def test_screen_command_refuses_such_waters_in_one_line(tmp_path, capsys, layer):
    from mapapp.cli import main

    (tmp_path / "s.csv").write_text("name,lon,lat\na,115.89,28.68\n", encoding="utf-8")
    code = main(["screen", str(tmp_path / "s.csv"), "--out", str(tmp_path / "o.csv"), "--waters",
                 str(get_spec(layer).path())])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("mapapp: error: ") and err.count("\n") == 1
    assert not (tmp_path / "o.csv").exists()


# --- the shoreline's own accuracy ------------------------------------------------------------------


def _bank_and_points(distances: list[float]) -> tuple[gpd.GeoDataFrame, np.ndarray, np.ndarray]:
    """A straight bank (a polygon's edge at y = 100 km, accuracy 500 m) and points at ground distances."""
    lake = gpd.GeoDataFrame({"id": ["lake"], "name_zh": ["湖"], "accuracy_m": [500]},
                            geometry=[box(-20_000, 100_000, 20_000, 120_000)], crs=JIANGXI_LCC).to_crs(4326)
    xy = gpd.GeoSeries([Point(0, 100_000 - d) for d in distances], crs=JIANGXI_LCC).to_crs(4326)
    return lake, xy.x.to_numpy(), xy.y.to_numpy()


def test_the_shoreline_accuracy_widens_the_verdict():
    lake, lon, lat = _bank_and_points([300.0, 600.0, 1_600.0])
    waters = Waters(lake, scope="test", source={"sha256": "0"})
    assert list(screen_lonlat(lon, lat, waters=waters).verdict) == ["within", "uncertain", "outside"]
    exact = Waters(lake, scope="test", source={"sha256": "0"}, shoreline_accuracy_m=0.0)
    assert list(screen_lonlat(lon, lat, waters=exact).verdict) == ["within", "within", "outside"]
    no_column = Waters(lake.drop(columns="accuracy_m"), scope="test", source={"sha256": "0"})  # a user's file: exact
    assert list(screen_lonlat(lon, lat, waters=no_column).verdict) == ["within", "within", "outside"]


def test_the_packaged_waters_carry_their_accuracy():
    waters = load_waters()
    accuracy = dict(zip(waters.names, waters.accuracy))
    assert accuracy["鄱阳湖"] == 500 and accuracy["赣江"] == 1000
    assert screening.uncertain_reasons(1_068.0, 1_000.0, 0.0, 500.0) == ["shoreline"]
    assert screening.uncertain_reasons(5_000.0, 1_000.0, 30_000.0, 500.0) == ["location"]
    # A unit only partly within says so; one wholly beyond or with no farthest point falls back.
    assert screening.uncertain_reasons(0.0, 1_000.0, 0.0, 500.0, unit_farthest_m=48_843.0) == ["range"]
    assert screening.uncertain_reasons(1_068.0, 1_000.0, 0.0, 500.0, unit_farthest_m=float("nan")) == ["shoreline"]


def test_the_cli_takes_a_shoreline_accuracy(tmp_path, capsys):
    from mapapp.cli import main

    lake, lon, lat = _bank_and_points([600.0])
    lake.to_file(tmp_path / "w.geojson", engine="pyogrio")
    (tmp_path / "s.csv").write_text(f"name,lon,lat\na,{lon[0]:.8f},{lat[0]:.8f}\n", encoding="utf-8")
    for accuracy, verdict in (([], "uncertain"), (["--shoreline-accuracy", "0"], "within")):
        code = main(["screen", str(tmp_path / "s.csv"), "--out", str(tmp_path / "o.csv"), "--waters",
                     str(tmp_path / "w.geojson"), *accuracy])
        assert code == 0, capsys.readouterr().err
        assert pd.read_csv(tmp_path / "o.csv", encoding="utf-8-sig")["verdict"][0] == verdict


def test_equally_near_waters_resolve_to_the_first_listed_whatever_the_batch(nearest_path):
    """A point as near to two rivers as to the vertex they share (a confluence) takes the first
    river in the file, alone or among many points: ties do not depend on the tree's order."""
    first = LineString([(-20_000, 100_000), (0, 100_000)])
    second = LineString([(0, 100_000), (0, 120_000)])
    frame = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[first, second], crs=JIANGXI_LCC).to_crs(4326)
    w = Waters(frame, scope="test", source={"sha256": "0"})
    wedge = np.arange(1.0, 3_000.0, 1.0)  # (t, 100000 - t): equally near both, through the shared vertex
    rng = np.random.default_rng(5)
    px = np.r_[wedge, rng.uniform(-20_000, 20_000, 20_000)]
    py = np.r_[100_000.0 - wedge, rng.uniform(80_000, 120_000, 20_000)]
    _, feature, _, _ = w.shore.nearest_xy(px, py)
    assert (feature[: len(wedge)] == 0).all()
    alone = [int(w.shore.nearest_xy(px[i:i + 1], py[i:i + 1])[1][0]) for i in range(0, len(wedge), 97)]
    assert alone == [0] * len(alone)
