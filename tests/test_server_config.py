"""The settings in .streamlit/config.toml that the page's speed and offline use depend on."""

import tomllib
from pathlib import Path

CONFIG = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_the_server_does_not_watch_source_files():
    # Watching cost about a second of the event loop's time on every new session (py-spy).
    assert CONFIG["server"]["fileWatcherType"] == "none"


def test_no_full_garbage_collection_after_each_run():
    assert CONFIG["runner"]["postScriptGC"] is False


def test_the_page_calls_no_outside_server():
    assert CONFIG["browser"]["gatherUsageStats"] is False
    assert CONFIG["server"]["enableStaticServing"] is True  # the vendored Leaflet assets
