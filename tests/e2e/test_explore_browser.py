"""Exploring in a real browser: rows ticked in the table are the selection on the map and in the
export; a drawn line is measured; a checked point shows its line to the nearest water."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import shapely
from playwright.sync_api import expect

from mapapp.geo import GEOD
from mapapp.layers import load_layer
from mapapp.pointcheck import check

if TYPE_CHECKING:
    from conftest import MapPage

pytestmark = pytest.mark.e2e

ROW_PX = 35  # st.dataframe's row height (the header row too)


def tick_rows(app: MapPage, rows: list[int]) -> None:
    """Tick the selection boxes of the table's rows (0 = first data row); each tick reruns the page."""
    grid = app.page.locator(".st-key-site_list").get_by_test_id("stDataFrame")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    for row in rows:
        app.rerun(lambda: app.page.mouse.click(box["x"] + 16, box["y"] + ROW_PX * (row + 1) + ROW_PX / 2))


def test_ticked_rows_are_the_selection_on_the_map_and_in_the_export(app: MapPage, tmp_path: Path) -> None:
    app.open()
    tick_rows(app, [0, 1, 2])
    listing = app.page.locator(".st-key-site_list")
    expect(listing).to_contain_text("已选中 3 处")
    expect(app.map_locator(".site-selection")).to_have_count(3)  # ringed on the map
    panel = app.panel()
    expect(panel).to_contain_text("已选中 3 处，查看")
    first = load_layer("sites").iloc[0]
    expect(panel.get_by_role("heading", name=first["name_zh"])).to_be_visible()

    export = app.tab("导出与打印")  # opened after the rows were ticked: it offers them first
    expect(export.get_by_role("radio", name="选中的园区/基地（3 处）")).to_be_checked()
    expect(export.get_by_test_id("stCaptionContainer").filter(has_text="个要素")).to_contain_text("选中园区")
    path = tmp_path / "selection.geojson"
    app.make_and_download(export, ".geojson").save_as(path)
    collection = json.loads(path.read_text(encoding="utf-8"))
    ids = [f["properties"]["id"] for f in collection["features"] if f["properties"]["layer"] == "sites"]
    assert sorted(ids) == sorted(load_layer("sites")["id"].iloc[:3])
    assert collection["metadata"]["filters"] == {"site_ids": list(load_layer("sites")["id"].iloc[:3])}

    app.rerun(app.page.get_by_role("button", name="清除选择").click)
    expect(listing).to_contain_text("已选中 0 处")
    expect(app.map_locator(".site-selection")).to_have_count(0)


def test_a_drawn_line_is_measured_on_the_ellipsoid(app: MapPage) -> None:
    app.open("?view=28.5,116.0,8")
    a, b = (115.6, 28.5), (116.4, 28.5)
    app.map_locator(".leaflet-draw-draw-polyline").click()
    for lon, lat in (a, b):
        x, y = app.point_of(lon, lat)
        app.page.mouse.click(x, y)
        app.page.wait_for_timeout(400)  # as a person clicks: Leaflet.draw takes a quick second click for none
    app.rerun(app.map_locator("a[title='完成绘制']").click)
    caption = app.page.get_by_text("所画图形（按椭球面计算）")
    expect(caption).to_be_visible()
    km = float(caption.inner_text().split("长")[1].split("公里")[0].replace(",", ""))
    expected = GEOD.geometry_length(shapely.LineString([a, b])) / 1000
    assert km == pytest.approx(expected, rel=0.01)  # the clicks land within a pixel of the points


def test_a_checked_point_shows_its_line_to_the_nearest_water(app: MapPage) -> None:
    app.open("?view=29.6,116.05,10")
    x, y = app.point_of(116.0, 29.6)  # about 9.7 km from Poyang Lake
    assert app.map_action(lambda: app.page.mouse.click(x, y))
    info = app.panel().get_by_test_id("stAlertContentInfo")
    expect(info).to_contain_text("核查点")
    lon, lat = (float(v) for v in re.findall(r"-?\d+\.\d+", info.inner_text())[:2])  # where the click landed
    expected = check(lon, lat, datum="wgs84", scope="jiangxi", threshold_m=1000.0)
    assert expected.nearest_lonlat is not None and expected.distance_m is not None
    line = app.map_locator("path.nearest-water-line")
    expect(line).to_have_count(1)
    label = app.map_locator(".nearest-water-label")
    expect(label).to_contain_text(f"{expected.distance_m:,.0f} 米")
    expect(label).to_contain_text("鄱阳湖")
    expect(app.panel()).to_contain_text("核查点")


def test_search_by_pinyin_opens_the_sites_panel_and_checks_a_survey_point(app: MapPage) -> None:
    app.open()
    sidebar = app.page.get_by_test_id("stSidebar")
    box = sidebar.get_by_role("textbox", name="搜索")
    app.rerun(lambda: (box.fill("zhangshu"), box.press("Enter")))
    hit = sidebar.get_by_role("button", name=re.compile("樟树盐化工业基地"))
    expect(sidebar.get_by_role("button", name=re.compile("樟树市"))).to_be_visible()
    app.rerun(hit.click)
    panel = app.panel()
    expect(panel.get_by_role("heading", name="樟树盐化工业基地")).to_be_visible()
    expect(panel).to_contain_text("本园区/基地适用的目标")
    expect(panel.get_by_test_id("stDataFrame").first).to_be_visible()  # targets in a table with headers
    expect(panel).to_contain_text("《")  # sources by their titles
    expect(app.page.locator(".st-key-site_list")).to_contain_text("已选中 1 处")
    expect(app.map_locator(".site-selection")).to_have_count(1)

    app.rerun(lambda: (box.fill("X=3175000 Y=39412345"), box.press("Enter")))
    expect(sidebar).to_contain_text("第39带")
    app.rerun(sidebar.get_by_role("button", name=re.compile("核查该点")).click)
    expect(panel.get_by_test_id("stAlertContentInfo")).to_contain_text("116.103112, 28.687831")
