"""Benchmark: screening areas (park boundaries and county ranges) by farthest point and overlap.

Prints seconds and areas per second for random 16 ha parks over Jiangxi and for the register's
93 sites (whole counties and prefectures). Not a test: run it by hand on a quiet machine.

    PYTHONPATH=. python bench/areas.py [--parks 2000]
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import shapely

from mapapp.catalog.catalog import build_catalog
from mapapp.filters import screen_sites
from mapapp.screening import load_waters, screen


def random_parks(n: int, seed: int = 1) -> gpd.GeoDataFrame:
    """Squares of about 400 m (16 ha) at random over Jiangxi's box."""
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(114.0, 118.0, n), rng.uniform(25.0, 29.8, n)
    return gpd.GeoDataFrame(geometry=shapely.box(lon, lat, lon + 0.0041, lat + 0.0036), crs=4326)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parks", type=int, default=2000)
    args = parser.parse_args(argv)
    waters = load_waters(scope="jiangxi")
    parks = random_parks(args.parks)
    start = time.perf_counter()
    out = screen(parks, waters=waters, threshold_m=1000.0)
    seconds = time.perf_counter() - start
    print(f"{args.parks:,} parks of 16 ha: {seconds:.2f} s ({args.parks / seconds:,.0f} areas/s); "
          f"verdicts {out['verdict'].value_counts().to_dict()}")
    sites = build_catalog().sites
    for distance in (1000.0, 5000.0):
        start = time.perf_counter()
        screened = screen_sites(sites, scope="jiangxi", distance_m=distance)
        print(f"register ({len(sites)} sites, ranges by county or prefecture) at {distance:,.0f} m: "
              f"{time.perf_counter() - start:.2f} s; verdicts {screened['verdict'].value_counts().to_dict()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
