"""Opening the register's database: one URL picks SQLite (the embedded default) or PostgreSQL + PostGIS.

The schema is made and upgraded by Alembic (migrations/), the same way for both. SQLite runs in WAL
mode and starts every write transaction with BEGIN IMMEDIATE, so two writers queue instead of
failing half-way; PostgreSQL serialises conflicting writes itself (row locks, version checks).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import shapely
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, LargeBinary, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, UserDefinedType

from mapapp.paths import DATA_DIR

URL_VARIABLE = "MAPAPP_DATABASE_URL"
# Beside the data folder (var/ in a checkout; a test's copy of data/ gets its own register).
DEFAULT_PATH = DATA_DIR.parent / "var" / "register.sqlite"
MIGRATIONS = Path(__file__).with_name("migrations")


def database_url() -> str:
    """The deployment's database: MAPAPP_DATABASE_URL, else the embedded SQLite file under var/."""
    return os.environ.get(URL_VARIABLE) or f"sqlite:///{DEFAULT_PATH}"


def connect(url: str | None = None) -> Engine:
    """An engine for `url` (default: `database_url()`), its schema upgraded to the newest migration."""
    url = url or database_url()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    else:
        engine = create_engine(url, pool_pre_ping=True)
    upgrade(engine)
    return engine


def _sqlite_connect(dbapi_connection: object, _record: object) -> None:
    # pysqlite's own transaction handling would defer BEGIN; the "begin" listener issues it instead.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


_ALEMBIC = threading.Lock()  # Alembic's migration context is process-global: one upgrade at a time


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is there)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with _ALEMBIC, engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class _PostGISGeometry(UserDefinedType):
    cache_ok = True

    def get_col_spec(self, **_kw: object) -> str:
        return "geometry(Geometry, 4326)"


class Geometry(TypeDecorator):
    """A shapely geometry in WGS 84: a PostGIS geometry column on PostgreSQL, WKB bytes on SQLite."""

    impl = LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect):  # noqa: ANN201 (SQLAlchemy's signature)
        return dialect.type_descriptor(_PostGISGeometry() if dialect.name == "postgresql" else LargeBinary())

    def process_bind_param(self, value: shapely.Geometry | None, dialect: Dialect) -> object:
        if value is None:
            return None
        if dialect.name == "postgresql":  # PostGIS parses hex EWKB typed as text
            return shapely.to_wkb(shapely.set_srid(value, 4326), hex=True, include_srid=True)
        return shapely.to_wkb(value)

    def process_result_value(self, value: object, _dialect: Dialect) -> shapely.Geometry | None:
        return None if value is None else shapely.from_wkb(value)
