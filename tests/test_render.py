"""Map building: no CDN links, overlays shifted for Gaode, site symbols that say which site was clicked."""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import shape

from mapapp.catalog.catalog import build_catalog
from mapapp.geo import GEOD
from mapapp.layers import load_layer, load_specs
from mapapp.render.assets import ExternalAssetError, check_links
from mapapp.render.labels import label_points
from mapapp.render.sitemap import (
    MapLayer,
    build_map,
    layer_features,
    shift_for_basemap,
    site_payload,
    site_shapes,
    sites_group,
)


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


def test_site_payload_skips_unlocated_sites(catalog):
    payload = site_payload(catalog.sites, site_shapes(catalog.sites), "en", selected=["yingtan_copper_scrap_base"])
    assert len(payload) == int(catalog.sites.geometry.notna().sum())
    assert {"id", "lon", "lat", "selected", "tooltip", "colour", "glyph", "outline", "range"} <= set(payload[0])
    assert all(113.5 < p["lon"] < 118.5 and 24.4 < p["lat"] < 30.1 for p in payload)
    assert [p["id"] for p in payload if p["selected"]] == ["yingtan_copper_scrap_base"]


def test_a_range_symbol_sits_inside_its_unit_and_carries_its_outline(catalog):
    sites = catalog.sites.set_index("id", drop=False)
    shapes = site_shapes(catalog.sites)
    site = sites.loc["yingtan_copper_scrap_base"]
    assert site.location_kind == "range"
    symbol = shapes[site.id]
    assert site.geometry.contains(shapely.Point(symbol["lon"], symbol["lat"]))
    outline = shapely.geometry.shape(symbol["outline"])
    assert outline.symmetric_difference(site.geometry).area / site.geometry.area < 0.02  # simplified, same unit
    payload = {p["id"]: p for p in site_payload(catalog.sites, shapes, "zh")}
    assert payload[site.id]["range"] is True and "非实际位置" in payload[site.id]["tooltip"]
    assert payload[site.id]["outline"] is None  # a unit's outline is sent only while the site is selected
    chosen = {p["id"]: p for p in site_payload(catalog.sites, shapes, "zh", selected=[site.id])}
    assert chosen[site.id]["outline"] == symbol["outline"]


def test_a_boundary_is_drawn_as_an_area(catalog):
    sites = catalog.sites.head(1).copy()
    sites["location_kind"] = "boundary"
    sites = sites.set_geometry([shapely.box(116.0, 28.0, 116.01, 28.01)], crs=4326)
    payload = site_payload(sites, site_shapes(sites), "zh")
    assert payload[0]["range"] is False and payload[0]["outline"]["type"] == "Polygon"
    m = build_map([], lang="zh")
    sites_group(sites, site_shapes(sites), "zh", name="x").add_to(m)
    assert "site-boundary" in _html(m)


# --- what the page's defects list asked of the map (issue 8) --------------------------------------


def _html(m) -> str:
    return m.get_root().render()


def test_every_property_that_reaches_html_is_escaped(counties):
    """A name or popup field holding markup is shown as text: it never runs in the browser."""
    evil = "<img src=x onerror=alert(1)>"
    specs = load_specs()
    clusters = layer_features(specs["clusters"], load_layer("clusters").head(2).assign(name_zh=evil, notes=evil), "zh")
    for feature in clusters["features"]:
        assert evil not in feature["properties"]["_tip"] and "&lt;img" in feature["properties"]["_tip"]
        assert "<img" not in feature["properties"]["_popup"]
    labels = label_points(counties.head(2).assign(name_zh=evil), "county", "zh")
    page = _html(build_map([], labels=labels))
    assert "<img src=x" not in page  # the labels' JSON escapes "<" and the script sets textContent


def test_waters_and_base_layers_open_no_popup_so_a_click_checks_the_point():
    specs = load_specs()
    for layer in ("water_areas", "river_lines", "counties", "prefectures"):
        features = layer_features(specs[layer], load_layer(layer, display=True).head(3), "zh")["features"]
        assert all(set(f["properties"]) == {"_tip"} for f in features), layer
    assert "rule_groups" not in json.dumps(layer_features(specs["water_areas"], load_layer("water_areas"), "zh"))


def test_legend_folds_and_opens_folded_on_a_narrow_map():
    page = _html(build_map([], lang="zh"))
    assert "map-legend" in page and "folded" in page and "aria-expanded" in page
    assert "fold(map.getSize().x < 1000)" in page and "popupopen" in page


def test_clusters_use_their_own_colour_not_leaflets_green_and_yellow():
    page = _html(build_map([], lang="zh"))
    assert ".site-cluster div" in page and "#3f5873" in page
    sites = load_layer("sites").head(3)
    m = build_map([], lang="zh")
    sites_group(sites, site_shapes(sites), "zh", name="x").add_to(m)
    assert "site-cluster" in _html(m)


@pytest.mark.parametrize(("lang", "present", "absent"), [
    ("zh", ["绘制多边形", "全屏", "放大", "imperial: false"], ["Draw a polygon"]),
    ("en", ["Full screen", "imperial: false"], ["绘制多边形"]),
])
def test_map_controls_speak_the_page_language_and_the_scale_is_metric(lang, present, absent):
    page = _html(build_map([], lang=lang))
    for text in present:
        assert text in page or json.dumps(text)[1:-1] in page, text
    for text in absent:
        assert text not in page and json.dumps(text)[1:-1] not in page, text


def test_place_names_come_from_the_local_layers_by_zoom(prefectures, counties):
    labels = label_points(prefectures, "prefecture", "zh") + label_points(counties, "county", "en")
    assert len(labels) == 11 + 100
    assert "南昌市" in {label["name"] for label in labels}
    assert any(label["name"].startswith("Guixi") for label in labels)
    for label in labels:  # each name sits inside its own unit
        frame = prefectures if label["kind"] == "prefecture" else counties
        column = "name_zh" if label["kind"] == "prefecture" else "name_en"
        unit = frame.loc[frame[column] == label["name"]].geometry.iloc[0]
        assert unit.buffer(1e-6).contains(shapely.Point(label["lon"], label["lat"])), label
    rivers = label_points(load_layer("river_lines", display=True), "water", "zh")
    assert {"赣江", "信江"} <= {label["name"] for label in rivers}
    page = _html(build_map([], labels=labels))
    assert '"prefecture": 7' in page and '"county": 9' in page


def test_a_national_target_scoped_to_a_site_is_refused():
    from mapapp.catalog.indicators import validate_indicator_rows

    row = {"id": "i003_x", "indicator_zh": "某指标", "indicator_en": "Some target", "scope": "site",
           "scope_key": "guixi_etdz", "unit": "percent", "target_year": "2025", "value": "5", "direction": "floor",
           "document": "003_ceaaba9e87eb4612.txt", "clause": "三(一)"}
    _, errors = validate_indicator_rows([row])
    assert errors and "national plan" in errors[0].message




def test_layers_are_files_the_browser_fetches_not_script(tmp_path, monkeypatch):
    """The map script names a layer's file; the file holds the features, written once per content."""
    from mapapp.render import layer_files

    monkeypatch.setattr(layer_files, "STATIC_DIR", tmp_path)
    monkeypatch.setattr(layer_files, "LAYER_DIR", tmp_path / "cache" / "layers")
    spec = load_specs()["counties"]
    features = layer_features(spec, load_layer("counties", display=True).head(3))
    url = layer_files.publish(features, "counties-none-zh")
    assert url is not None and url.startswith("../../app/static/cache/layers/counties-none-zh-")
    assert layer_files.publish(features, "counties-none-zh") == url  # same content, same file
    assert len(list((tmp_path / "cache" / "layers").iterdir())) == 1
    # Written as TopoJSON: the same features and properties, coordinates within the quantization's step.
    assert json.loads((tmp_path / url.removeprefix("../../app/static/")).read_text())["type"] == "Topology"
    back = layer_files.read_published(url)
    assert [f["properties"] for f in back["features"]] == [f["properties"] for f in features["features"]]
    for before, after in zip(features["features"], back["features"]):
        assert shape(before["geometry"]).hausdorff_distance(shape(after["geometry"])) < 1e-4  # degrees, ~10 m
    page = _html(build_map([MapLayer(spec, url, True)]))
    assert f'fetch("{url}")' in page and features["features"][0]["properties"]["_tip"] not in page


def test_an_unwritable_folder_embeds_the_layer(tmp_path, monkeypatch):
    from mapapp.render import layer_files

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(layer_files, "LAYER_DIR", blocker / "layers")
    assert layer_files.publish({"type": "FeatureCollection", "features": []}, "x") is None


def test_what_topojson_cannot_take_is_written_as_json(tmp_path, monkeypatch):
    from mapapp.render import layer_files

    monkeypatch.setattr(layer_files, "STATIC_DIR", tmp_path)
    monkeypatch.setattr(layer_files, "LAYER_DIR", tmp_path / "cache" / "layers")
    for data in ({"type": "FeatureCollection", "features": []},
                 {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"a": 1}, "geometry": None}]},
                 {"360100": "outline"}):
        assert layer_files.read_published(layer_files.publish(data, "x")) == data


def test_the_maps_scripts_are_sent_as_one_bundle(tmp_path, monkeypatch):
    """streamlit-folium loads script links one after another; the map gets one file holding them all."""
    from mapapp.render import layer_files, script_bundle
    from mapapp.render.assets import ICON_PATH_FIX, asset_base

    m = build_map([])
    links = check_links([url for _, url in _scripts(m)])
    assert len(links) >= 5 and all(u.startswith(asset_base()) for u in links)
    monkeypatch.setattr(layer_files, "STATIC_DIR", tmp_path)
    monkeypatch.setattr(script_bundle, "SCRIPT_DIR", tmp_path / "cache" / "scripts")
    [bundle] = script_bundle.bundled(links)
    body = (tmp_path / bundle.removeprefix(asset_base())).read_text(encoding="utf-8")
    assert "Leaflet 1.9.4" in body and "markercluster" in body and "topojson" in body
    # The icon-path shim found the images from its own URL; in the bundle the path is written out.
    assert ICON_PATH_FIX[1] in links[1] and "'../../vendor/leaflet@1.9.4/dist/images/'" in body
    assert script_bundle.bundled(links) == [bundle]  # same scripts, same file
    assert script_bundle.bundled(["https://cdn.example.org/x.js", *links]) == ["https://cdn.example.org/x.js", *links]
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(script_bundle, "SCRIPT_DIR", blocker / "scripts")
    assert script_bundle.bundled(links) == links  # cannot write it: the links as they were


def _scripts(element) -> list[tuple[str, str]]:
    found = list(getattr(element, "default_js", []))
    for child in element._children.values():
        found += _scripts(child)
    return list(dict.fromkeys(found))
