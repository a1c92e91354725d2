"""The one-command server (web_app.py) sends Streamlit's front-end files gzipped and cached, as nginx
does in the deployment; a client that takes no gzip gets Streamlit's own answer."""

from __future__ import annotations

import gzip
import re
import urllib.request

import pytest
from conftest import AppServer

from mapapp.deploy import frontend_folders

pytestmark = pytest.mark.e2e


def _get(url: str, gzip_ok: bool) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip" if gzip_ok else "identity"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_streamlits_scripts_are_sent_gzipped_and_kept(app_server: AppServer) -> None:
    page = _get(app_server.url, True)[1].decode()
    script = re.search(r'src="\.?/?(static/js/index\.[\w-]+\.js)"', page).group(1)
    on_disk = (frontend_folders()["@STREAMLIT_STATIC@"] / script.removeprefix("static/")).read_bytes()
    headers, body = _get(app_server.url + script, True)
    assert headers["content-encoding"] == "gzip" and "immutable" in headers["cache-control"]
    assert headers["content-type"].startswith("application/javascript")
    assert gzip.decompress(body) == on_disk and len(body) < len(on_disk) / 2
    plain_headers, plain = _get(app_server.url + script, False)
    assert "content-encoding" not in plain_headers and plain == on_disk
