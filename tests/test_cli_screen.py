"""`mapapp screen` end to end: input formats, datums, bad rows, exit codes, atomic output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from pyproj import Transformer
from shapely.geometry import Point, box

from mapapp import batch
from mapapp.cli import main
from mapapp.datum import from_wgs84
from mapapp.geo import GEOD, JIANGXI_LCC
from mapapp.paths import ROOT

WATERS = Path(__file__).parent / "fixtures" / "screening" / "waters.geojson"
TO_LL = Transformer.from_crs(JIANGXI_LCC, 4326, always_xy=True)


def east_of_lake(distance_m: float) -> tuple[float, float]:
    """A point `distance_m` ground metres east of the fixture lake's east bank (see fixtures README)."""
    lon0, lat0 = TO_LL.transform(10_000, 155_000)
    lon1, lat1 = TO_LL.transform(10_001, 155_000)
    azimuth = GEOD.inv(lon0, lat0, lon1, lat1)[0]
    lon, lat, _ = GEOD.fwd(lon0, lat0, azimuth, distance_m)
    return round(lon, 7), round(lat, 7)


A = east_of_lake(900)
B = east_of_lake(1100)
LAKE = tuple(round(v, 7) for v in TO_LL.transform(2_000, 152_000))
WUHAN = (114.30, 30.59)

# name, lon text, lat text, uncertainty, expected verdict, expected error start
ROWS = [
    ("甲厂", str(A[0]), str(A[1]), "", "within", None),
    ("乙厂", str(B[0]), str(B[1]), "", "outside", None),
    ("湖心", str(LAKE[0]), str(LAKE[1]), "", "within", None),
    ("缺经度", "", "28.6", "", "invalid", "missing longitude"),
    ("乱码", "abc", "28.6", "", "invalid", "longitude 'abc'"),
    ("颠倒", str(A[1]), str(A[0]), "", "invalid", "lat/lon appear swapped"),
    ("武汉", str(WUHAN[0]), str(WUHAN[1]), "", "invalid", "outside Jiangxi ("),
    ("县级精度", str(A[0]), str(A[1]), "200", "uncertain", None),
]


def sites_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "名称": [r[0] for r in ROWS], "经度": [r[1] for r in ROWS], "纬度": [r[2] for r in ROWS],
        "uncertainty_m": [r[3] for r in ROWS], "编号": [f"{i:04d}" for i in range(len(ROWS))],
    })


def write_csv(path: Path, encoding: str) -> Path:
    sites_frame().to_csv(path, index=False, encoding=encoding)
    return path


def text_file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys, *args: object) -> tuple[int, str]:
    code = main(["screen", *map(str, args), "--waters", str(WATERS)])
    return code, capsys.readouterr().err


def read_out(path: Path) -> pd.DataFrame:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to see UTF-8
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def check_rows(out: pd.DataFrame) -> None:
    assert list(out["名称"]) == [r[0] for r in ROWS]  # every row, in order
    assert list(out["编号"]) == [f"{i:04d}" for i in range(len(ROWS))]  # original text kept
    assert list(out["verdict"]) == [r[4] for r in ROWS]
    for (*_, error), got in zip(ROWS, out["error"]):
        assert got.startswith(error) if error else got == ""
    assert float(out["distance_m"][0]) == pytest.approx(900, abs=0.1)
    assert float(out["distance_m"][1]) == pytest.approx(1100, abs=0.1)
    assert out["distance_m"][2] == "0" or float(out["distance_m"][2]) == 0
    assert list(out["nearest_water"][:3]) == ["测试湖"] * 3
    assert out["distance_m"][3] == "" and out["nearest_water"][3] == ""
    assert out["rule"][0].startswith("jiangxi 1000 m; waters sha256:")


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_any_common_encoding(tmp_path, capsys, encoding):
    src = write_csv(tmp_path / "sites.csv", encoding)
    code, err = run(capsys, src, "--out", tmp_path / "out.csv")
    assert code == 0
    check_rows(read_out(tmp_path / "out.csv"))
    assert "read 8 rows" in err and "within 2, outside 1, uncertain 1; invalid 4" in err
    assert "row 4: missing longitude" in err and "1-based data rows" in err


def test_excel_input(tmp_path, capsys):
    book = openpyxl.Workbook()
    sheet = book.active
    frame = sites_frame()
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([float(v) if k in (1, 2) and v.replace(".", "", 1).isdigit() else v for k, v in enumerate(row)])
    book.save(tmp_path / "sites.xlsx")
    code, _ = run(capsys, tmp_path / "sites.xlsx", "--out", tmp_path / "out.csv")
    assert code == 0
    check_rows(read_out(tmp_path / "out.csv"))


def test_geojson_in_geojson_out(tmp_path, capsys):
    metric_box = gpd.GeoSeries([box(11_500, 154_000, 12_500, 156_000)], crs=JIANGXI_LCC).to_crs(4326).iloc[0]
    sites = gpd.GeoDataFrame({"name": ["a", "b", "park", "gone"], "uncertainty_m": [None, None, None, None]},
                             geometry=[Point(A), Point(B), metric_box, None], crs=4326)
    sites.to_file(tmp_path / "sites.geojson")
    code, _ = run(capsys, tmp_path / "sites.geojson", "--out", tmp_path / "out.geojson")
    assert code == 0
    doc = json.loads((tmp_path / "out.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and doc["metadata"]["threshold_m"] == 1000
    props = [f["properties"] for f in doc["features"]]
    assert [p["name"] for p in props] == ["a", "b", "park", "gone"]
    assert [p["verdict"] for p in props] == ["within", "outside", "outside", "invalid"]
    assert props[2]["distance_m"] == pytest.approx(1500, rel=0.001)
    assert props[3]["error"] == "missing geometry" and doc["features"][3]["geometry"] is None
    assert doc["features"][0]["geometry"]["type"] == "Point"
    assert gpd.read_file(tmp_path / "out.geojson").shape[0] == 4  # GDAL reads it too


def test_vector_input_to_csv_keeps_the_geometry_as_wkt(tmp_path, capsys):
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(A)], crs=4326).to_file(tmp_path / "s.gpkg")
    code, _ = run(capsys, tmp_path / "s.gpkg", "--out", tmp_path / "out.csv")
    out = read_out(tmp_path / "out.csv")
    assert code == 0 and out["geometry"][0].startswith("POINT (") and out["verdict"][0] == "within"


@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_datum_conversion_gives_the_wgs84_result(tmp_path, capsys, datum):
    lon, lat = from_wgs84(A[0], A[1], datum)
    pd.DataFrame({"lng": [lon], "lat": [lat]}).to_csv(tmp_path / "s.csv", index=False)
    pd.DataFrame({"lng": [A[0]], "lat": [A[1]]}).to_csv(tmp_path / "w.csv", index=False)
    assert run(capsys, tmp_path / "s.csv", "--out", tmp_path / "o.csv", "--datum", datum)[0] == 0
    assert run(capsys, tmp_path / "w.csv", "--out", tmp_path / "ow.csv")[0] == 0
    converted, wgs = read_out(tmp_path / "o.csv"), read_out(tmp_path / "ow.csv")
    assert converted["distance_m"][0] == wgs["distance_m"][0]
    assert converted["verdict"][0] == "within"
    assert converted["lng"][0] == str(lon)  # the input's own coordinates are kept as given


def test_undeclared_gcj02_input_is_off_by_hundreds_of_metres(tmp_path, capsys):
    """Why --datum matters: the same Amap point read as WGS 84 lands several hundred metres away."""
    lon, lat = from_wgs84(A[0], A[1], "gcj02")
    pd.DataFrame({"lon": [lon], "lat": [lat]}).to_csv(tmp_path / "s.csv", index=False)
    run(capsys, tmp_path / "s.csv", "--out", tmp_path / "o.csv")
    assert abs(float(read_out(tmp_path / "o.csv")["distance_m"][0]) - 900) > 100


def test_threshold_and_scope_options(tmp_path, capsys):
    src = write_csv(tmp_path / "s.csv", "utf-8")
    run(capsys, src, "--out", tmp_path / "far.csv", "--distance", "5000")
    assert list(read_out(tmp_path / "far.csv")["verdict"][:3]) == ["within"] * 3
    run(capsys, src, "--out", tmp_path / "y.csv", "--scope", "yangtze")
    out = read_out(tmp_path / "y.csv")
    assert list(out["nearest_water"][:3]) == ["测试长江"] * 3 and list(out["verdict"][:3]) == ["outside"] * 3


@pytest.mark.parametrize("value", ["0", "-5", "abc", "nan"])
def test_bad_distance_is_a_usage_error(tmp_path, capsys, value):
    with pytest.raises(SystemExit) as stop:
        main(["screen", str(write_csv(tmp_path / "s.csv", "utf-8")), "--out", str(tmp_path / "o.csv"),
              "--distance", value])
    assert stop.value.code == 2 and value in capsys.readouterr().err


def test_lon_lat_column_overrides(tmp_path, capsys):
    pd.DataFrame({"E": [A[0]], "N": [A[1]], "lon": ["x"], "lat": ["y"]}).to_csv(tmp_path / "s.csv", index=False)
    code, _ = run(capsys, tmp_path / "s.csv", "--out", tmp_path / "o.csv", "--lon-col", "E", "--lat-col", "N")
    assert code == 0 and read_out(tmp_path / "o.csv")["verdict"][0] == "within"


def test_chunked_run_gives_the_same_file(tmp_path, capsys):
    src = write_csv(tmp_path / "s.csv", "gbk")
    run(capsys, src, "--out", tmp_path / "one.csv")
    run(capsys, src, "--out", tmp_path / "many.csv", "--chunk-rows", "3")
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "many.csv").read_bytes()


def test_our_column_names_in_the_input_are_kept_renamed(tmp_path, capsys):
    pd.DataFrame({"lon": [A[0]], "lat": [A[1]], "verdict": ["old"]}).to_csv(tmp_path / "s.csv", index=False)
    run(capsys, tmp_path / "s.csv", "--out", tmp_path / "o.csv")
    out = read_out(tmp_path / "o.csv")
    assert out["input_verdict"][0] == "old" and out["verdict"][0] == "within"


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p / "missing.csv", "file not found"),
    (lambda p: text_file(p / "empty.csv", ""), "file is empty"),
    (lambda p: text_file(p / "head.csv", "lon,lat\n"), "no data rows"),
    (lambda p: text_file(p / "cols.csv", "a,b\n1,2\n"), "no longitude column found"),
])
def test_nothing_readable_exits_2_and_writes_nothing(tmp_path, capsys, make, message):
    code, err = run(capsys, make(tmp_path), "--out", tmp_path / "out.csv")
    assert code == 2 and message in err and err.startswith("mapapp: error:")
    assert not (tmp_path / "out.csv").exists()


def test_unknown_output_extension_exits_2(tmp_path, capsys):
    code, err = run(capsys, write_csv(tmp_path / "s.csv", "utf-8"), "--out", tmp_path / "out.xlsx")
    assert code == 2 and "must end in .csv or .geojson" in err


def test_failed_run_leaves_the_previous_output_untouched(tmp_path, capsys, monkeypatch):
    src = write_csv(tmp_path / "s.csv", "utf-8")
    out = tmp_path / "out.csv"
    out.write_text("previous result\n")
    real = batch.output_table
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "output_table", failing)
    code, err = run(capsys, src, "--out", out, "--chunk-rows", "3")
    assert code == 3 and err.strip() == "mapapp: internal error: RuntimeError: disk full; please report it"
    assert out.read_text() == "previous result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "s.csv"]


def test_help_mentions_the_bom_and_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["screen", "--help"])
    text = capsys.readouterr().out
    assert "BOM" in text and "exit" in text and "--datum" in text


@pytest.mark.parametrize(("where", "fragment"), [
    ("input", "the output is the input file itself"),
    ("directory", "is a directory"),
    ("missing_folder", "the output's folder does not exist"),
    ("proc", "mapapp: error: "),
])
def test_an_output_that_cannot_be_written_exits_2_and_keeps_the_input(tmp_path, capsys, where, fragment):
    src = write_csv(tmp_path / "s.csv", "utf-8")
    before = src.read_bytes()
    (tmp_path / "taken.csv").mkdir()
    out = {"input": src, "directory": tmp_path / "taken.csv", "missing_folder": tmp_path / "no" / "out.csv",
           "proc": Path("/proc/mapapp_screen.csv")}[where]
    code, err = run(capsys, src, "--out", out)
    assert code == 2 and fragment in err and err.count("\n") == 1 and "Traceback" not in err
    assert src.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv", "taken.csv"]


@pytest.mark.parametrize("suffix", [".kml", ".gpkg"])
def test_polygon_files_get_farthest_point_and_overlap(tmp_path, suffix):
    """A park boundary far from any water and one by the Yangtze at Jiujiang, screened from the
    files people draw them in; points keep those columns blank."""
    near = box(116.05, 29.70, 116.057, 29.706)  # about 470 m from the bank
    far = box(115.00, 26.50, 115.004, 26.504)
    parks = gpd.GeoDataFrame({"Name": ["near", "far"]}, geometry=[near, far], crs=4326)
    src = tmp_path / f"parks{suffix}"
    parks.to_file(src, driver="KML" if suffix == ".kml" else "GPKG")
    out = tmp_path / "out.csv"
    assert main(["screen", str(src), "--out", str(out)]) == 0  # the packaged waters
    got = pd.read_csv(out, encoding="utf-8-sig")
    got = got.set_index(next(c for c in ("Name", "name") if c in got.columns))
    assert got.loc["far", "verdict"] == "outside" and got.loc["far", "overlap_ha"] == 0
    assert got.loc["far", "max_distance_m"] > got.loc["far", "distance_m"] > 1000
    assert got.loc["near", "overlap_ha"] > 0 and 0 < got.loc["near", "overlap_share"] <= 1


def test_a_table_screened_to_csv_needs_neither_pandas_nor_geopandas_nor_gdal_nor_pyproj(tmp_path):
    """Their import and exit were a fifth of the command's time on a million points (bench/screening.py);
    vector inputs, GeoJSON output, other datums and the page import them where they are used (the
    Jiangxi LCC is projected by mapapp.lcc)."""
    src = tmp_path / "sites.csv"
    src.write_text("name,lon,lat\n甲,116.0,29.0\n乙,115.9,28.7\n=bad,,28\n", encoding="utf-8")
    probe = ("import sys\nfrom mapapp.cli import main\n"
             f"code = main(['screen', {str(src)!r}, '--out', {str(tmp_path / 'out.csv')!r}])\n"
             "print(code, sorted(m for m in ('pandas', 'geopandas', 'pyogrio', 'pyproj', 'dask', 'folium') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.stdout.split("\n")[0] == "0 []", done.stderr
    assert "screened 2" in done.stderr and "row 3: missing longitude" in done.stderr
