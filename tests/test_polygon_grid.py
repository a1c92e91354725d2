"""The cell grid answers point-in-polygon exactly as GEOS does, on and off the boundary."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon

from mapapp.polygon_grid import PolygonGrid
from mapapp.region import province_lcc


def _lake_with_islands() -> MultiPolygon:
    """A wiggly lake with two islands, and a second lake (a multipolygon with holes)."""
    angle = np.linspace(0, 2 * np.pi, 400, endpoint=False)
    radius = 10_000 + 2_500 * np.sin(7 * angle) + 700 * np.cos(23 * angle)
    shell = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    islands = [shapely.Point(2_000, 1_000).buffer(900).exterior.coords, [(-3_000, -3_000), (-1_000, -3_000),
                                                                       (-1_000, -1_500), (-3_000, -1_500)]]
    second = shapely.Point(30_000, 5_000).buffer(3_000, quad_segs=3)
    return MultiPolygon([Polygon(shell, islands), second])


def _points_on_and_near(polygon: MultiPolygon, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    west, south, east, north = polygon.bounds
    x = rng.uniform(west - 2_000, east + 2_000, 200_000)
    y = rng.uniform(south - 2_000, north + 2_000, 200_000)
    # The boundary's own vertices, its edges' midpoints, and points a millimetre either side of them.
    bx, by = shapely.get_coordinates(shapely.segmentize(polygon.boundary, 50.0)).T
    jitter = rng.uniform(-0.001, 0.001, (2, len(bx)))
    return np.r_[x, bx, bx + jitter[0], [np.nan, 1e12]], np.r_[y, by, by + jitter[1], [0.0, 1e12]]


@pytest.mark.parametrize("cell", [150.0, 500.0, 2_000.0, 50_000.0])
def test_the_grid_answers_as_geos_on_and_off_the_boundary(cell):
    polygon = _lake_with_islands()
    x, y = _points_on_and_near(polygon, np.random.default_rng(7))
    grid = PolygonGrid(polygon, cell=cell)
    covers, contains = grid.covers_xy(x, y), grid.contains_xy(x, y)
    assert np.array_equal(covers, shapely.intersects_xy(polygon, x, y))
    assert np.array_equal(contains, shapely.contains_xy(polygon, x, y))
    assert covers.any() and (~covers).any() and (covers & ~contains).any()  # inside, outside and on the edge


def test_most_of_the_province_is_decided_without_geos():
    grid = PolygonGrid(province_lcc().buffer(500.0), cell=500.0)
    edge = np.mean(grid._status == 2)
    assert edge < 0.05
    west, south, east, north = grid.polygon.bounds
    rng = np.random.default_rng(1)
    x, y = rng.uniform(west, east, 100_000), rng.uniform(south, north, 100_000)
    assert np.array_equal(grid.covers_xy(x, y), shapely.intersects_xy(grid.polygon, x, y))


def test_an_empty_polygon_holds_nothing():
    grid = PolygonGrid(Polygon(), cell=100.0)
    assert not grid.covers_xy(np.array([0.0, 1.0]), np.array([0.0, 1.0])).any()
