"""Export formats and CRSs, read back by GDAL (pyogrio and the ogrinfo command) as a GIS office would."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point

from mapapp.export import extract, region_from_filter, resolve_region
from mapapp.layers import load_layer
from mapapp.outputs.crs import OUTPUT_CRS, output_crs
from mapapp.outputs.formats import FORMATS, check_options, short_names, write_extract

LAYERS = ("sites", "water_areas", "river_lines", "zone_jiangxi_1000m")
COMBINATIONS = [(f, c, e) for f in FORMATS for c in OUTPUT_CRS for e in ("UTF-8", "GBK")
                if (not FORMATS[f].wgs84_only or c == "4326") and (FORMATS[f].encodings or e == "UTF-8")]
needs_ogrinfo = pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="gdal-bin (ogrinfo) not installed")


@pytest.fixture(scope="module")
def jiujiang(prefectures, counties, province):
    region = resolve_region("九江市", prefectures=prefectures, counties=counties, province=province)
    return extract({i: load_layer(i) for i in LAYERS}, region, clip=False)


@pytest.fixture(scope="module")
def written(jiujiang, tmp_path_factory):
    """Every format in every CRS it takes, as files on disk."""
    folder = tmp_path_factory.mktemp("exports")
    files = {}
    for fmt, crs, encoding in COMBINATIONS:
        out = write_extract(jiujiang, FORMATS[fmt], OUTPUT_CRS[crs], encoding=encoding)
        path = folder / f"{fmt}_{crs}_{encoding}{out.suffix}"
        path.write_bytes(out.data)
        files[fmt, crs, encoding] = path
    return files


def _gdal_path(path):
    return f"/vsizip/{path}" if path.suffix == ".zip" else str(path)


@pytest.mark.parametrize(("fmt", "crs", "encoding"), [c for c in COMBINATIONS if c[0] in ("gpkg", "shp", "kml", "geojson")])
def test_gis_formats_read_back_with_their_crs_counts_and_chinese_names(written, jiujiang, fmt, crs, encoding):
    path = _gdal_path(written[fmt, crs, encoding])
    layers = {name for name, _ in pyogrio.list_layers(path)}
    for layer_id, frame in jiujiang.frames.items():
        if fmt == "geojson":  # one collection; the layer property tells the layers apart
            back = pyogrio.read_dataframe(path)
            back = back[back["layer"] == layer_id]
        else:
            assert layer_id in layers
            back = pyogrio.read_dataframe(path, layer=layer_id)
        assert len(back) == len(frame)
        assert back.crs.to_epsg() == int(crs)
        if "name_zh" in frame.columns:
            names = back["Name"] if fmt == "kml" else back["name_zh"]
            assert sorted(names) == sorted(frame["name_zh"])  # Chinese intact, also through GBK


@needs_ogrinfo
@pytest.mark.parametrize(("fmt", "crs", "encoding"), [("shp", "4547", "GBK"), ("gpkg", "4548", "UTF-8"),
                                                      ("shp", "4490", "UTF-8"), ("kml", "4326", "UTF-8")])
def test_ogrinfo_reads_the_crs_and_the_chinese(written, jiujiang, fmt, crs, encoding):
    path = _gdal_path(written[fmt, crs, encoding])
    info = subprocess.run(["ogrinfo", "-ro", "-al", path], capture_output=True, text=True, check=True).stdout
    if fmt != "kml":
        assert f'ID["EPSG",{crs}]' in info
    assert "九江石化产业园" in info and f"Feature Count: {len(jiujiang.frames['sites'])}" in info


@pytest.mark.parametrize(("fmt", "crs"), [("gpkg", "4547"), ("gpkg", "4548"), ("shp", "4547"), ("shp", "4548")])
def test_gauss_kruger_coordinates_are_metres_within_a_metre_of_pyproj(written, fmt, crs):
    wgs84 = pyogrio.read_dataframe(str(written["geojson", "4326", "UTF-8"]))
    wgs84 = wgs84[wgs84["layer"] == "sites"].sort_values("id")
    gk = pyogrio.read_dataframe(_gdal_path(written[fmt, crs, "UTF-8"]), layer="sites").sort_values("id")
    expected = shapely.get_coordinates(shapely.normalize(shapely.transform(
        wgs84.geometry.values, Transformer.from_crs(4326, int(crs), always_xy=True).transform, interleaved=False)))
    got = shapely.get_coordinates(shapely.normalize(gk.geometry.values))  # a Shapefile turns rings clockwise
    assert got.shape == expected.shape and np.abs(got - expected).max() < 1.0
    assert 100_000 < got[:, 0].min() and got[:, 0].max() < 900_000  # eastings in metres, no zone prefix
    assert 2_500_000 < got[:, 1].min() and got[:, 1].max() < 3_400_000


def test_shapefile_zip_has_prj_cpg_and_the_field_name_table(written):
    archive = zipfile.ZipFile(written["shp", "4490", "GBK"])
    names = set(archive.namelist())
    assert {"sites.shp", "sites.dbf", "sites.shx", "sites.prj", "sites.cpg", "fields.csv", "metadata.csv"} <= names
    assert archive.read("sites.cpg").decode().strip() == "GBK"
    fields = pd.read_csv(io.BytesIO(archive.read("fields.csv")), encoding="utf-8-sig")
    sites = fields[fields.file == "sites.shp"].set_index("full_name").field
    assert sites["circular_retrofit"] == "retrofit" and sites["circular_retrofit_as_of"] == "retro_asof"
    assert (sites.str.encode("utf-8").str.len() <= 10).all() and sites.str.lower().is_unique
    back = pyogrio.read_dataframe(f"/vsizip/{written['shp', '4490', 'GBK']}", layer="sites")
    assert set(sites) - {"id"} <= set(back.columns)


def test_dbf_text_is_cut_on_a_character_boundary_and_reported(jiujiang, written):
    out = write_extract(jiujiang, FORMATS["shp"], OUTPUT_CRS["4326"], encoding="UTF-8")
    assert any("notes_zh" in note and "254" in note for note in out.notes)
    back = pyogrio.read_dataframe(f"/vsizip/{written['shp', '4326', 'UTF-8']}", layer="sites")
    longest = back["notes_zh"].dropna().map(lambda s: len(s.encode("utf-8"))).max()
    assert 240 < longest <= 254 and not back["notes_zh"].dropna().str.contains("\ufffd").any()


def test_gbk_replaces_what_it_cannot_hold_and_says_so():
    frame = gpd.GeoDataFrame({"name_zh": ["面积 5 km²", "樟树"], "layer": ["t", "t"]},
                             geometry=[Point(115.5, 28.0), Point(115.6, 28.1)], crs=4326)
    chosen = extract({"t": frame.drop(columns="layer")}, region_from_filter(), clip=False)
    out = write_extract(chosen, FORMATS["shp"], OUTPUT_CRS["4326"], encoding="GBK")
    assert any("name_zh" in n and "GBK" in n and "'?'" in n for n in out.notes)
    assert any("GBK" in n.zh and "无法表示" in n.zh for n in out.notes)


def test_excel_has_a_sheet_per_layer_points_in_the_crs_and_a_metadata_sheet(written, jiujiang):
    book = pd.read_excel(written["xlsx", "4547", "UTF-8"], sheet_name=None)
    assert list(book) == [*LAYERS, "metadata"]
    sites = book["sites"]
    assert len(sites) == len(jiujiang.frames["sites"]) and "九江经开区" in set(sites.name_zh)
    assert {"x_easting_m", "y_northing_m", "point_of", "crs"} <= set(sites.columns) and set(sites.crs) == {"EPSG:4547"}
    meta = book["metadata"].set_index("key").value
    assert meta["crs"].startswith("EPSG:4547") and "九江市" in meta["region.label"]
    assert meta["layers[0].id"] == "sites"


def test_csv_of_one_layer_is_one_file_excel_reads_and_of_several_a_zip(jiujiang):
    one = extract({"sites": jiujiang.frames["sites"].drop(columns="layer")}, region_from_filter(), clip=False)
    out = write_extract(one, FORMATS["csv"], OUTPUT_CRS["4490"])
    assert out.suffix == ".csv" and out.data.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads UTF-8
    table = pd.read_csv(io.BytesIO(out.data), encoding="utf-8-sig")
    assert {"lon", "lat"} <= set(table.columns) and table.lon.between(113, 119).all()
    several = write_extract(jiujiang, FORMATS["csv"], OUTPUT_CRS["4326"], encoding="GBK")
    archive = zipfile.ZipFile(io.BytesIO(several.data))
    assert several.suffix == ".zip" and set(archive.namelist()) == {f"{i}.csv" for i in LAYERS} | {"metadata.csv"}
    assert "九江经开区" in archive.read("sites.csv").decode("gbk")


def test_geopackage_holds_the_metadata_table(written):
    meta = pyogrio.read_dataframe(str(written["gpkg", "4490", "UTF-8"]), layer="mapapp_metadata")
    values = dict(zip(meta.key, meta.value))
    assert values["crs"].startswith("EPSG:4490") and values["format"] == "GeoPackage"


def test_short_names_are_unique_and_ten_bytes():
    names = short_names(["circular_retrofit", "a_very_long_name_1", "a_very_long_name_2", "ID", "id"])
    assert names["circular_retrofit"] == "retrofit"
    assert len({n.lower() for n in names.values()}) == 5
    assert all(len(n.encode()) <= 10 for n in names.values())


@pytest.mark.parametrize("text", ["4490", "EPSG:4490", "epsg:4490", "cgcs2000"])
def test_crs_names(text):
    assert output_crs(text).epsg == 4490


def test_wgs84_only_formats_refuse_other_crs():
    from mapapp._errors import OptionError

    with pytest.raises(OptionError, match="by definition"):
        check_options(FORMATS["geojson"], OUTPUT_CRS["4547"], "UTF-8")
