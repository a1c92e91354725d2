"""Screening on a real Dask LocalCluster (worker processes): the same bytes as the in-process engine,
one waters index per worker, and a worker killed mid-run loses and duplicates nothing."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely
from distributed import Client, LocalCluster

import mapapp.dask_engine as engine
from mapapp.batch import screen_file
from mapapp.cli import main
from mapapp.dask_engine import Settings, screen_on_dask
from mapapp.region import province_wgs84

ROWS = 24_000


def _points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    province = province_wgs84()
    west, south, east, north = province.bounds
    rng = np.random.default_rng(seed)
    lon = rng.uniform(west, east, 3 * n)
    lat = rng.uniform(south, north, 3 * n)
    inside = shapely.contains_xy(province, lon, lat)  # points in Jiangxi: invalid only where we make them so
    return np.round(lon[inside][:n], 7), np.round(lat[inside][:n], 7)


@pytest.fixture(scope="module")
def points_csv(tmp_path_factory) -> Path:
    lon, lat = _points(ROWS, 7)
    frame = pd.DataFrame({"name": [f"站点{i}" for i in range(ROWS)], "lon": lon.astype(object), "lat": lat.astype(object)})
    frame.loc[10, "lon"] = "abc"  # a bad row keeps its place and its reason
    frame.loc[20, "lat"] = ""
    path = tmp_path_factory.mktemp("dask") / "points.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def single(points_csv, tmp_path_factory) -> list[str]:
    out = tmp_path_factory.mktemp("single") / "single.csv"
    screen_file(points_csv, out=out)
    return out.read_bytes().decode("utf-8-sig").splitlines()


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


def _parts(out: Path) -> tuple[set[str], list[str]]:
    headers, rows = set(), []
    for path in sorted(out.glob("part-*.csv")):
        lines = path.read_bytes().decode("utf-8-sig").splitlines()
        headers.add(lines[0])
        rows += lines[1:]
    return headers, rows


@pytest.fixture
def small_partitions(monkeypatch):
    monkeypatch.setattr(engine, "CSV_BLOCK_BYTES", 96 << 10)  # ~2,000 rows a partition


def test_dask_engine_writes_the_same_bytes_as_the_in_process_engine(points_csv, single, client, small_partitions,
                                                                    tmp_path):
    report = screen_on_dask(points_csv, tmp_path / "out", Settings(), client=client)
    headers, rows = _parts(tmp_path / "out")
    assert headers == {single[0]} and rows == single[1:]
    assert len(list((tmp_path / "out").iterdir())) > 5  # partitioned
    assert report.rows == ROWS and report.counts["invalid"] == 2
    assert [row for row, _ in report.examples] == [11, 21]  # rows numbered across partitions
    assert max(client.run(engine.builds).values()) == 1  # one waters index per worker, not per partition


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(points_csv, single, small_partitions, tmp_path):
    with LocalCluster(n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        killed: list[int] = []

        def kill_one_after_the_first_partition(done: int, total: int) -> None:
            if not killed:  # the client's loop waits here: the rest of the run is still to come
                nanny = next(iter(cluster.workers.values()))
                nanny.process.process.kill()  # SIGKILL: no goodbye to the scheduler
                killed.append(total - done)

        report = screen_on_dask(points_csv, tmp_path / "out", Settings(), client=client,
                                progress=kill_one_after_the_first_partition)
        assert killed and killed[0] >= 5  # partitions still to do when the worker died
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == [f"part-{i:05d}.csv" for i in range(len(files))]  # each once, no leftovers
    headers, rows = _parts(tmp_path / "out")
    assert rows == single[1:] and report.rows == ROWS


def test_geoparquet_in_gauss_kruger_and_parquet_folders(tmp_path, client):
    lon, lat = _points(3_000, 8)
    points = gpd.GeoDataFrame({"id": np.arange(3_000)}, geometry=gpd.points_from_xy(lon, lat), crs=4326)
    folder = tmp_path / "geo"
    folder.mkdir()
    for i, part in enumerate(np.array_split(np.arange(3_000), 3)):
        points.iloc[part].to_crs(4547).to_parquet(folder / f"p{i}.parquet")  # GeoParquet, CGCS2000 GK 114°E
    screen_on_dask(folder, tmp_path / "out", Settings(), client=client)
    got = pd.concat(pq.read_table(p).to_pandas() for p in sorted((tmp_path / "out").glob("part-*.parquet")))
    expected = screen_file_frame(points)
    assert list(got["id"]) == list(range(3_000))
    assert np.allclose(got["distance_m"].astype(float), expected["distance_m"].astype(float), atol=0.2)
    assert (got["verdict"].astype(str).to_numpy() == expected["verdict"].astype(str).to_numpy()).mean() > 0.999

    plain = tmp_path / "plain.parquet"
    pd.DataFrame({"x": lon, "y": lat}).to_parquet(plain)
    report = screen_on_dask(plain, tmp_path / "out2", Settings(), client=client)
    assert report.rows == 3_000 and report.counts["invalid"] == 0


def screen_file_frame(points: gpd.GeoDataFrame) -> pd.DataFrame:
    from mapapp.screening import load_waters, screen

    return screen(points, waters=load_waters())


def test_cli_dask_engine_and_its_refusals(points_csv, tmp_path, capsys, small_partitions):
    assert main(["screen", str(points_csv), "--out", str(tmp_path / "out"), "--engine", "dask", "--workers", "2"]) == 0
    err = capsys.readouterr().err
    assert "partitions on Dask" in err and f"read {ROWS:,} rows" in err
    assert main(["screen", str(points_csv), "--out", str(tmp_path / "out"), "--engine", "dask"]) == 2
    assert "the output folder is not empty" in capsys.readouterr().err
    assert main(["screen", str(points_csv), "--out", str(tmp_path / "x.csv"), "--workers", "2"]) == 2
    assert "go with --engine dask" in capsys.readouterr().err
    xlsx = tmp_path / "t.xlsx"
    xlsx.write_bytes(b"not really")
    assert main(["screen", str(xlsx), "--out", str(tmp_path / "o"), "--engine", "dask"]) == 2
    assert "reads CSV, Parquet or GeoParquet" in capsys.readouterr().err


def test_a_folder_of_csv_partitions_gives_one_result_per_file(points_csv, single, client, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    lines = points_csv.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    for i, start in enumerate(range(0, len(rows), 10_000)):
        (folder / f"p{i}.csv").write_text("\n".join([header, *rows[start:start + 10_000]]) + "\n", encoding="utf-8")
    report = screen_on_dask(folder, tmp_path / "out", Settings(), client=client)
    headers, got = _parts(tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["part-00000.csv", "part-00001.csv", "part-00002.csv"]
    assert headers == {single[0]} and got == single[1:]
    assert report.rows == ROWS and [row for row, _ in report.examples] == [11, 21]
