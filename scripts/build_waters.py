"""Build the regulated-water base layers from GSHHG 2.3.7 full resolution (WGS 84) with GMT.

Outputs (deterministic GeoJSON via mapapp.storage.write_geojson, WGS 84):

* ``water_areas.geojson``: the Yangtze channel (长江) along Jiangxi's northern edge, both banks,
  its islands as holes, clipped to the stretch that borders Jiangxi; and Poyang Lake (鄱阳湖).
* ``river_lines.geojson``: WDBII centrelines of the main stems of the five rivers 赣江, 抚河, 信江,
  饶河 (乐安河 branch + 饶河 proper) and 修河, plus the 昌江 (饶河's northern branch).

Method
------
Polygons. ``gmt coast -Df -W -M -A0/2/4+r`` dumps the shorelines of GSHHG's river-lake polygons
(level 2) and the islands in them (level 3-4) as bin-cut line pieces. The pieces plus the edges
of the extraction box are noded and polygonized (shapely); each face is classified with
``gmt select -Df -A0/0/4+r -Ns/s/k/s/s`` on a point inside it (kept = in river-lake water, not on
an island), and the water faces are dissolved. In Jiangxi the Yangtze and Poyang Lake form one
river-lake; it is split at the Hukou (湖口) outlet along ``HUKOU_CUT``, a chord that continues the
Yangtze's south bank across the mouth. The Yangtze is then clipped to the stretch bordering
Jiangxi: the part of the province boundary (``province.geojson``, adcode 360000) that runs in or
along the channel is found, and the channel is cut perpendicular to that run at both its ends
(the Hubei border near 瑞昌 and the Anhui border past 彭泽).

Lines. ``gmt coast -Df -Ia -M`` dumps WDBII rivers (no names; a level per piece). The pieces
(level 0, the double-lined river-lake outlines, excluded) become a graph on their vertices; a
dangling end within ``SNAP_M`` of another piece is joined to its nearest vertex. Each main stem
is the shortest path through ordered, approximate waypoint towns (``scripts/waters_waypoints.csv``,
snapped to the nearest river vertex) and then on to Poyang Lake; an immediate back-and-forth
(when a waypoint snaps a little past a fork) is removed.

Run
---
    python scripts/build_waters.py [--out-dir data/base] [--boundary PATH] [--preview PNG]

Needs Debian ``gmt`` and ``gmt-gshhg-full`` (installed with apt-get when missing and running as
root; otherwise the command is printed and the script exits non-zero) and networkx. The province
boundary is read from ``<out-dir>/province.geojson`` unless ``--boundary`` is given. Prints a
report (areas, lengths, snap distances, the Jiangxi-side Yangtze shoreline). ``--preview``
renders a check map with matplotlib.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
import shapely.ops
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, box
from shapely.ops import substring

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mapapp.geo import JIANGXI_BBOX, JIANGXI_LCC, WGS84, geodesic_area_km2, geodesic_length_km
from mapapp.storage import write_geojson

DEFAULT_OUT = ROOT / "data" / "base"
WAYPOINTS_CSV = Path(__file__).resolve().parent / "waters_waypoints.csv"
GMT_PACKAGES = ("gmt", "gmt-gshhg-full")
INSTALL_CMD = ["apt-get", "install", "-y", *GMT_PACKAGES]

# Extraction box for the Yangtze / Poyang polygons (west, east, south, north): wider than the
# Jiangxi stretch so the channel runs past both ends of the province boundary before the clip.
POLY_REGION = (115.0, 117.4, 28.4, 30.6)
RIVER_REGION = JIANGXI_BBOX  # (113.4, 24.4, 118.6, 30.2)

# The Hukou cut: from the headland at the west corner of the outlet (GSHHG vertex
# 116.18334E 29.74722N lies just north of the start) to the east bank (116.2350E 29.7483N),
# continuing the line of the Yangtze's south bank across the ~5 km mouth. Both ends are on land,
# so the split is clean. Water north of it is the Yangtze, south of it Poyang Lake.
HUKOU_CUT = ((116.1830, 29.7460), (116.2400, 29.7485))
# Points checked (with gmt select) to lie in river-lake water: one in each part.
YANGTZE_SEED = (116.4700, 29.8800)
POYANG_SEED = (116.2500, 29.1500)

# Province-boundary run along the Yangtze: boundary samples within RUN_TOL_M of the channel count
# as "along the river"; gaps up to RUN_MAX_GAP_M are bridged. The cut at each end of the run is
# the channel's narrowest cross-section through that end, searched around the perpendicular to
# the run's direction between RUN_DIR_FROM_M and RUN_DIR_TO_M from the end.
RUN_STEP_M = 100.0
RUN_TOL_M = 600.0
RUN_MAX_GAP_M = 5000.0
RUN_DIR_FROM_M = 2000.0
RUN_DIR_TO_M = 8000.0
BANK_NEAR_BOUNDARY_M = 2000.0

# River graph: a dangling WDBII end within SNAP_M of another piece is joined to its nearest vertex.
# In GSHHG 2.3.7 every junction gap in the extraction box is below 0.5 km except two: 0.67 km at
# 113.590E 29.875N (Hubei, on no path used here) and 1.43 km where the lower 抚河 stops short of
# the channel to the 信江 west branch (116.306E 28.722N).
SNAP_M = 1500.0
LAKE_TOL_M = 300.0  # a river node this close to the Poyang polygon counts as "at the lake"
MAX_WAYPOINT_SNAP_M = 8000.0  # a waypoint farther than this from any river is an error

ACCURACY_POLYGON_M = 500
ACCURACY_LINE_M = 1000

# The 昌江 is 饶河's northern branch; whether Jiangxi's 饶河 rule covers it is an interpretation.
# It is included in the jiangxi scope (screening errs towards flagging); set to "" to drop it.
CHANG_JIANG_RULE_GROUPS = "jiangxi"


@dataclass(frozen=True)
class RiverSpec:
    id: str
    name_zh: str
    name_en: str
    kind: str
    rule_groups: str
    note: str


RIVERS: tuple[RiverSpec, ...] = (
    RiverSpec("gan_jiang", "赣江", "Gan River (Gan Jiang)", "river_centerline", "jiangxi",
              "main stem from 赣州 (章江-贡水 confluence) via 南昌 and the western branch to 吴城 and the lake"),
    RiverSpec("fu_he", "抚河", "Fu River (Fu He)", "river_centerline", "jiangxi",
              "main stem from 广昌 via 南城 and 抚州 to where WDBII's lower course meets the 信江 west branch ~5 km "
              "before the lake (the last stretch is the xin_jiang line)"),
    RiverSpec("xin_jiang", "信江", "Xin River (Xin Jiang)", "river_centerline", "jiangxi",
              "main stem from 玉山 via 上饶, 鹰潭 and 余干, then the western branch past 瑞洪 to the lake"),
    RiverSpec("rao_he", "饶河", "Rao River (Rao He), with its main branch the Le'an River", "river_centerline",
              "jiangxi",
              "乐安河 from 婺源 via 乐平 to its confluence with the 昌江 near 鄱阳, then the 饶河 proper to the lake; "
              "the 昌江 branch is the separate feature rao_he_chang_jiang"),
    RiverSpec("rao_he_chang_jiang", "昌江（饶河北支）", "Chang River (Chang Jiang), northern branch of the Rao He",
              "river_centerline", CHANG_JIANG_RULE_GROUPS,
              "from 景德镇 to its confluence with the 乐安河 near 鄱阳; included in the 饶河 scope as an "
              "interpretation (the rule names only 饶河)"),
    RiverSpec("xiu_he", "修河", "Xiu River (Xiu He)", "river_centerline", "jiangxi",
              "main stem from 修水 via 武宁 and 永修 to its confluence with the 赣江 at 吴城 (the last ~10 km to the "
              "lake are the gan_jiang line)"),
)

TO_LCC = Transformer.from_crs(WGS84, JIANGXI_LCC, always_xy=True)
TO_WGS = Transformer.from_crs(JIANGXI_LCC, WGS84, always_xy=True)


# --- environment -------------------------------------------------------------------------------

def package_version(name: str) -> str | None:
    """The installed Debian version of package `name`, or None."""
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Status}\t${Version}", name],
                             capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None
    status, _, version = out.stdout.partition("\t")
    return version if out.returncode == 0 and status.endswith("installed") and version else None


def ensure_gmt() -> dict[str, str]:
    """Check gmt and gmt-gshhg-full are installed (install them as root); return their versions."""
    missing = [p for p in GMT_PACKAGES if package_version(p) is None]
    if missing or shutil.which("gmt") is None:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            print(f"installing {' '.join(GMT_PACKAGES)} with apt-get", file=sys.stderr)
            if subprocess.run(INSTALL_CMD, check=False).returncode != 0:
                subprocess.run(["apt-get", "update"], check=True)
                subprocess.run(INSTALL_CMD, check=True)
        else:
            print(f"missing Debian packages {', '.join(missing) or 'gmt'}; run as root:\n  sudo {' '.join(INSTALL_CMD)}",
                  file=sys.stderr)
            raise SystemExit(3)
    versions = {p: package_version(p) for p in GMT_PACKAGES}
    if any(v is None for v in versions.values()) or shutil.which("gmt") is None:
        raise SystemExit(f"gmt packages still missing after install: {versions}")
    return {k: str(v) for k, v in versions.items()}


def run_gmt(args: Sequence[str], stdin: str | None = None) -> str:
    """Run `gmt <args>` in a scratch directory (GMT writes gmt.history into its cwd); return stdout."""
    with tempfile.TemporaryDirectory(prefix="gmt_") as tmp:
        cmd = ["gmt", *args, "--FORMAT_FLOAT_OUT=%.12g", "--GMT_HISTORY=false"]
        res = subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=tmp, check=False)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}): {res.stderr.strip()}")
    return res.stdout


def region_arg(west: float, east: float, south: float, north: float) -> str:
    return f"-R{west:g}/{east:g}/{south:g}/{north:g}"


# --- parsing -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Segment:
    """One multi-segment record of a GMT dump: its header level and its lon/lat vertices."""

    level: int
    coords: tuple[tuple[float, float], ...]


def parse_gmt_segments(text: str) -> list[Segment]:
    """Parse GMT multi-segment text (`> ... Level N` headers) into Segments of two or more vertices."""
    segments: list[Segment] = []
    level, pts = -1, []

    def flush() -> None:
        if len(pts) >= 2:
            segments.append(Segment(level, tuple(pts)))

    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith(">"):
            flush()
            pts = []
            level = int(line.rsplit("Level", 1)[1].strip().split()[0]) if "Level" in line else -1
            continue
        x, y = line.split()[:2]
        pts.append((float(x), float(y)))
    flush()
    return segments


# --- pure geometry: polygons ----------------------------------------------------------------------

def polygonize_linework(lines: Iterable[LineString], frame: Polygon) -> list[Polygon]:
    """All faces formed by `lines` clipped to `frame` together with the frame's own edges.

    The linework is noded first (unary union), so pieces that cross or touch only at interior
    points still split faces; dangles (spikes) are dropped by polygonize. Faces come back sorted
    by their representative point so the result is independent of the input order.
    """
    clipped = [ln.intersection(frame) for ln in lines]
    noded = shapely.union_all([*clipped, frame.exterior])
    faces = list(shapely.polygonize([noded]).geoms)
    return sorted(faces, key=lambda f: f.representative_point().coords[0])


def dissolve(polys: Sequence[Polygon]) -> MultiPolygon:
    """Union of faces as a MultiPolygon (holes where enclosed faces were left out)."""
    merged = shapely.union_all(list(polys))
    parts = [merged] if isinstance(merged, Polygon) else list(getattr(merged, "geoms", []))
    return MultiPolygon([p for p in parts if isinstance(p, Polygon) and not p.is_empty])


def split_at_cut(water: MultiPolygon, cut: LineString, seed_a: Point, seed_b: Point
                 ) -> tuple[Polygon | MultiPolygon, Polygon | MultiPolygon, float]:
    """Split the water polygon containing both seeds along `cut`.

    Returns (part with seed_a, part with seed_b, area of any other pieces the cut made, in the
    input units). The cut's ends must lie outside the water (on land), so exactly two main parts
    result; small extra pieces (the cut grazing a spike) go to the side of the cut line they lie on.
    Polygons of `water` that hold neither seed are not returned.
    """
    host = next(p for p in water.geoms if p.contains(seed_a) and p.contains(seed_b))
    pieces = list(shapely.ops.split(host, cut).geoms)
    a = [p for p in pieces if p.contains(seed_a)]
    b = [p for p in pieces if p.contains(seed_b)]
    if len(a) != 1 or len(b) != 1 or a[0] is b[0]:
        raise RuntimeError("the cut does not separate the two seeds")
    (x0, y0), (x1, y1) = cut.coords[0], cut.coords[-1]

    def side(p: Polygon) -> float:
        x, y = p.representative_point().coords[0]
        return (x1 - x0) * (y - y0) - (y1 - y0) * (x - x0)

    side_a = np.sign(side(a[0]))
    rest = [p for p in pieces if p is not a[0] and p is not b[0]]
    extra_area = sum(p.area for p in rest)
    to_a = [p for p in rest if np.sign(side(p)) == side_a]
    to_b = [p for p in rest if np.sign(side(p)) != side_a]
    return (shapely.union_all([a[0], *to_a]), shapely.union_all([b[0], *to_b]), extra_area)


def boundary_run(ring: LineString, water: Polygon | MultiPolygon, *, step: float, tol: float,
                 max_gap: float) -> LineString:
    """The longest stretch of the closed line `ring` that runs within `tol` of `water`.

    The ring is sampled every `step`; near samples separated by gaps of at most `max_gap` belong
    to one stretch. All inputs in one metric CRS. The ring is first rotated to start at a sample
    far from the water, so no stretch wraps around its start.
    """
    n = max(int(ring.length // step), 8)
    dists = np.linspace(0.0, ring.length, n, endpoint=False)
    pts = shapely.line_interpolate_point(ring, dists)
    near = shapely.distance(pts, water) <= tol
    if not near.any() or near.all():
        raise RuntimeError("the boundary does not run along the water (or runs along it everywhere)")
    start = dists[int(np.argmin(near))]  # first far sample
    first, second = substring(ring, start, ring.length), substring(ring, 0.0, start)
    ring2 = LineString(list(first.coords) + list(second.coords)[1:])
    pts2 = shapely.line_interpolate_point(ring2, dists)
    near2 = shapely.distance(pts2, water) <= tol
    idx = np.flatnonzero(near2)
    runs: list[tuple[float, float]] = []
    run_start = prev = dists[idx[0]]
    for d in dists[idx[1:]]:
        if d - prev > max_gap:
            runs.append((run_start, prev))
            run_start = d
        prev = d
    runs.append((run_start, prev))
    lo, hi = max(runs, key=lambda r: r[1] - r[0])
    return substring(ring2, lo, hi)


def end_cut(run: LineString, channel: Polygon | MultiPolygon, at_start: bool, *, dir_from: float, dir_to: float,
            max_turn_deg: float = 60.0, step_deg: float = 1.0, reach: float = 20000.0, overshoot: float = 50.0,
            min_beyond: float = 10e6) -> LineString:
    """The narrowest straight cross-section of `channel` through one end of `run`.

    The end point (moved onto the channel if it lies just outside) is crossed by lines at angles
    within `max_turn_deg` of the perpendicular to the run's direction between `dir_from` and
    `dir_to` from that end (the inner run follows the river; its last metres may already turn
    away with the boundary). Widths are measured on the channel with its islands filled, so the
    cut spans the whole river; a chord only counts if it leaves at least `min_beyond` (m2) of
    channel on the far side (otherwise it merely cuts a bay off one bank). The chosen chord is
    extended by `overshoot` at both ends so that it splits the channel cleanly. All in metres.
    """
    ends = (0.0, dir_from, dir_to) if at_start else (run.length, run.length - dir_from, run.length - dir_to)
    p, a, b = (run.interpolate(d) for d in ends)
    filled = shapely.union_all([Polygon(g.exterior) for g in getattr(channel, "geoms", [channel])])
    if not filled.contains(p):
        q = shapely.ops.nearest_points(filled, p)[0]
        p = Point(q.x + (q.x - p.x) * 1e-3, q.y + (q.y - p.y) * 1e-3) if q.distance(p) > 0 else q
    along = np.arctan2(b.y - a.y, b.x - a.x)
    chords: list[LineString] = []
    for k in np.arange(-max_turn_deg, max_turn_deg + step_deg / 2, step_deg):
        t = along + np.pi / 2 + np.radians(k)
        dx, dy = np.cos(t), np.sin(t)
        line = LineString([(p.x - reach * dx, p.y - reach * dy), (p.x + reach * dx, p.y + reach * dy)])
        inter = line.intersection(filled)
        chords += [g for g in getattr(inter, "geoms", [inter]) if isinstance(g, LineString) and g.distance(p) < 1.0]
    best: tuple[float, LineString] | None = None
    for chord in sorted(chords, key=lambda c: c.length):
        # a true cross-section leaves a sizeable channel beyond it (not just a bay cut off a bank)
        pieces = list(shapely.ops.split(filled, _extend(chord, overshoot)).geoms)
        beyond = [g.area for g in pieces if not g.intersects(a.buffer(1.0))]
        if len(pieces) >= 2 and beyond and max(beyond) >= min_beyond:
            best = (chord.length, chord)
            break
    return _extend(best[1], overshoot)


def _extend(line: LineString, by: float) -> LineString:
    """A straight two-point line lengthened by `by` at both ends."""
    (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
    n = float(np.hypot(x1 - x0, y1 - y0))
    ux, uy = (x1 - x0) / n, (y1 - y0) / n
    return LineString([(x0 - by * ux, y0 - by * uy), (x1 + by * ux, y1 + by * uy)])


def clip_between_cuts(water: Polygon | MultiPolygon, cuts: Sequence[LineString], keep_near: LineString,
                      tol: float) -> Polygon | MultiPolygon:
    """Split `water` by `cuts`; keep (and re-join) the pieces within `tol` of `keep_near`."""
    pieces = list(shapely.ops.split(water, MultiLineString(list(cuts))).geoms) if isinstance(water, Polygon) else [
        g for part in water.geoms for g in shapely.ops.split(part, MultiLineString(list(cuts))).geoms]
    zone = keep_near.buffer(tol)
    return shapely.union_all([p for p in pieces if p.intersects(zone)])


# --- pure geometry: river paths ------------------------------------------------------------------

@dataclass
class RiverGraph:
    """Undirected graph of river vertices (LCC metres), edges weighted by length, with levels."""

    graph: nx.Graph
    xy: dict[int, tuple[float, float]]      # node -> LCC
    lonlat: dict[int, tuple[float, float]]  # node -> original lon/lat
    snaps: list[tuple[float, tuple[float, float]]] = field(default_factory=list)  # (metres, lon/lat of end)


def build_river_graph(segments: Sequence[Segment], snap_m: float) -> RiverGraph:
    """Graph over all vertices of `segments` (identical coordinates merge into one node).

    Each dangling end (a node of degree 1) is joined to the nearest vertex of another segment if
    it lies within `snap_m`, so tributaries that stop just short of the main river connect.
    """
    g = nx.Graph()
    key_to_node: dict[tuple[float, float], int] = {}
    xy: dict[int, tuple[float, float]] = {}
    lonlat: dict[int, tuple[float, float]] = {}
    node_segs: dict[int, set[int]] = {}
    for si, seg in enumerate(segments):
        lon = np.array([c[0] for c in seg.coords])
        lat = np.array([c[1] for c in seg.coords])
        x, y = TO_LCC.transform(lon, lat)
        prev = None
        for c, px, py in zip(seg.coords, x, y):
            node = key_to_node.setdefault(c, len(key_to_node))
            if node not in xy:
                xy[node], lonlat[node] = (float(px), float(py)), c
                g.add_node(node)
            node_segs.setdefault(node, set()).add(si)
            if prev is not None and prev != node:
                w = float(np.hypot(xy[node][0] - xy[prev][0], xy[node][1] - xy[prev][1]))
                g.add_edge(prev, node, weight=w, level=seg.level)
            prev = node
    nodes = np.array(sorted(xy))
    pts = np.array([xy[n] for n in nodes])
    tree = shapely.STRtree(shapely.points(pts))
    snaps = []
    for node in [n for n in nodes if g.degree(n) == 1]:
        p = shapely.points(*xy[node])
        cand = tree.query(p, predicate="dwithin", distance=snap_m)
        best, best_d = None, np.inf
        for j in sorted(cand):
            other = int(nodes[j])
            if other == node or node_segs[other] & node_segs[node] or g.has_edge(node, other):
                continue
            d = float(np.hypot(pts[j][0] - xy[node][0], pts[j][1] - xy[node][1]))
            if d < best_d:
                best, best_d = other, d
        if best is not None:
            g.add_edge(node, best, weight=best_d, level=-1)
            snaps.append((best_d, lonlat[node]))
    return RiverGraph(g, xy, lonlat, snaps)


def nearest_node(rg: RiverGraph, lon: float, lat: float) -> tuple[int, float]:
    """The graph node nearest to a lon/lat point, and its distance in metres."""
    x, y = TO_LCC.transform(lon, lat)
    nodes = np.array(sorted(rg.xy))
    pts = np.array([rg.xy[n] for n in nodes])
    d = np.hypot(pts[:, 0] - x, pts[:, 1] - y)
    i = int(np.argmin(d))
    return int(nodes[i]), float(d[i])


def shortest_to_any(rg: RiverGraph, source: int, targets: Iterable[int]) -> list[int]:
    """Shortest path (by length) from `source` to the nearest of `targets`."""
    targets = set(targets)
    if source in targets:
        return [source]
    sink = -1
    g = rg.graph
    g.add_node(sink)
    try:
        for t in sorted(targets):
            g.add_edge(t, sink, weight=0.0)
        path = nx.shortest_path(g, source, sink, weight="weight")
    finally:
        g.remove_node(sink)
    return path[:-1]


def remove_backtracks(path: Sequence[int]) -> list[int]:
    """Drop immediate reversals (A B A -> A) so the joined path never doubles back on itself."""
    out: list[int] = []
    for node in path:
        if len(out) >= 2 and out[-2] == node:
            out.pop()
        elif not out or out[-1] != node:
            out.append(node)
    return out


@dataclass(frozen=True)
class Waypoint:
    river_id: str
    seq: int
    name_zh: str
    lon: float | None
    lat: float | None
    target: str
    note: str


def read_waypoints(path: Path) -> dict[str, list[Waypoint]]:
    """Waypoints per river, in seq order (lines starting with '#' are comments)."""
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    out: dict[str, list[Waypoint]] = {}
    for r in rows:
        out.setdefault(r["river_id"], []).append(Waypoint(
            r["river_id"], int(r["seq"]), r["name_zh"],
            float(r["lon"]) if r["lon"] else None, float(r["lat"]) if r["lat"] else None,
            r["target"], r["note"]))
    return {k: sorted(v, key=lambda w: w.seq) for k, v in out.items()}


def follow_waypoints(rg: RiverGraph, waypoints: Sequence[Waypoint], lake_nodes: set[int],
                     built: dict[str, list[int]]) -> tuple[list[int], list[tuple[str, float]]]:
    """Node path through the waypoints in order; returns (path, [(waypoint, snap distance m)])."""
    path: list[int] = []
    snaps: list[tuple[str, float]] = []
    current: int | None = None
    for wp in waypoints:
        if wp.target == "town":
            assert wp.lon is not None and wp.lat is not None
            node, d = nearest_node(rg, wp.lon, wp.lat)
            if d > MAX_WAYPOINT_SNAP_M:
                raise RuntimeError(f"{wp.river_id} waypoint {wp.name_zh} is {d:.0f} m from any river")
            snaps.append((wp.name_zh, d))
            leg = [node] if current is None else nx.shortest_path(rg.graph, current, node, weight="weight")
        elif wp.target == "lake":
            assert current is not None
            leg = shortest_to_any(rg, current, lake_nodes)
        elif wp.target.startswith("join:"):
            assert current is not None
            leg = shortest_to_any(rg, current, built[wp.target.split(":", 1)[1]])
        else:
            raise ValueError(f"unknown waypoint target {wp.target!r}")
        path = remove_backtracks(path + leg[1:] if path else leg)
        current = path[-1]
    return path, snaps


# --- province boundary ---------------------------------------------------------------------------

def read_province(path: Path) -> Polygon | MultiPolygon:
    """Jiangxi's polygon (adcode 360000) from a WGS 84 GeoJSON layer."""
    if not path.is_file():
        raise SystemExit(f"province boundary not found: {path} (run scripts/build_admin.py first, or pass --boundary)")
    frame = gpd.read_file(path, engine="pyogrio")
    if "adcode" in frame.columns:
        frame = frame[frame["adcode"].astype(str) == "360000"]
    if len(frame) != 1:
        raise SystemExit(f"{path}: expected one feature with adcode 360000, found {len(frame)}")
    if frame.crs is not None and not frame.crs.equals(WGS84):
        frame = frame.to_crs(WGS84)
    return frame.geometry.iloc[0]


def to_lcc(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda c: np.column_stack(TO_LCC.transform(c[:, 0], c[:, 1])))


def to_wgs(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda c: np.column_stack(TO_WGS.transform(c[:, 0], c[:, 1])))


# --- the build -----------------------------------------------------------------------------------

def classify_water(points: Sequence[Point]) -> np.ndarray:
    """True where a lon/lat point lies in GSHHG river-lake water (not on an island in it)."""
    text = "".join(f"{p.x:.10f} {p.y:.10f} {i}\n" for i, p in enumerate(points))
    out = run_gmt(["select", "-Df", "-A0/0/4+r", "-Ns/s/k/s/s", "-fg"], stdin=text)
    kept = np.zeros(len(points), dtype=bool)
    for line in out.splitlines():
        if line and not line.startswith(">"):
            kept[int(float(line.split()[2]))] = True
    return kept


@dataclass
class WaterResult:
    yangtze: Polygon | MultiPolygon     # lon/lat
    poyang: Polygon | MultiPolygon      # lon/lat
    report: dict[str, object]


def build_water_polygons(province: Polygon | MultiPolygon) -> WaterResult:
    """The Yangtze channel along Jiangxi and Poyang Lake (lon/lat), and figures for the report."""
    west, east, south, north = POLY_REGION
    text = run_gmt(["coast", region_arg(west, east, south, north), "-Df", "-W", "-M", "-A0/2/4+r"])
    segs = parse_gmt_segments(text)
    frame = box(west, south, east, north)
    faces = polygonize_linework([LineString(s.coords) for s in segs], frame)
    wet = classify_water([f.representative_point() for f in faces])
    water = dissolve([f for f, w in zip(faces, wet) if w])
    seeds = [Point(YANGTZE_SEED), Point(POYANG_SEED)]
    if not classify_water(seeds).all():
        raise RuntimeError("a seed point is not in river-lake water: check YANGTZE_SEED / POYANG_SEED")
    yangtze_all, poyang, extra = split_at_cut(water, LineString(HUKOU_CUT), *seeds)

    # clip the Yangtze to the stretch bordering Jiangxi (in metres)
    prov_m = to_lcc(province)
    ring = max(getattr(prov_m, "geoms", [prov_m]), key=lambda p: p.area).exterior
    y_m = to_lcc(yangtze_all)
    run = boundary_run(ring, y_m, step=RUN_STEP_M, tol=RUN_TOL_M, max_gap=RUN_MAX_GAP_M)
    cuts = [end_cut(run, y_m, at_start, dir_from=RUN_DIR_FROM_M, dir_to=RUN_DIR_TO_M) for at_start in (True, False)]
    inner = substring(run, RUN_DIR_TO_M, run.length - RUN_DIR_TO_M)  # well clear of both cuts
    y_clip_m = clip_between_cuts(y_m, cuts, inner, RUN_TOL_M)
    if not all(c.distance(y_clip_m) < 1.0 for c in cuts) or y_clip_m.area > 0.9 * y_m.area:
        raise RuntimeError("clipping the Yangtze at the province-boundary run failed")
    yangtze = to_wgs(y_clip_m)

    # Jiangxi-side bank: the exterior minus the three cut edges, split into arcs; an arc mostly
    # inside the province is on the Jiangxi (south) side.
    cut_lines_m = shapely.union_all([*cuts, to_lcc(LineString(HUKOU_CUT))]).buffer(1.0)
    polys_m = list(getattr(y_clip_m, "geoms", [y_clip_m]))
    arcs = []
    for p in polys_m:
        rest = p.exterior.difference(cut_lines_m)
        merged = shapely.line_merge(rest) if not isinstance(rest, LineString) else rest
        arcs += list(getattr(merged, "geoms", [merged]))
    south_arcs, north_arcs = [], []
    for a in arcs:
        inside = a.intersection(prov_m).length / a.length if a.length else 0.0
        (south_arcs if inside >= 0.5 else north_arcs).append(a)
    south = shapely.union_all(south_arcs)
    near = south.intersection(ring.buffer(BANK_NEAR_BOUNDARY_M))
    islands = [LineString(h.coords) for p in polys_m for h in p.interiors]
    islands_in = [h for h in islands if Polygon(h.coords).representative_point().within(prov_m)]
    ends = [to_wgs(Point(run.coords[0])), to_wgs(Point(run.coords[-1]))]
    report = {
        "gmt_pieces": len(segs), "faces": len(faces), "water_faces": int(wet.sum()),
        "water_polygons": len(water.geoms), "hukou_extra_area_deg2": extra,
        "run_km": run.length / 1000, "run_ends": [(round(p.x, 4), round(p.y, 4)) for p in ends],
        "south_bank_km": geodesic_length_km(to_wgs(south)),
        "south_bank_near_boundary_km": geodesic_length_km(to_wgs(near)),
        "north_bank_km": geodesic_length_km(to_wgs(shapely.union_all(north_arcs))) if north_arcs else 0.0,
        "islands": len(islands), "islands_in_jiangxi": len(islands_in),
        "island_shore_in_jiangxi_km": sum(geodesic_length_km(to_wgs(h)) for h in islands_in),
        "yangtze_clip_km2": geodesic_area_km2(yangtze), "yangtze_unclipped_km2": geodesic_area_km2(yangtze_all),
        "poyang_km2": geodesic_area_km2(poyang),
        "cuts": [to_wgs(c) for c in cuts],
    }
    return WaterResult(yangtze, poyang, report)


@dataclass
class RiverResult:
    lines: dict[str, LineString]  # lon/lat
    levels: dict[str, list[int]]
    snaps: dict[str, list[tuple[str, float]]]
    graph_snaps: list[tuple[float, tuple[float, float]]]


def build_river_lines(poyang: Polygon | MultiPolygon, waypoints: dict[str, list[Waypoint]]) -> RiverResult:
    """Each river's WDBII path through its waypoints (lon/lat), with levels and snap distances."""
    west, south, east, north = RIVER_REGION
    segs = [s for s in parse_gmt_segments(run_gmt(["coast", region_arg(west, east, south, north), "-Df", "-Ia", "-M"]))
            if s.level != 0]  # level 0: double-lined rivers (river-lake outlines), not centrelines
    rg = build_river_graph(segs, SNAP_M)
    lake_m = to_lcc(poyang)
    nodes = sorted(rg.xy)
    near = shapely.distance(shapely.points([rg.xy[n] for n in nodes]), lake_m) <= LAKE_TOL_M
    lake_nodes = {n for n, ok in zip(nodes, near) if ok}
    built: dict[str, list[int]] = {}
    lines, levels, snaps = {}, {}, {}
    for spec in sorted(RIVERS, key=lambda r: _depth(r.id, waypoints)):  # joined-to rivers first
        path, wsnaps = follow_waypoints(rg, waypoints[spec.id], lake_nodes, built)
        built[spec.id] = path
        lines[spec.id] = LineString([rg.lonlat[n] for n in path])
        levels[spec.id] = sorted({rg.graph.edges[a, b]["level"] for a, b in itertools.pairwise(path)})
        snaps[spec.id] = wsnaps
    return RiverResult(lines, levels, snaps, sorted(rg.snaps))


def _depth(river_id: str, waypoints: dict[str, list[Waypoint]]) -> int:
    """How many `join:` steps lead from `river_id` to a river that ends at the lake."""
    target = waypoints[river_id][-1].target
    return 1 + _depth(target.split(":", 1)[1], waypoints) if target.startswith("join:") else 0


def level_text(levels: Sequence[int]) -> str:
    real = [lv for lv in levels if lv >= 0]
    text = f"level {real[0]}" if len(real) == 1 else f"levels {', '.join(map(str, real))}"
    return text + (" (plus snapped junction links)" if -1 in levels else "")


def make_frames(water: WaterResult, rivers: RiverResult, versions: dict[str, str],
                waypoints: dict[str, list[Waypoint]]) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    base = f"GSHHG 2.3.7 full (gmt-gshhg-full {versions['gmt-gshhg-full']}, gmt {versions['gmt']})"
    cut_text = f"{HUKOU_CUT[0][0]}E {HUKOU_CUT[0][1]}N - {HUKOU_CUT[1][0]}E {HUKOU_CUT[1][1]}N"
    poly_cmd = f"gmt coast {region_arg(POLY_REGION[0], POLY_REGION[1], POLY_REGION[2], POLY_REGION[3])} -Df -W -M -A0/2/4+r"
    areas = gpd.GeoDataFrame({
        "id": ["yangtze_jiangxi", "poyang_lake"],
        "name_zh": ["长江（江西段）", "鄱阳湖"],
        "name_en": ["Yangtze River (Jiangxi section)", "Poyang Lake"],
        "kind": ["river_channel", "lake"],
        "rule_groups": ["yangtze,jiangxi", "jiangxi"],
        "source": [f"{base}, river-lake shoreline (level 2) with islands (level 3-4)"] * 2,
        "accuracy_m": [ACCURACY_POLYGON_M, ACCURACY_POLYGON_M],
        "method": [
            (f"{poly_cmd}; pieces polygonized, faces classified with gmt select; split from Poyang Lake at the Hukou "
             f"outlet along {cut_text}; clipped across the channel where the Jiangxi boundary (province.geojson) "
             "leaves the river at the Hubei and Anhui borders; islands are holes"),
            (f"{poly_cmd}; pieces polygonized, faces classified with gmt select; the river-lake south of the Hukou "
             f"cut ({cut_text}); GSHHG's generalised lake outline (not a seasonal water level); islands are holes"),
        ],
    }, geometry=[water.yangtze, water.poyang], crs=WGS84)

    river_cmd = f"gmt coast {region_arg(RIVER_REGION[0], RIVER_REGION[2], RIVER_REGION[1], RIVER_REGION[3])} -Df -Ia -M"
    rows = []
    for spec in RIVERS:
        wps = [w.name_zh for w in waypoints[spec.id] if w.target == "town"]
        end = waypoints[spec.id][-1].target
        end_text = "Poyang Lake" if end == "lake" else f"the {end.split(':', 1)[1]} line"
        rows.append({
            "id": spec.id, "name_zh": spec.name_zh, "name_en": spec.name_en, "kind": spec.kind,
            "rule_groups": spec.rule_groups,
            "source": f"{base}, WDBII rivers {level_text(rivers.levels[spec.id])}",
            "accuracy_m": ACCURACY_LINE_M,
            "method": (f"{river_cmd}; unnamed WDBII pieces joined into a graph (ends snapped within {SNAP_M:g} m); "
                       f"shortest path through approximate waypoints {' > '.join(wps)} and on to {end_text} "
                       f"(scripts/waters_waypoints.csv); {spec.note}"),
        })
    lines = gpd.GeoDataFrame(rows, geometry=[rivers.lines[s.id] for s in RIVERS], crs=WGS84)
    return areas, lines


def render_preview(path: Path, province: Polygon | MultiPolygon, areas: gpd.GeoDataFrame,
                   lines: gpd.GeoDataFrame, waypoints: dict[str, list[Waypoint]], cuts: Sequence[LineString]) -> None:
    """A check map: province outline, water polygons, labelled river lines, waypoints and cuts.

    Labels are ASCII (feature ids; waypoints as river-id prefix + seq) so no CJK font is needed.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(24, 16))
    ax = fig.add_axes((0.02, 0.03, 0.40, 0.92))
    ax2 = fig.add_axes((0.45, 0.50, 0.53, 0.45))
    ax3 = fig.add_axes((0.45, 0.03, 0.25, 0.42))
    ax4 = fig.add_axes((0.73, 0.03, 0.25, 0.42))
    zooms = {ax2: ((115.3, 116.95, 29.55, 30.15), "Yangtze, clipped at the end cuts (magenta); Hukou cut"),
             ax3: ((115.85, 116.8, 28.6, 29.35), "River mouths at Poyang Lake"),
             ax4: ((116.1, 116.3, 29.68, 29.8), "Hukou outlet: the cut between Yangtze and Poyang Lake")}
    colours = dict(zip([s.id for s in RIVERS], ["#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"]))
    for a in (ax, ax2, ax3, ax4):
        gpd.GeoSeries([province], crs=WGS84).boundary.plot(ax=a, color="black", lw=0.8)
        areas.plot(ax=a, color=["#6baed6", "#9ecae1"], edgecolor="#08519c", lw=0.5)
        for _, row in lines.iterrows():
            gpd.GeoSeries([row.geometry]).plot(ax=a, color=colours[row["id"]], lw=1.6)
            a.plot(*row.geometry.coords[-1], "o", color=colours[row["id"]], ms=5)
        for c in [*cuts, LineString(HUKOU_CUT)]:
            gpd.GeoSeries([c]).plot(ax=a, color="magenta", lw=1.5)
    for a in (ax, ax3):
        for _, row in lines.iterrows():
            g = row.geometry
            clip = g if a is ax else g.intersection(box(115.85, 28.6, 116.8, 29.35))
            if clip.is_empty:
                continue
            mid = clip.interpolate(0.45, normalized=True)
            a.annotate(row["id"], (mid.x, mid.y), color=colours[row["id"]], fontsize=10, xytext=(6, 6),
                       textcoords="offset points", weight="bold")
    for rid, wps in waypoints.items():
        for w in wps:
            if w.lon is not None:
                ax.plot(w.lon, w.lat, "k^", ms=4)
                ax.annotate(f"{rid[:3]}{w.seq}", (w.lon, w.lat), fontsize=7, xytext=(3, -8), textcoords="offset points")
    for _, row in areas.iterrows():
        c = row.geometry.representative_point()
        ax2.annotate(row["id"], (c.x, c.y), fontsize=12, weight="bold")
    ax.set_title("Regulated waters: GSHHG 2.3.7 polygons, WDBII main stems (dots: line ends; triangles: waypoints)")
    for a, ((x0, x1, y0, y1), title) in zooms.items():
        a.set_xlim(x0, x1)
        a.set_ylim(y0, y1)
        a.set_title(title)
    for a in (ax, ax2, ax3, ax4):
        a.set_aspect(1 / np.cos(np.radians(28)))
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--boundary", type=Path, default=None,
                        help="province boundary GeoJSON (WGS 84, adcode 360000) [<out-dir>/province.geojson]")
    parser.add_argument("--preview", type=Path, default=None, help="also render a check map to this PNG")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    versions = ensure_gmt()
    province = read_province(args.boundary or args.out_dir / "province.geojson")
    waypoints = read_waypoints(WAYPOINTS_CSV)

    water = build_water_polygons(province)
    rivers = build_river_lines(water.poyang, waypoints)
    areas, lines = make_frames(water, rivers, versions, waypoints)
    check_outputs(areas, lines, province)

    args.out_dir.mkdir(parents=True, exist_ok=True)
    write_geojson(areas, args.out_dir / "water_areas.geojson")
    write_geojson(lines, args.out_dir / "river_lines.geojson")

    r = water.report
    print(f"gmt {versions['gmt']}, gmt-gshhg-full {versions['gmt-gshhg-full']}")
    print(f"polygons: {r['gmt_pieces']} shoreline pieces -> {r['faces']} faces, {r['water_faces']} water, "
          f"{r['water_polygons']} water polygon(s); Hukou cut slivers {r['hukou_extra_area_deg2']:.3g} deg2")
    print(f"  Yangtze: {r['yangtze_clip_km2']:.1f} km2 clipped (unclipped in box {r['yangtze_unclipped_km2']:.1f}); "
          f"boundary run {r['run_km']:.1f} km from {r['run_ends'][0]} to {r['run_ends'][1]}")
    print(f"  Yangtze banks: Jiangxi (south) side {r['south_bank_km']:.1f} km, of which within "
          f"{BANK_NEAR_BOUNDARY_M / 1000:g} km of the province boundary {r['south_bank_near_boundary_km']:.1f} km; "
          f"north bank {r['north_bank_km']:.1f} km")
    print(f"  islands (holes): {r['islands']}, inside Jiangxi {r['islands_in_jiangxi']} with "
          f"{r['island_shore_in_jiangxi_km']:.1f} km of shore")
    print(f"  Poyang Lake: {r['poyang_km2']:.1f} km2")
    print(f"rivers: junction snaps > 500 m: {[(round(d), p) for d, p in rivers.graph_snaps if d > 500]}")
    for spec in RIVERS:
        line = rivers.lines[spec.id]
        snaps = ", ".join(f"{n} {d / 1000:.1f}" for n, d in rivers.snaps[spec.id])
        print(f"  {spec.id}: {geodesic_length_km(line):.1f} km, {level_text(rivers.levels[spec.id])}, "
              f"ends {line.coords[-1][0]:.4f}E {line.coords[-1][1]:.4f}N; waypoint snaps km: {snaps}")
    if args.preview:
        render_preview(args.preview, province, areas, lines, waypoints, water.report["cuts"])
        print(f"preview: {args.preview}")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


def check_outputs(areas: gpd.GeoDataFrame, lines: gpd.GeoDataFrame, province: Polygon | MultiPolygon) -> None:
    """Fail the build rather than write implausible layers."""
    if not (shapely.is_valid(areas.geometry.values).all() and shapely.is_valid(lines.geometry.values).all()):
        raise RuntimeError("invalid output geometry")
    zone = to_lcc(province).buffer(3000.0)
    for _, row in lines.iterrows():
        line_m = to_lcc(row.geometry)
        outside = line_m.difference(zone).length
        if outside > 0:
            raise RuntimeError(f"{row['id']}: {outside:.0f} m of the line lies more than 3 km outside Jiangxi")
        if not line_m.is_simple:
            raise RuntimeError(f"{row['id']}: path crosses itself")


if __name__ == "__main__":
    raise SystemExit(main())
