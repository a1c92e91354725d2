"""Fetch the map's front-end assets (Leaflet and the plugins we use) from the npm registry into static/.

Run at build time only (needs the npm registry through the ordinary `npm pack` client):

    python scripts/fetch_assets.py      # -> static/vendor/..., static/ASSETS.json, static/ASSETS.md

At run time nothing is downloaded: Streamlit serves ./static/ at <base>/app/static/
(.streamlit/config.toml: server.enableStaticServing) and mapapp.render.assets points folium at it.
Each package keeps its own folder layout so the url(...) references inside its CSS (marker
icons, layer-control icon, draw sprites) resolve without editing the CSS.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
VENDOR = STATIC / "vendor"

# name, exact version, files to keep (globs relative to the package root)
PACKAGES: list[tuple[str, str, list[str]]] = [
    ("leaflet", "1.9.4", ["dist/leaflet.js", "dist/leaflet.css", "dist/images/*", "LICENSE"]),
    # Vector layers are sent as TopoJSON (a third of the bytes of GeoJSON); this turns them back.
    ("topojson-client", "3.1.0", ["dist/topojson-client.min.js", "LICENSE"]),
    ("leaflet.markercluster", "1.5.3", ["dist/leaflet.markercluster.js", "dist/MarkerCluster.css", "dist/MarkerCluster.Default.css", "MIT-LICENCE.txt"]),
    ("leaflet-draw", "1.0.4", ["dist/leaflet.draw.js", "dist/leaflet.draw.css", "dist/images/spritesheet*"]),
    ("leaflet.fullscreen", "3.0.0", ["Control.FullScreen.js", "Control.FullScreen.css", "icon-fullscreen.svg", "LICENSE"]),
]


def pkg_dir(name: str, version: str) -> str:
    """Folder (relative to static/vendor) for one package version: 'leaflet@1.9.4'."""
    return f"{name.replace('/', '__')}@{version}"


def npm_pack(spec: str, dest: Path) -> dict:
    out = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(dest)],
        check=True, capture_output=True, text=True,
    ).stdout
    info = json.loads(out)[0]
    info["tarball"] = dest / info["filename"]
    return info


def _strip_sourcemap_comment(path: Path) -> None:
    """Drop '//# sourceMappingURL=' lines: we don't ship the .map files, and DevTools
    would otherwise log a 404 for them (browsers never fetch them without DevTools)."""
    if path.suffix not in (".js", ".css"):
        return
    text = path.read_text(encoding="utf-8")
    new = re.sub(r"\n?(//|/\*)# sourceMappingURL=[^\n]*", "", text)
    if new != text:
        path.write_text(new, encoding="utf-8")


def extract(info: dict, name: str, version: str, patterns: list[str]) -> list[str]:
    target = VENDOR / pkg_dir(name, version)
    kept = []
    with tarfile.open(info["tarball"]) as tf:
        for m in tf.getmembers():
            if not m.isfile():
                continue
            rel = m.name.split("/", 1)[1]  # strip the leading 'package/'
            if ".." in Path(rel).parts:
                continue
            if not any(fnmatch.fnmatch(rel, p) for p in patterns):
                continue
            dst = target / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            with tf.extractfile(m) as src, open(dst, "wb") as out:
                shutil.copyfileobj(src, out)
            _strip_sourcemap_comment(dst)
            kept.append(rel)
    missing = [p for p in patterns if not any(fnmatch.fnmatch(k, p) for k in kept)]
    if missing:
        sys.exit(f"{name}@{version}: nothing matched {missing}")
    return sorted(kept)


def _make_icon_path_js() -> str:
    """Leaflet guesses L.Icon.Default.imagePath from the *applied* leaflet.css; st_folium appends
    the <link>s only after the scripts and runs the map script at once, so the guess falls back
    to '<...>/dist' + 'marker-icon.png' (404).  Loaded right after leaflet.js, this pins the path."""
    rel = "leaflet-icon-path.js"
    out = VENDOR / "mapapp-extra" / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    leaflet_ver = next(v for n, v, _ in PACKAGES if n == "leaflet")
    out.write_text(
        "/* set Leaflet's default marker image folder relative to this file */\n"
        "(function () {\n"
        "  var s = document.currentScript;\n"
        "  if (window.L && s && s.src) {\n"
        f"    L.Icon.Default.imagePath = new URL('../leaflet@{leaflet_ver}/dist/images/', s.src).href;\n"
        "  }\n"
        "})();\n",
        encoding="utf-8",
    )
    return rel


def main() -> None:
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    VENDOR.mkdir(parents=True)
    manifest = []
    with tempfile.TemporaryDirectory() as tmpd:
        tmp = Path(tmpd)
        for name, version, patterns in PACKAGES:
            info = npm_pack(f"{name}@{version}", tmp)
            with tarfile.open(info["tarball"]) as tf:
                package_json = json.load(tf.extractfile("package/package.json"))
            kept = extract(info, name, version, patterns)
            manifest.append({
                "package": name, "version": version, "license": package_json.get("license"),
                "integrity": info.get("integrity"), "dir": f"vendor/{pkg_dir(name, version)}",
                "files": {k: (VENDOR / pkg_dir(name, version) / k).stat().st_size for k in sorted(kept)},
            })
    rel = _make_icon_path_js()
    manifest.append({"package": "(written here: Leaflet icon-path fix)", "version": "-", "license": "MIT (this repo)",
                     "integrity": None, "dir": "vendor/mapapp-extra",
                     "files": {rel: (VENDOR / "mapapp-extra" / rel).stat().st_size}})
    (STATIC / "ASSETS.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    lines = ["| file (under static/) | package | version | licence | bytes |", "|---|---|---|---|---|"]
    for entry in manifest:
        for f, size in entry["files"].items():
            lines.append(f"| {entry['dir']}/{f} | {entry['package']} | {entry['version']} | {entry['license']} | {size} |")
    (STATIC / "ASSETS.md").write_text("# Vendored front-end assets\n\nMade by `scripts/fetch_assets.py` from the npm registry.\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
