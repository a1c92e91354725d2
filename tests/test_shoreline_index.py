"""The nearest-shoreline index: the compiled walk (mapapp/_nearest.c) answers as the numpy path does."""

from __future__ import annotations

import numpy as np
import pytest

from mapapp import shoreline_index
from mapapp.screening import load_waters
from mapapp.shoreline_index import LineIndex


@pytest.fixture(scope="module")
def shore() -> LineIndex:
    return load_waters(scope="jiangxi").shore


def test_the_compiled_walk_is_built_in_this_installation(shore):
    # Without a C compiler mapapp installs and screens by the numpy path; this installation must
    # have the fast one (scripts/bootstrap.sh installs gcc), or the speed the README states is not it.
    assert shoreline_index._nearest is not None, "mapapp/_nearest.c was not compiled: install gcc and python3-dev"
    assert shore._box_tree is not None


def test_the_walk_and_the_vertex_tree_pick_the_very_same_pieces(shore):
    """Random points over Jiangxi and far beyond it, every shoreline vertex and the middle of every
    piece (exact ties between neighbouring pieces): the same piece, so the same distance and water."""
    rng = np.random.default_rng(11)
    v = shore.pieces.vertices
    (x0, y0), (x1, y1) = v.min(axis=0), v.max(axis=0)
    x = np.r_[rng.uniform(x0 - 200e3, x1 + 200e3, 150_000), v[:, 0], shore._ax + shore._dx / 2]
    y = np.r_[rng.uniform(y0 - 200e3, y1 + 200e3, 150_000), v[:, 1], shore._ay + shore._dy / 2]
    walked, d, qx, qy = shore._walk(x, y)
    assert np.array_equal(walked, shore._nearest_by_vertices(x, y))
    assert (shore._dx[walked] ** 2 + shore._dy[walked] ** 2 > 0).any()  # real pieces, not a part's end
    # The distance and nearest point come out of the walk bit for bit as the numpy path makes them.
    expected = shoreline_index._segment_distance(x, y, shore._ax[walked], shore._ay[walked], shore._dx[walked],
                                                 shore._dy[walked], shore._inv_len2[walked])
    assert all(np.array_equal(a, b) for a, b in zip((d, qx, qy), expected))


def test_a_single_short_line_is_a_tree_of_one_leaf():
    index = LineIndex(np.array([[0.0, 0.0], [100.0, 0.0]]), np.array([0, 0]), np.array([0, 0]))
    d, feature, qx, qy = index.nearest_xy(np.array([50.0, -30.0, 130.0]), np.array([40.0, 0.0, 0.0]))
    assert d == pytest.approx([40.0, 30.0, 30.0])
    assert feature.tolist() == [0, 0, 0]
    assert qx.tolist() == [50.0, 0.0, 100.0]


def test_the_walk_refuses_what_it_cannot_answer(shore):
    if shoreline_index._nearest is None:
        pytest.skip("the compiled walk is not built here (tested above)")
    with pytest.raises(ValueError, match="finite"):
        shore._walk(np.array([0.0, np.nan]), np.array([0.0, 0.0]))
    box, *pieces = shore._box_tree
    walk = shoreline_index._nearest.nearest_pieces

    def outputs(n: int) -> list[np.ndarray]:
        return [np.empty(n, dtype=np.int64), np.empty(n), np.empty(n), np.empty(n)]

    order = np.arange(2, dtype=np.int64)
    with pytest.raises(ValueError, match="do not match"):  # one node short of the tree
        walk(box[:-1], *pieces, np.zeros(2), np.zeros(2), order, *outputs(2))
    with pytest.raises(ValueError, match="do not match"):  # fewer outputs than points
        walk(box, *pieces, np.zeros(3), np.zeros(3), np.arange(3, dtype=np.int64), *outputs(2))
    with pytest.raises(ValueError, match="out of range"):  # an order that points past the points
        walk(box, *pieces, np.zeros(2), np.zeros(2), np.array([0, 2], dtype=np.int64),
             *outputs(2))
    with pytest.raises(TypeError):  # a read-only output
        walk(box, *pieces, np.zeros(2), np.zeros(2), order,
             np.zeros(2, dtype=np.int64).tobytes(), *outputs(2)[1:])
    # A tree of padding only (no piece to be near) answers -1 and NaN, reading nothing out of bounds.
    empty = shoreline_index._box_tree(*(np.zeros(1) for _ in range(5)), np.zeros(0, dtype=np.intp))
    found = outputs(2)
    walk(*empty, np.zeros(2), np.zeros(2), order, *found)
    assert found[0].tolist() == [-1, -1] and np.isnan(np.concatenate(found[1:])).all()
