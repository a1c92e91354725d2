"""The page's logic under Streamlit's AppTest: filters, URL state, warnings, language, site check, export.

AppTest runs the script without a browser, so the folium component is not rendered (st_folium
returns nothing and the page carries on); tests/e2e covers the map itself.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from streamlit.testing.v1 import AppTest

from mapapp.export import export_collection, resolve_region
from mapapp.filters import SiteFilter, matches, screen_sites
from mapapp.i18n import t
from mapapp.layers import load_layer
from mapapp.screening import check_point

APP = Path(__file__).resolve().parents[1] / "streamlit_app.py"
YINGTAN = "360600"


@pytest.fixture(scope="module")
def sites() -> gpd.GeoDataFrame:
    default = SiteFilter()
    return screen_sites(load_layer("sites"), scope=default.scope, distance_m=default.distance_m)


def count_line(shown: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, lang: str = "zh") -> str:
    return t("count", lang, shown=len(shown), total=len(sites), mapped=int(shown.geometry.notna().sum()))


def run(**query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def page_count(at: AppTest) -> str:
    lines = [m.value for m in at.markdown if m.value.startswith("**")]
    assert len(lines) == 1, lines
    return lines[0]


def site_table_ids(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["id"])  # the first tab's table


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
    assert at.sidebar.multiselect(key="industry").value == ["copper"]


def test_sidebar_filters_update_count_table_and_query(sites: gpd.GeoDataFrame) -> None:
    at = run()
    at.sidebar.multiselect(key="industry").set_value(["copper"]).run()
    copper = sites[matches(sites, SiteFilter(industries=("copper",)))]
    assert count_line(copper, sites) in page_count(at)
    assert site_table_ids(at) == list(copper["id"])
    assert at.query_params["industry"] == "copper"

    at.sidebar.multiselect(key="industry").set_value([]).run()
    at.sidebar.selectbox(key="prefecture").set_value(YINGTAN).run()
    yingtan = sites[matches(sites, SiteFilter(prefecture=YINGTAN))]
    assert count_line(yingtan, sites) in page_count(at)
    assert at.query_params["pref"] == YINGTAN
    assert "industry" not in at.query_params
    # The county list follows the prefecture.
    counties = load_layer("counties")
    assert at.sidebar.selectbox(key="county").options == ["全部", *counties.loc[counties["parent_adcode"] == YINGTAN, "name_zh"]]


def test_restriction_filter_uses_the_verdicts(sites: gpd.GeoDataFrame) -> None:
    at = run(restriction="within_or_uncertain")
    near = sites[matches(sites, SiteFilter(restriction="within_or_uncertain"))]
    assert 0 < len(near) < len(sites)
    assert count_line(near, sites) in page_count(at)
    assert set(site_table_ids(at)) == set(near["id"])


@pytest.mark.parametrize(("key", "value"), [
    ("industry", "gold"), ("county", "999"), ("distance", "-5"), ("lang", "fr"), ("layers", "nope"),
    ("restriction", "inside"),
])
def test_bad_query_values_are_named_in_a_warning(key: str, value: str, sites: gpd.GeoDataFrame) -> None:
    at = run(**{key: value})
    assert len(at.warning) == 1
    assert at.warning[0].value.startswith(t("warnings"))
    assert repr(value) in at.warning[0].value and key.rstrip("s") in at.warning[0].value
    if key != "layers":
        assert f"{len(sites)} / {len(sites)}" in page_count(at)


def test_english(sites: gpd.GeoDataFrame) -> None:
    at = run(lang="en")
    assert [x.value for x in at.title] == ["Jiangxi Green Industry Map"]
    assert count_line(sites, sites, "en") in page_count(at)

    at = run()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert [x.value for x in at.title] == ["Jiangxi Green Industry Map"]
    assert at.query_params["lang"] == "en"
    assert "Yingtan" in at.sidebar.selectbox(key="prefecture").options


@pytest.mark.parametrize(("lon", "lat", "said"), [(117.21, 28.29, "信江"), (113.26, 23.13, "outside Jiangxi")])
def test_site_check_form(lon: float, lat: float, said: str) -> None:
    result = check_point(lon, lat, datum="wgs84", scope="jiangxi", threshold_m=1000.0)
    if result["error"]:
        expected = f"{t('verdict_invalid')}: {result['error']}"
    else:
        expected = t("result", verdict=t(f"verdict_{result['verdict']}"), water=result["nearest_water"],
                     distance=result["distance_m"], threshold=1000.0)
    at = run()
    # The form's inputs have no keys: find them by label.
    [lon_input] = [w for w in at.number_input if w.label == t("lon")]
    [lat_input] = [w for w in at.number_input if w.label == t("lat")]
    lon_input.set_value(lon)
    lat_input.set_value(lat)
    [button] = [b for b in at.button if b.label == t("check_button")]
    button.click().run()
    assert said in expected
    assert [s.value for s in at.success] == [expected]


def test_export_tab_counts_the_region(sites: gpd.GeoDataFrame, prefectures: gpd.GeoDataFrame,
                                      counties: gpd.GeoDataFrame, province: gpd.GeoDataFrame) -> None:
    at = run()
    at.radio(key="export_region").set_value("prefecture").run()
    at.selectbox(key="export_prefecture").set_value(YINGTAN).run()
    region = resolve_region(YINGTAN, prefectures=prefectures, counties=counties, province=province)
    frames = {"sites": sites, "water_areas": load_layer("water_areas"), "river_lines": load_layer("river_lines")}
    expected = export_collection(frames, region, clip=False)
    captions = [c.value for c in at.caption if "features" in c.value]
    assert len(captions) == 1
    assert captions[0].startswith(f"{len(expected['features'])} features")
    assert captions[0].endswith(region.label)
    assert at.get("download_button")

    at.radio(key="export_region").set_value("drawn").run()
    assert [w.value for w in at.warning] == [t("no_drawing")]
