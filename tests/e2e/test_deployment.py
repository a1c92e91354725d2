"""The deployment that scales out (deploy/nginx-mapapp.conf), run for real: Debian's nginx in front of
two app processes with sticky sessions and the OGC API server, all on one PostGIS register. A reviewer
signed in through one process changes a site; a browser on the other process and a GIS client on
the OGC API see it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import _RUN_COUNTER_JS, VIEWPORT, AppServer, MapPage, _free_port, _serve, _stop
from playwright.sync_api import Browser, expect
from test_register_browser import TAB, choose_site, form_pick, sign_in

from mapapp.deploy import nginx_site
from mapapp.paths import ROOT

pytestmark = pytest.mark.e2e
REVIEWER = ("reviewer", "province reviewer pass")


@dataclass
class Deployment:
    url: str
    apps: list[AppServer]
    nginx: subprocess.Popen


def nginx_config(folder: Path, listen: int, apps: list[str], ogc: str) -> Path:
    """deploy/nginx-mapapp.conf as `mapapp nginx-config` fills it in, inside a minimal nginx.conf that
    runs as this user."""
    site = nginx_site(f"127.0.0.1:{listen}", apps, ogc).replace("# add_header X-Mapapp-Upstream",
                                                                "add_header X-Mapapp-Upstream")
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    path = folder / "nginx.conf"
    path.write_text(f"worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
                    f"events {{ worker_connections 256; }}\nhttp {{\n    include /etc/nginx/mime.types;\n"
                    f"    access_log off;\n{temp}\n{site}\n}}\n", encoding="utf-8")
    return path


@contextmanager
def ogc_server(database_url: str, port: int, public_url: str, log: Path) -> Iterator[subprocess.Popen]:
    env = os.environ | {"MAPAPP_DATABASE_URL": database_url}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "mapapp", "serve-ogc", "--port", str(port), "--url", public_url],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        _stop(process)


def wait_for(url: str, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def deployment(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    if shutil.which("nginx") is None:
        pytest.skip("Debian nginx is not installed (scripts/test.sh installs it)")
    from postgres import new_database

    folder = tmp_path_factory.mktemp("deployment")
    database = new_database(postgres_url)
    env = os.environ | {"MAPAPP_DATABASE_URL": database}
    subprocess.run([sys.executable, "-m", "mapapp", "users", "add", REVIEWER[0], "--role", "reviewer",
                    "--password-stdin"], cwd=ROOT, env=env, input=REVIEWER[1] + "\n", text=True, check=True,
                   capture_output=True)
    listen, ogc_port = _free_port(), _free_port()
    url = f"http://127.0.0.1:{listen}/"
    with ExitStack() as stack:
        apps = [stack.enter_context(_serve(folder / f"app{i}.log", database_url=database)) for i in (1, 2)]
        stack.enter_context(ogc_server(database, ogc_port, f"{url}ogc", folder / "ogc.log"))
        config = nginx_config(folder, listen, [a.url.removeprefix("http://").rstrip("/") for a in apps],
                              f"127.0.0.1:{ogc_port}")
        nginx = subprocess.Popen(["nginx", "-c", str(config), "-p", str(folder), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        stack.callback(_stop, nginx)
        wait_for(url + "_stcore/health")
        wait_for(url + "ogc/collections?f=json")
        yield Deployment(url, apps, nginx)


def open_page(browser: Browser, deployment: Deployment, avoid: str | None = None) -> tuple[MapPage, str]:
    """A new browser (no cookie) on the deployment; with `avoid`, until nginx places it on another process."""
    for _ in range(30):
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(_RUN_COUNTER_JS)  # what MapPage waits on
        page = context.new_page()
        page.set_default_timeout(30_000)
        response = page.goto(deployment.url)
        upstream = response.headers.get("x-mapapp-upstream", "")
        if avoid is None or upstream != avoid:
            server = AppServer(deployment.url, deployment.nginx, deployment.apps[0].log)
            return MapPage(page, context, server), upstream
        context.close()
    raise AssertionError("nginx placed 30 new browsers on the same process")


def test_a_change_made_through_one_process_is_seen_through_the_other_and_the_ogc_api(browser, deployment):
    first, upstream = open_page(browser, deployment)
    assert upstream in {a.url.removeprefix("http://").rstrip("/") for a in deployment.apps}
    for _ in range(3):  # sticky: the same browser stays on its process
        assert first.page.goto(deployment.url).headers["x-mapapp-upstream"] == upstream
    app = first.open()
    sign_in(app, *REVIEWER)
    panel = app.tab(TAB)
    choose_site(app, panel, "鹰潭高新", "鹰潭高新区（yingtan_htz）")
    form_pick(app, panel, "园区循环化改造", "已规划")
    panel.get_by_label("截至日期").first.fill("2026-11")
    panel.get_by_label("状态来源（文件、文号）").first.fill("鹰潭市工信局 2026-11 函")
    panel.get_by_label("本次修改的依据（文件、文号、函件等，必填）").fill("鹰潭市工信局 2026-11 函")
    app.rerun(panel.get_by_role("button", name="保存").click)
    expect(panel.get_by_text("已保存", exact=False)).to_be_visible()

    second, other = open_page(browser, deployment, avoid=upstream)
    assert other != upstream
    second.open("?retrofit=planned")
    assert second.counts()[0] == 1  # the other process reads the same register

    item = json.loads(urllib.request.urlopen(f"{deployment.url}ogc/collections/sites/items/yingtan_htz?f=json").read())
    assert item["properties"]["circular_retrofit"] == "planned"
    assert any(link["href"].startswith(f"{deployment.url}ogc") for link in item["links"])  # its public URL


def test_nginx_serves_the_front_end_from_disk_gzipped(deployment):
    html = urllib.request.urlopen(deployment.url).read().decode()
    script = next(part.split('"')[0] for part in html.split('src="')[1:] if part.split('"')[0].endswith(".js"))
    request = urllib.request.Request(deployment.url + script.lstrip("./").lstrip("/"),
                                     headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        body = response.read()
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.headers["Content-Type"] == "application/javascript"  # module scripts need it
        assert "immutable" in response.headers["Cache-Control"]
        assert response.headers["X-Mapapp-Upstream"] is None  # nginx answered, not an app process
    import gzip

    assert len(body) < 0.4 * len(gzip.decompress(body))
    with urllib.request.urlopen(deployment.url + "component/streamlit_folium.st_folium/index.html") as response:
        assert b"<div id=\"root\">" in response.read() and response.headers["X-Mapapp-Upstream"] is None
    with urllib.request.urlopen(deployment.url + "_stcore/health") as response:  # the rest goes to the app
        assert response.headers["X-Mapapp-Upstream"] is not None
