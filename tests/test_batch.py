"""`screen_file`: the one function the CLI and the page call to screen a whole file."""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from mapapp._errors import InputFileError
from mapapp.batch import screen_file


def csv_file(path: Path, rows: int, *, header: str = "name,lon,lat") -> Path:
    lines = [header] + [f"p{i},{115.5 + (i % 100) / 100:.4f},{28.0 + (i % 97) / 100:.4f}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_columns_the_reader_cannot_guess_are_named_by_the_caller(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("名称,东,北\nA,115.89,28.68\nB,x,28.6\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        screen_file(path)
    assert "东" in info.value.args[0].zh and str(tmp_path) not in info.value.args[0].zh  # names the columns, not our paths
    frame, report = screen_file(path, lon_col="东", lat_col="北", input_name="u.csv")
    assert len(frame) == 2 and list(frame["名称"]) == ["A", "B"]
    assert frame["verdict"][0] in ("within", "outside") and frame["verdict"][1] == "invalid"
    assert report.rows == 2 and report.counts["invalid"] == 1
    assert any(line.startswith("第 2 行：") for line in report.lines("zh"))


def test_a_file_over_the_row_limit_is_refused_before_it_is_screened(tmp_path):
    path = csv_file(tmp_path / "big.csv", 1_001)
    with pytest.raises(InputFileError) as info:
        screen_file(path, max_rows=1_000)
    assert "1,000" in str(info.value) and "1,000" in info.value.args[0].zh
    assert screen_file(path, max_rows=2_000)[1].rows == 1_001


def test_a_small_zip_with_many_points_is_refused_at_once(tmp_path):
    """The page's limit holds for a file that is small on disk but huge inside (1.7 M points in 0.7 MB)."""
    n = 200_000
    points = gpd.GeoDataFrame({"n": np.arange(n)}, geometry=shapely.points(np.full(n, 116.0), np.full(n, 28.5)), crs=4326)
    points.to_file(tmp_path / "many.shp", engine="pyogrio")
    import zipfile

    with zipfile.ZipFile(tmp_path / "many.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for part in tmp_path.glob("many.*"):
            if part.suffix != ".zip":
                z.write(part, part.name)
    started = time.perf_counter()
    with pytest.raises(InputFileError):
        screen_file(tmp_path / "many.zip", max_rows=50_000)
    print(f"refused in {time.perf_counter() - started:.2f} s")  # a figure, not a timed assertion


def test_two_screenings_at_once_keep_their_own_reports_and_print_nothing(tmp_path, capsys):
    """The page used to capture the CLI's stderr by swapping sys.stderr for the whole process."""
    a = csv_file(tmp_path / "a.csv", 3_000)
    b = tmp_path / "b.csv"
    b.write_text("name,lon,lat\nX,abc,28.6\nY,115.9,28.6\n", encoding="utf-8")
    stderr = sys.stderr
    with ThreadPoolExecutor(2) as pool:
        jobs = [pool.submit(screen_file, p, chunk_rows=500, input_name=p.name) for p in (a, b) * 3]
        reports = [job.result()[1] for job in jobs]
    assert sys.stderr is stderr
    assert [r.rows for r in reports] == [3_000, 2] * 3
    assert [r.counts["invalid"] for r in reports] == [0, 1] * 3
    assert all(r.input_name == name for r, name in zip(reports, ["a.csv", "b.csv"] * 3))
    assert capsys.readouterr() == ("", "")


def test_progress_is_reported_per_chunk(tmp_path):
    seen: list[tuple[int, int | None]] = []
    screen_file(csv_file(tmp_path / "p.csv", 1_200), chunk_rows=500, progress=lambda done, total: seen.append((done, total)))
    assert [done for done, _ in seen] == [500, 1_000, 1_200]


@pytest.mark.parametrize("suffix", [".csv", ".geojson"])
def test_chunks_screened_at_once_come_out_in_the_input_order(tmp_path, suffix):
    """Two chunks are screened at the same time; the file is the same whatever the chunking."""
    path = tmp_path / "mixed.csv"
    rows = [f"p{i},{115.5 + (i * 37 % 100) / 100:.4f},{28.0 + (i * 11 % 97) / 100:.4f}" for i in range(2_000)]
    rows[5], rows[1_999] = "bad,abc,28.5", "far,80.0,28.5"  # invalid rows early and last
    path.write_text("name,lon,lat\n" + "\n".join(rows) + "\n", encoding="utf-8")
    whole, _ = screen_file(path, out=tmp_path / f"whole{suffix}", chunk_rows=10_000)
    _, report = screen_file(path, out=tmp_path / f"small{suffix}", chunk_rows=7)
    assert (tmp_path / f"small{suffix}").read_bytes() == (tmp_path / f"whole{suffix}").read_bytes()
    assert report.rows == 2_000 and report.counts["invalid"] == 2
    assert [row for row, _ in report.examples] == [6, 2_000]


def test_the_readable_table_says_why_a_verdict_is_uncertain(tmp_path):
    """Every row the page shows as uncertain has its reason, as the single-point check gives it."""
    from mapapp.batch import readable

    path = tmp_path / "near.csv"
    path.write_text("名称,经度,纬度,uncertainty_m\n近信江,117.0,28.3,\n远离,114.9,25.8,\n自带误差,117.0,28.3,5000\n坏行,x,28.3,\n",
                    encoding="utf-8")
    frame, _ = screen_file(path)
    assert list(frame["verdict"]) == ["uncertain", "outside", "uncertain", "invalid"]
    zh, en = readable(frame, "zh")["原因"].tolist(), readable(frame, "en")["Reason"].tolist()
    assert zh[0] == "岸线数据精度约1,000米" and en[0] == "the shoreline data is accurate to about 1,000 m"
    assert zh[1] == "" and zh[2].startswith("位置误差范围跨越管控距离") and zh[3]
