"""Thematic maps: counts per unit from the register, an uploaded table joined by name or code, classes."""

from __future__ import annotations

import json
import re

import folium
import openpyxl
import pandas as pd
import pytest

from mapapp.catalog.catalog import build_catalog
from mapapp.filters import screen_sites
from mapapp.layers import load_layer
from mapapp.messages import text
from mapapp.render.assets import EXTERNAL
from mapapp.render.thematic import ThematicLayer, thematic
from mapapp.tables import read_table
from mapapp.thematic import class_labels, classify, count, join_table, key_column, value_columns


@pytest.fixture(scope="module")
def sites():
    return screen_sites(build_catalog().sites, scope="jiangxi", distance_m=1000)


@pytest.fixture(scope="module")
def prefectures():
    return load_layer("prefectures")


@pytest.fixture(scope="module")
def counties():
    return load_layer("counties")


def test_chemical_parks_per_prefecture_add_up(sites, prefectures):
    counted = count(sites, prefectures, "prefectures", "chemical_parks")
    placed = sites["prefecture_adcode"].isin(prefectures["adcode"])
    assert counted.values.sum() == int(((sites["kind"] == "chemical_park") & placed).sum()) > 0
    assert len(counted.values) == 11 and not counted.values.isna().any()  # a city without one has 0, not no data
    assert counted.values["360400"] >= 1  # 九江 has chemical parks


def test_counties_say_how_many_sites_could_not_be_counted(sites, counties):
    counted = count(sites, counties, "counties", "sites")
    assert counted.uncounted == int((~sites["county_adcode"].isin(counties["adcode"])).sum()) > 0
    assert counted.values.sum() + counted.uncounted == len(sites)


def test_a_retrofit_share_leaves_unknown_out(sites, prefectures):
    share = count(sites, prefectures, "prefectures", "retrofit_share")
    known = sites[sites["circular_retrofit"] != "unknown"]
    assert share.share and share.values.dropna().between(0, 1).all()
    assert share.values.notna().sum() == known["prefecture_adcode"].nunique()  # no status known: no data


def _workbook(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_an_excel_table_by_name_counts_its_good_rows_and_names_the_bad(tmp_path, prefectures, counties):
    path = tmp_path / "energy.xlsx"
    _workbook(path, [["地区", "2023年单位GDP能耗（吨标煤/万元）"], ["南昌市", 0.31], ["九江", 0.52], ["北京市", 0.2],
                     ["赣州市", 0.44], ["上饶市", "待定"], ["九江市", 0.6]])
    table = read_table(path)
    key = key_column(table, prefectures)
    assert key == "地区"
    assert value_columns(table, key) == ["2023年单位GDP能耗（吨标煤/万元）"]
    values, problems = join_table(table, key, "2023年单位GDP能耗（吨标煤/万元）", prefectures, counties)
    assert values["360100"] == 0.31 and values["360400"] == 0.52 and values["360700"] == 0.44
    said = [text(p, "zh") for p in problems]
    assert said[0].startswith("第 4 行") and "北京市" in said[0]
    assert said[1].startswith("第 6 行") and "不是数值" in said[1]
    assert said[2].startswith("第 7 行") and "重复" in said[2]
    assert values.notna().sum() == 3


def test_a_table_by_adcode_and_a_county_code_at_the_wrong_level(tmp_path, prefectures, counties):
    table = pd.DataFrame({"adcode": ["360100", "360982", "360600"], "v": ["1", "2", "3"]})
    assert key_column(table, prefectures) == "adcode"
    values, problems = join_table(table, "adcode", "v", prefectures, counties)
    assert values["360100"] == 1 and values["360600"] == 3
    assert "另一级" in text(problems[0], "zh") and "第 3 行" in text(problems[0], "zh")


@pytest.mark.parametrize("scheme", ["quantiles", "natural_breaks", "equal_interval"])
def test_every_valued_unit_gets_one_of_at_most_k_classes(sites, counties, scheme):
    values = count(sites, counties, "counties", "sites").values
    classes = classify(values, scheme, 5)
    assert 1 <= len(classes.upper) <= 5 and len(classes.colours) == len(classes.upper)
    assert (classes.of_unit[values.notna()] >= 0).all()
    assert classes.upper == sorted(classes.upper) and classes.upper[-1] == values.max()


def test_few_distinct_values_make_few_classes_and_missing_values_no_data():
    values = pd.Series([1.0, 1.0, 2.0, None], index=["a", "b", "c", "d"])
    classes = classify(values, "quantiles", 5)
    assert len(classes.upper) == 2 and classes.of_unit["d"] == -1 and classes.colour("d") == "#d9d9d9"
    assert class_labels(classes, False, "zh") == ["1", "1 – 2"]


def test_the_layer_has_a_chinese_legend_and_loads_nothing_from_outside(sites, prefectures):
    counted = count(sites, prefectures, "prefectures", "chemical_parks")
    classes = classify(counted.values, "natural_breaks", 4)
    names = dict(zip(prefectures["adcode"], prefectures["name_zh"]))
    shown = thematic("化工园区数", "prefectures", names, {c: f"{v:g}" for c, v in counted.values.items()}, classes,
                     class_labels(classes, False, "zh"), "无数据")
    m = folium.Map(tiles=None)
    ThematicLayer("../../app/static/cache/layers/thematic.json", shown).add_to(m)
    script = m.get_root().render().split("thematic-legend", 1)[1]
    for said in ("化工园区数", "无数据", "九江市: "):
        assert json.dumps(said)[1:-1] in script
    assert not [u for u in re.findall(r"https?://[^\s\"']+", script) if EXTERNAL.match(u)]


def test_a_prefecture_name_is_never_read_as_the_county_it_shortens_to(prefectures, counties):
    """吉安市 and 南昌市 among counties are the prefectures, not 吉安县 and 南昌县; 樟树 is 樟树市."""
    table = pd.DataFrame({"name": ["吉安市", "南昌市", "樟树", "吉安县"], "v": ["1", "2", "3", "4"]})
    values, problems = join_table(table, "name", "v", counties, prefectures)
    codes = dict(zip(counties["name_zh"], counties["adcode"]))
    assert values[codes["樟树市"]] == 3 and values[codes["吉安县"]] == 4
    assert pd.isna(values[codes["南昌县"]])
    said = [text(p, "zh") for p in problems]
    assert len(said) == 2 and all("另一级" in s for s in said) and said[0].startswith("第 2 行")


def test_the_thematic_map_outlives_a_change_of_language():
    from streamlit.testing.v1 import AppTest

    from mapapp.paths import ROOT

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()
    at.toggle(key="thematic_on").set_value(True).run()
    at.selectbox(key="thematic_measure.zh").set_value("chemical_parks").run()
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.toggle(key="thematic_on").value is True
    assert at.selectbox(key="thematic_measure.en").value == "chemical_parks"
