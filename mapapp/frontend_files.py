"""Streamlit's and the map component's front-end files, sent gzipped and cached by the browser.

Streamlit serves its scripts uncompressed and leaves compression to a proxy: straight from
`streamlit run` a new user downloaded about 5 MB, behind nginx 1.9 MB. This ASGI middleware does
what deploy/nginx-mapapp.conf does, for the one-command start: the files of the two builds
(deploy.frontend_folders), gzipped once and kept in memory, with the content-hashed ones marked
immutable. Any other request, and a browser that does not take gzip, goes on to Streamlit.
"""

from __future__ import annotations

import asyncio
import gzip
import mimetypes
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from mapapp.deploy import frontend_folders

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_IMMUTABLE = "public, max-age=31536000, immutable"
_REVALIDATE = "no-cache"
_COMPRESSIBLE = (".js", ".css", ".html", ".json", ".svg", ".map", ".txt", ".ttf", ".otf")


def url_folders(base_path: str = "") -> list[tuple[str, Path, bool]]:
    """(URL prefix, folder, content-hashed) for the two builds, under Streamlit's base path."""
    base = "/" + base_path.strip("/") if base_path.strip("/") else ""
    folders = frontend_folders()
    return [(f"{base}/static/", folders["@STREAMLIT_STATIC@"], True),
            (f"{base}/component/streamlit_folium.st_folium/", folders["@FOLIUM_BUILD@"], False)]


def resolve(path: str, prefixes: list[tuple[str, Path, bool]]) -> tuple[Path, bool] | None:
    """The file a URL path names in one of the builds, and whether it never changes; None if it is
    not one of theirs (or tries to leave its folder)."""
    for prefix, folder, hashed in prefixes:
        if not path.startswith(prefix):
            continue
        relative = path[len(prefix):]
        if not relative.endswith(_COMPRESSIBLE) or "\x00" in relative:
            return None
        try:
            file = (folder / relative).resolve()
        except (OSError, ValueError):  # a path the system cannot name: Streamlit answers it
            return None
        if not file.is_relative_to(folder.resolve()) or not file.is_file():
            return None
        # The component's index.html keeps its name from version to version; its scripts are hashed.
        return file, hashed or "/static/" in f"/{relative}"
    return None


class CompressedFrontEnd:
    """ASGI middleware: the builds' text files gzipped, everything else passed on to `app`."""

    def __init__(self, app: ASGIApp, base_path: str = "") -> None:
        self.app = app
        self.prefixes = url_folders(base_path)
        self._gzipped: dict[Path, bytes] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self._wanted(scope)
        if found is None:
            await self.app(scope, receive, send)
            return
        file, immutable = found
        body = self._gzipped.get(file)
        if body is None:  # compressed once, off the event loop
            body = await asyncio.to_thread(lambda: gzip.compress(file.read_bytes(), 9, mtime=0))
            self._gzipped[file] = body
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        headers = [(b"content-type", kind.encode()), (b"content-encoding", b"gzip"),
                   (b"content-length", str(len(body)).encode()), (b"vary", b"Accept-Encoding"),
                   (b"cache-control", (_IMMUTABLE if immutable else _REVALIDATE).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    def _wanted(self, scope: Scope) -> tuple[Path, bool] | None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return None
        accepted = b",".join(v for k, v in scope.get("headers", []) if k == b"accept-encoding")
        if not takes_gzip(accepted.decode("latin-1")):
            return None
        return resolve(scope["path"], self.prefixes)


def takes_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip ("gzip;q=0" refuses it)."""
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.strip().lower()
            return not (q.startswith("q=") and _quality(q[2:]) == 0)
    return False


def _quality(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 1.0
