"""Land-survey coordinate text (界址点坐标) in CGCS2000 Gauss-Krüger, read into WGS 84 parcels."""

from __future__ import annotations

import pytest
import shapely
from pyproj import Transformer

from mapapp.survey_text import SurveyTextError, gk_epsg, read_survey_text

CORNERS = [(116.90, 29.70), (116.905, 29.70), (116.905, 29.705), (116.90, 29.705)]  # lon, lat
HEAD = "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n{zone}[地块坐标]\n"


def gk(points: list[tuple[float, float]], epsg: int) -> list[tuple[float, float]]:
    """(northing, easting) of WGS 84 points, as a survey file writes them (X first)."""
    to = Transformer.from_crs(4326, epsg, always_xy=True)
    return [(n, e) for e, n in (to.transform(lon, lat) for lon, lat in points)]


def ministry(parcels: list[tuple[str, list[list[tuple[float, float]]]]], epsg: int, zone_line: str = "") -> str:
    out = HEAD.format(zone=zone_line)
    for name, rings in parcels:
        out += f"{sum(len(r) for r in rings)},1.6000,{name},{name},面,,工业用地,,@\n"
        for number, ring in enumerate(rings, start=1):
            for i, (x, y) in enumerate(gk(ring, epsg), start=1):
                out += f"J{i},{number},{x:.3f},{y:.3f}\n"
    return out


def gap_m(geom: shapely.Geometry, points: list[tuple[float, float]]) -> float:
    """Largest distance (m, in EPSG:4548) from the expected corners to the parsed vertices."""
    to = Transformer.from_crs(4326, 4548, always_xy=True)
    got = [to.transform(x, y) for x, y in shapely.get_coordinates(geom)]
    want = [to.transform(x, y) for x, y in points]
    return max(min(((a - c) ** 2 + (b - d) ** 2) ** 0.5 for c, d in got) for a, b in want)


@pytest.mark.parametrize(("epsg", "zone_line", "kwargs"), [
    (4527, "", {}),  # eastings carry the zone prefix
    (4548, "带号=39\n", {}),  # no prefix: the file says the zone
    (4548, "带号=117\n", {}),  # ... or its central meridian
    (4548, "", {"zone": 39}),  # ... or the user does
    (4548, "", {"central_meridian": 117}),
])
def test_a_parcel_lands_where_it_was_surveyed(epsg, zone_line, kwargs):
    text = ministry([("一期", [CORNERS])], epsg, zone_line)
    for data in (text, text.encode("gbk"), text.replace("\n", "\r\n").encode("utf-8-sig")):
        [parcel] = read_survey_text(data, **kwargs)
        assert parcel.name == "一期" and parcel.stated_area_ha == 1.6 and parcel.epsg in (4527, 4548)
        assert parcel.geometry.geom_type == "Polygon" and gap_m(parcel.geometry, CORNERS) < 0.01


def test_central_meridian_114_is_epsg_4547():
    assert gk_epsg(central_meridian=114, prefixed=False) == 4547 and gk_epsg(zone=38, prefixed=True) == 4526
    points = [(lon - 3, lat) for lon, lat in CORNERS]
    [parcel] = read_survey_text(ministry([("a", [points])], 4547), central_meridian=114)
    assert parcel.epsg == 4547 and gap_m(parcel.geometry, points) < 0.01


def test_a_ring_inside_is_a_hole_and_one_outside_another_plot():
    hole = [(116.901, 29.701), (116.902, 29.701), (116.902, 29.702), (116.901, 29.702)]
    apart = [(lon + 0.01, lat) for lon, lat in CORNERS]
    [with_hole] = read_survey_text(ministry([("a", [CORNERS, hole])], 4527))
    assert with_hole.geometry.geom_type == "Polygon" and len(with_hole.geometry.interiors) == 1
    [plots] = read_survey_text(ministry([("b", [CORNERS, apart])], 4527))
    assert plots.geometry.geom_type == "MultiPolygon" and len(plots.geometry.geoms) == 2


def test_two_parcels_in_one_file():
    moved = [(lon, lat + 0.01) for lon, lat in CORNERS]
    parcels = read_survey_text(ministry([("一期", [CORNERS]), ("二期", [moved])], 4527))
    assert [p.name for p in parcels] == ["一期", "二期"]


@pytest.mark.parametrize("sep", [",", "\t", "  "])
def test_a_plain_table_of_points(sep):
    rows = [sep.join(["点号", "X", "Y"])] + [sep.join([f"J{i}", f"{x:.3f}", f"{y:.3f}"])
                                            for i, (x, y) in enumerate(gk(CORNERS, 4527), start=1)]
    [parcel] = read_survey_text("\n".join(rows))
    assert gap_m(parcel.geometry, CORNERS) < 0.01


@pytest.mark.parametrize(("text", "en", "zh"), [
    (HEAD.format(zone="") + "J1,1,3289012.1,39412345.6\n", "line 7: a boundary point before any parcel header", "第 7 行"),
    (HEAD.format(zone="") + "3,1,a,b,面,,,,@\nJ1,1,abc,39412345.6\n", "line 8: X 'abc' is not a number", "不是数字"),
    (HEAD.format(zone="") + "3,1,a,b,面,,,,@\nJ1,x,3289012.1,39412345.6\n", "ring number 'x' is not an integer", "圈号"),
    (HEAD.format(zone="") + "3,1,a,b,面,,,,@\nJ1,1,3289012.1,39412345.6\nJ2,1,3289112.1,39412345.6\n",
     "fewer than 3 distinct points", "少于 3 个"),
    (HEAD.format(zone="") + "3,1,a,b,面,,,,@\nJ1,1,3289012.1,99412345.6\nJ2,1,3289112.1,99412345.6\n"
                            "J3,1,3289112.1,99412445.6\n", "zone prefix 99 is not 25-45", "带号 99"),
    (HEAD.format(zone="") + "3,1,a,b,面,,,,@\nJ1,1,3289012.1,412345.6\nJ2,1,3289112.1,412345.6\n"
                            "J3,1,3289112.1,412445.6\n", "give the zone", "请指定带号"),
    ("[属性描述]\n坐标系=1980西安坐标系\n[地块坐标]\n", "only CGCS2000 is supported", "只支持"),
    ("名称,面积\n园区,12\n", "no boundary points found", "没有找到界址点"),
])
def test_errors_name_the_line_and_why(text, en, zh):
    with pytest.raises(SurveyTextError) as info:
        read_survey_text(text)
    assert en in str(info.value.args[0]) and zh in info.value.args[0].zh


def test_the_prefix_and_a_given_zone_must_agree():
    with pytest.raises(SurveyTextError, match="the eastings say zone 39 but zone 38 was given"):
        read_survey_text(ministry([("a", [CORNERS])], 4527), zone=38)
