"""The view's URL query: round trips, short links, and bad values dropped with a warning."""

from __future__ import annotations

import pytest

from mapapp.filters import SiteFilter
from mapapp.viewstate import DEFAULT_LAYERS, MapView, ViewState, fit_view, from_query, parse_view, to_query

LAYERS = (*DEFAULT_LAYERS, "clusters")


@pytest.mark.parametrize(
    "state",
    [
        ViewState(),
        ViewState(lang="en", basemap="gaode"),
        ViewState(layers=("counties", "sites")),
        ViewState(filter=SiteFilter(industries=("copper", "steel"), retrofit=("in_progress",), prefecture="360600")),
        ViewState(filter=SiteFilter(restriction="within_or_uncertain", scope="yangtze", distance_m=5000)),
        ViewState(map_view=MapView((29.7, 116.0), 10)),
    ],
)
def test_round_trip(state):
    assert from_query(to_query(state), layer_ids=LAYERS) == (state, [])


def test_default_view_has_an_empty_query():
    assert to_query(ViewState()) == {}


@pytest.mark.parametrize(
    ("query", "warning"),
    [
        ({"lang": "fr"}, "lang=fr"),
        ({"industry": "copper,gold"}, "industry=gold"),
        ({"distance": "-5"}, "distance=-5"),
        ({"distance": "far"}, "distance=far"),
        ({"pref": "110000"}, "pref=110000"),
        ({"layers": "counties,nope"}, "layers=nope"),
        ({"restriction": "maybe"}, "restriction=maybe"),
        ({"view": "91,115,9"}, "view=91,115,9"),
        ({"view": "28.6,115.9,40"}, "view=28.6,115.9,40"),
        ({"view": "[x](https://evil.example)"}, "view=[x](https://evil.example)"),
    ],
)
def test_bad_values_are_dropped_and_named(query, warning):
    state, warnings = from_query(query, layer_ids=LAYERS)
    assert warnings == [warning]
    assert state.filter.distance_m == 1000 and state.lang == "zh"


def test_streamlit_style_list_values_take_the_last():
    state, _ = from_query({"industry": ["steel", "copper"]}, layer_ids=LAYERS)
    assert state.filter.industries == ("copper",)


def test_view_in_a_link_keeps_centre_and_zoom():
    state, warnings = from_query({"view": "29.7100,116.0000,10"}, layer_ids=LAYERS)
    assert warnings == [] and state.map_view == MapView((29.71, 116.0), 10)
    assert to_query(state) == {"view": "29.7100,116.0000,10"}
    assert parse_view("29.7,116") is None


@pytest.mark.parametrize(("bounds", "zoom"), [(None, 7), ([[28.0, 116.9], [28.5, 117.5]], 10)])
def test_fit_view_zooms_to_the_region(bounds, zoom):
    view = fit_view(bounds)
    assert view.zoom == zoom
    if bounds:
        assert view.center == pytest.approx((28.25, 117.2))
