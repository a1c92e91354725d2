"""Shared fixtures: the committed layers, loaded once per test session; a copy of the data folder;
the register on SQLite and on a PostgreSQL + PostGIS server this test session starts itself."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import geopandas as gpd
import pytest
from postgres import available, new_database, postgres_server

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


@pytest.fixture(scope="session", autouse=True)
def session_register(tmp_path_factory):
    """The page (AppTest, and the servers the browser tests start) uses a register of this session,
    seeded from the checkout's data/sources, never a var/register.sqlite left in the checkout."""
    url = f"sqlite:///{tmp_path_factory.mktemp('register') / 'register.sqlite'}"
    previous = os.environ.get("MAPAPP_DATABASE_URL")
    os.environ["MAPAPP_DATABASE_URL"] = url
    yield url
    if previous is None:
        os.environ.pop("MAPAPP_DATABASE_URL", None)
    else:
        os.environ["MAPAPP_DATABASE_URL"] = previous


@pytest.fixture(scope="session")
def postgres_url():
    """A private PostgreSQL + PostGIS server for the session (Debian's postgresql-15-postgis-3,
    installed by scripts/test.sh)."""
    if not available():
        pytest.skip("postgresql-15-postgis-3 is not installed (scripts/test.sh installs it)")
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def register_url(request, tmp_path: Path) -> str:
    """An empty register database of each kind: a SQLite file, or a new database on the session's server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'register.sqlite'}"
    return new_database(request.getfixturevalue("postgres_url"))
