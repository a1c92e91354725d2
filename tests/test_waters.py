"""The regulated-water layers built by scripts/build_waters.py from GSHHG 2.3.7 (gmt not needed here).

Reads only the committed files data/base/water_areas.geojson and data/base/river_lines.geojson
(and the province boundary to check the placement). A missing or corrupt file fails every test
that uses it: mapapp.storage.read_geojson raises DataFileError.
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, Point, box

from mapapp.geo import JIANGXI_LCC, geodesic_area_km2, geodesic_length_km
from mapapp.paths import DATA_DIR
from mapapp.storage import read_geojson

BASE = DATA_DIR / "base"
AREAS = BASE / "water_areas.geojson"
LINES = BASE / "river_lines.geojson"

AREA_IDS = {"yangtze_jiangxi": "长江（江西段）", "poyang_lake": "鄱阳湖"}
MAIN_STEMS = {"gan_jiang": "赣江", "fu_he": "抚河", "xin_jiang": "信江", "rao_he": "饶河", "xiu_he": "修河"}
BRANCHES = {"rao_he_chang_jiang": "昌江（饶河北支）"}
REQUIRED = ("id", "name_zh", "name_en", "kind", "rule_groups", "source", "accuracy_m", "method")

# Geodesic lengths measured on the build of GSHHG 2.3.7 (km), with generous bands: the lines are
# WDBII centrelines (1:1M-class, generalised), so they run shorter than the official river
# lengths, and they start at the first waypoint town, not at the source.
#   gan_jiang 489.7 (赣州 -> 南昌 -> 吴城 -> lake; official 赣江 from 赣州 ~ 500+ km on the map)
#   fu_he 290.9, xin_jiang 283.3, rao_he 190.4, rao_he_chang_jiang 74.6, xiu_he 212.2
LENGTH_KM = {
    "gan_jiang": (430, 600), "fu_he": (240, 340), "xin_jiang": (240, 330),
    "rao_he": (160, 230), "rao_he_chang_jiang": (55, 100), "xiu_he": (180, 250),
}
# Towns each line must pass within 5 km of (independent of the build's waypoint table; approximate).
TOWNS = {
    "gan_jiang": [(114.93, 25.85), (114.99, 27.11), (115.54, 28.06), (115.89, 28.68)],  # 赣州 吉安 樟树 南昌
    "fu_he": [(116.53, 27.22), (116.64, 27.56), (116.36, 27.95)],  # 南丰 南城 抚州
    "xin_jiang": [(117.97, 28.45), (117.21, 28.29), (117.03, 28.24)],  # 上饶 贵溪 鹰潭
    "rao_he": [(117.86, 29.25), (117.13, 28.97)],  # 婺源 乐平
    "rao_he_chang_jiang": [(117.20, 29.29)],  # 景德镇
    "xiu_he": [(114.55, 29.03), (115.10, 29.26), (115.80, 29.02)],  # 修水 武宁 永修
}
# Where a line ends: at Poyang Lake, or on the line of the river it flows into.
ENDS_ON = {"gan_jiang": "lake", "xin_jiang": "lake", "rao_he": "lake",
           "fu_he": "xin_jiang", "xiu_he": "gan_jiang", "rao_he_chang_jiang": "rao_he"}


def metric(geom):
    return gpd.GeoSeries([geom], crs=4326).to_crs(JIANGXI_LCC).iloc[0]


@pytest.fixture(scope="module")
def areas() -> gpd.GeoDataFrame:
    return read_geojson(AREAS)


@pytest.fixture(scope="module")
def lines() -> gpd.GeoDataFrame:
    return read_geojson(LINES)


@pytest.fixture(scope="module")
def jiangxi():
    prov = read_geojson(BASE / "province.geojson")
    return prov.loc[prov["adcode"].astype(str) == "360000"].geometry.iloc[0]


def by_id(frame: gpd.GeoDataFrame) -> dict:
    return dict(zip(frame["id"], frame.geometry))


# --- files and attributes -------------------------------------------------------------------------

@pytest.mark.parametrize("path", [AREAS, LINES], ids=lambda p: p.name)
def test_file_reads_valid_wgs84(path: Path):
    info = pyogrio.read_info(path)
    assert info["features"] > 0
    frame = read_geojson(path)
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.notna().all() and not frame.geometry.is_empty.any()
    assert shapely.is_valid(frame.geometry.values).all()
    west, south, east, north = frame.total_bounds
    assert 113.4 <= west and east <= 118.6 and 24.4 <= south and north <= 30.2


def test_expected_features(areas, lines):
    assert dict(zip(areas["id"], areas["name_zh"])) == AREA_IDS
    assert dict(zip(lines["id"], lines["name_zh"])) == MAIN_STEMS | BRANCHES
    assert set(areas["kind"]) == {"river_channel", "lake"}
    assert set(lines["kind"]) == {"river_centerline"}
    assert set(areas.geom_type) <= {"Polygon", "MultiPolygon"}


@pytest.mark.parametrize("which", ["areas", "lines"])
def test_required_attributes(which, request):
    frame = request.getfixturevalue(which)
    for col in REQUIRED:
        assert col in frame.columns, col
    assert frame["id"].is_unique
    for col in ("id", "name_zh", "name_en", "kind", "source", "method"):
        assert frame[col].astype(str).str.strip().ne("").all(), col
    assert frame["id"].str.fullmatch(r"[a-z_]+").all()
    assert (frame["accuracy_m"] >= 100).all(), "GSHHG/WDBII are 1:250k-1:1M sources: hundreds of metres at best"
    assert frame["source"].str.contains("GSHHG 2.3.7 full").all()
    assert frame["source"].str.contains(r"gmt-gshhg-full \d", regex=True).all()


def test_rule_groups(areas, lines):
    both = pd.concat([areas[["id", "rule_groups"]], lines[["id", "rule_groups"]]], ignore_index=True)
    groups = {i: {g.strip() for g in str(v).split(",")} for i, v in zip(both["id"], both["rule_groups"])}
    assert groups["yangtze_jiangxi"] == {"yangtze", "jiangxi"}
    for fid in ["poyang_lake", *MAIN_STEMS]:
        assert groups[fid] == {"jiangxi"}, fid
    # the 昌江 branch is an interpretation of "饶河": in the jiangxi scope or none, never the Yangtze rule
    assert groups["rao_he_chang_jiang"] <= {"jiangxi", ""}


# --- polygons -------------------------------------------------------------------------------------

def test_yangtze_lies_along_jiangxi_north_edge(areas, jiangxi):
    yangtze = by_id(areas)["yangtze_jiangxi"]
    west, south, east, north = yangtze.bounds
    # 瑞昌 (Hubei border, ~115.5E) to past 彭泽 (Anhui border, ~116.75E)
    assert 115.3 <= west <= 115.6 and 116.6 <= east <= 116.9
    assert 29.5 <= south and north <= 30.2
    # the province boundary runs in the channel: most of the polygon is within 5 km of it
    y_m, ring_m = metric(yangtze), metric(jiangxi.boundary)
    assert y_m.distance(ring_m) == 0
    assert y_m.intersection(ring_m.buffer(5000)).area / y_m.area > 0.9
    # islands (江洲, 棉船洲 and smaller bars) are holes
    polys = list(getattr(yangtze, "geoms", [yangtze]))
    assert sum(len(p.interiors) for p in polys) >= 2
    # measured 521 km2 for ~150 km of channel (GSHHG's river-lake outline, islands excluded)
    assert 400 <= geodesic_area_km2(yangtze) <= 650


def test_jiangxi_side_yangtze_shoreline(areas, jiangxi):
    """Bank length on the Jiangxi side: the outer bank inside the province, minus the Hukou cut.

    The build reports 151.3 km for the south bank between its end cuts (official figure: 152 km);
    this simpler measure (the exterior ring inside the province, which also counts the southern
    halves of the two end cuts and a few km of north bank where the boundary follows it) gives
    about the same. Band: +/-15 %.
    """
    geoms = by_id(areas)
    yangtze, poyang = geoms["yangtze_jiangxi"], geoms["poyang_lake"]
    rings = [LineString(p.exterior.coords) for p in getattr(yangtze, "geoms", [yangtze])]
    bank = shapely.union_all(rings).difference(poyang.buffer(1e-5))  # drop the shared Hukou cut
    inside = bank.intersection(jiangxi)
    km = geodesic_length_km(inside)
    assert 130 <= km <= 175, km


def test_poyang_lake(areas, jiangxi):
    poyang = by_id(areas)["poyang_lake"]
    # GSHHG's generalised outline measures 2040 km2. The lake's real extent swings with the season
    # (from a few hundred km2 in winter droughts to over 4000 km2 in floods; 3283 km2 is quoted at
    # 21.71 m at Hukou), so only a broad band around the measured value is asserted.
    area = geodesic_area_km2(poyang)
    assert 1700 <= area <= 2500, area
    west, south, east, north = poyang.bounds
    assert 115.8 <= west and east <= 116.9 and 28.6 <= south and north <= 29.8
    assert metric(poyang).difference(metric(jiangxi)).area / metric(poyang).area < 0.02
    assert sum(len(p.interiors) for p in getattr(poyang, "geoms", [poyang])) >= 1


def test_yangtze_and_poyang_meet_only_at_hukou(areas):
    geoms = by_id(areas)
    yangtze, poyang = geoms["yangtze_jiangxi"], geoms["poyang_lake"]
    assert metric(yangtze).intersection(metric(poyang)).area < 1.0  # m2: no overlap
    shared = metric(yangtze).boundary.intersection(metric(poyang).buffer(1.0))
    assert 2000 <= shared.length <= 7000  # the ~5 km cut across the outlet
    hukou = metric(Point(116.21, 29.747))
    assert shared.distance(hukou) < 2000 and shared.centroid.distance(hukou) < 3000


# --- river lines ----------------------------------------------------------------------------------

def as_single_line(geom) -> LineString:
    if isinstance(geom, LineString):
        return geom
    assert isinstance(geom, MultiLineString)
    merged = shapely.line_merge(geom)
    assert isinstance(merged, LineString), "parts do not join into one continuous line"
    return merged


@pytest.mark.parametrize("river_id", [*MAIN_STEMS, *BRANCHES])
def test_river_line_is_continuous_and_plausible(lines, jiangxi, river_id):
    line = as_single_line(by_id(lines)[river_id])
    assert line.is_simple, "the path crosses or doubles back on itself"
    lo, hi = LENGTH_KM[river_id]
    assert lo <= geodesic_length_km(line) <= hi
    line_m = metric(line)
    assert line_m.difference(metric(jiangxi).buffer(3000)).length == 0, "leaves Jiangxi"
    for lon, lat in TOWNS[river_id]:
        assert line_m.distance(metric(Point(lon, lat))) < 5000, (lon, lat)


@pytest.mark.parametrize("river_id", [*MAIN_STEMS, *BRANCHES])
def test_river_line_ends_at_lake_or_its_river(lines, areas, river_id):
    geoms = by_id(lines)
    line = as_single_line(geoms[river_id])
    end, start = metric(Point(line.coords[-1])), metric(Point(line.coords[0]))
    lake = metric(by_id(areas)["poyang_lake"])
    target = ENDS_ON[river_id]
    if target == "lake":
        assert end.distance(lake) < 500
    else:
        assert end.distance(metric(geoms[target])) < 1.0
        assert end.distance(lake) < 15000  # these confluences lie close to the lake
    assert start.distance(lake) > 40000  # drawn from upstream towards the lake


def test_main_stems_do_not_duplicate_each_other(lines):
    geoms = {k: metric(v) for k, v in by_id(lines).items()}
    ids = sorted(geoms)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            shared = geoms[a].intersection(geoms[b].buffer(1.0)).length
            assert shared < 100, (a, b, shared)


# --- the build's pure geometry helpers (no gmt; skipped where networkx is not installed) ----------

@pytest.fixture(scope="module")
def build_waters():
    pytest.importorskip("networkx")
    scripts = str(Path(__file__).resolve().parent.parent / "scripts")
    sys.path.insert(0, scripts)
    try:
        import build_waters as module
    finally:
        sys.path.remove(scripts)
    return module


def test_remove_backtracks(build_waters):
    assert build_waters.remove_backtracks([1, 2, 3, 4, 3, 2, 5]) == [1, 2, 5]
    assert build_waters.remove_backtracks([1, 2, 2, 3]) == [1, 2, 3]
    assert build_waters.remove_backtracks([1, 2, 3]) == [1, 2, 3]


def test_polygonize_closes_against_the_frame(build_waters):
    frame = box(0, 0, 10, 10)
    river = [LineString([(-1, 4), (11, 4)]), LineString([(-1, 6), (11, 6)]),  # two banks crossing the frame
             LineString([(4, 4.5), (6, 4.5), (6, 5.5), (4, 5.5), (4, 4.5)])]  # an island
    faces = build_waters.polygonize_linework(river, frame)
    assert len(faces) == 4 and abs(sum(f.area for f in faces) - 100) < 1e-9
    water = build_waters.dissolve([f for f in faces if abs(f.area - 18) < 1e-9])  # the strip minus the island
    assert len(water.geoms) == 1 and len(water.geoms[0].interiors) == 1
    assert abs(water.area - (20 - 2)) < 1e-9


def test_split_at_cut(build_waters):
    # a T: a channel along y in [4, 6] with an outlet to the south at x in [4, 6]
    water = shapely.union_all([box(0, 4, 10, 6), box(4, 0, 6, 4.5)])
    a, b, extra = build_waters.split_at_cut(shapely.MultiPolygon([water]), LineString([(3.5, 3), (6.5, 3)]),
                                            Point(1, 5), Point(5, 1))
    assert abs(a.area - 22) < 1e-9 and abs(b.area - 6) < 1e-9 and extra == 0


def test_the_packaged_layers_read_without_geopandas_are_the_layers_geopandas_reads():
    """The screening reads the packaged waters and province as plain Features (no GeoPandas); they
    must be the very features GDAL reads: the same geometries, to the bit, and properties."""
    from mapapp.storage import Features, read_layer_features

    for path in (AREAS, LINES, BASE / "province.geojson"):
        light, full = read_layer_features(path), Features.from_frame(read_geojson(path))
        assert shapely.to_wkb(light.geometry).tolist() == shapely.to_wkb(full.geometry).tolist()
        assert light.properties.keys() == full.properties.keys()
        for name, values in light.properties.items():
            assert [str(v) for v in values] == [str(v) for v in full.properties[name]], name
