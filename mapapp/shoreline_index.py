"""The nearest-segment index: lines cut into short pieces, found exactly. Plane coordinates (JIANGXI_LCC).

Two ways give the same answer (tests/test_shoreline_index.py holds them to it):
- the compiled walk (mapapp/_nearest.c, built at install when a C compiler is there): a
  branch-and-bound descent of a box tree of the pieces, built here; about 4x faster;
- the numpy path, where it is not built: a k-d tree of the pieces' vertices (pykdtree: its queries run
  on every core and it imports in a millisecond) and an exact candidate test, GEOS where that cannot
  decide.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from pykdtree.kdtree import KDTree

try:
    from mapapp import _nearest
except ImportError:  # installed without a C compiler: the numpy path serves
    _nearest = None

_F = NDArray[np.float64]
_I = NDArray[np.intp]

# Shoreline pieces are cut to at most this length before indexing. Shorter pieces make the exact
# candidate test below decide with fewer vertices, longer ones make the vertex tree smaller;
# 500 m measured best on GSHHG-density data (bench/screening.py).
_PIECE_M = 500.0
# Nearest vertices fetched per point in the first and second pass; points still undecided after
# the second go to GEOS (exact, slower). See LineIndex.nearest_xy for the argument. Three decide
# 99.5% of random points over Jiangxi at the first pass (two: 89%).
_K_FIRST = 3
_K_SECOND = 48
_BLOCK = 65_536  # points per block: bounds the (block x K) temporaries; smaller blocks stay in cache
# The candidate tests of the blocks run in threads (numpy releases the GIL); the tree's own queries
# use every core already.
_THREADS = min(4, os.cpu_count() or 1)
_SORT_CELL_M = 5000.0  # points are visited in 5 km cells so the tree walks stay in cache
_LEAF = 8  # the fewest pieces in a leaf of the box tree (at most twice as many)


@dataclass(frozen=True)
class _Pieces:
    """Shoreline cut into straight pieces of at most `max_len` metres, in JIANGXI_LCC."""

    vertices: _F  # (n, 2); piece i runs from vertices[i] to vertices[i + 1] when next_piece[i] == i
    next_piece: _I  # piece starting at each vertex, or -1
    prev_piece: _I  # piece ending at each vertex, or -1
    feature: _I  # water feature of the piece starting at each vertex (or of the vertex itself)
    max_len: float


def _build_pieces(coords: _F, part: _I, feature_of_coord: _I, max_len: float) -> _Pieces:
    # Drop consecutive repeated points; a part left with one point keeps it twice, so it becomes a
    # zero-length piece (the distance code handles those).
    repeat = np.r_[False, (part[1:] == part[:-1]) & np.all(coords[1:] == coords[:-1], axis=1)]
    coords, part, feature_of_coord = coords[~repeat], part[~repeat], feature_of_coord[~repeat]
    single = np.bincount(part, minlength=int(part.max()) + 1 if part.size else 0)[part] == 1
    if single.any():
        idx = np.repeat(np.arange(len(coords)), np.where(single, 2, 1))
        coords, part, feature_of_coord = coords[idx], part[idx], feature_of_coord[idx]
    # Cut each segment into m equal pieces so that no piece is longer than max_len.
    seg = np.nonzero(part[1:] == part[:-1])[0]
    a, b = coords[seg], coords[seg + 1]
    m = np.maximum(1, np.ceil(np.hypot(*(b - a).T) / max_len)).astype(np.intp)
    starts = np.repeat(np.cumsum(m) - m, m)
    frac = (np.arange(m.sum()) - starts) / np.repeat(m, m)
    pts = np.repeat(a, m, axis=0) + np.repeat(b - a, m, axis=0) * frac[:, None]
    last = np.nonzero(np.r_[part[1:] != part[:-1], True])[0]  # the last coordinate of each part
    vertices = np.concatenate([pts, coords[last]])
    v_part = np.concatenate([np.repeat(part[seg], m), part[last]])
    v_feature = np.concatenate([np.repeat(feature_of_coord[seg], m), feature_of_coord[last]])
    # Each part's cut points in order, then its last point.
    is_last = np.r_[np.zeros(len(pts), np.intp), np.ones(len(last), np.intp)]
    order = np.argsort(v_part * 2 + is_last, kind="stable")
    vertices, v_part, v_feature = vertices[order], v_part[order], v_feature[order]
    has_next = np.r_[v_part[1:] == v_part[:-1], False]
    idx = np.arange(len(vertices))
    next_piece = np.where(has_next, idx, -1)
    prev_piece = np.where(np.r_[False, has_next[:-1]], idx - 1, -1)
    lengths = np.hypot(*(vertices[1:] - vertices[:-1]).T)[has_next[:-1]]
    return _Pieces(vertices, next_piece, prev_piece, v_feature, float(lengths.max()) if lengths.size else 0.0)


def _segment_distance(px: _F, py: _F, ax: _F, ay: _F, dx: _F, dy: _F, inv_len2: _F) -> tuple[_F, _F, _F]:
    """Plane distance from p to the segment a -> a + d, and the nearest point on it."""
    t = np.clip(((px - ax) * dx + (py - ay) * dy) * inv_len2, 0.0, 1.0)
    qx = ax + t * dx
    qy = ay + t * dy
    ex, ey = px - qx, py - qy
    return np.sqrt(ex * ex + ey * ey), qx, qy  # as _nearest.c computes it (hypot is 10x slower)


class LineIndex:
    """Lines cut into short pieces, indexed for exact nearest-point queries (plane coordinates)."""

    def __init__(self, coords: _F, part: _I, feature: _I, *, max_len: float = _PIECE_M) -> None:
        self.pieces = _build_pieces(coords, part, feature, max_len)
        v = self.pieces.vertices
        nxt = self.pieces.next_piece
        end = np.where(nxt >= 0, nxt + 1, np.arange(len(v)))
        self._ax, self._ay = v[:, 0], v[:, 1]
        self._dx, self._dy = v[end, 0] - v[:, 0], v[end, 1] - v[:, 1]
        len2 = self._dx**2 + self._dy**2
        self._inv_len2 = np.divide(1.0, len2, out=np.zeros_like(len2), where=len2 > 0)
        self._kdtree: KDTree | None = None  # the numpy path's, built when first needed
        self._strtree: shapely.STRtree | None = None
        self._lock = threading.Lock()
        self._box_tree = _box_tree(self._ax, self._ay, self._dx, self._dy, self._inv_len2,
                                   np.nonzero(nxt >= 0)[0]) if _nearest is not None else None

    def nearest_xy(self, x: _F, y: _F) -> tuple[_F, _I, _F, _F]:
        """Exact nearest shoreline point for each point: (plane distance, feature, qx, qy); of equally
        near pieces the lowest numbered. Coordinates must be finite."""
        if self._box_tree is not None:
            piece, d, qx, qy = self._walk(x, y)
        else:
            piece = self._nearest_by_vertices(x, y)
            d, qx, qy = _segment_distance(x, y, self._ax[piece], self._ay[piece], self._dx[piece], self._dy[piece],
                                          self._inv_len2[piece])
        return d, self.pieces.feature[piece], qx, qy

    def _walk(self, x: _F, y: _F) -> tuple[_I, _F, _F, _F]:
        """The nearest piece of each point by the compiled walk of the box tree, with the distance and
        nearest point that _segment_distance gives for it (the same operations, so the same bits)."""
        assert _nearest is not None and self._box_tree is not None
        n = len(x)
        piece = np.empty(n, dtype=np.int64)
        d, qx, qy = np.empty(n), np.empty(n), np.empty(n)
        order = _locality_order(x, y).astype(np.int64, copy=False)  # each walk starts from the previous point's piece
        _nearest.nearest_pieces(*self._box_tree, np.ascontiguousarray(x, dtype=np.float64),
                                np.ascontiguousarray(y, dtype=np.float64), order, piece, d, qx, qy)
        if (piece < 0).any():
            raise ValueError("nearest_xy: every coordinate must be finite")
        return piece, d, qx, qy

    def _nearest_by_vertices(self, x: _F, y: _F) -> _I:
        """The nearest piece of each point by the vertex k-d tree and the candidate test.

        Why the candidates suffice: let d1 be the distance to the nearest vertex and L the longest
        piece. The nearest piece, at distance d* <= d1, has an end vertex within
        sqrt(d*^2 + (L/2)^2) <= r = sqrt(d1^2 + L^2/4) of the point (the foot of the perpendicular is
        at most L/2 from one end). So when the k-th nearest vertex lies beyond r, the pieces next to
        the vertices within r include the nearest one, and the exact point-segment distance to each
        of them picks it. Points for which k vertices were not enough get a larger k, then GEOS.
        """
        n = len(x)
        order = _locality_order(x, y)
        pts = np.column_stack([x[order], y[order]])  # the tree takes one C-ordered array
        piece = np.full(n, -1, dtype=np.intp)  # in `order`
        todo = np.arange(n)
        for k in (_K_FIRST, _K_SECOND):
            if todo.size == 0:
                break
            k_eff = min(k, len(self._ax))
            dd, ii = self._vertex_tree().query(pts[todo], k=k_eff)
            dd, ii = dd.reshape(len(todo), k_eff), ii.reshape(len(todo), k_eff).astype(np.intp)
            decided = _in_blocks(len(todo), lambda s: self._decide(pts[todo[s]], dd[s], ii[s], piece, todo[s]))
            todo = todo[~decided]
        if todo.size:  # rare: many vertices almost equidistant (e.g. the centre of a round bay)
            piece[todo] = self._geos_nearest(pts[todo])
        piece[order] = piece.copy()  # back to the points' own order
        return piece

    def _decide(self, pts: _F, dd: _F, ii: _I, piece: _I, rows: _I) -> NDArray[np.bool_]:
        """The candidate test for points `pts` given their k nearest vertices (dd, ii); sets `piece`
        at `rows` where decided, and says which were."""
        half = self.pieces.max_len / 2.0
        # A relative slack keeps rounding in the squared distances on the safe side.
        r2 = (dd[:, 0] ** 2 + half * half) * (1 + 1e-9) + 1e-6
        decided = np.full(len(pts), dd.shape[1] == len(self._ax)) | (dd[:, -1] ** 2 > r2)
        # Only the (point, vertex) pairs inside r: a handful per point, listed row by row.
        row, col = np.nonzero((dd * dd <= r2[:, None]) & decided[:, None])
        if row.size == 0:
            return decided
        vert = ii[row, col]
        cand = np.column_stack([self.pieces.next_piece[vert], self.pieces.prev_piece[vert]]).ravel()
        crow = np.repeat(row, 2)
        valid = cand >= 0
        cand, crow = cand[valid], crow[valid]
        d, *_ = _segment_distance(pts[crow, 0], pts[crow, 1], self._ax[cand], self._ay[cand], self._dx[cand],
                                  self._dy[cand], self._inv_len2[cand])
        # Per row: the least distance, and of the pieces at it the lowest numbered, so that equally
        # near pieces (a vertex two pieces share) resolve the same whatever order the tree lists them.
        starts = np.nonzero(np.r_[True, crow[1:] != crow[:-1]])[0]
        best = np.minimum.reduceat(d, starts)
        at_best = d == np.repeat(best, np.diff(np.r_[starts, len(d)]))
        piece[rows[crow[starts]]] = np.minimum.reduceat(np.where(at_best, cand, len(self._ax)), starts)
        return decided

    def _geos_nearest(self, pts: _F) -> _I:
        """The lowest numbered of the nearest pieces, by GEOS."""
        src, tgt = self._geos_tree().query_nearest(shapely.points(pts), all_matches=True)
        first = np.full(len(pts), len(self._ax), dtype=np.intp)
        np.minimum.at(first, src, tgt)
        return first

    def _vertex_tree(self) -> KDTree:
        with self._lock:  # the compiled walk never needs it: built on first need
            if self._kdtree is None:
                # leafsize 8 measured as fast, 32 and 64 slower (k=3, 1 M points)
                self._kdtree = KDTree(self.pieces.vertices, leafsize=16)
        return self._kdtree

    def _geos_tree(self) -> shapely.STRtree:
        with self._lock:  # built on first need, possibly from several block threads at once
            if self._strtree is None:
                self._strtree = self._build_geos_tree()
        return self._strtree

    def _build_geos_tree(self) -> shapely.STRtree:
        v = self.pieces.vertices
        end = np.where(self.pieces.next_piece >= 0, self.pieces.next_piece + 1, np.arange(len(v)))
        return shapely.STRtree(shapely.linestrings(np.stack([v, v[end]], axis=1)))

    def nearest_geoms(self, geoms: NDArray[np.object_]) -> tuple[_F, _I, _F, _F, _F, _F]:
        """Nearest shoreline point for lines and polygons (LCC): (plane distance, feature, px, py, qx, qy)."""
        n = len(geoms)
        piece = self._geos_tree().query_nearest(geoms, all_matches=False)[1]
        line = shapely.shortest_line(geoms, self._geos_tree().geometries[piece])
        ends = shapely.get_coordinates(line).reshape(n, 2, 2)
        px, py, qx, qy = ends[:, 0, 0], ends[:, 0, 1], ends[:, 1, 0], ends[:, 1, 1]
        return np.hypot(qx - px, qy - py), self.pieces.feature[piece], px, py, qx, qy


def _box_tree(ax: _F, ay: _F, dx: _F, dy: _F, inv_len2: _F, ids: _I) -> tuple[np.ndarray, ...]:
    """The pieces `ids` in a packed binary tree of boxes, as mapapp/_nearest.c walks it: (node boxes,
    then each piece's ax, ay, dx, dy, inv_len2 and id in leaf order, -1 for padding, then the leaf size).

    Each level splits its groups at the median of the pieces' midpoints along the group's longer
    side. The leaf count is a power of two and each leaf holds _LEAF to 2 _LEAF pieces, all leaves
    full but the last ones (padding fills the rest; rounding the leaf count up instead left half the
    slots empty)."""
    n_leaves = 1 << int(np.log2(max(1, len(ids) // _LEAF)))
    leaf_size = max(1, -(-len(ids) // n_leaves))
    size = n_leaves * leaf_size
    pad = size - len(ids)
    slot_id = np.r_[ids, np.full(pad, -1)]
    real = slot_id >= 0
    take = np.maximum(slot_id, 0)
    x0, x1 = np.minimum(ax[take], ax[take] + dx[take]), np.maximum(ax[take], ax[take] + dx[take])
    y0, y1 = np.minimum(ay[take], ay[take] + dy[take]), np.maximum(ay[take], ay[take] + dy[take])
    mx, my = np.where(real, (x0 + x1) / 2, np.nan), np.where(real, (y0 + y1) / 2, np.nan)  # nan: sorted last
    x0, y0 = np.where(real, x0, np.inf), np.where(real, y0, np.inf)  # padding: an empty box, never entered
    x1, y1 = np.where(real, x1, -np.inf), np.where(real, y1, -np.inf)
    order = np.arange(size)
    group = size
    while group > leaf_size:
        rows = order.reshape(-1, group)
        gx, gy = mx[rows], my[rows]
        wide = (np.nanmax(gx, axis=1, initial=-np.inf) - np.nanmin(gx, axis=1, initial=np.inf)
                >= np.nanmax(gy, axis=1, initial=-np.inf) - np.nanmin(gy, axis=1, initial=np.inf))
        key = np.where(wide[:, None], gx, gy)
        order = np.take_along_axis(rows, np.argsort(key, axis=1, kind="stable"), axis=1).ravel()
        group //= 2
    leaf = order.reshape(n_leaves, leaf_size)
    level = np.column_stack([x0[leaf].min(axis=1), y0[leaf].min(axis=1), x1[leaf].max(axis=1), y1[leaf].max(axis=1)])
    levels = [level]
    while len(level) > 1:
        pair = level.reshape(-1, 2, 4)
        level = np.column_stack([pair[:, :, :2].min(axis=1), pair[:, :, 2:].max(axis=1)])
        levels.append(level)
    boxes = np.ascontiguousarray(np.concatenate(levels[::-1]))  # heap order: root, its children, ...
    slot = take[order]
    arrays = (ax[slot], ay[slot], dx[slot], dy[slot], inv_len2[slot])
    return (boxes, *(np.ascontiguousarray(a, dtype=np.float64) for a in arrays), slot_id[order].astype(np.int64),
            leaf_size)


def _in_blocks(n: int, decide: Callable[[slice], NDArray[np.bool_]]) -> NDArray[np.bool_]:
    """decide(rows) over blocks of rows, in threads when there are several."""
    blocks = [slice(start, start + _BLOCK) for start in range(0, n, _BLOCK)]
    if len(blocks) > 1 and _THREADS > 1:
        with ThreadPoolExecutor(_THREADS) as pool:
            return np.concatenate(list(pool.map(decide, blocks)))  # list() re-raises a block's error
    return np.concatenate([decide(b) for b in blocks]) if blocks else np.zeros(0, dtype=bool)


def _locality_order(x: _F, y: _F) -> _I:
    """A permutation visiting the points cell by cell (5 km cells), so tree walks hit warm memory."""
    if len(x) < 4096 or not (np.isfinite(x).all() and np.isfinite(y).all()):
        return np.arange(len(x))
    # Truncating non-negative values is flooring; numpy's float // is five times slower.
    ix = ((x - x.min()) * (1.0 / _SORT_CELL_M)).astype(np.int64)
    iy = ((y - y.min()) * (1.0 / _SORT_CELL_M)).astype(np.int64)
    key = ix * (int(iy.max()) + 1) + iy
    if key.max() < 2**16:  # numpy radix-sorts 16-bit keys (kind="stable"): linear time
        key = key.astype(np.uint16)
    return np.argsort(key, kind="stable")
