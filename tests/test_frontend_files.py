"""Which URLs the one-command server sends gzipped itself (mapapp/frontend_files), and which it leaves to Streamlit."""

from __future__ import annotations

import pytest

from mapapp.deploy import frontend_folders
from mapapp.frontend_files import resolve, takes_gzip, url_folders


@pytest.fixture(scope="module")
def streamlit_script() -> str:
    """The URL path of one of Streamlit's content-hashed scripts."""
    folder = frontend_folders()["@STREAMLIT_STATIC@"]
    script = next((folder / "js").glob("index.*.js"))
    return f"/static/js/{script.name}"


def test_streamlits_hashed_scripts_are_sent_as_never_changing(streamlit_script: str) -> None:
    found = resolve(streamlit_script, url_folders())
    assert found is not None and found[0].is_file() and found[1] is True
    assert resolve("/mapapp" + streamlit_script, url_folders("/mapapp/")) == found  # behind a base path
    assert resolve(streamlit_script, url_folders("mapapp")) is None  # without it, not ours


def test_the_components_page_is_revalidated_and_its_scripts_are_not() -> None:
    build = frontend_folders()["@FOLIUM_BUILD@"]
    script = next((build / "static" / "js").glob("main.*.js"))
    page = resolve("/component/streamlit_folium.st_folium/index.html", url_folders())
    assert page == ((build / "index.html").resolve(), False)
    assert resolve(f"/component/streamlit_folium.st_folium/static/js/{script.name}", url_folders())[1] is True


@pytest.mark.parametrize("path", [
    "/static/../index.html",  # Streamlit's page, one folder up: leaves the build folder
    "/static/js/a\x00.js",  # a name the system cannot take
    "/static/js/no-such-file.js",
    "/static/media/KaTeX_Main-Regular.woff2",  # already compressed: Streamlit sends it as it is
    "/app/static/vendor/leaflet@1.9.4/leaflet.js",  # the app's own static folder: Streamlit's
    "/_stcore/health",
    "/",
])
def test_anything_else_is_left_to_streamlit(path: str) -> None:
    assert resolve(path, url_folders()) is None


@pytest.mark.parametrize(("header", "gzip_ok"), [
    ("gzip, deflate, br", True), ("br;q=1.0, gzip;q=0.8", True), ("*", True),
    ("gzip;q=0", False), ("identity", False), ("", False),
])
def test_gzip_is_sent_only_to_a_client_that_takes_it(header: str, gzip_ok: bool) -> None:
    assert takes_gzip(header) is gzip_ok
