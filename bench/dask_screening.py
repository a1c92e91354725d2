"""Benchmark: screen many points on a Dask LocalCluster against the in-process engine, in points per
second per core. Not a test: run it by hand on a quiet machine.

    .venv/bin/python bench/dask_screening.py [--points 20000000] [--workers N] [--sample 2000000] [--kill-after K]

Writes the points as CSV partitions of 1 M rows in a temporary folder, screens `--sample` of them
in this process (`mapapp screen`'s engine, whose search uses every core), then all of them on a LocalCluster of
`--workers` single-threaded worker processes (`--engine dask`), and prints both rates. With
`--kill-after K` one worker is killed (SIGKILL) after K partitions are done; the run must still
write every partition once, and the row count is checked.

On a real cluster: start `dask scheduler` on one machine and `dask worker tcp://HOST:8786
--nthreads 1` (with mapapp installed, same version) on each, put the input where every worker
can read it at the same path (NFS, or object storage through fsspec), then
`mapapp screen INPUT_DIR --out OUT_DIR --engine dask --scheduler tcp://HOST:8786`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screening import random_points  # noqa: E402 - the sibling benchmark's seeded sampler

from mapapp.batch import screen_file  # noqa: E402
from mapapp.dask_engine import Settings, screen_on_dask  # noqa: E402

PART_ROWS = 1_000_000


def write_parts(folder: Path, n: int) -> list[Path]:
    paths = []
    for i, start in enumerate(range(0, n, PART_ROWS)):
        rows = min(PART_ROWS, n - start)
        lon, lat = random_points(rows, seed=i)
        path = folder / f"points-{i:04d}.csv"
        pd.DataFrame({"id": np.arange(start, start + rows), "lon": lon, "lat": lat}).to_csv(path, index=False)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=20_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sample", type=int, default=2_000_000, help="points screened in-process for its rate")
    parser.add_argument("--kill-after", type=int, default=0, metavar="K")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mapapp-dask-bench-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        started = time.perf_counter()
        parts = write_parts(folder, args.points)
        print(f"wrote {args.points:,} points in {len(parts)} CSV partitions in {time.perf_counter() - started:.1f} s")

        sample = Path(tmp) / "sample"
        sample.mkdir()
        taken = 0
        for path in parts:
            if taken >= args.sample:
                break
            shutil.copy(path, sample / path.name)
            taken += PART_ROWS
        started = time.perf_counter()
        rows = 0
        for path in sorted(sample.iterdir()):
            _, report = screen_file(path, out=Path(tmp) / f"{path.stem}.out.csv")
            rows += report.rows
        local = rows / (time.perf_counter() - started)
        cores = os.cpu_count() or 1
        print(f"in-process engine: {rows:,} points, {local:,.0f} points/s in one process (its nearest-shore search "
              f"runs on every core: {local / cores:,.0f} per core on {cores})")

        killed: list[int] = []

        def progress(done: int, total: int) -> None:
            if args.kill_after and done == args.kill_after and not killed:
                from distributed import get_client

                address, pid = next(iter(get_client().run(os.getpid).items()))
                os.kill(pid, 9)  # SIGKILL, as a machine lost: the nanny starts a new worker
                killed.append(done)
                print(f"killed worker {address} after {done} of {total} partitions")

        started = time.perf_counter()
        report = screen_on_dask(folder, Path(tmp) / "out", Settings(), workers=args.workers, progress=progress)
        seconds = time.perf_counter() - started
        files = len(list((Path(tmp) / "out").glob("part-*.csv")))
        rate = report.rows / seconds
        print(f"dask engine: {report.rows:,} points in {seconds:.1f} s on {args.workers} workers "
              f"(cluster start included): {rate:,.0f} points/s, {rate / args.workers:,.0f} per worker; "
              f"{rate / local:.2f} x the in-process engine on this machine")
        print(f"partitions written: {files} of {len(parts)}; rows {'match' if report.rows == args.points else 'DIFFER'}")


if __name__ == "__main__":
    main()
