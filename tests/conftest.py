"""Shared fixtures: the committed layers, loaded once per test session; a copy of the data folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pytest

from mapapp.layers import load_layer
from mapapp.paths import DATA_DIR


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the data folder for commands that write (run them with mapapp_cli.run_cli)."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


@pytest.fixture(scope="session")
def province() -> gpd.GeoDataFrame:
    return load_layer("province")


@pytest.fixture(scope="session")
def prefectures() -> gpd.GeoDataFrame:
    return load_layer("prefectures")


@pytest.fixture(scope="session")
def counties() -> gpd.GeoDataFrame:
    return load_layer("counties")
