"""Browser tests: the app served by `streamlit run`, driven by Playwright in Debian's Chromium.

The server fixture starts the app once per session and polls its health endpoint (no fixed
sleeps); every test gets a fresh browser context whose requests are recorded, so a test fails
if anything leaves localhost or the page throws. Failed tests leave a full-page screenshot in
test-artifacts/ (gitignored).

Waiting rules: Playwright's `expect` and `wait_for_function` poll for a condition; nothing here
sleeps for a fixed time except the health poll's 0.1 s interval.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import geopandas as gpd
import pytest
import shapely
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Download,
    Error,
    Frame,
    Locator,
    Page,
    expect,
    sync_playwright,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("MAPAPP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
STARTUP_TIMEOUT_S = 60.0
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
LOCAL_SCHEMES = {"data", "blob", "about"}
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
VIEWPORT = {"width": 1400, "height": 1000}

# Generous: the first page load reads and screens all layers (~10 s on a cold server).
expect.set_options(timeout=30_000)

PAGE_KEY = pytest.StashKey["MapPage"]()

# --- JavaScript run inside the map iframe -------------------------------------------------------

# The L.Map: streamlit-folium names it `map` (and `map_div`); fall back to any global L.Map.
_FIND_MAP = """(() => {
  if (typeof L === 'undefined') return null;
  if (window.map instanceof L.Map) return window.map;
  for (const k of Object.keys(window)) { try { if (window[k] instanceof L.Map) return window[k]; } catch (e) {} }
  return null; })()"""


def _square(lon: float, lat: float, side_m: float) -> shapely.Polygon:
    from mapapp.geo import GEOD

    east, north = GEOD.fwd(lon, lat, 90, side_m)[0], GEOD.fwd(lon, lat, 0, side_m)[1]
    return shapely.Polygon([(lon, lat), (east, lat), (east, north), (lon, north)])


# A demo boundary by the Yangtze at Jiujiang for `located_server` (not a real park boundary).
LOCATED_SITE = "jiujiang_petrochemical_industrial_park"
LOCATED_PARK = gpd.GeoDataFrame({"site_id": [LOCATED_SITE], "accuracy_m": [5.0]},
                                geometry=[_square(116.05, 29.70, 700.0)], crs=4326)


def _with_map(params: str, body: str) -> str:
    """A JS function of `params` whose `body` sees the Leaflet map as `map`."""
    return f"{params} => {{ const map = {_FIND_MAP}; {body} }}"


# Site markers: every marker held by a MarkerClusterGroup on the map (clustered or not).
MARKER_COUNT_JS = _with_map("()", """if (!map || !L.MarkerClusterGroup) return -1;
  let n = 0; map.eachLayer(l => { if (l instanceof L.MarkerClusterGroup) n += l.getLayers().length; }); return n;""")
# True once streamlit-folium has nothing left to send: every returned object equals what it last
# sent (its 250 ms debounce has fired, or the interaction changed nothing).
_NOTHING_PENDING_JS = """
() => { const g = window.__GLOBAL_DATA__; if (!g) return false;
  const names = {last_clicked: 'lat_lng_clicked'};
  const sent = g.previous_data || {};
  // The view (centre, zoom) is sent on every move: not an interaction a test waits on (see settle).
  return g.returned_objects.filter(k => k !== 'center' && k !== 'zoom')
    .every(k => JSON.stringify(g[names[k] || k] ?? null) === JSON.stringify(sent[k] ?? null)); }
"""
_SENT_JS = "() => JSON.stringify((window.__GLOBAL_DATA__ || {}).previous_data ?? null)"
# Tag the icon of the marker of a site, so a locator can click it.
TAG_SITE_MARKER_JS = _with_map("(id)", """let found = 0;
  map.eachLayer(l => { if (!(l instanceof L.MarkerClusterGroup)) return;
    l.getLayers().forEach(m => { const html = (m.options.icon && m.options.icon.options.html) || '';
      if (html.includes(`data-site-id='${id}'`) || html.includes(`data-site-id="${id}"`)) {
        found++; if (m._icon) m._icon.setAttribute('data-test-site', id); } }); });
  return found;""")
LATLNG_TO_POINT_JS = _with_map("([lat, lng])", """const p = map.latLngToContainerPoint([lat, lng]);
  const r = map.getContainer().getBoundingClientRect(); const s = map.getSize();
  return {x: r.left + p.x, y: r.top + p.y, inside: p.x > 0 && p.y > 0 && p.x < s.x && p.y < s.y};""")
DRAWINGS_JS = "() => window.drawnItems ? window.drawnItems.toGeoJSON().features : null"

# Counts, in the main page, every script run the browser sees start (for waiting on reruns), and
# notes when the run state last changed.
_RUN_COUNTER_JS = """
if (window.top === window) {
  window.__stRuns = 0;
  window.__stChanged = Date.now();
  new MutationObserver(ms => ms.forEach(m => {
    window.__stChanged = Date.now();
    if (m.target.getAttribute('data-test-script-state') === 'running' && m.oldValue !== 'running') window.__stRuns++;
  })).observe(document, {subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
}
"""
# Quiet: no run, and none started or ended for QUIET_MS. A value the map has just sent starts its
# run a few milliseconds later; an action taken in that gap would merge into that run and never be
# counted as a run of its own.
QUIET_MS = 400
_SETTLED_JS = """
(quietMs) => { const app = document.querySelector('[data-testid="stApp"]');
  return app && app.getAttribute('data-test-script-state') === 'notRunning' && Date.now() - window.__stChanged > quietMs; }
"""
_NOT_RUNNING_JS = """() => document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning'"""
_IDLE_JS = """
(runs) => { const app = document.querySelector('[data-testid="stApp"]');
  return window.__stRuns > runs && app && app.getAttribute('data-test-script-state') === 'notRunning'; }
"""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: browser test (Playwright + Chromium against `streamlit run`)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test here e2e; skip them all, saying why, when there is no Chromium to drive."""
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: install Debian's chromium or set MAPAPP_CHROMIUM")
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(skip)


# --- the server ---------------------------------------------------------------------------------


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:] if self.log.exists() else ""

    def assert_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"the app server exited with code {self.process.returncode} (stopped from outside?); "
                        f"log tail:\n{self.log_tail()}", pytrace=False)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_healthy(server: AppServer, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + "_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last_error = exc
        time.sleep(0.1)  # poll interval, not a wait for readiness
    raise RuntimeError(f"streamlit did not answer within {timeout_s:.0f} s ({last_error}):\n{server.log_tail()}")


def _stop(process: subprocess.Popen) -> None:
    """Stop the server's own process group (it was started in a new session), nothing else."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


@contextlib.contextmanager
def _serve(log: Path, data_dir: Path | None = None, database_url: str | None = None) -> Iterator[AppServer]:
    """`streamlit run` on a free port (on another data folder and register if given), stopped afterwards."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("MAPAPP_ASSET_BASE", "TIANDITU_KEY", "MAPAPP_DATA_DIR")}
    if data_dir is not None:
        env["MAPAPP_DATA_DIR"] = str(data_dir)
    if database_url is not None:
        env["MAPAPP_DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "streamlit", "run", "web_app.py", "--server.port", str(port),
               "--server.headless", "true", "--server.address", "127.0.0.1",
               # Other people edit the code while tests run: never reload mid-session.
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    server = AppServer(f"http://127.0.0.1:{port}/", process, log)
    try:
        _wait_until_healthy(server, STARTUP_TIMEOUT_S)
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    with _serve(tmp_path_factory.mktemp("streamlit") / "server.log") as server:
        yield server


# --- the browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class MapPage:
    """The app in one browser tab, with what it requested and what went wrong."""

    page: Page
    context: BrowserContext
    server: AppServer
    requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    finished: int = 0  # script runs (fragment runs too) the server has reported finished

    def count_message(self, payload: str | bytes) -> None:
        """A websocket message from the server: count the runs it reports finished. A quick run can
        start and end within one render of the page, so its "running" state never reaches the DOM
        (the counter of _RUN_COUNTER_JS misses it); the server's message always arrives."""
        if isinstance(payload, bytes) and ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished":
            self.finished += 1

    # -- problems found by the listeners --

    def external_requests(self) -> list[str]:
        return [u for u in self.requests if not is_local(u)]

    def problems(self) -> list[str]:
        found = [f"request left localhost: {u}" for u in self.external_requests()]
        found += [f"page error: {e}" for e in self.page_errors]
        found += [f"HTTP error: {e}" for e in self.http_errors]
        return found

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "\n".join(problems)

    # -- navigation and waiting --

    def open(self, query: str = "") -> MapPage:
        """Load the page (query like "?industry=copper") and wait until the map shows the mapped sites."""
        self.server.assert_alive()
        self.page.goto(self.server.url + query)
        expect(self.count_line()).to_be_visible()
        self.wait_for_markers(self.counts()[2])
        # The tabs and the site table come once the map says it is drawn (ui/state.full_run_starts).
        expect(self.page.locator('[class*="st-key-waiting_for_map"]')).to_have_count(0)
        self.settle()
        return self

    def settle(self) -> None:
        """Wait until the map has reported its opening view at the zoom it shows (opening on a region
        zooms the map after its first report), is not zooming, and the runs that caused are over."""
        self.map_frame().wait_for_function(_with_map("()", """const sent = (window.__GLOBAL_DATA__ || {}).previous_data || {};
            return !!sent.center && !map._animatingZoom && sent.zoom === map.getZoom();"""), polling=100)
        self.page.wait_for_function(_SETTLED_JS, arg=QUIET_MS)

    def count_line(self) -> Locator:
        return self.page.get_by_test_id("stMarkdown").locator("strong").filter(
            has_text=re.compile(r"地图上|on the map"))

    def counts(self) -> tuple[int, int, int]:
        """(shown, total, on the map) as the count line states them."""
        text = self.count_line().inner_text()
        numbers = [int(n) for n in re.findall(r"\d+", text)]
        assert len(numbers) == 3, f"unexpected count line {text!r}"
        return numbers[0], numbers[1], numbers[2]

    def expect_counts(self, shown: int, total: int, mapped: int, *, lang: str = "zh") -> None:
        text = (f"{shown} / {total} 个园区/基地（地图上 {mapped} 个）" if lang == "zh"
                else f"{shown} of {total} parks and bases ({mapped} on the map)")
        expect(self.count_line()).to_contain_text(text)

    def map_iframe(self) -> Locator:
        return self.page.locator(MAP_IFRAME)

    def map_frame(self) -> Frame:
        iframe = self.map_iframe()
        expect(iframe).to_have_count(1)
        frame = iframe.element_handle().content_frame()
        assert frame is not None
        return frame

    def map_locator(self, selector: str) -> Locator:
        return self.page.frame_locator(MAP_IFRAME).locator(selector)

    def marker_count(self) -> int:
        return self.map_frame().evaluate(MARKER_COUNT_JS)

    def wait_for_markers(self, expected: int) -> None:
        """Wait until the map's cluster groups hold exactly `expected` site markers."""
        frame = self.map_frame()
        try:
            frame.wait_for_function(f"() => ({MARKER_COUNT_JS})() === {int(expected)}", polling=100)
        except PlaywrightTimeoutError as exc:
            raise AssertionError(f"the map shows {frame.evaluate(MARKER_COUNT_JS)} site markers, "
                                 f"expected {expected}") from exc

    def tag_site_marker(self, site_id: str) -> int:
        """Give the marker of `site_id` a data-test-site attribute (if it is drawn); return how many matched."""
        return self.map_frame().evaluate(TAG_SITE_MARKER_JS, site_id)

    def zoom_to_first_site(self) -> None:
        """Zoom (and spiderfy) until the first site's marker is drawn on its own, without a click.

        Done in steps the test waits for: MarkerCluster's zoomToShowLayer waits for a 'moveend'
        that never comes when the map is already where it would move to, which made this flaky."""
        frame = self.map_frame()
        frame.evaluate(_with_map("()", """let group = null;
            map.eachLayer(l => { if (!group && l instanceof L.MarkerClusterGroup && l.getLayers().length) group = l; });
            window.__first = group.getLayers()[0]; window.__map = map; window.__shown = false;
            map.setView(window.__first.getLatLng(), map.getMaxZoom(), {animate: false});"""))
        # MarkerCluster redraws its clusters for the new zoom a moment after the view changes, and
        # spiderfy() does nothing while that animation runs.
        frame.wait_for_function("""() => { const m = window.__first, p = m.__parent;
            return !!m._icon || !!(p && p._icon && p._zoom === window.__map.getZoom() && !p._group._inZoomAnimation); }""",
                                polling=100)
        frame.evaluate("""() => { const m = window.__first;
            if (m._icon) { window.__shown = true; return; }
            m.__parent._group.once('spiderfied', () => { window.__shown = true; });
            m.__parent.spiderfy(); }""")
        frame.wait_for_function("() => window.__shown === true")  # after the spider animation

    def set_view(self, lat: float, lon: float, zoom: int) -> None:
        """Move the map at once, as a user's pan and zoom would (without their animation)."""
        self.map_frame().evaluate(_with_map("([lat, lon, zoom])", "map.setView([lat, lon], zoom, {animate: false});"),
                                  [lat, lon, zoom])

    def spiderfy(self, cluster: Locator) -> None:
        """Click a cluster whose sites share one point and wait until its markers have fanned out."""
        frame = self.map_frame()
        frame.evaluate(_with_map("()", """window.__spiderfied = false; map.eachLayer(l => {
            if (l instanceof L.MarkerClusterGroup) l.once('spiderfied', () => { window.__spiderfied = true; }); });"""))
        self.map_action(cluster.click)  # the page's first click on an object reruns it once
        frame.wait_for_function("() => window.__spiderfied === true")  # fired when the animation ends

    def drawings(self) -> list[dict]:
        """The shapes drawn with Leaflet.draw, as GeoJSON features (what st_folium sends as all_drawings)."""
        return self.map_frame().evaluate(DRAWINGS_JS)

    def run_count(self) -> int:
        return self.page.evaluate("() => window.__stRuns")

    def wait_for_run_after(self, runs: int, finished: int | None = None) -> None:
        """Wait until a script run started after `runs` had been counted (or, given `finished`, the
        server reported more runs finished than that), and the page is not running."""
        if finished is None:
            self.page.wait_for_function(_IDLE_JS, arg=runs)
            return
        deadline = time.monotonic() + 30
        while not (self.page.evaluate(_IDLE_JS, runs)
                   or (self.finished > finished and self.page.evaluate(_NOT_RUNNING_JS))):
            if time.monotonic() > deadline:
                raise PlaywrightTimeoutError(f"no run after {runs} seen and {finished} reported finished in 30 s")
            self.page.wait_for_timeout(20)  # lets Playwright deliver the websocket messages

    def map_action(self, action: Callable[[], None]) -> bool:
        """Do something on the map and wait for the rerun it causes, if it causes one.

        st_folium sends its value (a click at once, other events after 250 ms) only when a returned object changed; each
        send reruns the script. We wait until nothing is pending in the iframe, then, if a value
        was sent, until that rerun has finished. Returns whether the page reran.
        """
        frame = self.map_frame()
        self.page.wait_for_function(_SETTLED_JS, arg=QUIET_MS)
        runs, finished, sent = self.run_count(), self.finished, frame.evaluate(_SENT_JS)
        action()
        frame.wait_for_function(_NOTHING_PENDING_JS)
        if frame.evaluate(_SENT_JS) == sent:
            return False
        self.wait_for_run_after(runs, finished)
        return True

    def point_of(self, lon: float, lat: float) -> tuple[float, float]:
        """Viewport pixel (for page.mouse) of a lon/lat on the map; fails if it is not in view."""
        box = self.map_iframe().bounding_box()
        assert box is not None
        p = self.map_frame().evaluate(LATLNG_TO_POINT_JS, [lat, lon])
        assert p["inside"], f"({lon}, {lat}) is not in the map view"
        return box["x"] + p["x"], box["y"] + p["y"]

    # -- the rest of the page --

    def quiet(self) -> None:
        """Wait until no script or fragment run is under way (widgets are not being replaced)."""
        self.page.wait_for_function(_SETTLED_JS, arg=QUIET_MS)

    def rerun(self, action: Callable[[], None]) -> None:
        """Do something that reruns the script (a widget change) and wait until that run has finished."""
        self.page.wait_for_function(_SETTLED_JS, arg=QUIET_MS)
        runs, finished = self.run_count(), self.finished
        action()
        self.wait_for_run_after(runs, finished)

    def pick(self, scope: Locator, label: str, typed: str, option: str) -> None:
        """Type into a multiselect or selectbox inside `scope`, pick an option, wait for the rerun."""
        box = scope.get_by_role("combobox", name=label, exact=True)
        box.click()
        box.press_sequentially(typed)
        self.rerun(self.page.get_by_role("option", name=option, exact=True).click)
        if self.page.get_by_role("listbox").count():  # a multiselect keeps its list open
            self.page.keyboard.press("Escape")  # (on a selectbox that may have no value, Escape clears it)

    def sidebar_pick(self, label: str, typed: str, option: str) -> None:
        self.pick(self.page.get_by_test_id("stSidebar"), label, typed, option)

    def tab(self, name: str) -> Locator:
        # After a language switch the new map reports its view and the page runs again, which can put
        # the tabs back on the first one: click once the page is quiet.
        self.page.wait_for_function(_SETTLED_JS, arg=QUIET_MS)
        self.page.get_by_role("tab", name=name, exact=True).click()
        panel = self.page.get_by_role("tabpanel", name=name, exact=True)
        expect(panel).to_be_visible()
        return panel

    def make_and_download(self, scope: Locator, suffix: str, *, nth: int = 0) -> Download:
        """Press the `nth` 生成文件 (make the file) in `scope`, then its download button (named after a file
        ending in `suffix`); the download."""
        self.rerun(scope.get_by_role("button", name="生成文件").nth(nth).click)
        button = scope.get_by_test_id("stDownloadButton").filter(has_text=suffix).get_by_role("button")
        expect(button).to_be_visible(timeout=30_000)
        with self.page.expect_download() as download:
            button.click()
        return download.value

    def site_table(self) -> Locator:
        """The site table's grid (st.dataframe draws on a canvas; the grid carries aria-rowcount)."""
        return self.page.locator(".st-key-site_list").get_by_test_id("stDataFrame").locator("[role=grid][aria-rowcount]")

    def panel(self) -> Locator:
        """The panel beside the map: the selected site, or the point last clicked."""
        return self.page.locator(".st-key-site_panel")

    def expect_table_rows(self, rows: int) -> None:
        expect(self.site_table()).to_have_attribute("aria-rowcount", str(rows + 1))  # + header row


@pytest.fixture
def app(request: pytest.FixtureRequest, browser: Browser, app_server: AppServer) -> Iterator[MapPage]:
    yield from _page(request, browser, app_server)


@pytest.fixture(scope="module")
def located_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """A server on a copy of the data in which one site has a surveyed boundary (made by
    `mapapp data locate`, as a user would): a test demo, not a real location."""
    from mapapp.paths import DATA_DIR

    root = tmp_path_factory.mktemp("located")
    data = root / "data"
    shutil.copytree(DATA_DIR, data)
    LOCATED_PARK.to_file(root / "park.geojson")
    url = f"sqlite:///{root / 'register.sqlite'}"
    env = os.environ | {"MAPAPP_DATA_DIR": str(data), "MAPAPP_DATABASE_URL": url, "MAPAPP_PASSWORD": "e2e reviewer pass"}
    for command in (["users", "add", "e2e", "--role", "reviewer", "--password-stdin"],
                    ["data", "locate", str(root / "park.geojson"), "--source", "e2e demo", "--user", "e2e"]):
        subprocess.run([sys.executable, "-m", "mapapp", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    with _serve(root / "server.log", data, url) as server:
        yield server


# The accounts of the register server: (name, password, role, prefectures).
ACCOUNTS = (("yt_editor", "yingtan editor pass", "editor", ("360600",)),
            ("reviewer", "province reviewer pass", "reviewer", ()))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def register_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """A server on a register of its own (the embedded SQLite file, or a database on the test
    session's PostGIS server) with an editor for 鹰潭市 and a reviewer (made with `mapapp users add`,
    as an administrator would)."""
    from postgres import new_database

    root = tmp_path_factory.mktemp("register")
    url = (f"sqlite:///{root / 'register.sqlite'}" if request.param == "sqlite"
           else new_database(request.getfixturevalue("postgres_url")))
    env = os.environ | {"MAPAPP_DATABASE_URL": url}
    for name, password, role, prefectures in ACCOUNTS:
        scope = [arg for code in prefectures for arg in ("--prefecture", code)]
        subprocess.run([sys.executable, "-m", "mapapp", "users", "add", name, "--role", role, *scope, "--password-stdin"],
                       cwd=ROOT, env=env, input=password + "\n", text=True, check=True, capture_output=True)
    with _serve(root / "server.log", database_url=url) as server:
        yield server


@pytest.fixture
def register_app(request: pytest.FixtureRequest, browser: Browser, register_server: AppServer) -> Iterator[MapPage]:
    yield from _page(request, browser, register_server)


@pytest.fixture
def located_app(request: pytest.FixtureRequest, browser: Browser, located_server: AppServer) -> Iterator[MapPage]:
    yield from _page(request, browser, located_server)


def _page(request: pytest.FixtureRequest, browser: Browser, app_server: AppServer) -> Iterator[MapPage]:
    app_server.assert_alive()
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.add_init_script(_RUN_COUNTER_JS)
    # Never let a request out: anything not local is recorded and aborted (so a test cannot hang
    # on the network either); the teardown check then fails the test.
    context.route(lambda url: not is_local(url), lambda route: route.abort("blockedbyclient"))
    page = context.new_page()
    page.set_default_timeout(30_000)
    mp = MapPage(page, context, app_server)
    context.on("request", lambda r: mp.requests.append(r.url))
    page.on("websocket", lambda ws: (mp.requests.append(ws.url), ws.on("framereceived", mp.count_message)))
    page.on("pageerror", lambda e: mp.page_errors.append(str(e)))
    context.on("response", lambda r: mp.http_errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    request.node.stash[PAGE_KEY] = mp
    yield mp
    problems = mp.problems()
    if problems:
        _screenshot(request.node, page, "teardown")
    context.close()
    assert not problems, "\n".join(problems)


# --- screenshots on failure ---------------------------------------------------------------------


def _screenshot(item: pytest.Item, page: Page, when: str) -> Path | None:
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)[-150:]
    path = ARTIFACTS / f"{name}-{when}.png"
    try:
        page.screenshot(path=path, full_page=True, timeout=10_000)
    except Error as exc:  # a crashed page cannot be captured; say so instead of hiding the failure
        print(f"screenshot failed: {exc}", file=sys.stderr)
        return None
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call" and report.failed:
        mp = item.stash.get(PAGE_KEY, None)
        if mp is not None and not mp.page.is_closed():
            path = _screenshot(item, mp.page, "failed")
            if path is not None:
                report.sections.append(("screenshot", str(path)))
    return report
