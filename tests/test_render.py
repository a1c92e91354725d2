"""Map building: no CDN links, overlays shifted for Gaode, popups that escape text and list targets."""

from __future__ import annotations

import pytest
import shapely

from mapapp.catalog import build_catalog
from mapapp.geo import GEOD
from mapapp.layers import load_specs
from mapapp.render.assets import ExternalAssetError, check_links
from mapapp.render.sitemap import MapLayer, build_map, layer_features, shift_for_basemap, site_payload, site_popup_html


@pytest.fixture(scope="module")
def catalog():
    return build_catalog()


def _links(element) -> list[str]:
    found = [url for _, url in getattr(element, "default_js", []) + getattr(element, "default_css", [])]
    for child in element._children.values():
        found += _links(child)
    return found


def test_map_loads_nothing_from_the_internet(counties):
    spec = load_specs()["counties"]
    m = build_map([MapLayer(spec, layer_features(spec, counties.head(3)), True)])
    links = _links(m)
    assert any(u.endswith("leaflet.js") for u in links) and any("markercluster" in u for u in links)
    assert check_links(links) == list(dict.fromkeys(links))  # every link already local
    with pytest.raises(ExternalAssetError, match="cdn.example.org"):
        check_links(["https://cdn.example.org/x.js"])


def test_gaode_basemap_shifts_overlays_to_gcj02(counties):
    frame = counties.head(2)
    assert shift_for_basemap(frame, "none") is frame
    shifted = shift_for_basemap(frame, "gaode")
    a, b = shapely.centroid(frame.geometry.iloc[0]), shapely.centroid(shifted.geometry.iloc[0])
    _, _, metres = GEOD.inv(a.x, a.y, b.x, b.y)
    assert 300 < metres < 800  # GCJ-02 offset in Jiangxi is a few hundred metres


def test_site_popup_lists_targets_and_escapes_text(catalog):
    site = catalog.sites.set_index("id").loc["yingtan_copper_scrap_base"].copy()
    site["id"] = "yingtan_copper_scrap_base"
    html = site_popup_html(site, catalog.indicators, "zh")
    assert "data-site-id='yingtan_copper_scrap_base'" in html
    assert html.count("<tr><td>") >= len(site.indicator_ids.split(";"))
    assert "县级" in html  # location precision is stated
    site["notes"] = site["sources"] = "<script>alert(1)</script>"
    assert "<script>" not in site_popup_html(site, catalog.indicators, "en")


def test_site_payload_skips_unlocated_sites(catalog):
    popups = {sid: "" for sid in catalog.sites.id}
    payload = site_payload(catalog.sites, popups, "en")
    assert len(payload) == int(catalog.sites.geometry.notna().sum())
    assert {"id", "lon", "lat", "popup", "tooltip", "colour", "glyph"} <= set(payload[0])
    assert all(113.5 < p["lon"] < 118.5 and 24.4 < p["lat"] < 30.1 for p in payload)
