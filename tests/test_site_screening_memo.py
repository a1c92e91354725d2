"""filters.screen_sites keeps each site's screening: after one site changes, only it is screened
again, and the result is the same as screening everything afresh."""

import pandas as pd
import shapely

import mapapp.filters as filters
from mapapp.filters import screen_sites
from mapapp.layers import load_layer

COLUMNS = list(filters._SCREENED)


def fresh(sites):
    filters._memo.clear()
    return screen_sites(sites, scope="jiangxi", distance_m=1000.0)


def test_a_changed_site_is_screened_again_and_the_rest_come_from_memory(monkeypatch):
    sites = load_layer("sites")
    fresh(sites)
    moved = sites.copy()
    first = moved.index[0]
    moved.loc[first, "geometry"] = shapely.Point(116.0, 29.73)  # 九江, about 600 m from the Yangtze
    moved.loc[first, "location_kind"] = "point"
    moved.loc[first, "location_accuracy_m"] = 10.0
    screened_rows = []
    real = filters.screen

    def counting(frame, **kw):
        screened_rows.append(len(frame))
        return real(frame, **kw)

    monkeypatch.setattr(filters, "screen", counting)
    kept = screen_sites(moved, scope="jiangxi", distance_m=1000.0)
    assert screened_rows == [1]
    monkeypatch.setattr(filters, "screen", real)
    pd.testing.assert_frame_equal(kept[COLUMNS], fresh(moved)[COLUMNS])
    assert kept.loc[first, "verdict"] in ("within", "uncertain")


def test_another_rule_is_screened_on_its_own_and_only_a_few_rules_are_kept():
    sites = load_layer("sites")
    fresh(sites)
    for distance in (500.0, 1500.0, 2000.0, 2500.0, 3000.0, 3500.0, 4000.0):
        screen_sites(sites, scope="jiangxi", distance_m=distance)
    assert len(filters._memo) == filters._KEPT_RULES
    remembered = screen_sites(sites, scope="jiangxi", distance_m=4000.0)[COLUMNS]  # the newest rule, kept
    filters._memo.clear()
    pd.testing.assert_frame_equal(remembered, screen_sites(sites, scope="jiangxi", distance_m=4000.0)[COLUMNS])
