"""`mapapp serve-ogc` (pygeoapi) on a SQLite and a PostGIS register, read by GDAL's OAPIF driver (the
ogrinfo command and pyogrio) as QGIS or ArcGIS would; an approved change is served at once."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import pyogrio
import pytest

from mapapp.paths import ROOT
from mapapp.register.accounts import add_user, authenticate
from mapapp.register.imports import import_table
from mapapp.register.store import open_register, register_catalog

PASSWORD = "correct horse battery staple"
needs_ogrinfo = pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="gdal-bin (ogrinfo) not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def ogc_server(database_url: str) -> Iterator[str]:
    port = free_port()
    env = os.environ | {"MAPAPP_DATABASE_URL": database_url}
    process = subprocess.Popen([sys.executable, "-m", "mapapp", "serve-ogc", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/collections?f=json", timeout=5).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"serve-ogc did not start: {process.stderr.read()}") from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def get_json(url: str) -> dict:
    return json.loads(urllib.request.urlopen(url, timeout=30).read())


@pytest.fixture
def served(register_url) -> Iterator[tuple[str, str]]:
    engine = open_register(register_url)  # seeded before the server reads it
    engine.dispose()
    with ogc_server(register_url) as url:
        yield url, register_url


@needs_ogrinfo
def test_ogrinfo_lists_and_pages_the_collections(served):
    url, _ = served
    listing = subprocess.run(["ogrinfo", "-ro", "-q", f"OAPIF:{url}"], capture_output=True, text=True, check=True).stdout
    for collection in ("sites", "clusters", "counties", "water_areas", "zone_jiangxi_1000m"):
        assert f": {collection} (title:" in listing
    info = subprocess.run(["ogrinfo", "-ro", "-so", f"OAPIF:{url}", "sites"], capture_output=True, text=True,
                          check=True).stdout
    assert "Feature Count: 162" in info
    # GDAL pages through the features (the server gives at most 100 at a time by default)
    sites = pyogrio.read_dataframe(f"OAPIF:{url}", layer="sites")
    assert len(sites) == 162 and sites["id"].is_unique and "樟树盐化工业基地" in set(sites["name_zh"])
    page = get_json(f"{url}/collections/sites/items?f=json&limit=50&offset=150")
    assert page["numberMatched"] == 162 and page["numberReturned"] == 12


def test_bbox_property_filter_and_cgcs2000_on_request(served):
    url, _ = served
    chemical = pyogrio.read_dataframe(f"OAPIF:{url}", layer="sites", where="kind = 'chemical_park'")
    assert len(chemical) > 10 and set(chemical["kind"]) == {"chemical_park"}
    items = get_json(f"{url}/collections/sites/items?f=json&kind=chemical_park&limit=1000")
    assert items["numberMatched"] == len(chemical)
    boxed = get_json(f"{url}/collections/counties/items?f=json&bbox=116.9,28.1,117.3,28.4&limit=1000")
    assert {f["properties"]["name_zh"] for f in boxed["features"]} >= {"贵溪市", "月湖区"}
    in_4490 = pyogrio.read_dataframe(f"OAPIF:{url}", layer="sites", CRS="EPSG:4490")
    in_4547 = pyogrio.read_dataframe(f"OAPIF:{url}", layer="sites", CRS="EPSG:4547")
    assert in_4490.crs.to_epsg() == 4490 and in_4547.crs.to_epsg() == 4547
    assert 113 < in_4490.total_bounds[0] < 119 and in_4547.total_bounds[0] > 100_000  # degrees, then metres
    one = get_json(f"{url}/collections/sites/items/zhangshu_salt_chemical_base?f=json")
    assert one["properties"]["name_zh"] == "樟树盐化工业基地"


def test_an_approved_change_is_served_at_the_next_request(served):
    url, database_url = served
    engine = open_register(database_url)
    add_user(engine, "rv", "reviewer", PASSWORD)
    site = register_catalog(engine).sites.iloc[0]
    table = pd.DataFrame({"id": [site["id"]], "notes": ["边界已由园区管委会核实"], "source": ["test"]})
    import_table(engine, authenticate(engine, "rv", PASSWORD), table)
    engine.dispose()
    served_site = get_json(f"{url}/collections/sites/items/{site['id']}?f=json")
    assert served_site["properties"]["notes"] == "边界已由园区管委会核实"


def test_write_config_is_valid_pygeoapi_yaml(tmp_path):
    from mapapp.cli import main

    out = tmp_path / "pygeoapi.yml"
    assert main(["serve-ogc", "--write-config", str(out), "--url", "https://gis.example.cn/ogc"]) == 0
    import yaml
    from pygeoapi.config import validate_config

    config = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert validate_config(config) and config["server"]["url"] == "https://gis.example.cn/ogc"
