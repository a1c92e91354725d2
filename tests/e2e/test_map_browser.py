"""The map page in a real browser: markers, filters, popups, export, site check, language, URL state.

Every expected number is computed here from the data with the same mapapp functions the page
uses (filters, export, screening), never copied from a run of the page.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pyogrio
import pytest
import shapely
from playwright.sync_api import expect

from mapapp.catalog.catalog import INDICATORS_CSV, SOURCES
from mapapp.catalog.indicators import indicators_frame, validate_indicator_rows
from mapapp.catalog.records import split_list
from mapapp.citations import cite
from mapapp.export import export_collection, region_from_geometry, resolve_region
from mapapp.filters import SiteFilter, matches, screen_sites
from mapapp.i18n import t
from mapapp.layers import load_layer
from mapapp.paths import DATA_DIR
from mapapp.pointcheck import check, describe
from mapapp.storage import read_csv_records

if TYPE_CHECKING:
    from conftest import MapPage

pytestmark = pytest.mark.e2e

COPPER_SITE = "yingtan_copper_scrap_base"
GUIXI = "360681"
YINGTAN = "360600"
MAP_VIEW_JS = ("() => { for (const k of Object.keys(window)) { try { if (window[k] instanceof L.Map) {"
               " const c = window[k].getCenter(); return [window[k].getZoom(), c.lat, c.lng]; } } catch (e) {} } }")
POINTS_JS = """() => { const map = (() => { for (const k of Object.keys(window)) { try { if (window[k] instanceof L.Map)
  return window[k]; } catch (e) {} } return null; })();
  let n = 0; map.eachLayer(l => { if (l instanceof L.CircleMarker) n++; }); return n; }"""


@pytest.fixture(scope="module")
def sites() -> gpd.GeoDataFrame:
    """All sites with their verdicts under the page's default rule."""
    default = SiteFilter()
    return screen_sites(load_layer("sites"), scope=default.scope, distance_m=default.distance_m)


def shown(sites: gpd.GeoDataFrame, f: SiteFilter) -> gpd.GeoDataFrame:
    return sites[matches(sites, f)]


def located(frame: gpd.GeoDataFrame) -> int:
    return int(frame.geometry.notna().sum())


def layer_counts(collection: dict) -> Counter:
    key = collection["metadata"]["layer_property"]
    return Counter(f["properties"][key] for f in collection["features"])


def site_ids(collection: dict) -> set[str]:
    key = collection["metadata"]["layer_property"]
    return {f["properties"]["id"] for f in collection["features"] if f["properties"][key] == "sites"}


def read_export(path: Path, expected: dict) -> dict:
    """Check a downloaded export with pyogrio and ogrinfo against the expected collection."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection, "RFC 7946 GeoJSON has no crs member"
    assert "metadata" in collection
    frame = pyogrio.read_dataframe(path)
    assert len(frame) == len(expected["features"])
    assert Counter(frame[expected["metadata"]["layer_property"]]) == layer_counts(expected)
    if shutil.which("ogrinfo"):
        info = subprocess.run(["ogrinfo", "-so", "-al", str(path)], capture_output=True, text=True, check=True).stdout
        assert f"Feature Count: {len(expected['features'])}" in info, info
    return collection


def test_map_draws_every_mapped_site_and_the_boundaries(app: MapPage, sites: gpd.GeoDataFrame) -> None:
    app.open()
    app.expect_counts(len(sites), len(sites), located(sites))
    assert app.marker_count() == app.counts()[2] == located(sites)
    # Counties, prefectures, waters and zones are SVG paths: well over a hundred of them.
    assert app.map_locator("path.leaflet-interactive").count() > 100
    app.expect_table_rows(len(sites))
    # The legend and the layer switcher are drawn as Leaflet controls.
    expect(app.map_locator(".map-legend")).to_contain_text(t("legend_retrofit"))
    expect(app.map_locator(".leaflet-control-layers")).to_have_count(1)


def test_url_filter_changes_map_and_table(app: MapPage, sites: gpd.GeoDataFrame) -> None:
    copper = shown(sites, SiteFilter(industries=("copper",)))
    assert 0 < len(copper) < len(sites)
    app.open("?industry=copper")
    app.expect_counts(len(copper), len(sites), located(copper))
    app.expect_table_rows(len(copper))
    assert app.marker_count() == located(copper)

    guixi = shown(sites, SiteFilter(county=GUIXI))
    app.open(f"?county={GUIXI}")
    app.expect_counts(len(guixi), len(sites), located(guixi))
    zoom, lat, lon = app.map_frame().evaluate(MAP_VIEW_JS)  # a link to a county opens on that county
    assert zoom >= 9 and (lat, lon) == pytest.approx((28.25, 117.2), abs=0.3)
    app.expect_table_rows(len(guixi))
    assert app.marker_count() == located(guixi)


def test_sidebar_filter_changes_map_table_and_url(app: MapPage, sites: gpd.GeoDataFrame) -> None:
    copper = shown(sites, SiteFilter(industries=("copper",)))
    app.open()
    app.expect_counts(len(sites), len(sites), located(sites))

    app.sidebar_pick("产业", "铜", "铜")
    app.expect_counts(len(copper), len(sites), located(copper))
    app.expect_table_rows(len(copper))
    app.wait_for_markers(located(copper))
    # The view is in the address bar, and the link reproduces it.
    expect(app.page).to_have_url(re.compile(r"[?&]industry=copper(&|$)"))
    app.open(app.page.url.removeprefix(app.server.url))
    app.expect_counts(len(copper), len(sites), located(copper))
    app.expect_table_rows(len(copper))
    assert app.marker_count() == located(copper)


def _open_guixi_cluster(app: MapPage, sites: gpd.GeoDataFrame) -> None:
    guixi = shown(sites, SiteFilter(county=GUIXI))
    assert COPPER_SITE in set(guixi["id"])
    assert guixi.geometry.nunique() == 1, "the test expects Guixi's sites to share one representative point"
    app.open(f"?county={GUIXI}")
    cluster = app.map_locator(".marker-cluster")
    expect(cluster).to_have_count(1)
    expect(cluster).to_have_text(str(len(guixi)))


def test_click_on_site_opens_its_panel_with_targets(app: MapPage, sites: gpd.GeoDataFrame) -> None:
    site = sites.set_index("id").loc[COPPER_SITE]
    records, _ = validate_indicator_rows(read_csv_records(DATA_DIR / SOURCES / INDICATORS_CSV))
    indicators = indicators_frame(records)
    mine = indicators[indicators["id"].isin(split_list(site["indicator_ids"]))]
    linked = int((mine["scope"] != "prefecture").sum())  # its prefecture's targets have their own table
    assert linked >= 1 and (mine["scope"] == "prefecture").any()

    _open_guixi_cluster(app, sites)
    # All of Guixi's sites share one point: a click on the cluster fans them out.
    app.spiderfy(app.map_locator(".marker-cluster"))
    expect(app.map_locator(".site-marker")).to_have_count(len(shown(sites, SiteFilter(county=GUIXI))))
    assert app.tag_site_marker(COPPER_SITE) == 1

    marker = app.map_locator(f'[data-test-site="{COPPER_SITE}"]')
    assert app.map_action(marker.click), "a click on a site selects it"
    panel = app.panel()
    expect(panel.get_by_role("heading", name=site["name_zh"])).to_be_visible()
    expect(panel).to_contain_text(f"本园区/基地适用的目标（{linked}项）")
    expect(panel).to_contain_text(f"所在设区市的目标（{int((mine['scope'] == 'prefecture').sum())}项）")
    expect(panel).to_contain_text(cite(split_list(site["sources"])[0], "zh"))  # sources by title and clause
    expect(panel.get_by_test_id("stDataFrame").first).to_be_visible()  # its targets, a table with headers
    expect(app.page.locator(".st-key-site_list")).to_contain_text("已选中 1 处")  # and its row is ticked
    expect(app.map_locator(".site-selection")).to_have_count(1)  # ringed on the map


def test_export_prefecture_geojson_reads_in_gdal(app: MapPage, sites: gpd.GeoDataFrame, tmp_path: Path,
                                                prefectures: gpd.GeoDataFrame, counties: gpd.GeoDataFrame,
                                                province: gpd.GeoDataFrame) -> None:
    region = resolve_region(YINGTAN, prefectures=prefectures, counties=counties, province=province)
    frames = {"sites": sites, "water_areas": load_layer("water_areas"), "counties": counties}
    expected = export_collection(frames, region, clip=False)
    # Independently of export.select: the sites the data places in Yingtan, and its counties.
    in_yingtan = sites[(sites["prefecture_adcode"] == YINGTAN) & sites.geometry.notna()]
    assert site_ids(expected) == set(in_yingtan["id"]) and len(in_yingtan) > 0
    yingtan_counties = {f["properties"]["adcode"] for f in expected["features"] if f["properties"]["layer"] == "counties"}
    assert yingtan_counties == set(counties.loc[counties["parent_adcode"] == YINGTAN, "adcode"])

    app.open()
    panel = app.tab("导出与打印")
    app.rerun(panel.get_by_text("设区市", exact=True).click)  # the region radio
    app.pick(panel, "设区市", "鹰潭", "鹰潭市")
    layers = panel.get_by_test_id("stMultiSelect").filter(has_text="导出图层")
    app.rerun(layers.get_by_role("button", name="移除 五河干流（中心线）").click)
    app.pick(panel, "导出图层", "县", "县（市、区）")
    caption = panel.get_by_test_id("stCaptionContainer").filter(has_text="个要素")
    expect(caption).to_contain_text(f"{len(expected['features'])} 个要素")
    expect(caption).to_contain_text(f"鹰潭市 ({YINGTAN})")

    download = app.make_and_download(panel, ".geojson")
    assert download.suggested_filename.startswith("江西_鹰潭市_sites-water_areas-counties_")
    path = tmp_path / "export.geojson"
    download.save_as(path)
    got = read_export(path, expected)
    assert site_ids(got) == site_ids(expected)
    assert layer_counts(got) == layer_counts(expected)
    meta = got["metadata"]
    assert meta["region"]["kind"] == "prefecture" and meta["region"]["adcode"] == YINGTAN
    assert [layer["id"] for layer in meta["layers"]] == list(frames)
    assert meta["clipped"] is False


def test_export_drawn_rectangle(app: MapPage, sites: gpd.GeoDataFrame, tmp_path: Path) -> None:
    # Around all of Yingtan: a site known only to its county is exported only when all of it is inside.
    west, south, east, north = 116.6, 27.75, 117.6, 28.7
    app.open()
    app.map_iframe().scroll_into_view_if_needed()
    x0, y0 = app.point_of(west, north)
    x1, y1 = app.point_of(east, south)
    app.map_locator(".leaflet-draw-draw-rectangle").click()

    def draw() -> None:
        app.page.mouse.move(x0, y0)
        app.page.mouse.down()
        app.page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=4)
        app.page.mouse.move(x1, y1, steps=4)
        app.page.mouse.up()

    assert app.map_action(draw), "a drawn shape must reach the page"
    drawings = app.drawings()
    assert len(drawings) == 1 and drawings[0]["geometry"]["type"] == "Polygon"
    drawn = shapely.geometry.shape(drawings[0]["geometry"])
    # The rectangle is where the mouse drew it (a pixel is ~0.005 degree at this zoom).
    assert drawn.bounds == pytest.approx((west, south, east, north), abs=0.02)

    region = region_from_geometry(drawings[0]["geometry"])
    frames = {"sites": sites, "water_areas": load_layer("water_areas"), "river_lines": load_layer("river_lines")}
    expected = export_collection(frames, region, clip=False)
    assert site_ids(expected), "the rectangle should hold some sites"

    panel = app.tab("导出与打印")
    # The drawing reruns the map's fragment, then the page (for this tab): the click may land in
    # either run, so wait for what it shows, not for a count of runs.
    panel.get_by_text("地图上绘制的矩形或多边形", exact=True).click()
    caption = panel.get_by_test_id("stCaptionContainer").filter(has_text="个要素")
    expect(caption).to_contain_text(f"{len(expected['features'])} 个要素")
    expect(caption).to_contain_text("绘制区域")
    path = tmp_path / "drawn.geojson"
    app.make_and_download(panel, ".geojson").save_as(path)
    got = read_export(path, expected)
    assert got["metadata"]["region"]["kind"] == "drawn"
    assert site_ids(got) == site_ids(expected)
    box = shapely.box(*drawn.bounds)
    for feature in got["features"]:
        geom = shapely.geometry.shape(feature["geometry"])
        if feature["properties"]["layer"] == "sites":
            assert box.covers(geom), feature["properties"]["id"]
        else:
            assert box.intersects(geom), feature["properties"]


def _verdict_text(lon: float, lat: float, counties: gpd.GeoDataFrame) -> str:
    """What the page says of a WGS 84 point under the default rule (the same function the page uses)."""
    f = SiteFilter()
    c = check(lon, lat, datum="wgs84", scope=f.scope, threshold_m=f.distance_m, counties=counties)
    units = dict(zip(counties.adcode, counties.name_zh)) | dict(zip(*load_layer("prefectures")[["adcode", "name_zh"]].T.values))
    return describe(c, "zh", threshold_m=f.distance_m, unit_names=units)


def test_site_check_form_gives_verdicts(app: MapPage, counties: gpd.GeoDataFrame) -> None:
    near_xin = _verdict_text(117.21, 28.29, counties)  # 42 m from a centreline good to about 1 km
    assert t("verdict_uncertain") in near_xin and "信江" in near_xin and "岸线数据精度约1,000米" in near_xin
    guangzhou = _verdict_text(113.26, 23.13, counties)
    assert "在江西省外" in guangzhou

    app.open()
    panel = app.tab("选址核查")
    # Guangzhou first: the second answer then proves the typed values, not the form's defaults, were used.
    for (lon, lat), text, kind in (((113.26, 23.13), guangzhou, "Error"), ((117.21, 28.29), near_xin, "Warning")):
        panel.get_by_role("textbox", name="经度").fill(str(lon))
        panel.get_by_role("textbox", name="纬度").fill(str(lat))
        panel.get_by_test_id("stFormSubmitButton").get_by_role("button").click()
        result = panel.get_by_test_id(f"stAlertContent{kind}").get_by_test_id("stMarkdownContainer")
        expect(result).to_have_text(text)


def test_map_click_checks_that_point(app: MapPage, counties: gpd.GeoDataFrame) -> None:
    lon, lat = 113.9, 27.0  # Hunan, west of Jiangxi, inside the default view and off every layer
    app.open()
    app.map_iframe().scroll_into_view_if_needed()
    x, y = app.point_of(lon, lat)
    assert app.map_action(lambda: app.page.mouse.click(x, y)), "a map click must rerun the page"
    # The answer appears under the map.
    info = app.page.get_by_test_id("stMain").get_by_test_id("stAlertContentInfo")
    expect(info).to_contain_text("核查点")
    shown_lon, shown_lat = (float(v) for v in re.findall(r"-?\d+\.\d+", info.inner_text())[:2])
    assert (shown_lon, shown_lat) == pytest.approx((lon, lat), abs=0.02)
    expect(info).to_have_text(_verdict_text(shown_lon, shown_lat, counties))


def test_a_map_click_is_sent_to_the_server_once(app: MapPage) -> None:
    """The map reports a click at once (render/controls.ClickNow); the component's own report of the
    same click, 250 ms later, must find nothing new, or every click would run the page twice."""
    sent: list[bytes] = []
    app.page.on("websocket", lambda ws: ws.on("framesent", lambda p: sent.append(p if isinstance(p, bytes) else p.encode())))
    app.open()
    app.map_iframe().scroll_into_view_if_needed()
    x, y = app.point_of(113.9, 27.0)
    before = len(sent)
    assert app.map_action(lambda: app.page.mouse.click(x, y)), "a map click must rerun the page"
    app.page.wait_for_timeout(800)  # well past the component's debounce
    reports = [p for p in sent[before:] if b"last_clicked" in p]
    assert len(reports) == 1, f"{len(reports)} messages carried the click"
    expect(app.page.get_by_test_id("stMain").get_by_test_id("stAlertContentInfo")).to_contain_text("核查点 113.")


def test_every_report_after_the_map_is_drawn_says_so(app: MapPage) -> None:
    """Streamlit keeps only a widget's newest value while a run is pending, so the "drawn" report
    could be replaced unread by the next one and the page would wait for ever: every later report
    (a click, and the component's own report of a pan) must carry the flag too."""
    sent: list[bytes] = []
    app.page.on("websocket", lambda ws: ws.on("framesent", lambda p: sent.append(p if isinstance(p, bytes) else p.encode())))
    app.open()
    app.map_iframe().scroll_into_view_if_needed()
    x, y = app.point_of(113.9, 27.0)
    assert app.map_action(lambda: app.page.mouse.click(x, y)), "a map click must rerun the page"
    app.page.mouse.move(x, y)
    app.page.mouse.down()
    app.page.mouse.move(x + 80, y + 40, steps=5)
    app.page.mouse.up()
    app.page.wait_for_timeout(800)  # past the component's 250 ms debounce
    reports = [b"map_drawn" in p for p in sent if b"last_clicked" in p]
    drawn = reports[reports.index(True):] if True in reports else []
    assert len(drawn) >= 3 and all(drawn), f"reports from the first that says drawn on, carrying it: {drawn}"


def test_layers_are_stacked_in_their_order_whatever_file_arrives_first(app: MapPage) -> None:
    """Each fetched layer draws in its own pane, stacked by the layer order and under the sites (Leaflet's
    overlay pane, z-index 400): in one shared pane the file fetched last would be drawn on top."""
    app.open()
    panes = app.map_frame().evaluate("""() => [...document.querySelectorAll('.leaflet-pane')]
        .filter(p => /leaflet-mapapp-layer-\\d+-pane/.test(p.className))
        .map(p => [+p.style.zIndex, p.querySelectorAll('path').length])""")
    assert len(panes) >= 4, panes  # the default view's boundaries, waters, rivers and restriction zone
    assert [z for z, _ in panes] == list(range(301, 301 + len(panes)))  # in the order the layers were added
    assert all(paths > 0 for _, paths in panes), panes


def test_english_page(app: MapPage, sites: gpd.GeoDataFrame) -> None:
    app.open("?lang=en")
    expect(app.page.get_by_role("heading", level=1)).to_have_text("Jiangxi Green Industry Map")
    app.expect_counts(len(sites), len(sites), located(sites), lang="en")
    assert app.marker_count() == located(sites)
    expect(app.page.get_by_role("tab", name="Export and print")).to_be_visible()


def test_guard_sees_requests_that_leave(app: MapPage) -> None:
    """The guard is not vacuous: the OSM basemap (labelled "needs internet") asks the internet for tiles."""
    with app.context.expect_event("request", predicate=lambda r: "openstreetmap" in r.url):
        app.open("?basemap=osm")
    external = app.external_requests()
    assert external and all("tile.openstreetmap.org" in u for u in external), external
    # They were recorded and aborted; this test allows them, so the teardown check passes.
    app.requests[:] = [u for u in app.requests if u not in set(external)]


def test_no_request_leaves_localhost(app: MapPage) -> None:
    """The fixture checks every test; this one states it, and shows the recorder sees the map's assets."""
    app.open("?industry=copper")
    app.tab("数据与说明")
    assert any("/app/static/vendor/leaflet@" in u for u in app.requests), "the vendored Leaflet was not requested"
    assert any(u.startswith("ws://127.0.0.1") for u in app.requests), "the Streamlit websocket was not seen"
    assert app.external_requests() == []
    app.assert_clean()


# --- whole sequences a user goes through (issue 8) ------------------------------------------------




def test_switching_language_after_filtering_keeps_the_map_filters_and_link(app: MapPage, sites: gpd.GeoDataFrame) -> None:
    copper_yingtan = SiteFilter(industries=("copper",), prefecture=YINGTAN)
    expected = shown(sites, copper_yingtan)
    app.open()
    app.sidebar_pick("产业", "铜", "铜")
    app.sidebar_pick("设区市", "鹰潭", "鹰潭市")
    app.expect_counts(len(expected), len(sites), located(expected))
    app.rerun(app.page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click)
    app.expect_counts(len(expected), len(sites), located(expected), lang="en")
    # Then change a filter in English: nothing the user chose in Chinese is lost.
    app.sidebar_pick("Level", "National", "National")
    narrowed = shown(sites, SiteFilter(industries=("copper",), prefecture=YINGTAN, levels=("national",)))
    app.expect_counts(len(narrowed), len(sites), located(narrowed), lang="en")
    app.wait_for_markers(located(narrowed))
    box = app.map_iframe().bounding_box()
    assert box is not None and box["height"] > 400
    url = app.page.url
    assert "industry=copper" in url and f"pref={YINGTAN}" in url and "level=national" in url and "layers=" not in url
    # And back to Chinese: the default layers are all still drawn.
    app.rerun(app.page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click)
    app.expect_counts(len(narrowed), len(sites), located(narrowed))
    app.wait_for_markers(located(narrowed))
    app.map_frame().wait_for_function("() => document.querySelectorAll('path.leaflet-interactive').length > 100")


@pytest.mark.parametrize(("lon", "lat", "water"), [(116.25, 29.05, "鄱阳湖"), (116.02, 29.745, "长江")])
def test_a_click_on_water_checks_that_point(app: MapPage, counties: gpd.GeoDataFrame, lon: float, lat: float,
                                            water: str) -> None:
    expected = check(lon, lat, datum="wgs84", scope="jiangxi", threshold_m=1000.0)
    assert expected.verdict == "within" and expected.distance_m == 0 and water in (expected.nearest_water or "")
    app.open("?view=29.4,116.2,9")  # close enough that the click lands on the water
    app.map_iframe().scroll_into_view_if_needed()
    x, y = app.point_of(lon, lat)
    assert app.map_action(lambda: app.page.mouse.click(x, y)), "a click on water must check the point"
    info = app.page.get_by_test_id("stMain").get_by_test_id("stAlertContentInfo")
    expect(info).to_contain_text(t("verdict_within"))
    expect(info).to_contain_text(water)
    expect(app.map_locator(".leaflet-popup")).to_have_count(0)  # no attribute popup of the water layer


def test_an_upload_without_known_columns_is_picked_checked_and_drawn(app: MapPage, tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_text("a,b,c\n116.0,29.74,x1\n116.3,29.1,x2\n115.0,27.0,x3\n28.29,117.21,swapped\n", encoding="utf-8")
    app.open()
    panel = app.tab("选址核查")
    app.rerun(lambda: panel.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path)))
    expect(panel.get_by_test_id("stAlertContentWarning")).to_contain_text("未能按列名识别经纬度列")
    app.pick(panel, "经度列", "a", "a")
    app.pick(panel, "纬度列", "b", "b")
    app.rerun(panel.get_by_role("button", name="开始核查").click)
    expect(panel.get_by_text("第 4 行：经度与纬度疑似颠倒", exact=False)).to_be_visible()
    expect(app.page.get_by_test_id("stException")).to_have_count(0)
    app.map_frame().wait_for_function(f"() => ({POINTS_JS})() >= 3")  # the three good rows, by verdict
    # The other tabs still render while the file stays in the uploader.
    export = app.tab("导出与打印")
    expect(export.get_by_role("button", name="生成文件").first).to_be_visible()
    expect(app.tab("数据与说明").get_by_test_id("stDataFrame")).to_be_visible()
    # In English the same file, its settings and its result are still there, in English.
    app.rerun(app.page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click)
    panel = app.tab("Site check")
    expect(panel.get_by_text("row 4: lat/lon appear swapped", exact=False)).to_be_visible()
    expect(panel.get_by_text("Checked 3 rows: within", exact=False)).to_be_visible()  # said for people, not the CLI's log
    expect(panel).not_to_contain_text("rule_groups")
    expect(panel.get_by_role("combobox", name="Longitude column")).to_have_value("a")
    app.map_frame().wait_for_function(f"() => ({POINTS_JS})() >= 3")


def test_the_legend_folds(app: MapPage) -> None:
    app.open()
    legend = app.map_locator(".map-legend")
    button = legend.locator("button")
    folded = "folded" in (legend.get_attribute("class") or "")
    button.click()
    expect(legend).to_have_class(re.compile("folded") if not folded else re.compile(r"^map-legend(?!.*folded)"))
    button.click()
    expect(button).to_have_attribute("aria-expanded", "false" if folded else "true")


def test_the_chinese_page_speaks_chinese_and_a_link_in_the_url_stays_text(app: MapPage) -> None:
    app.open("?layers=[点此重新登录](https://evil.example/login)")
    warning = app.page.get_by_test_id("stAlertContentWarning")
    expect(warning).to_contain_text("点此重新登录")
    expect(warning.locator("a")).to_have_count(0)
    expect(app.map_locator(".leaflet-control-layers-toggle")).to_have_attribute("title", "图层")
    expect(app.map_locator(".leaflet-draw-draw-polygon")).to_have_attribute("title", "绘制多边形")
    expect(app.map_locator(".leaflet-control-scale-line")).to_have_count(1)  # metric only: one line
    panel = app.tab("选址核查")
    expect(panel.get_by_test_id("stFileUploaderDropzoneInstructions")).to_contain_text("每个文件不超过")
    expect(panel.get_by_test_id("stFileUploaderDropzoneInstructions")).not_to_contain_text("per file")
    # The same widgets back in English say it in English.
    app.rerun(app.page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click)
    expect(app.map_locator(".leaflet-control-layers-toggle")).to_have_attribute("title", "Layers")
    expect(app.page.get_by_test_id("stSidebar").get_by_role("combobox", name="Industry")).to_be_visible()
    expect(app.page.get_by_test_id("stSidebar")).not_to_contain_text("请选择")


def test_a_notice_that_goes_does_not_reload_the_map(app: MapPage) -> None:
    """A warning or notice above the map used to shift it, and Streamlit reloaded it (a blank second)."""
    app.open("?restriction=within")
    notice = app.page.get_by_test_id("stAlertContentInfo").filter(has_text="无法确定")
    expect(notice).to_be_visible()
    app.map_frame().evaluate("() => { window.__sameMap = true; }")
    app.rerun(app.page.get_by_role("button", name=re.compile("同时显示")).click)
    expect(notice).to_have_count(0)
    assert app.map_frame().evaluate("() => window.__sameMap === true"), "the map was reloaded"


def test_the_zone_drawn_is_the_rules(app: MapPage) -> None:
    app.open("?distance=3000&scope=yangtze")
    expect(app.map_locator(".leaflet-control-layers")).to_contain_text("岸线3,000米管控范围（仅长江干流）")


def test_drawing_a_polygon_checks_no_vertex_and_a_link_keeps_the_view(app: MapPage) -> None:
    app.open("?view=28.3,116.9,8")
    zoom, lat, lon = app.map_frame().evaluate(MAP_VIEW_JS)
    assert zoom == 8 and (lat, lon) == pytest.approx((28.3, 116.9), abs=0.05)
    app.map_iframe().scroll_into_view_if_needed()
    corners = [app.point_of(lon_, lat_) for lon_, lat_ in ((116.6, 28.5), (117.2, 28.5), (117.0, 28.1))]
    app.map_locator(".leaflet-draw-draw-polygon").click()

    vertices = app.map_locator(".leaflet-editing-icon")

    def draw() -> None:
        for i, (x, y) in enumerate([*corners, corners[0]]):  # the last click closes the ring
            app.page.mouse.move(x, y, steps=5)  # Leaflet.draw places a vertex where its guide has followed the mouse
            app.page.mouse.click(x, y)  # a real click: the map sees it too, and must not check the point
            if i < len(corners):
                expect(vertices).to_have_count(i + 1)

    assert app.map_action(draw), "the finished polygon reaches the page"
    assert len(app.drawings()) == 1
    expect(app.page.get_by_test_id("stMain").get_by_test_id("stAlertContentInfo")).to_have_count(0)  # no point checked


def test_a_map_moved_during_a_rerun_stays_where_the_user_put_it(app: MapPage) -> None:
    """Regression: every run of the page passed the view the map had last reported back to the map,
    so a map moved again while the page ran jumped back to where it had been."""
    app.open()
    frame = app.map_frame()
    runs = app.run_count()
    app.set_view(28.0, 116.0, 9)
    frame.wait_for_function("() => ((window.__GLOBAL_DATA__.previous_data || {}).zoom) === 9")  # sent
    app.wait_for_run_after(runs)
    expect(app.page).to_have_url(re.compile(r"view=28\.0+%2C116\.0+%2C9"))
    app.quiet()  # "r" pressed during a run would merge into it and never be seen as a run of its own
    runs = app.run_count()
    app.page.evaluate("() => document.activeElement && document.activeElement.blur()")  # the key goes to the page
    app.page.keyboard.press("r")  # Streamlit's own key: run the whole page again
    app.page.wait_for_function("(runs) => window.__stRuns > runs", arg=runs, polling=10)
    app.set_view(27.0, 115.0, 10)  # while it runs
    app.settle()
    zoom, lat, lon = frame.evaluate(MAP_VIEW_JS)
    assert (zoom, round(lat, 3), round(lon, 3)) == (10, 27.0, 115.0)
    expect(app.page).to_have_url(re.compile(r"view=27\.0+%2C115\.0+%2C10"))


def test_a_range_site_outlines_its_unit_while_it_is_selected(app: MapPage, sites: gpd.GeoDataFrame) -> None:
    _open_guixi_cluster(app, sites)
    app.spiderfy(app.map_locator(".marker-cluster"))
    outline = app.map_locator("path.site-range-outline")
    expect(outline).to_have_count(0)
    assert app.tag_site_marker(COPPER_SITE) == 1
    marker = app.map_locator(f'[data-test-site="{COPPER_SITE}"]')
    expect(marker.locator(".site-range")).to_have_count(1)  # a hollow symbol: not a location
    app.map_action(marker.click)
    expect(app.panel()).to_contain_text("仅知所在县")
    expect(app.panel()).to_contain_text("最远点距离")
    expect(outline).to_have_count(1)
    app.rerun(app.page.get_by_role("button", name="清除选择").click)
    expect(outline).to_have_count(0)
    expect(app.panel()).to_contain_text("单击地图上的园区/基地符号")


def test_a_surveyed_boundary_is_drawn_with_its_overlap(located_app: MapPage) -> None:
    app = located_app
    app.open("?view=29.703,116.054,14")
    expect(app.map_locator("path.site-boundary")).to_have_count(1)
    site = "jiujiang_petrochemical_industrial_park"  # located by the fixture
    assert app.tag_site_marker(site) == 1
    app.map_action(app.map_locator(f'[data-test-site="{site}"]').click)
    panel = app.panel()
    expect(panel).to_contain_text("边界，精度约 5 米")
    expect(panel).to_contain_text("在管控范围内")
    expect(panel).to_contain_text("管控范围内面积")
    expect(panel).to_contain_text("e2e demo")
