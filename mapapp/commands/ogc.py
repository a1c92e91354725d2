"""`mapapp serve-ogc`: the register and the base layers as OGC API - Features (pygeoapi), for QGIS,
ArcGIS and GDAL (`ogrinfo OAPIF:http://host:port`)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import yaml

from mapapp.layers import load_specs
from mapapp.ogc.config import ogc_config
from mapapp.register.database import database_url

_EPILOG = """\
collections: sites and clusters from the register (MAPAPP_DATABASE_URL, else the embedded SQLite
        file; an approved change is served at the next request), and every packaged layer. Each
        supports paging (limit, offset), bbox, property filters (?kind=chemical_park), sorting, and
        CRS on request: ?crs=http://www.opengis.net/def/crs/EPSG/0/4490 (also 4326, 4547, 4548).
        GDAL: ogrinfo OAPIF:http://HOST:PORT ; QGIS: Layer > Add WFS / OGC API - Features.
serving: pygeoapi's Flask application in a threaded server; behind nginx for many users (see
        README, "Deployment").
"""


def add_parser(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("serve-ogc", help="serve the register and layers as OGC API - Features (pygeoapi)",
                              description="Serve the register and the layers as OGC API - Features.", epilog=_EPILOG,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    cmd.add_argument("--port", type=int, default=5000, help="port (default: 5000)")
    cmd.add_argument("--url", help="the public URL clients use (default: http://HOST:PORT); behind a proxy, its URL")
    cmd.add_argument("--write-config", type=Path, metavar="FILE", help="write the pygeoapi configuration and exit")
    cmd.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    url = (args.url or f"http://{args.host}:{args.port}").rstrip("/")
    config = ogc_config(load_specs(), host=args.host, port=args.port, url=url, database_url=database_url())
    if args.write_config:
        args.write_config.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        print(f"wrote {args.write_config}", file=sys.stderr)
        return 0
    folder = Path(tempfile.mkdtemp(prefix="mapapp-ogc-"))
    config_path, openapi_path = folder / "pygeoapi-config.yml", folder / "openapi.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    os.environ["PYGEOAPI_CONFIG"], os.environ["PYGEOAPI_OPENAPI"] = str(config_path), str(openapi_path)
    from pygeoapi.openapi import get_oas

    openapi_path.write_text(yaml.safe_dump(get_oas(config), allow_unicode=True, sort_keys=False), encoding="utf-8")
    from pygeoapi.flask_app import APP  # reads the two files named above
    from werkzeug.serving import run_simple

    print(f"OGC API - Features at {url} ({len(config['resources'])} collections); Ctrl-C stops", file=sys.stderr)
    run_simple(args.host, args.port, APP, threaded=True)
    return 0
