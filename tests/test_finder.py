"""Search: names in Chinese, pinyin and English, codes, and coordinates in the forms officials type."""

from __future__ import annotations

import pytest
from pyproj import Transformer

from mapapp.catalog.catalog import build_catalog
from mapapp.finder import Finder, read_coordinate
from mapapp.layers import load_layer
from mapapp.messages import text


@pytest.fixture(scope="module")
def finder() -> Finder:
    return Finder.build(build_catalog().sites, load_layer("prefectures"), load_layer("counties"))


def labels(finder: Finder, query: str, n: int = 5) -> list[str]:
    return [h.label_zh for h in finder.find(query).hits[:n]]


@pytest.mark.parametrize("query", ["zhangshu", "Zhang Shu", "樟树", "ZHANGSHU"])
def test_zhangshu_finds_the_city_and_its_salt_chemical_base(finder, query):
    found = labels(finder, query, 3)
    assert "樟树市" in found and "樟树盐化工业基地" in found


def test_part_of_a_name_and_its_kind(finder):
    found = finder.find("盐化工").hits
    assert {"樟树盐化工业基地", "新干盐化工业城"} <= {h.label_zh for h in found}
    assert all(h.kind == "site" and h.bounds is not None for h in found)
    assert found[0].detail_zh.startswith("化工园区")


def test_the_prefecture_comes_before_what_lies_in_it(finder):
    hits = finder.find("南昌").hits
    assert hits[0].kind == "prefecture" and hits[0].key == "360100"
    assert any(h.kind == "site" for h in hits)


@pytest.mark.parametrize(("query", "kind", "key"), [
    ("36101001", "site", "nanchang_etdz"), ("360100", "prefecture", "360100"), ("360982", "county", "360982")])
def test_codes(finder, query, kind, key):
    hit = finder.find(query).hits[0]
    assert (hit.kind, hit.key) == (kind, key)


def test_nothing_typed_finds_nothing(finder):
    assert finder.find("").hits == [] and finder.find("  ").hits == [] and finder.find("。").hits == []


@pytest.mark.parametrize("query", ["115.9, 28.7", "115.9 28.7", "28.7,115.9", "E115.9 N28.7"])
def test_decimal_degrees_in_either_order(query):
    hit = read_coordinate(query).hits[0]
    assert (hit.kind, hit.lon, hit.lat) == ("point", pytest.approx(115.9), pytest.approx(28.7))


@pytest.mark.parametrize("query", ["115°54′36″E 28°40′N", "东经115°54′36″ 北纬28°40′"])
def test_degrees_minutes_seconds(query):
    hit = read_coordinate(query).hits[0]
    assert hit.lon == pytest.approx(115 + 54 / 60 + 36 / 3600) and hit.lat == pytest.approx(28 + 40 / 60)


def test_gauss_kruger_with_the_zone_prefix_or_a_zone_word():
    lon, lat = Transformer.from_crs(4527, 4326, always_xy=True).transform(39_412_345, 3_175_000)
    for query in ("X=3175000 Y=39412345", "39412345, 3175000"):
        found = read_coordinate(query)
        assert (found.hits[0].lon, found.hits[0].lat) == (pytest.approx(lon), pytest.approx(lat))
        assert "第39带" in text(found.note, "zh") and "EPSG:4527" in text(found.note, "en")
    lon, lat = Transformer.from_crs(4547, 4326, always_xy=True).transform(412_345, 3_175_000)
    for query in ("3175000, 412345, 38带", "412345 3175000 中央子午线114"):
        hit = read_coordinate(query).hits[0]
        assert (hit.lon, hit.lat) == (pytest.approx(lon), pytest.approx(lat))


@pytest.mark.parametrize(("query", "said"), [
    ("3175000 412345", "带号"), ("abc 1.2.3", "无法"), ("X=3175000 Y=99412345", "25–45")])
def test_a_coordinate_that_cannot_be_read_says_why(finder, query, said):
    found = finder.find(query)
    assert found.hits == [] and said in text(found.note, "zh")


def test_a_point_far_from_jiangxi_is_found_with_a_warning():
    found = read_coordinate("3175000 412345 zone 45")
    assert found.hits and "不在江西" in text(found.note, "zh")


def test_a_site_without_a_location_has_no_bounds():
    sites = build_catalog().sites.head(3).copy()
    sites.loc[sites.index[0], "geometry"] = None
    finder = Finder.build(sites, load_layer("prefectures").head(0), load_layer("counties").head(0))
    assert finder.find(sites.iloc[0]["name_zh"]).hits[0].bounds is None
