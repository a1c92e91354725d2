"""The view's URL query: round trips, short links, and bad values dropped with a warning."""

from __future__ import annotations

import pytest

from mapapp.filters import SiteFilter
from mapapp.viewstate import DEFAULT_LAYERS, ViewState, from_query, to_query

LAYERS = (*DEFAULT_LAYERS, "clusters")


@pytest.mark.parametrize(
    "state",
    [
        ViewState(),
        ViewState(lang="en", basemap="gaode"),
        ViewState(layers=("counties", "sites")),
        ViewState(filter=SiteFilter(industries=("copper", "steel"), retrofit=("in_progress",), prefecture="360600")),
        ViewState(filter=SiteFilter(restriction="within_or_uncertain", scope="yangtze", distance_m=5000)),
    ],
)
def test_round_trip(state):
    assert from_query(to_query(state), layer_ids=LAYERS) == (state, [])


def test_default_view_has_an_empty_query():
    assert to_query(ViewState()) == {}


@pytest.mark.parametrize(
    ("query", "warning"),
    [
        ({"lang": "fr"}, "lang='fr' ignored"),
        ({"industry": "copper,gold"}, "industry='gold' ignored"),
        ({"distance": "-5"}, "distance='-5' ignored"),
        ({"distance": "far"}, "distance='far' ignored"),
        ({"pref": "110000"}, "pref='110000' ignored"),
        ({"layers": "counties,nope"}, "layer 'nope' ignored"),
        ({"restriction": "maybe"}, "restriction='maybe' ignored"),
    ],
)
def test_bad_values_are_dropped_and_named(query, warning):
    state, warnings = from_query(query, layer_ids=LAYERS)
    assert warnings == [warning]
    assert state.filter.distance_m == 1000 and state.lang == "zh"


def test_streamlit_style_list_values_take_the_last():
    state, _ = from_query({"industry": ["steel", "copper"]}, layer_ids=LAYERS)
    assert state.filter.industries == ("copper",)
