"""Reading site files robustly: encodings, column names, hand-written coordinates, chunking, writers."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pyarrow as pa
import pytest
from shapely.geometry import Point

from mapapp._errors import InputFileError
from mapapp.coordinates import find_coordinate_columns, parse_coordinates
from mapapp.sinks import CsvSink, GeoJsonSink, Points, csv_text
from mapapp.storage import SyncedWriter, atomic_write
from mapapp.tables import detect_encoding, iter_chunks, open_input


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    return write_bytes(path, text.encode(encoding))


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("columns", "expected"), [
    (["name", "lon", "lat"], ("lon", "lat")),
    (["Name", "Longitude", "Latitude"], ("Longitude", "Latitude")),
    (["LNG", "LAT"], ("LNG", "LAT")),
    (["long", "lat"], ("long", "lat")),
    (["名称", "经度", "纬度"], ("经度", "纬度")),
    (["东经", "北纬"], ("东经", "北纬")),
    (["X", "Y"], ("X", "Y")),
    (["经度(°)", "纬度（度）"], ("经度(°)", "纬度（度）")),
    (["Longitude (deg)", " Latitude "], ("Longitude (deg)", " Latitude ")),
    (["x", "y", "lon", "lat"], ("lon", "lat")),  # a named coordinate beats x/y
])
def test_coordinate_columns_found_by_common_names(columns, expected):
    assert find_coordinate_columns(columns) == expected


@pytest.mark.parametrize(("columns", "kwargs", "message"), [
    (["name", "east", "north"], {}, "no longitude column found.*'east'"),
    (["lon", "name"], {}, "no latitude column found"),
    (["a", "b"], {"lon_col": "a", "lat_col": "c"}, "no column 'c' \\(given by --lat-col\\)"),
    (["lon", "lat"], {"lon_col": "lat"}, "same column 'lat'"),
])
def test_coordinate_column_errors_name_the_columns(columns, kwargs, message):
    with pytest.raises(InputFileError, match=message):
        find_coordinate_columns(columns, **kwargs)


def test_overrides_win():
    assert find_coordinate_columns(["lon", "lat", "E", "N"], lon_col="E", lat_col="N") == ("E", "N")


@pytest.mark.parametrize(("text", "encoding", "expected"), [
    ("经度,纬度\n116,28\n", "utf-8", "utf-8"),
    ("\ufeff经度,纬度\n116,28\n", "utf-8", "utf-8"),
    ("经度,纬度\n116,28\n", "gbk", "gb18030"),
    ("lon,lat\n" + "116,28\n" * 300_000 + "116,28,南昌\n", "gbk", "gb18030"),  # GBK only after 2 MB
    ("\ufefflon,lat\n116,28\n", "utf-16", "utf-16"),
])
def test_detect_encoding(tmp_path, text, encoding, expected):
    assert detect_encoding(write(tmp_path / "t.csv", text, encoding)) == expected


def col(values: list[str]) -> pa.Array:
    return pa.array(values, type=pa.string())


@pytest.mark.parametrize(("lon", "lat", "expected", "error"), [
    ("115.9", "28.6", (115.9, 28.6), None),
    (" 115.9 ", "28.6\t", (115.9, 28.6), None),
    ("115.9°", "28.6度", (115.9, 28.6), None),
    ("E115.9", "N28.6", (115.9, 28.6), None),
    ("东经116°30′", "北纬28°36′", (116.5, 28.6), None),
    ("116°30'36\"", "28:36:00", (116.51, 28.6), None),
    ("１１５.９", "２８.６", (115.9, 28.6), None),  # full-width digits
    ("", "28.6", None, "missing longitude ('lon' is blank)"),
    ("115.9", " ", None, "missing latitude ('lat' is blank)"),
    ("", "", None, "missing coordinates ('lon' and 'lat' are blank)"),
    ("abc", "28.6", None, "longitude 'abc' in 'lon' is not a number"),
    ("115.9", "N/A", None, "latitude 'N/A' in 'lat' is not a number"),
    ("1e999", "28", None, "longitude '1e999' in 'lon' is not a number"),
    ("28.6", "115.9", None, "lat/lon appear swapped (lon=28.6 looks like a latitude, lat=115.9 like a longitude)"),
])
def test_parse_coordinates(lon, lat, expected, error):
    # A clean row first, so that the fast path and the slow path both meet each case.
    x, y, errors = parse_coordinates(col(["116", lon]), col(["28", lat]))
    assert errors[0] is None
    if error is None:
        assert errors[1] is None
        assert (x[1], y[1]) == pytest.approx(expected, abs=1e-9)
    else:
        assert errors[1].startswith(error)
        assert np.isnan(x[1]) and np.isnan(y[1])


def test_swapped_is_reported_not_fixed_and_far_points_are_not_swapped():
    x, _, errors = parse_coordinates(col(["28.1", "2.35"]), col(["115.5", "48.85"]))
    assert "not corrected" in errors[0] and np.isnan(x[0])
    assert errors[1] is None and x[1] == 2.35  # Paris: far away, but not swapped


def test_csv_values_come_back_exactly_and_in_order(tmp_path):
    rows = [f"{i:04d},site {i},116.{i},28.5,3.10" for i in range(10)]
    path = write(tmp_path / "s.csv", "code,name,lon,lat,ratio\n" + "\n".join(rows) + "\n")
    source = open_input(path)
    chunks = list(iter_chunks(source, chunk_rows=3))
    assert [c.start for c in chunks] == [0, 3, 6, 9]
    table = pa.concat_tables([c.table for c in chunks])
    assert table.column("code").to_pylist() == [f"{i:04d}" for i in range(10)]  # leading zeros kept
    assert table.column("ratio").to_pylist() == ["3.10"] * 10
    assert np.concatenate([c.lon for c in chunks])[:3] == pytest.approx([116.0, 116.1, 116.2])


@pytest.mark.parametrize(("text", "delimiter"), [
    ("lon\tlat\tname\n116\t28\ta\n", "\t"),
    ("lon;lat;name\n116;28;a\n", ";"),
    ('"lon","lat","name"\n116,28,"a, b"\n', ","),
])
def test_delimiters_are_sniffed(tmp_path, text, delimiter):
    source = open_input(write(tmp_path / "s.csv", text))
    assert source.delimiter == delimiter
    chunk = next(iter_chunks(source))
    assert chunk.lon[0] == 116 and chunk.errors[0] is None


def test_ragged_rows_are_kept(tmp_path):
    text = "lon,lat,name\n116,28,a\n116.1,28.1\n116.2,28.2,c,extra\n116.3,28.3,d\n"
    chunks = list(iter_chunks(open_input(write(tmp_path / "r.csv", text)), chunk_rows=2))
    table = pa.concat_tables([c.table for c in chunks])
    assert table.column("lon").to_pylist() == ["116", "116.1", "116.2", "116.3"]
    assert table.column("name").to_pylist() == ["a", "", "c,extra", "d"]


def test_quoted_newlines_stay_in_one_row(tmp_path):
    text = 'lon,lat,address\n116,28,"line one\nline two"\n116.1,28.1,x\n'
    chunk = next(iter_chunks(open_input(write(tmp_path / "q.csv", text))))
    assert chunk.table.column("address").to_pylist() == ["line one\nline two", "x"]


def test_excel_cells_read_as_the_user_sees_them(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "经度", "纬度", "编号"])
    sheet.append(["甲", 115.9, 28.6, 12])
    sheet.append(["乙", None, 28.7, 13])
    sheet.append([None, None, None, None])
    sheet.append(["丙", "116.1", "28.8", "0014"])
    sheet.append([None, None, None, None])  # trailing blank rows are formatting, not data
    book.save(tmp_path / "s.xlsx")
    source = open_input(tmp_path / "s.xlsx")
    assert (source.kind, source.lon_col, source.lat_col) == ("excel", "经度", "纬度")
    chunk = next(iter_chunks(source))
    assert chunk.table.column("编号").to_pylist() == ["12", "13", "", "0014"]
    assert chunk.table.column("经度").to_pylist() == ["115.9", "", "", "116.1"]
    assert chunk.errors[1].startswith("missing longitude") and chunk.errors[2].startswith("missing coordinates")


def frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": ["a", "b"], "n": [1, 2]}, geometry=[Point(116, 28), Point(28.5, 115.5)],
                            crs=4326)


@pytest.mark.parametrize("kind", ["geojson", "gpkg", "zip"])
def test_vector_inputs(tmp_path, kind):
    if kind == "zip":
        frame().to_file(tmp_path / "s.shp")
        path = tmp_path / "s.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for part in tmp_path.glob("s.*"):
                if part.suffix != ".zip":
                    archive.write(part, part.name)
    else:
        path = tmp_path / f"s.{kind}"
        frame().to_file(path)
    source = open_input(path)
    assert source.kind == "vector" and source.rows == 2
    chunk = next(iter_chunks(source))
    assert chunk.table.column("name").to_pylist() == ["a", "b"]
    assert chunk.geometry[0].equals(Point(116, 28))
    assert chunk.errors[0] is None
    assert chunk.errors[1].startswith("lat/lon appear swapped (x=28.5 looks like a latitude, y=115.5 like a longitude)")


def test_projected_vector_input_is_brought_to_wgs84(tmp_path):
    frame().iloc[:1].to_crs(3857).to_file(tmp_path / "m.gpkg")
    chunk = next(iter_chunks(open_input(tmp_path / "m.gpkg")))
    assert (chunk.geometry[0].x, chunk.geometry[0].y) == pytest.approx((116, 28), abs=1e-9)


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p / "missing.csv", "file not found"),
    (lambda p: write(p / "empty.csv", ""), "file is empty"),
    (lambda p: write(p / "blank.csv", "\n\n"), "no text|header\\) is blank"),
    (lambda p: p, "is a directory"),
    (lambda p: write(p / "s.doc", "x"), "unknown file type '.doc'"),
    (lambda p: write(p / "s.xls", "x"), "old .xls"),
    (lambda p: write(p / "s.xlsx", "not a zip"), "cannot be read as an Excel workbook"),
    (lambda p: write(p / "s.geojson", "{broken"), "cannot be read as a vector file"),
    (lambda p: write(p / "s.csv", "name,value\na,1\n"), "no longitude column found"),
    (lambda p: write_bytes(p / "bin.csv", bytes(range(256)) * 64), "neither UTF-8 nor GBK"),
])
def test_unreadable_inputs_are_clear_errors(tmp_path, make, message):
    with pytest.raises(InputFileError, match=message):
        open_input(make(tmp_path))


def test_csv_sink_writes_a_bom_and_is_atomic(tmp_path):
    out = tmp_path / "o.csv"
    with CsvSink(out) as sink:
        sink.write(pa.table({"名称": ["甲"], "d": [1.5]}))
        sink.write(pa.table({"名称": ["乙"], "d": [None]}))
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert out.read_text(encoding="utf-8-sig").splitlines() == ['"名称","d"', '"甲",1.5', '"乙",']
    with pytest.raises(RuntimeError), CsvSink(out) as sink:
        sink.write(pa.table({"名称": ["丙"], "d": [2.0]}))
        raise RuntimeError("crash mid-run")
    assert out.read_text(encoding="utf-8-sig").splitlines()[1] == '"甲",1.5'  # old file untouched
    assert [p.name for p in tmp_path.iterdir()] == ["o.csv"]  # no temporary left behind


def test_csv_text_made_ahead_is_used_only_when_made_as_the_chunk_needs(tmp_path):
    """Screening threads make each chunk's CSV text beforehand; the sink writes it only if it has the
    header exactly on the first chunk and the first chunk's columns, else makes it again."""
    first = pa.table({"名称": ["甲"], "d": [1.5]})
    later = pa.table({"名称": ["=乙"], "d": pa.array([None], pa.null())})  # another type: cast to the first's
    plain, ahead = tmp_path / "plain.csv", tmp_path / "ahead.csv"
    with CsvSink(plain) as sink:
        sink.write(first)
        sink.write(later)
    with CsvSink(ahead) as sink:
        sink.write(first, csv_text(first, header=True))
        sink.write(later, csv_text(later, header=True))  # wrong twice over: header and columns
    assert ahead.read_bytes() == plain.read_bytes()
    assert plain.read_text(encoding="utf-8-sig").splitlines() == ['"名称","d"', '"甲",1.5', '"\'=乙",']


def test_a_long_output_is_handed_to_the_disk_as_it_is_written(tmp_path, monkeypatch):
    """So the closing fsync waits for the last part only (and dirty pages stay bounded)."""
    synced, real = [], os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: (synced.append(os.fstat(fd).st_size), real(fd)))
    out = tmp_path / "o.bin"
    with atomic_write(out, "wb") as fh:
        writer = SyncedWriter(fh, every=1000)
        for _ in range(25):
            assert writer.write(b"x" * 100) == 100
    assert synced == [1000, 2000]  # each after its 1000 bytes reached the file
    assert out.read_bytes() == b"x" * 2500


def test_a_number_column_with_no_value_is_written_as_empty_fields():
    table = pa.table({"d": pa.array([None, None], pa.float64()), "e": [1.5, None]})
    assert bytes(csv_text(table, header=True).data).decode().splitlines() == ['"d","e"', ",1.5", ","]


def test_points_given_by_coordinates_write_the_geojson_shapely_points_write(tmp_path):
    """A table of points reaches GeoJSON as coordinates (no shapely point per row); same text."""
    table = pa.table({"名称": ["甲", "乙", "丙"]})
    points = Points(np.array([116.1, np.nan, 115.0]), np.array([28.2, 27.0, 29.123456789]))
    by_coordinates, by_shapely = tmp_path / "a.geojson", tmp_path / "b.geojson"
    with GeoJsonSink(by_coordinates) as sink:
        sink.write(table, points)
    with GeoJsonSink(by_shapely) as sink:
        sink.write(table, points.geometries())
    assert by_coordinates.read_bytes() == by_shapely.read_bytes()
    features = json.loads(by_coordinates.read_text(encoding="utf-8"))["features"]
    assert [f["geometry"] for f in features] == [{"type": "Point", "coordinates": [116.1, 28.2]}, None,
                                                 {"type": "Point", "coordinates": [115.0, 29.123457]}]


def test_geojson_sink_writes_one_valid_collection(tmp_path):
    out = tmp_path / "o.geojson"
    with GeoJsonSink(out, metadata={"rule": "jiangxi 1000 m"}) as sink:
        sink.write(pa.table({"a": [1]}), np.array([Point(116, 28)], dtype=object))
        sink.write(pa.table({"a": [2]}), np.array([None], dtype=object))
        sink.write(pa.table({"a": [3]}), np.array([Point(116, 28).buffer(0.01)], dtype=object))  # feature by feature
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and doc["metadata"] == {"rule": "jiangxi 1000 m"}
    assert [f["properties"]["a"] for f in doc["features"]] == [1, 2, 3]
    assert doc["features"][0]["geometry"] == {"type": "Point", "coordinates": [116, 28]}
    assert doc["features"][1]["geometry"] is None
    assert doc["features"][2]["geometry"]["type"] == "Polygon"


def test_the_summary_names_the_format_in_the_readers_language(tmp_path):
    from mapapp.messages import text

    gpd.GeoDataFrame({"n": [1]}, geometry=[Point(116, 28)], crs=4326).to_file(tmp_path / "a.geojson")
    book = openpyxl.Workbook()
    book.active.append(["名称", "经度", "纬度"])
    book.active.append(["甲", 116.0, 28.0])
    book.save(tmp_path / "b.xlsx")
    vector, excel = open_input(tmp_path / "a.geojson").describe(), open_input(tmp_path / "b.xlsx").describe()
    assert text(vector, "zh").startswith("矢量文件（GeoJSON）") and text(vector, "en").startswith("vector file (GeoJSON)")
    assert text(excel, "zh").startswith("Excel 工作簿") and text(excel, "en").startswith("Excel workbook")
