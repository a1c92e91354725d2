"""Files a hostile tester (or an ordinary office) produces: each gets a clear message, loses no row,
and never shows a traceback. Every file is built here in tmp_path and read with real GDAL/openpyxl."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from shapely.geometry import Point

from mapapp._errors import InputFileError
from mapapp.cli import main
from mapapp.commands import layers as layers_command
from mapapp.coordinates import parse_coordinates
from mapapp.messages import Msg
from mapapp.paths import ROOT
from mapapp.screening import load_region, load_waters, screen_geometries, screen_lonlat
from mapapp.tables import _has_quote, detect_encoding, iter_chunks, open_input, read_table

NANCHANG = (115.89, 28.68)  # inside Jiangxi, near the Gan river


def rows_of(path: Path, *, chunk_rows: int = 100_000) -> tuple[pa.Table, list]:
    """Every row of `path` as one table, with every row's error (None where usable)."""
    chunks = list(iter_chunks(open_input(path), chunk_rows=chunk_rows))
    return pa.concat_tables([c.table for c in chunks]), [e for c in chunks for e in c.errors]


def screen_cli(capsys: pytest.CaptureFixture[str], src: Path, out: Path, *extra: str) -> tuple[int, str]:
    code = main(["screen", str(src), "--out", str(out), *extra])
    return code, capsys.readouterr().err


def read_out(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


# --- CSV -------------------------------------------------------------------------------------------


def test_a_repeated_coordinate_column_uses_the_first_and_keeps_the_other(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("name,lon,lat,lon\na,116,28.5,note a\nb,115.9,28.6,note b\n", encoding="utf-8")
    source = open_input(path)
    table, errors = rows_of(path)
    assert table.column_names == ["name", "lon", "lat", "lon.1"]
    assert table.column("lon.1").to_pylist() == ["note a", "note b"]  # kept as data
    assert errors == [None, None]
    assert "'lon' appears more than once" in source.warnings[0] and "“lon.1”" in source.warnings[0].zh


def test_cr_only_line_endings_read_as_rows(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b"name,lon,lat\ra,116,28.5\rb,115.9,28.6\r")
    table, errors = rows_of(path)
    assert table.column("name").to_pylist() == ["a", "b"] and errors == [None, None]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_detected(tmp_path, encoding):
    path = tmp_path / "u16.csv"
    path.write_bytes("名称,经度,纬度\n甲,116,28.5\n乙,115.9,28.6\n".encode(encoding))
    assert detect_encoding(path) == encoding
    table, errors = rows_of(path)
    assert table.column("名称").to_pylist() == ["甲", "乙"] and errors == [None, None]


def test_a_huge_row_after_the_first_keeps_every_row(tmp_path):
    wkt = "LINESTRING (" + ", ".join(f"116.{i:06d} 28.5" for i in range(160_000)) + ")"  # ~3 MB
    assert len(wkt) > 2 << 20
    lines = ["name,lon,lat,wkt", "a,116,28.5,x"] + [f"b,116.1,28.6,\"{wkt}\"", "c,116.2,28.7,z", "d,116.3,28.8"]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table, errors = rows_of(path, chunk_rows=1)
    assert table.column("name").to_pylist() == ["a", "b", "c", "d"]
    assert table.column("wkt").to_pylist() == ["x", wkt, "z", ""]  # the ragged last row padded, not lost
    assert errors == [None] * 4


# --- GeoJSON ---------------------------------------------------------------------------------------


def feature(name: str, geometry: object) -> dict:
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


def write_geojson(path: Path, features: list, raw: str | None = None) -> Path:
    path.write_text(raw or json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


GOOD = feature("good", {"type": "Point", "coordinates": list(NANCHANG)})
UNCLOSED = feature("unclosed", {"type": "Polygon", "coordinates": [[[116, 28], [116.1, 28], [116.1, 28.1]]]})


def test_an_unclosed_ring_is_one_invalid_row_and_the_rest_is_screened(tmp_path):
    path = write_geojson(tmp_path / "ring.geojson", [GOOD, UNCLOSED, GOOD])
    table, errors = rows_of(path)
    assert table.column("name").to_pylist() == ["good", "unclosed", "good"]
    assert errors[0] is None and errors[2] is None
    assert errors[1] == "invalid geometry: Points of LinearRing do not form a closed linestring"
    assert "环没有闭合" in errors[1].zh


def test_geometries_gdal_nulls_get_their_reason_and_a_real_null_stays_missing(tmp_path):
    bad_type = feature("bad type", {"type": "Polygonx", "coordinates": []})
    text_coords = feature("text", {"type": "Point", "coordinates": ["a", "b"]})
    path = write_geojson(tmp_path / "bad.geojson", [GOOD, bad_type, text_coords, feature("none", None), GOOD])
    chunk = next(iter_chunks(open_input(path)))
    assert chunk.table.column("name").to_pylist() == ["good", "bad type", "text", "none", "good"]
    assert chunk.errors[1] == "invalid geometry: Unknown geometry type"
    assert chunk.errors[2].startswith("invalid geometry: malformed GeoJSON geometry: type must be number")
    assert chunk.errors[3] is None and chunk.geometry[3] is None  # screening reports it as missing
    result = screen_geometries(chunk.geometry, waters=load_waters(), region=load_region(), errors=chunk.errors)
    assert [v == "invalid" for v in result.verdict] == [False, True, True, True, False]
    assert result.error[3] == "missing geometry" and result.error[3].zh == "缺少几何图形"


def test_a_file_gdal_refuses_whole_is_read_feature_by_feature(tmp_path):
    # GDAL refuses the whole file for one coordinate it cannot parse; Python's json reads it as infinity.
    raw = ('{"type":"FeatureCollection","features":[%s,{"type":"Feature","properties":{"name":"inf"},'
           '"geometry":{"type":"Point","coordinates":[1e999,28]}},%s]}') % (json.dumps(GOOD), json.dumps(GOOD))
    path = write_geojson(tmp_path / "inf.geojson", [], raw)
    source = open_input(path)
    assert source.reader == "json" and source.rows == 3
    table, errors = rows_of(path)
    assert table.column("name").to_pylist() == ["good", "inf", "good"]
    assert errors == [None, "invalid geometry: a coordinate is infinite or NaN", None]


def test_broken_json_is_still_a_clear_error(tmp_path):
    with pytest.raises(InputFileError, match="cannot be read as a vector file \\(not valid JSON"):
        open_input(write_geojson(tmp_path / "cut.geojson", [], '{"type":"FeatureCollection","features":[{"ty'))


# --- Shapefiles ------------------------------------------------------------------------------------


def zipped_shapefile(tmp_path: Path, encoding: str, *, cpg: bool = False) -> Path:
    frame = gpd.GeoDataFrame({"名称": ["南昌工业园", "贵溪"], "备注": ["赣江边", ""]},
                             geometry=[Point(*NANCHANG), Point(117.2, 28.3)], crs=4326)
    frame.to_file(tmp_path / "s.shp", encoding=encoding)
    path = tmp_path / "s.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in tmp_path.glob("s.*"):
            if part.suffix != ".zip" and (cpg or part.suffix != ".cpg"):
                archive.write(part, part.name)
    return path


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_a_zipped_shapefile_without_cpg_keeps_its_chinese(tmp_path, encoding):
    path = zipped_shapefile(tmp_path, encoding)
    table, errors = rows_of(path)
    assert table.column_names == ["名称", "备注"]
    assert table.column("名称").to_pylist() == ["南昌工业园", "贵溪"] and errors == [None, None]


def test_a_shapefile_with_cpg_is_left_to_gdal(tmp_path):
    source = open_input(zipped_shapefile(tmp_path, "gbk", cpg=True))
    assert source.encoding is None
    assert next(iter_chunks(source)).table.column("名称").to_pylist() == ["南昌工业园", "贵溪"]


# --- Excel -----------------------------------------------------------------------------------------


def test_further_sheets_with_the_coordinates_are_read_and_skipped_ones_are_named(tmp_path):
    book = openpyxl.Workbook()
    first = book.active
    first.title = "南昌"
    first.append(["name", "lon", "lat", "code"])
    first.append(["a", 116, 28.5, "001"])
    second = book.create_sheet("九江")
    second.append(["lat", "lon", "name"])  # other order, fewer columns
    second.append([29.7, 116.0, "b"])
    book.create_sheet("空白")
    notes = book.create_sheet("说明")
    notes.append(["说明"])
    notes.append(["本表由……填写"])
    book.save(tmp_path / "s.xlsx")
    source = open_input(tmp_path / "s.xlsx")
    assert [s.name for s in source.sheets] == ["南昌", "九江"] and source.rows == 2
    table, errors = rows_of(tmp_path / "s.xlsx")
    assert table.to_pylist() == [{"name": "a", "lon": "116", "lat": "28.5", "code": "001"},
                                 {"name": "b", "lon": "116", "lat": "29.7", "code": ""}]
    assert errors == [None, None]
    skipped = [w for w in source.warnings if "was not read" in w]
    assert skipped == ["sheet '说明' was not read: it lacks the coordinate column(s) 'lon', 'lat'"]
    assert "also read sheet(s) '九江'" in source.warnings[-1] and "九江" in source.warnings[-1].zh


def formula_workbook(path: Path, cached: dict[str, str] | None = None) -> Path:
    """Coordinates as formulas, saved by openpyxl (no computed values); `cached` writes a value for
    some cells, as Excel or WPS would."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "lon", "lat", "note"])
    sheet.append(["a", "=115+1", "=28+0.5", "plain"])
    sheet.append(["b", 115.9, 28.6, "=A3&\"!\""])
    book.save(path)
    if cached:
        with zipfile.ZipFile(path) as archive:
            parts = {n: archive.read(n) for n in archive.namelist()}
        xml = parts["xl/worksheets/sheet1.xml"].decode()
        for cell, value in cached.items():
            xml = re.sub(rf'(<c r="{cell}"[^>]*><f>[^<]*</f>)<v\s*(?:/>|></v>)', rf"\g<1><v>{value}</v>", xml)
        parts["xl/worksheets/sheet1.xml"] = xml.encode()
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    return path


def test_formulas_without_values_are_reported_not_called_missing(tmp_path):
    path = formula_workbook(tmp_path / "f.xlsx")
    source = open_input(path)
    chunk = next(iter_chunks(source))
    assert chunk.errors[0].startswith("formula without a computed value in 'lon' and 'lat'")
    assert "Excel or WPS" in chunk.errors[0] and "没有保存计算结果" in chunk.errors[0].zh
    assert "missing" not in chunk.errors[0]
    assert chunk.errors[1] is None and chunk.lon[1] == pytest.approx(115.9)
    assert any("column 'note' has formulas" in w for w in source.warnings)


def test_formulas_with_saved_values_are_read(tmp_path):
    path = formula_workbook(tmp_path / "f.xlsx", cached={"B2": "116", "C2": "28.5"})
    chunk = next(iter_chunks(open_input(path)))
    assert chunk.errors[0] is None and (chunk.lon[0], chunk.lat[0]) == (116, 28.5)


def test_read_table_lists_the_formulas_without_values(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["id", "level"])
    book.active.append(["guixi_etdz", "=B3"])
    book.active.append(["wanzai_industrial_park", "provincial"])
    book.save(tmp_path / "u.xlsx")
    frame = read_table(tmp_path / "u.xlsx")
    assert frame.attrs["uncomputed_formulas"] == [(1, "level")]


# --- coordinates and messages ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["116°30′36″", "116°30′36′′", "116°30'36''", "116°30’36”", "116°30′36.0″E"])
def test_dms_seconds_in_every_common_form(text):
    lon, lat, errors = parse_coordinates(pa.array([text]), pa.array(["28.6"]))
    assert errors[0] is None and lon[0] == pytest.approx(116.51)


def test_row_messages_are_bilingual():
    _, _, errors = parse_coordinates(pa.array(["", "28.6", "abc"]), pa.array(["", "115.9", "28"]))
    assert errors[0] == "missing coordinates ('lon' and 'lat' are blank)"
    assert errors[0].zh == "缺少坐标（“lon”和“lat”均为空）"
    assert errors[1].zh.startswith("经度与纬度疑似颠倒") and "未自动更正，请核对输入" in errors[1].zh
    assert "--lon-col" not in errors[1].zh and "--lon-col" not in errors[1]  # rows are read in the page too
    assert errors[2].zh == "“lon”中的经度 'abc' 不是数字"
    result = screen_lonlat(np.array([200.0, 121.47, *NANCHANG[:1]]), np.array([10.0, 31.23, NANCHANG[1]]),
                           waters=load_waters(), region=load_region(), uncertainty_m=["", "", "-5"])
    assert result.error[0].zh == "坐标超出范围（经度 200，纬度 10）"
    assert re.fullmatch(r"在江西省外（距省界 \d+ 公里）", result.error[1].zh)  # Shanghai
    assert result.error[1].startswith("outside Jiangxi (")
    assert result.error[2] == "uncertainty_m must be a number >= 0, got '-5'" and "不小于 0" in result.error[2].zh
    assert all(isinstance(e, Msg) for e in result.error)


def test_file_errors_are_bilingual_and_name_only_the_file(tmp_path):
    with pytest.raises(InputFileError) as info:
        open_input(tmp_path / "missing.csv")
    message = info.value.args[0]
    assert message == "missing.csv: file not found" and message.zh == "missing.csv：找不到文件"
    (tmp_path / "cols.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        open_input(tmp_path / "cols.csv")
    assert "--lon-col" in info.value.args[0] and "--lon-col" not in info.value.args[0].zh
    assert str(tmp_path) not in info.value.args[0]


# --- end to end: `mapapp screen` -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dup.csv", "mac.csv", "u16.csv", "ring.geojson", "gbk.zip"])
def test_screen_command_reads_each_hostile_file(tmp_path, capsys, name):
    src = tmp_path / name
    if name == "dup.csv":
        src.write_text("name,lon,lat,lon\nA,115.89,28.68,x\nB,115.9,28.6,y\n", encoding="utf-8")
    elif name == "mac.csv":
        src.write_bytes(b"name,lon,lat\rA,115.89,28.68\rB,115.9,28.6\r")
    elif name == "u16.csv":
        src.write_bytes("name,lon,lat\nA,115.89,28.68\nB,115.9,28.6\n".encode("utf-16-le"))
    elif name == "ring.geojson":
        write_geojson(src, [feature("A", GOOD["geometry"]), UNCLOSED | {"properties": {"name": "B"}}])
    else:
        src = zipped_shapefile(tmp_path, "gbk")
    code, err = screen_cli(capsys, src, tmp_path / "out.csv")
    assert code == 0, err
    out = read_out(tmp_path / "out.csv")
    assert len(out) == 2 and out["verdict"][0] != "invalid"
    assert "Traceback" not in err


# --- the command line never shows a traceback ------------------------------------------------------


@pytest.mark.parametrize(("error", "code", "line"), [
    (PermissionError(13, "Permission denied", "/srv/x"), 2, "mapapp: error: /srv/x: Permission denied\n"),
    (RuntimeError("boom\nsecond line"), 3,
     "mapapp: internal error: RuntimeError: boom second line; please report it\n"),
    (KeyboardInterrupt(), 130, ""),
])
def test_unexpected_errors_become_one_line(capsys, monkeypatch, error, code, line):
    def fail(args: object) -> int:
        raise error

    monkeypatch.setattr(layers_command, "_list", fail)
    assert main(["layers", "list"]) == code
    assert capsys.readouterr().err == line


def test_a_closed_pipe_ends_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "mapapp", "layers", "list"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `mapapp layers list | head -0`
    err = proc.stderr.read().decode()
    assert proc.wait() == 141 and err == ""


# --- a few undecodable bytes: replaced, the rows named, nothing lost --------------------------------


@pytest.mark.parametrize(("name", "raw", "rows", "damaged"), [
    ("latin.csv", b"name,lon,lat\nA\xe9\xff,115.89,28.68\nB,115.9,28.6\nC,11\xff5.9,28.6\n", 3, "1, 3"),
    ("u16odd.csv", "name,lon,lat\nA,115.9,28.6\n".encode("utf-16-le") + b"A", 2, "2"),
])
def test_a_few_undecodable_bytes_keep_every_row_and_name_the_damaged_ones(tmp_path, capsys, name, raw, rows, damaged):
    src = tmp_path / name
    src.write_bytes(raw)
    code, err = screen_cli(capsys, src, tmp_path / "out.csv")
    assert code == 0 and "Traceback" not in err
    out = read_out(tmp_path / "out.csv")
    assert len(out) == rows and out["verdict"][0] != "invalid"
    assert f"rows with undecodable text: {damaged}" in err


def test_a_binary_file_named_csv_is_refused_in_one_line(tmp_path, capsys):
    src = tmp_path / "book.csv"
    src.write_bytes(bytes(range(256)) * 64)
    code, err = screen_cli(capsys, src, tmp_path / "out.csv")
    assert code == 2 and "does not look like a text file" in err and err.count("\n") == 1
    assert not (tmp_path / "out.csv").exists()


def test_a_stray_cell_far_off_in_a_sheet_costs_nothing(tmp_path, capsys):
    """XFD1048576 holding one character once made openpyxl pad every row to 16,384 cells (a hang)."""
    book = openpyxl.Workbook()
    book.active.append(["name", "lon", "lat"])
    book.active.append(["A", 115.9, 28.6])
    book.active["XFD1048576"] = "x"
    book.save(tmp_path / "far.xlsx")
    code, err = screen_cli(capsys, tmp_path / "far.xlsx", tmp_path / "out.csv")
    assert code == 0, err
    assert list(read_out(tmp_path / "out.csv")["name"]) == ["A"]


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "utf-16"])
def test_an_unclosed_quote_is_pointed_out(tmp_path, capsys, encoding):
    src = tmp_path / "q.csv"
    src.write_text('名称,lon,lat\nA,115.9,28.6\n"B,116.0,28.7\nC,116.1,28.8\n', encoding=encoding)
    code, err = screen_cli(capsys, src, tmp_path / "out.csv")
    assert code == 0 and "row(s) 2 hold a cell that spans lines" in err


def test_a_file_without_quotes_is_not_searched_for_line_breaks(tmp_path, capsys):
    src = tmp_path / "plain.csv"
    src.write_text("name,lon,lat\nA,115.9,28.6\nB,116.0,28.7\n", encoding="utf-8")
    assert not _has_quote(src)
    src.write_text('name,lon,lat\n"A, the first",115.9,28.6\n', encoding="utf-8")
    assert _has_quote(src)
    code, err = screen_cli(capsys, src, tmp_path / "out.csv")
    assert code == 0 and "spans lines" not in err


@pytest.mark.parametrize("args", [["--distance", "abc"], ["--datum", "mars"], ["--scope", "moon"], ["--nope"]])
def test_a_usage_error_is_one_line_naming_the_help(tmp_path, capsys, args):
    src = tmp_path / "s.csv"
    src.write_text("name,lon,lat\nA,115.9,28.6\n", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["screen", str(src), "--out", str(tmp_path / "o.csv"), *args])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and err.startswith("mapapp") and err.endswith(" --help)\n")


def test_waters_without_geometry_and_an_output_linked_to_the_input_are_refused(tmp_path, capsys):
    src = tmp_path / "s.csv"
    src.write_text("name,lon,lat\nA,115.9,28.6\n", encoding="utf-8")
    code = main(["screen", str(src), "--out", str(tmp_path / "o.csv"), "--waters", str(src)])
    assert code == 2 and "has no geometries" in capsys.readouterr().err
    (tmp_path / "link.csv").hardlink_to(src)
    code, err = screen_cli(capsys, src, tmp_path / "link.csv")
    assert code == 2 and "the output is the input file itself" in err
    assert src.read_text(encoding="utf-8") == "name,lon,lat\nA,115.9,28.6\n"


# --- vector files as people send them ------------------------------------------------------------


def _points(names: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": names}, geometry=[Point(115.9 + i / 10, 28.6) for i in range(len(names))], crs=4326)


@pytest.mark.parametrize("inner", ["a/b/c/pts", "园区/点位"])
def test_a_shapefile_in_a_folder_of_the_zip_is_found(tmp_path, capsys, inner):
    _points(["A", "B"]).to_file(tmp_path / "pts.shp", engine="pyogrio")
    with zipfile.ZipFile(tmp_path / "in.zip", "w") as z:
        for part in tmp_path.glob("pts.*"):
            z.write(part, inner + part.suffix)
    code, err = screen_cli(capsys, tmp_path / "in.zip", tmp_path / "out.csv")
    assert code == 0, err
    assert list(read_out(tmp_path / "out.csv")["name"]) == ["A", "B"]


def test_every_layer_and_archive_member_is_read_and_named(tmp_path, capsys):
    _points(["A", "B"]).to_file(tmp_path / "two.gpkg", layer="first", engine="pyogrio")
    _points(["C"]).assign(kind=1).to_file(tmp_path / "two.gpkg", layer="second", engine="pyogrio")
    code, err = screen_cli(capsys, tmp_path / "two.gpkg", tmp_path / "out.csv")
    assert code == 0 and "read 2 layers (first, second)" in err
    out = read_out(tmp_path / "out.csv")
    assert list(out["name"]) == ["A", "B", "C"] and list(out["source_layer"]) == ["first", "first", "second"]
    assert list(out["kind"]) == ["", "", "1"]  # a column only one layer has
    _points(["D"]).to_file(tmp_path / "one.shp", engine="pyogrio")
    _points(["E", "F"]).to_file(tmp_path / "two.shp", engine="pyogrio")
    with zipfile.ZipFile(tmp_path / "in.zip", "w") as z:
        for part in [*tmp_path.glob("one.*"), *tmp_path.glob("two.s*"), *tmp_path.glob("two.d*"), *tmp_path.glob("two.p*"),
                     *tmp_path.glob("two.c*")]:
            z.write(part, part.name)
    code, err = screen_cli(capsys, tmp_path / "in.zip", tmp_path / "out.csv")
    assert code == 0, err
    assert sorted(read_out(tmp_path / "out.csv")["name"]) == ["D", "E", "F"]


def test_nested_and_mixed_properties_are_written_as_json_text(tmp_path, capsys):
    features = [{"type": "Feature", "properties": {"a": 1}, "geometry": {"type": "Point", "coordinates": [115.89, 28.68]}},
                {"type": "Feature", "properties": {"b": {"nested": [1, 2]}, "c": [1, "x"]},
                 "geometry": {"type": "Point", "coordinates": [116.0, 28.7]}}]
    write_geojson(tmp_path / "m.geojson", features)
    code, err = screen_cli(capsys, tmp_path / "m.geojson", tmp_path / "out.csv")
    assert code == 0, err
    out = read_out(tmp_path / "out.csv")
    assert len(out) == 2 and json.loads(out["b"][1]) == {"nested": [1, 2]}


def test_a_gbk_geojson_is_read_as_gbk_and_written_as_utf8(tmp_path, capsys):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "南昌"}, "geometry": {"type": "Point", "coordinates": [115.89, 28.68]}}]}
    (tmp_path / "g.geojson").write_bytes(json.dumps(doc, ensure_ascii=False).encode("gbk"))
    code, err = screen_cli(capsys, tmp_path / "g.geojson", tmp_path / "out.csv")
    assert code == 0 and "read as GBK/GB18030" in err
    assert list(read_out(tmp_path / "out.csv")["name"]) == ["南昌"]


def test_a_workbook_is_read_from_its_first_sheet_with_the_needed_columns(tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表为核查点位"])
    data = book.create_sheet("点位")
    data.append(["name", "lon", "lat"])
    data.append(["A", 115.9, 28.6])
    book.save(tmp_path / "w.xlsx")
    code, err = screen_cli(capsys, tmp_path / "w.xlsx", tmp_path / "out.csv")
    assert code == 0 and "read from sheet '点位' on: '说明' before it lack the needed columns" in err
    assert list(read_out(tmp_path / "out.csv")["name"]) == ["A"]
    assert list(read_table(tmp_path / "w.xlsx", required=("name",))["name"]) == ["A"]


def test_entries_gdal_drops_silently_are_kept_as_invalid_rows(tmp_path, capsys):
    src = tmp_path / "f.geojson"
    src.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a"},'
                   '"geometry":{"type":"Point","coordinates":[115.89,28.68]}},42,"x",null]}', encoding="utf-8")
    code, err = screen_cli(capsys, src, tmp_path / "out.csv")
    assert code == 0 and "row 2: not a GeoJSON feature (42)" in err
    assert list(read_out(tmp_path / "out.csv")["verdict"]) == ["outside", "invalid", "invalid", "invalid"]


def test_file_names_at_the_length_limit_or_not_utf8_still_work(tmp_path, capsys):
    src = tmp_path / ("x" * 240 + ".csv")
    src.write_text("name,lon,lat\nA,115.9,28.6\n", encoding="utf-8")
    code, err = screen_cli(capsys, src, tmp_path / ("o" * 240 + ".csv"))
    assert code == 0, err
    odd = tmp_path / os.fsdecode(b"bad\xff.csv")  # a name copied from an old GBK disk
    odd.write_text("name,lon,lat\nA,115.9,28.6\n", encoding="utf-8")
    # In a subprocess: the real stderr writes such a name escaped, where capsys would refuse it.
    result = subprocess.run([sys.executable, "-m", "mapapp", "screen", odd, "--out", tmp_path / os.fsdecode(b"o\xff.csv")],
                            capture_output=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_gdal_and_temporary_file_internals_stay_out_of_messages(tmp_path, capsys):
    src = tmp_path / "s.csv"
    src.write_text("name,lon,lat\nA,115.9,28.6\n", encoding="utf-8")
    (tmp_path / "empty.geojson").write_bytes(b"")
    (tmp_path / "bad.gpkg").write_bytes(b"SQLite format 3\x00garbage")
    for args in (["--waters", str(tmp_path / "empty.geojson")], []):
        code = main(["screen", str(tmp_path / "bad.gpkg" if not args else src), "--out", str(tmp_path / "o.csv"), *args])
        err = capsys.readouterr().err
        assert code == 2 and "It might help" not in err and "sqlite3_" not in err, err
    code, err = screen_cli(capsys, src, Path("/proc/mapapp_out.csv"))
    assert code == 2 and "/proc/mapapp_out.csv" in err and ".tmp" not in err


@pytest.mark.parametrize(("make", "fragment"), [
    (lambda p: p.write_bytes(b"PK\x05\x06" + b"\x00" * 18), "the archive holds no vector file"),  # an empty zip
    (lambda p: p.write_bytes(b"not a zip at all"), "is not a valid zip archive"),
])
def test_zips_without_a_vector_file_say_so_plainly(tmp_path, capsys, make, fragment):
    make(tmp_path / "in.zip")
    code, err = screen_cli(capsys, tmp_path / "in.zip", tmp_path / "out.csv")
    assert code == 2 and fragment in err and "/vsizip/" not in err


def test_a_zip_whose_names_climb_out_is_not_followed(tmp_path, capsys):
    with zipfile.ZipFile(tmp_path / "in.zip", "w") as z:
        z.writestr("../../evil.shp", b"x")
    code, err = screen_cli(capsys, tmp_path / "in.zip", tmp_path / "out.csv")
    assert code == 2 and "the archive holds no vector file" in err


def test_a_workbook_with_damaged_cells_is_one_clear_error(tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active.append(["name", "lon", "lat"])
    book.active.append(["A", 115.9, 28.6])
    book.save(tmp_path / "ok.xlsx")
    with zipfile.ZipFile(tmp_path / "ok.xlsx") as src, zipfile.ZipFile(tmp_path / "bad.xlsx", "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # a number cell holding text, as broken exporters write
                data = re.sub(rb'<c r="B2"([^>]*)><v>[^<]*</v>', rb'<c r="B2"\1><v>completed</v>', data)
            dst.writestr(item, data)
    code, err = screen_cli(capsys, tmp_path / "bad.xlsx", tmp_path / "out.csv")
    assert code == 2 and "the workbook's content is damaged" in err and err.count("\n") == 1


def test_results_never_write_over_the_apps_own_data(tmp_path, capsys):
    from mapapp.paths import DATA_DIR

    src = tmp_path / "s.csv"
    src.write_text("name,lon,lat\nA,115.9,28.6\n", encoding="utf-8")
    target = DATA_DIR / "base" / "river_lines.geojson"
    before = target.read_bytes()
    code, err = screen_cli(capsys, src, target)
    assert code == 2 and "data folder" in err and target.read_bytes() == before
    assert main(["export", "--region", "鹰潭", "--out", str(DATA_DIR / "sites" / "sites.geojson")]) == 2


def test_a_vector_file_without_any_geometry_says_where_to_look(tmp_path, capsys):
    features = [{"type": "Feature", "properties": {"name": n, "x": 115.9, "y": 28.6}, "geometry": None} for n in "AB"]
    write_geojson(tmp_path / "n.geojson", features)
    code, err = screen_cli(capsys, tmp_path / "n.geojson", tmp_path / "out.csv")
    assert code == 0 and "no feature in the file has a geometry" in err
    assert list(read_out(tmp_path / "out.csv")["verdict"]) == ["invalid", "invalid"]


def test_big5_is_told_from_gbk(tmp_path, capsys):
    text = "name,lon,lat\n臺灣工廠,115.89,28.68\n測試園區,116.0,29.71\n鋼鐵廠,114.93,27.82\n"
    (tmp_path / "b.csv").write_bytes(text.encode("big5"))
    (tmp_path / "g.csv").write_bytes(text.encode("gbk"))
    assert detect_encoding(tmp_path / "b.csv") == "big5" and detect_encoding(tmp_path / "g.csv") == "gb18030"
    code, _ = screen_cli(capsys, tmp_path / "b.csv", tmp_path / "out.csv")
    assert code == 0 and list(read_out(tmp_path / "out.csv")["name"]) == ["臺灣工廠", "測試園區", "鋼鐵廠"]


def test_an_underscore_in_a_number_is_not_a_thousands_separator():
    _, _, errors = parse_coordinates(pa.array(["115_89", "115.89"]), pa.array(["28.6", "28.6"]))
    assert errors[0] == "longitude '115_89' in 'lon' is not a number" and errors[1] is None
