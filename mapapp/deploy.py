"""The nginx site for a deployment that scales out (deploy/nginx-mapapp.conf, filled in).

The template's placeholders: where nginx listens, the app processes, the OGC API server, and the
folders of the two front-end builds nginx serves from disk (Streamlit's own and the map component's),
which depend on where Python installed them.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from mapapp._errors import OptionError
from mapapp.paths import ROOT

TEMPLATE = ROOT / "deploy" / "nginx-mapapp.conf"


def frontend_folders() -> dict[str, Path]:
    """The installed front-end builds nginx serves: Streamlit's static files and st_folium's (found
    without importing the packages, which only the page does)."""
    return {"@STREAMLIT_STATIC@": _package("streamlit") / "static" / "static",
            "@FOLIUM_BUILD@": _package("streamlit_folium") / "frontend" / "build"}


def _package(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise OptionError(f"the Python package {name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def nginx_site(listen: str, apps: Sequence[str], ogc: str) -> str:
    """The site configuration (it goes inside nginx's http block) for these addresses (host:port)."""
    if not apps:
        raise OptionError("name at least one app process (--app 127.0.0.1:8501)")
    values = {"@LISTEN@": listen, "@APP_SERVERS@": " ".join(f"server {a};" for a in apps), "@OGC_SERVER@": ogc}
    for placeholder, folder in frontend_folders().items():
        if not folder.is_dir():
            raise OptionError(f"{folder} is missing: reinstall the package it belongs to")
        values[placeholder] = folder.as_posix()
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(line if line.lstrip().startswith("#") else _fill(line, values) for line in lines)


def _fill(line: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        line = line.replace(placeholder, value)
    return line
