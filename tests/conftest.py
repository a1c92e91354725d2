"""Shared fixtures: the committed layers, loaded once per test session."""

from __future__ import annotations

import geopandas as gpd
import pytest

from mapapp.layers import load_layer


@pytest.fixture(scope="session")
def province() -> gpd.GeoDataFrame:
    return load_layer("province")


@pytest.fixture(scope="session")
def prefectures() -> gpd.GeoDataFrame:
    return load_layer("prefectures")


@pytest.fixture(scope="session")
def counties() -> gpd.GeoDataFrame:
    return load_layer("counties")
