"""Benchmark the page as a user meets it, in Debian's Chromium: prints medians, asserts nothing.

    .venv/bin/python bench/browser.py [--rounds 5] [--port 8641]

Starts `streamlit run` with a throwaway register, loads the page once to warm the server, then times
(from page.goto, or from the moment the browser sends the user's action to the server, to what the
user waits for, polled every 15 ms):
  open       page open (new browser context, cold HTTP cache) -> the map's vectors and every site symbol drawn
  filter     an industry chosen in the sidebar -> the map holds the new number of sites
  prefecture a prefecture chosen -> the map has moved and holds its sites
  click      a click on the map -> the verdict for that point shown beside the map
  layer      a layer ticked in the sidebar -> its features drawn
  open (warm cache)  the page reloaded in the same browser -> drawn (Streamlit's scripts cached)
and the bytes the default view transfers (HTTP bodies as sent, websocket messages) with and without a
warm browser cache. Goals (issue 12): open < 2 s, filter < 0.3 s, prefecture < 0.8 s, click < 0.3 s,
layer < 0.8 s, payload < 2 MB.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
MAP = 'iframe[title="streamlit_folium.st_folium"]'
GOALS = {"open": 2.0, "filter": 0.3, "prefecture": 0.8, "click": 0.3, "layer": 0.8}
POLL_S, TIMEOUT_S = 0.015, 30.0
# The map as the user sees it: vector paths drawn, site symbols held by the cluster layer, the view.
MAP_STATE_JS = """() => { const m = window.map; if (!m || typeof L === 'undefined') return null;
  let sites = 0; m.eachLayer(l => { if (L.MarkerClusterGroup && l instanceof L.MarkerClusterGroup) sites += l.getLayers().length; });
  const c = m.getCenter(); return {paths: document.querySelectorAll('path.leaflet-interactive').length, sites,
  view: [m.getZoom(), +c.lat.toFixed(3), +c.lng.toFixed(3)]}; }"""
COUNT_JS = """() => { const s = [...document.querySelectorAll('[data-testid=stMarkdown] strong')].map(e => e.innerText)
  .find(t => t.includes('地图上')); const n = s ? s.match(/\\d+/g) : null; return n && n.length >= 3 ? +n[2] : null; }"""
VERDICT_JS = """() => { const e = document.querySelector('.st-key-site_panel [data-testid=stAlertContentInfo]');
  return e ? e.innerText : null; }"""
QUIET_JS = """() => !document.querySelector('[data-test-script-state=running]')"""


def serve(port: int, folder: Path) -> subprocess.Popen:
    env = os.environ | {"MAPAPP_DATABASE_URL": f"sqlite:///{folder / 'register.sqlite'}"}
    process = subprocess.Popen([str(ROOT / ".venv/bin/streamlit"), "run", "web_app.py", "--server.headless", "true",
                                "--server.port", str(port), "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def until(check: Callable[[], object], timeout_s: float = TIMEOUT_S) -> float | None:
    """Seconds until `check()` is truthy (None on timeout)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        try:
            if check():
                return time.perf_counter() - start
        except Exception:  # noqa: BLE001 - a frame replaced while we looked: look again
            pass
        time.sleep(POLL_S)
    return None


def map_state(page: Page) -> dict | None:
    handle = page.query_selector(MAP)
    frame = handle.content_frame() if handle else None
    return frame.evaluate(MAP_STATE_JS) if frame else None


def drawn(page: Page) -> bool:
    """The map shows its vectors and as many sites as the count line says."""
    state, expected = map_state(page), page.evaluate(COUNT_JS)
    return bool(state and state["paths"] > 0 and expected is not None and state["sites"] == expected)


def settle(page: Page) -> None:
    """Until no script runs and the map is drawn, for half a second."""
    stable = 0.0
    while stable < 0.5:
        time.sleep(0.05)
        stable = stable + 0.05 if page.evaluate(QUIET_JS) and drawn(page) else 0.0


# When each page last sent the server a websocket message: a timed action starts there. Timing from
# before Playwright's click would add its own checks (20-80 ms); timing from after it returns would
# drop the time the page already spent on the answer (the Escape that closes a list comes later).
SENT_AT: dict[Page, list[float]] = {}


def open_page(browser, url: str) -> tuple[Page, float | None, dict]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    sent = SENT_AT.setdefault(page, [])
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(time.perf_counter())))
    traffic = {"http": 0, "ws": 0, "ws_deflated": 0, "deflate": False}
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.loadingFinished", lambda e: traffic.__setitem__("http", traffic["http"] + e.get("encodedDataLength", 0)))
    cdp.on("Network.webSocketHandshakeResponseReceived", lambda e: traffic.__setitem__(
        "deflate", "permessage-deflate" in str(e["response"].get("headers", {})).lower()))
    cdp.on("Network.webSocketFrameReceived", lambda e: _count_frame(traffic, e["response"]))
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    seconds = None if until(lambda: drawn(page), 60) is None else time.perf_counter() - start
    settle(page)
    return page, seconds, traffic


def _count_frame(traffic: dict, frame: dict) -> None:
    """A websocket message's size. Chromium reports a binary message base64-encoded and a compressed
    one (permessage-deflate) after inflating it; its size on the wire is estimated by deflating it
    again as the server does (zlib, raw deflate, default level)."""
    data = base64.b64decode(frame["payloadData"]) if frame.get("opcode") == 2 else frame["payloadData"].encode()
    traffic["ws"] += len(data)
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    traffic["ws_deflated"] += len(packer.compress(data) + packer.flush())


def sidebar_pick(page: Page, label: str, typed: str, option: str) -> Callable[[], None]:
    """Open a sidebar select and type; returns the click on the option (the timed action)."""
    box = page.get_by_test_id("stSidebar").get_by_role("combobox", name=label, exact=True)
    box.click()
    box.press_sequentially(typed)
    choice = page.get_by_role("option", name=option, exact=True)
    choice.wait_for()

    def pick() -> None:
        choice.click()
        page.keyboard.press("Escape")  # a multiselect keeps its list open

    return pick


def timed(page: Page, act: Callable[[], None], done: Callable[[], bool]) -> float | None:
    """Seconds from the first message the action sends to the server until `done()`."""
    sent = SENT_AT.setdefault(page, [])
    begun = time.perf_counter()
    act()
    seconds = until(done)
    if seconds is not None:
        finished = time.perf_counter() - seconds  # when act() returned and polling began
        start = next((t for t in sent if t >= begun), finished)
        seconds = finished + seconds - start
    settle(page)
    return seconds


def filter_round(page: Page) -> float | None:
    before = page.evaluate(COUNT_JS)
    click = sidebar_pick(page, "产业", "铜", "铜")
    return timed(page, click, lambda: page.evaluate(COUNT_JS) != before and drawn(page))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--port", type=int, default=8641)
    parser.add_argument("--url", help="measure a running deployment (e.g. behind nginx, deploy/) instead of "
                                      "starting a server")
    options = parser.parse_args()
    url = options.url or f"http://127.0.0.1:{options.port}/"
    results: dict[str, list[float | None]] = {k: [] for k in GOALS} | {"open (warm cache)": []}
    payload: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="mapapp-bench-") as folder:
        server = None if options.url else serve(options.port, Path(folder))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                open_page(browser, url)[0].context.close()  # warm the server's caches
                for i in range(options.rounds):
                    page, seconds, traffic = open_page(browser, url)
                    results["open"].append(seconds)
                    payload.append(dict(traffic))
                    start = time.perf_counter()
                    page.reload(wait_until="commit")  # the same context: the browser's cache is warm
                    warm = until(lambda: drawn(page), 60)
                    results["open (warm cache)"].append(None if warm is None else time.perf_counter() - start)
                    settle(page)
                    results["filter"].append(filter_round(page))
                    pref = ("鹰潭", "鹰潭市") if i % 2 == 0 else ("九江", "九江市")
                    view = (map_state(page) or {}).get("view")
                    results["prefecture"].append(timed(page, sidebar_pick(page, "设区市", *pref),
                                                       lambda: (map_state(page) or {}).get("view") != view and drawn(page)))
                    box = page.query_selector(MAP).bounding_box()
                    said = page.evaluate(VERDICT_JS)
                    results["click"].append(timed(page, lambda: page.mouse.click(box["x"] + 120 + 7 * i, box["y"] + 420),
                                                  lambda: page.evaluate(VERDICT_JS) not in (None, said)))
                    paths = (map_state(page) or {}).get("paths", 0)
                    results["layer"].append(timed(page, sidebar_pick(page, "图层", "江西省", "江西省界"),
                                                  lambda: (map_state(page) or {}).get("paths", 0) > paths))
                    SENT_AT.pop(page, None)
                    page.context.close()
                browser.close()
        finally:
            if server is not None:
                server.terminate()
                server.wait(10)
    print(f"mapapp page benchmark, Chromium, {options.rounds} rounds (seconds: median, min, max; goal)")
    for step, values in results.items():
        done = [v for v in values if v is not None]
        timeouts = len(values) - len(done)
        figures = (f"{statistics.median(done):6.3f} {min(done):6.3f} {max(done):6.3f}" if done else "   timed out")
        goal = GOALS.get(step)
        verdict = "" if goal is None else "ok" if done and statistics.median(done) < goal else "OVER"
        print(f"  {step:<17} {figures}   " + (f"< {goal:.1f} s  {verdict}" if goal else "(info)") + (f"  ({timeouts} timed out)" if timeouts else ""))
    http = statistics.median(p["http"] for p in payload) / 1e6
    ws = statistics.median(p["ws"] for p in payload) / 1e6
    deflated = all(p["deflate"] for p in payload)
    wire = statistics.median(p["ws_deflated"] for p in payload) / 1e6 if deflated else ws
    print(f"  payload of the default view, cold cache: {http + wire:.2f} MB ({http:.2f} MB HTTP as sent, "
          f"{ws:.2f} MB of websocket messages" + (f", about {wire:.2f} MB compressed (permessage-deflate))" if deflated else ")"))


if __name__ == "__main__":
    sys.exit(main())
