"""A throwaway PostgreSQL + PostGIS server for the test session: initdb in a temporary directory,
pg_ctl on a free port, stopped and deleted at the end. Debian's server refuses to run as root, so
under root it runs as the `postgres` system user."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> bool:
    return (BIN / "initdb").is_file() and Path("/usr/share/postgresql/15/extension/postgis.control").is_file()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], user: str | None) -> None:
    command = ["runuser", "-u", user, "--", *args] if user else args
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Yield the URL of a fresh database with PostGIS available on a private server."""
    user = "postgres" if os.geteuid() == 0 else None
    home = Path(tempfile.mkdtemp(prefix="mapapp-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(home, entry.pw_uid, entry.pw_gid)
    data, port = home / "data", _free_port()
    _run([str(BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "mapapp", "-E", "UTF8", "--no-sync"], user)
    _run([str(BIN / "pg_ctl"), "-D", str(data), "-l", str(home / "log"), "-w", "-o",
          f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off", "start"], user)
    try:
        _run([str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "mapapp", "register"], None)
        yield f"postgresql://mapapp@127.0.0.1:{port}/register"
    finally:
        _run([str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], user)
        shutil.rmtree(home, ignore_errors=True)


_made = 0


def new_database(server_url: str) -> str:
    """The URL of a new, empty database on the server of `server_url`."""
    import sqlalchemy as sa

    global _made
    _made += 1
    name = f"register_{os.getpid()}_{_made}"
    admin = sa.create_engine(server_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"
