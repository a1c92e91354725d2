"""The administrative layers: counts, names, codes, areas on the ellipsoid, and exact tiling."""

from __future__ import annotations

import csv

import geopandas as gpd
import pytest
import shapely

from mapapp.geo import JIANGXI_LCC, geodesic_area_km2
from mapapp.paths import DATA_DIR

PREFECTURES = {
    "360100": "南昌市", "360200": "景德镇市", "360300": "萍乡市", "360400": "九江市",
    "360500": "新余市", "360600": "鹰潭市", "360700": "赣州市", "360800": "吉安市",
    "360900": "宜春市", "361000": "抚州市", "361100": "上饶市",
}
# Counties per prefecture (Jiangxi's 2024 division: 27 districts, 61 counties, 12 county-level cities).
COUNTY_COUNTS = {
    "360100": 9, "360200": 4, "360300": 5, "360400": 13, "360500": 2, "360600": 3,
    "360700": 18, "360800": 13, "360900": 10, "361000": 11, "361100": 12,
}


def reference_areas() -> dict[str, float]:
    with open(DATA_DIR / "sources" / "prefecture_areas.csv", encoding="utf-8") as fh:
        return {row["adcode"]: float(row["area_km2"]) for row in csv.DictReader(fh)}


def metric_area_m2(geoms) -> float:
    return float(gpd.GeoSeries(geoms, crs=4326).to_crs(JIANGXI_LCC).area.sum())


def test_counts_and_codes(province, prefectures, counties):
    assert list(province.adcode) == ["360000"]
    assert dict(zip(prefectures.adcode, prefectures.name_zh)) == PREFECTURES
    assert len(counties) == 100
    assert counties.adcode.is_unique and counties.adcode.str.fullmatch(r"36\d{4}").all()
    assert counties.groupby("parent_adcode").size().to_dict() == COUNTY_COUNTS
    assert (counties.adcode.str[:4] + "00").tolist() == counties.parent_adcode.tolist()
    assert set(prefectures.parent_adcode) == {"360000"}


@pytest.mark.parametrize(
    ("name_zh", "name_en"),
    [
        ("都昌县", "Duchang County"),  # 都 read "du" in place names
        ("铅山县", "Yanshan County"),  # 铅 read "yan" here
        ("吉安县", "Ji'an County"),
        ("赣县区", "Ganxian District"),
        ("井冈山市", "Jinggangshan City"),
        ("共青城市", "Gongqingcheng City"),
        ("章贡区", "Zhanggong District"),
    ],
)
def test_county_english_names(counties, name_zh, name_en):
    assert counties.set_index("name_zh").loc[name_zh, "name_en"] == name_en


def test_prefecture_names_en(prefectures):
    assert dict(zip(prefectures.name_zh, prefectures.name_en))["赣州市"] == "Ganzhou"
    assert prefectures.name_en.str.fullmatch(r"[A-Z][a-z']+").all()


def test_geometries_valid_and_wgs84(province, prefectures, counties):
    for frame in (province, prefectures, counties):
        assert frame.crs.to_epsg() == 4326
        assert frame.is_valid.all()
        assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
        west, south, east, north = frame.total_bounds
        assert 113.5 < west and east < 118.5 and 24.4 < south and north < 30.1


def test_prefecture_areas_match_reported_figures(prefectures):
    reference = reference_areas()
    for adcode, geom in zip(prefectures.adcode, prefectures.geometry):
        area = geodesic_area_km2(geom)
        assert area == pytest.approx(reference[adcode], rel=0.01), adcode


def test_province_area(province):
    assert geodesic_area_km2(province.geometry.iloc[0]) == pytest.approx(166_900, rel=0.005)


def test_counties_tile_each_prefecture_and_province(province, prefectures, counties):
    # Overlaps: summed area minus area of the union; gaps: the parent minus the union of its children.
    for adcode, parent in zip(prefectures.adcode, prefectures.geometry):
        children = counties.geometry[counties.parent_adcode == adcode].values
        union = shapely.union_all(children)
        assert metric_area_m2(children) - metric_area_m2([union]) < 10, f"overlap in {adcode}"
        assert metric_area_m2([parent.symmetric_difference(union)]) < 10, f"gap or spill in {adcode}"
    whole = shapely.union_all(prefectures.geometry.values)
    assert metric_area_m2([province.geometry.iloc[0].symmetric_difference(whole)]) < 10
