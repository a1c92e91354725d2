"""The page's logic under Streamlit's AppTest: filters, URL state, warnings, language, site check, export.

AppTest runs the script without a browser, so the folium component is not rendered (st_folium
returns nothing and the page carries on); tests/e2e covers the map itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from streamlit.testing.v1 import AppTest

from mapapp.export import export_collection, resolve_region
from mapapp.filters import SiteFilter, matches, screen_sites
from mapapp.i18n import t
from mapapp.layers import load_layer
from mapapp.ui.app import TAB_LABELS
from mapapp.ui.state import OPEN_TAB, PARTS

APP = Path(__file__).resolve().parents[1] / "streamlit_app.py"
YINGTAN = "360600"


@pytest.fixture(scope="module")
def sites() -> gpd.GeoDataFrame:
    default = SiteFilter()
    return screen_sites(load_layer("sites"), scope=default.scope, distance_m=default.distance_m)


def count_line(shown: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, lang: str = "zh") -> str:
    return t("count", lang, shown=len(shown), total=len(sites), mapped=int(shown.geometry.notna().sum()))


def run(tab: str | None = None, **query: str) -> AppTest:
    """The page as once its map is drawn (AppTest has no browser), with the named tab open (see app.TAB_LABELS)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state[PARTS] = "complete"
    if tab:
        at.session_state[OPEN_TAB] = tab
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_first_run_leaves_the_tabs_and_the_table_for_the_next() -> None:
    """A new session's first run draws the map and leaves the tabs and the site table for the run
    that the map's report "drawn" starts."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception
    # the open tab, the two tabs that always run (app._ALWAYS_RUN) and the site table
    assert [c.value for c in at.caption].count(t("loading", "zh")) == 4
    assert not at.dataframe
    at.run()  # in the browser: the map's report that its layers are drawn
    assert t("loading", "zh") not in [c.value for c in at.caption]
    assert len(at.dataframe) >= 2


def test_only_the_open_tab_and_those_holding_work_are_run() -> None:
    """A closed tab is not run (a filter change renders one tab, not five), except the check and
    edit tabs, whose widgets hold an upload and an unsent edit that Streamlit would otherwise forget."""
    at = run()
    assert key("make_export") not in [b.key for b in at.button]
    assert [u.proto.label for u in at.get("file_uploader")]  # the check tab, closed but run
    at = run(tab="export")
    assert key("make_export") in [b.key for b in at.button]
    assert not [d for d in at.dataframe if t("target_indicator", "zh") in d.value.columns]


def open_tab(at: AppTest, tab: str, lang: str = "zh") -> AppTest:
    """Click a tab (app.tabs_ui): the tabs widget's value is the open tab's label."""
    at.session_state[f"mapapp.tab.{lang}"] = t(TAB_LABELS[tab], lang)
    return at


def switch(at: AppTest, lang: str, tab: str) -> AppTest:
    """The user opens `tab` and changes the page's language (the tab stays open across the switch)."""
    at.session_state[OPEN_TAB] = tab
    at.sidebar.radio(key="lang").set_value(lang).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_closed_tabs_settings_outlive_the_runs_that_do_not_draw_it() -> None:
    """Streamlit forgets a widget a run does not draw: the targets filter and the export's choices
    are kept while their tab is closed (also when changed in the run that closes it), and across
    language switches."""
    at = run(tab="targets")
    at.multiselect(key=key("targets_year")).set_value([2018]).run()
    open_tab(at, "export").run()  # the targets tab is closed from here on
    at.radio(key=key("export_region")).set_value("prefecture").run()
    at.checkbox(key=key("export_clip")).check().run()
    at.checkbox(key=key("export_filtered")).uncheck().run()
    at.text_input(key=key("print_title")).input("鹰潭 test")
    open_tab(at, "targets").run()  # the title typed and the tab left in one run
    assert at.multiselect(key=key("targets_year")).value == [2018]
    open_tab(at, "export").run()
    assert at.checkbox(key=key("export_clip")).value is True
    assert at.checkbox(key=key("export_filtered")).value is False
    assert at.text_input(key=key("print_title")).value == "鹰潭 test"
    at = switch(at, "en", "targets")
    assert at.multiselect(key=key("targets_year", "en")).value == [2018]
    at = switch(at, "zh", "export")
    assert at.text_input(key=key("print_title")).value == "鹰潭 test"
    assert at.checkbox(key=key("export_clip")).value is True


def page_count(at: AppTest) -> str:
    lines = [m.value for m in at.markdown if m.value.startswith("**") and ("地图上" in m.value or "on the map" in m.value)]
    assert len(lines) == 1, lines
    return lines[0]


def site_table_ids(at: AppTest, lang: str = "zh") -> list[str]:
    return list(at.dataframe[0].value[t("site_id", lang)])  # the first tab's table


def key(name: str, lang: str = "zh") -> str:
    """Widgets are keyed per language (see mapapp.ui.sidebar)."""
    return f"{name}.{lang}"


def test_default_page(sites: gpd.GeoDataFrame) -> None:
    at = run()
    assert [x.value for x in at.title] == [t("app_title")]
    assert f"{len(sites)} / {len(sites)}" in page_count(at)
    assert count_line(sites, sites) in page_count(at)
    assert site_table_ids(at) == list(sites["id"])
    assert not at.warning


def test_default_page_writes_no_query() -> None:
    """The default view's link is the bare address (layers kept in spec order, as the default is)."""
    assert dict(run().query_params) == {}


def test_query_filters_sites(sites: gpd.GeoDataFrame) -> None:
    copper = sites[matches(sites, SiteFilter(industries=("copper",)))]
    at = run(industry="copper")
    assert count_line(copper, sites) in page_count(at)
    assert site_table_ids(at) == list(copper["id"])
    assert at.sidebar.multiselect(key=key("industry")).value == ["copper"]


def test_sidebar_filters_update_count_table_and_query(sites: gpd.GeoDataFrame) -> None:
    at = run()
    at.sidebar.multiselect(key=key("industry")).set_value(["copper"]).run()
    copper = sites[matches(sites, SiteFilter(industries=("copper",)))]
    assert count_line(copper, sites) in page_count(at)
    assert site_table_ids(at) == list(copper["id"])
    assert at.query_params["industry"] == "copper"

    at.sidebar.multiselect(key=key("industry")).set_value([]).run()
    at.sidebar.selectbox(key=key("prefecture")).set_value(YINGTAN).run()
    yingtan = sites[matches(sites, SiteFilter(prefecture=YINGTAN))]
    assert count_line(yingtan, sites) in page_count(at)
    assert at.query_params["pref"] == YINGTAN
    assert "industry" not in at.query_params
    # The county list follows the prefecture.
    counties = load_layer("counties")
    assert at.sidebar.selectbox(key=key("county")).options == ["全部", *counties.loc[counties["parent_adcode"] == YINGTAN, "name_zh"]]


def test_restriction_filter_uses_the_verdicts(sites: gpd.GeoDataFrame) -> None:
    at = run(restriction="within_or_uncertain")
    near = sites[matches(sites, SiteFilter(restriction="within_or_uncertain"))]
    assert 0 < len(near) < len(sites)
    assert count_line(near, sites) in page_count(at)
    assert set(site_table_ids(at)) == set(near["id"])


@pytest.mark.parametrize(("name", "value"), [
    ("industry", "gold"), ("county", "999"), ("distance", "-5"), ("lang", "fr"), ("layers", "nope"),
    ("restriction", "inside"),
])
def test_bad_query_values_are_named_in_a_warning(name: str, value: str, sites: gpd.GeoDataFrame) -> None:
    at = run(**{name: value})
    assert len(at.warning) == 1
    assert at.warning[0].value.startswith(t("warnings"))
    assert f"{name}={value}" in at.warning[0].value
    if name != "layers":
        assert f"{len(sites)} / {len(sites)}" in page_count(at)


def test_english(sites: gpd.GeoDataFrame) -> None:
    at = run(lang="en")
    assert [x.value for x in at.title] == ["Jiangxi Green Industry Map"]
    assert count_line(sites, sites, "en") in page_count(at)

    at = run()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert [x.value for x in at.title] == ["Jiangxi Green Industry Map"]
    assert at.query_params["lang"] == "en"
    assert "Yingtan" in at.sidebar.selectbox(key=key("prefecture", "en")).options


@pytest.mark.parametrize(("lon", "lat", "said"), [("117.21", "28.29", "信江"), ("113.26", "23.13", "在江西省外"),
                                                ("28.29", "117.21", "颠倒")])
def test_site_check_form(lon: str, lat: str, said: str, counties: gpd.GeoDataFrame) -> None:
    at = run()
    at.text_input(key=key("check_lon")).set_value(lon)
    at.text_input(key=key("check_lat")).set_value(lat)
    [button] = [b for b in at.button if b.label == t("check_button")]
    button.click().run()
    # (the report section may add that a point far from Jiangxi cannot be reported on)
    answers = [m.value for m in (*at.success, *at.warning, *at.error) if m.value.startswith("核查点")]
    assert len(answers) == 1 and said in answers[0], answers
    assert lon in answers[0] and lat in answers[0]  # says what was checked


def test_a_typed_point_is_the_pages_checked_point_and_stays_checked() -> None:
    """A point typed in the check tab is drawn and described beside the map like a clicked one (and
    so is the one the report is about); its verdict and fields outlive a language switch."""
    at = run()
    at.text_input(key=key("check_lon")).set_value("116.0")
    at.text_input(key=key("check_lat")).set_value("29.73")
    [button] = [b for b in at.button if b.label == t("check_button")]
    button.click().run()
    assert at.session_state["mapapp.click"]["lon"] == pytest.approx(116.0)
    panel = [i.value for i in at.info if "116.0" in i.value and "29.73" in i.value]
    assert panel, [i.value for i in at.info]  # beside the map
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.text_input(key=key("check_lon", "en")).value == "116.0"
    assert at.text_input(key=key("check_lat", "en")).value == "29.73"
    assert [m.value for m in (*at.success, *at.warning, *at.error) if "116.0" in m.value]  # the verdict stays


def test_the_history_follows_the_selected_site_and_a_pick_in_its_list_stands(sites: gpd.GeoDataFrame) -> None:
    """The history picker (behind no form) takes a site selected elsewhere; a site then picked in its
    list stays picked until another is selected. (The edit form's pickers only offer it, with one press:
    tests/e2e/test_register_browser.py.)"""
    at = run(tab="edit")
    first, other, second = sites.iloc[7], sites.iloc[9], sites.iloc[11]
    at.session_state["mapapp.selection"] = [first["id"]]
    at.run()
    assert at.selectbox(key="history_pick.zh").value == first["id"]
    at.selectbox(key="history_pick.zh").set_value(other["id"]).run()
    assert at.selectbox(key="history_pick.zh").value == other["id"]
    at.session_state["mapapp.selection"] = [second["id"]]
    at.run()
    assert at.selectbox(key="history_pick.zh").value == second["id"]


def test_the_about_tab_gives_each_layers_source_in_the_pages_language() -> None:
    for lang, said, not_said in (("zh", "由 GSHHG 2.3.7 水域数据按管控距离生成", "Derived from"),
                                 ("en", "Derived from the GSHHG 2.3.7", "由 GSHHG")):
        at = run(tab="about", lang=lang)
        sources = [v for d in at.dataframe if t("source", lang) in d.value.columns for v in d.value[t("source", lang)]]
        assert said in " ".join(sources) and not_said not in " ".join(sources)


def test_export_tab_counts_the_region(sites: gpd.GeoDataFrame, prefectures: gpd.GeoDataFrame,
                                      counties: gpd.GeoDataFrame, province: gpd.GeoDataFrame) -> None:
    at = run(tab="export")
    at.radio(key=key("export_region")).set_value("prefecture").run()
    at.selectbox(key=key("export_prefecture")).set_value(YINGTAN).run()
    region = resolve_region(YINGTAN, prefectures=prefectures, counties=counties, province=province)
    frames = {"sites": sites, "water_areas": load_layer("water_areas"), "river_lines": load_layer("river_lines")}
    expected = export_collection(frames, region, clip=False)
    captions = [c.value for c in at.caption if "个要素" in c.value]
    assert len(captions) == 1
    assert captions[0].startswith(f"{len(expected['features'])} 个要素")
    assert captions[0].endswith(f"鹰潭市 ({YINGTAN})")
    assert not at.get("download_button")  # a file is made on request
    at.selectbox(key=key("export_format")).set_value("gpkg").run()
    at.selectbox(key=key("export_crs")).set_value("4547").run()
    at.button(key=key("make_export")).click().run()
    [download] = at.get("download_button")
    assert download.proto.label.startswith("下载 江西_鹰潭市_sites-water_areas-river_lines_EPSG4547_")
    assert download.proto.label.endswith(".gpkg")
    at.selectbox(key=key("export_crs")).set_value("4490").run()
    assert not at.get("download_button")  # the options changed: the file made for the old ones is gone
    at.selectbox(key=key("export_format")).set_value("kml").run()  # WGS 84 only: its CRS is fixed
    assert at.selectbox(key=key("export_crs_fixed")).value == "4326" and at.selectbox(key=key("export_crs_fixed")).disabled
    at.button(key=key("make_print")).click().run()
    [download] = at.get("download_button")
    assert download.proto.label.startswith("下载 江西_鹰潭市_") and download.proto.label.endswith(".pdf")
    assert not at.exception and not at.error

    # In English every choice is still there.
    at.selectbox(key=key("export_format")).set_value("shp").run()
    at.radio(key=key("export_encoding")).set_value("GBK").run()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.radio(key=key("export_region", "en")).value == "prefecture"
    assert at.selectbox(key=key("export_prefecture", "en")).value == YINGTAN
    assert at.selectbox(key=key("export_format", "en")).value == "shp"
    assert at.selectbox(key=key("export_crs", "en")).value == "4490"
    assert at.radio(key=key("export_encoding", "en")).value == "GBK"

    at.radio(key=key("export_region", "en")).set_value("drawn").run()
    assert [w.value for w in at.warning] == [t("no_drawing", "en")]


def test_markdown_in_the_link_is_shown_as_typed_not_as_a_link() -> None:
    at = run(layers="[点此重新登录](https://evil.example/login)")
    [warning] = at.warning
    assert "\\[点此重新登录\\](https:\u2060//evil.example/login)" in warning.value


def test_switching_language_keeps_every_choice(sites: gpd.GeoDataFrame) -> None:
    """Filter, switch language, filter again: the filters, layers and prefecture (as a code) survive."""
    at = run()
    default_layers = at.sidebar.multiselect(key=key("layers")).value
    at.sidebar.multiselect(key=key("industry")).set_value(["copper"]).run()
    at.sidebar.selectbox(key=key("prefecture")).set_value(YINGTAN).run()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.sidebar.multiselect(key=key("industry", "en")).value == ["copper"]
    assert at.sidebar.selectbox(key=key("prefecture", "en")).value == YINGTAN
    assert at.sidebar.multiselect(key=key("layers", "en")).value == default_layers
    at.sidebar.multiselect(key=key("retrofit", "en")).set_value(["unknown"]).run()
    f = SiteFilter(industries=("copper",), prefecture=YINGTAN, retrofit=("unknown",))
    assert count_line(sites[matches(sites, f)], sites, "en") in page_count(at)
    query = dict(at.query_params)
    assert query["industry"] == "copper" and query["pref"] == YINGTAN and query["retrofit"] == "unknown"
    assert "layers" not in query  # still the default layers
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert at.sidebar.multiselect(key=key("layers")).value == default_layers
    assert at.sidebar.multiselect(key=key("retrofit")).value == ["unknown"]
    assert count_line(sites[matches(sites, f)], sites) in page_count(at)


def test_within_with_no_certain_site_says_why_and_offers_the_uncertain(sites: gpd.GeoDataFrame) -> None:
    within = sites[matches(sites, SiteFilter(restriction="within"))]
    either = sites[matches(sites, SiteFilter(restriction="within_or_uncertain"))]
    at = run(restriction="within")
    [notice] = [i for i in at.info if "无法确定" in i.value]
    assert f"另有 {len(either) - len(within)} 个无法确定" in notice.value
    [button] = [b for b in at.button if b.label == t("show_uncertain", n=len(either) - len(within))]
    button.click().run()
    assert count_line(either, sites) in page_count(at)
    assert at.query_params["restriction"] == "within_or_uncertain"
    # The sidebar shows the new choice, and keeps it when another filter changes.
    [restriction] = [s for s in at.sidebar.selectbox if s.label == t("restriction")]
    assert restriction.value == "within_or_uncertain"
    [distance] = at.sidebar.number_input
    distance.set_value(1500).run()
    assert at.query_params["restriction"] == "within_or_uncertain" and at.query_params["distance"] == "1500"



def test_the_zone_on_the_map_follows_the_rule_and_old_links_still_open_it() -> None:
    import shapely
    from shapely.geometry import shape

    from mapapp.geo import JIANGXI_LCC
    from mapapp.render.layer_files import read_published
    from mapapp.ui import data

    def area_km2(features: dict) -> float:
        geoms = [shape(f["geometry"]) for f in features["features"]]
        return gpd.GeoSeries(geoms, crs=4326).to_crs(JIANGXI_LCC).area.sum() / 1e6

    one, three = (read_published(data.rule_zone_features("jiangxi", d, "none", "zh")) for d in (1000.0, 3000.0))
    assert 2.0 < area_km2(three) / area_km2(one) < 3.5  # about three times as wide a band
    assert data.rule_zone_spec("yangtze", 3000.0).title("zh") == "岸线3,000米管控范围（仅长江干流）"
    assert shapely.is_valid(shape(one["features"][0]["geometry"]))
    at = run(layers="prefectures,zone_jiangxi_1000m")  # a link from before the rule's zone
    assert not at.warning
    assert at.sidebar.multiselect(key=key("layers")).value == ["prefectures", "zone"]


def test_site_check_report_for_a_searched_point_and_a_searched_site() -> None:
    """Search a coordinate, make its report; search a site, switch to English, make its Word report."""
    at = run()
    at.button(key=key("make_report")).click().run()  # no point yet: said, nothing made
    assert [e.value for e in at.error] == [t("report_no_point")] and not at.get("download_button")
    at.sidebar.text_input(key="search_query").set_value("116.0, 29.73").run()
    [hit] = [b for b in at.sidebar.button if b.key.startswith("search_hit.0.point")]
    hit.click().run()
    assert at.radio(key=key("report_what")).value == "point"
    at.button(key=key("make_report")).click().run()
    [download] = at.get("download_button")
    assert download.proto.label.startswith("下载 选址核查报告_116.000000_29.730000_")
    assert download.proto.label.endswith(".pdf")

    at.sidebar.text_input(key="search_query").set_value("zhangshu yanhua").run()
    [hit] = [b for b in at.sidebar.button if b.key.startswith("search_hit.0.site")]
    hit.click().run()
    at.sidebar.radio(key="lang").set_value("en").run()
    at.radio(key=key("report_what", "en")).set_value("site").run()
    at.radio(key=key("report_format", "en")).set_value("docx").run()
    at.button(key=key("make_report", "en")).click().run()
    [download] = at.get("download_button")
    assert download.proto.label.startswith("Download site_check_Zhangshu") and download.proto.label.endswith(".docx")
    assert not at.exception and not at.error


def test_the_site_tables_measures_read_the_same_with_or_without_gaps() -> None:
    """The whole province has sites of unknown distance (the column is text, '40,761'); the copper
    sites have none (numbers): both are shown grouped, not '40761' after a filter."""
    at = run(industry="copper")
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns[t("distance", "zh")]["type_config"]["format"] == "localized"
    assert columns[t("overlap_ha", "zh")]["type_config"]["format"] == "localized"
    everything = run().dataframe[0].value[t("distance", "zh")]
    assert everything.map(lambda v: v == "" or v.replace(",", "").isdigit()).all()
    assert everything.str.contains(",").any()
