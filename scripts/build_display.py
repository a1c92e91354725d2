"""Derive the light display versions of the base layers (data/base/display/) from the full ones.

Counties are simplified together as one polygonal coverage (GEOS coverage simplification,
Visvalingam-Whyatt) in the metric Jiangxi LCC, so neighbours keep sharing their edges; prefectures
and the province are then dissolved from the simplified counties, so all three levels line up.
Water polygons and river lines are simplified with topology preservation. Tolerances are in metres.

Run:  python scripts/build_display.py [--base-dir data/base]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import shapely

from mapapp.geo import JIANGXI_LCC
from mapapp.paths import DATA_DIR
from mapapp.storage import read_geojson, write_geojson

ADMIN_TOLERANCE_M = 250.0
WATER_TOLERANCE_M = 60.0
DISPLAY_PRECISION = 5  # decimal degrees, about 1 m: far below the simplification tolerance


def simplify_counties(counties: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    metric = counties.to_crs(JIANGXI_LCC)
    simplified = shapely.coverage_simplify(metric.geometry.values, tolerance_m)
    return metric.set_geometry(simplified).to_crs(4326)


def dissolve(units: gpd.GeoDataFrame, by: gpd.GeoDataFrame, key: str) -> gpd.GeoDataFrame:
    """Replace each row's geometry in `by` with the union of the `units` whose `key` equals its adcode."""
    merged = [shapely.union_all(units.geometry[units[key] == code].values) for code in by.adcode]
    return by.set_geometry(merged)


def simplify_topology(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    metric = frame.to_crs(JIANGXI_LCC)
    return metric.set_geometry(shapely.simplify(metric.geometry.values, tolerance_m, preserve_topology=True)).to_crs(4326)


def build(base_dir: Path) -> dict[str, gpd.GeoDataFrame]:
    counties = simplify_counties(read_geojson(base_dir / "counties.geojson"), ADMIN_TOLERANCE_M)
    prefectures = dissolve(counties, read_geojson(base_dir / "prefectures.geojson"), "parent_adcode")
    province = read_geojson(base_dir / "province.geojson")
    province = province.set_geometry([shapely.union_all(prefectures.geometry.values)])
    out = {"counties": counties, "prefectures": prefectures, "province": province}
    for name in ("water_areas", "river_lines"):
        if (base_dir / f"{name}.geojson").exists():
            out[name] = simplify_topology(read_geojson(base_dir / f"{name}.geojson"), WATER_TOLERANCE_M)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-dir", type=Path, default=DATA_DIR / "base")
    args = parser.parse_args(argv)
    for name, frame in build(args.base_dir).items():
        path = args.base_dir / "display" / f"{name}.geojson"
        write_geojson(frame, path, precision=DISPLAY_PRECISION)
        print(f"{path}: {len(frame)} features, {path.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
