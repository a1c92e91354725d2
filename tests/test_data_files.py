"""The committed data files: present, uncorrupted (checksums), documented, and readable."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyogrio
import pytest

from mapapp._errors import DataFileError
from mapapp.layers import load_specs
from mapapp.paths import DATA_DIR
from mapapp.storage import read_geojson

BASE = DATA_DIR / "base"


def manifest() -> dict[str, str]:
    lines = (BASE / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines if line)}


def test_every_base_file_matches_its_checksum():
    entries = manifest()
    assert entries, "SHA256SUMS is empty"
    for name, digest in entries.items():
        path = BASE / name
        assert path.is_file(), f"missing: {name}"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"corrupt or changed without rebuild: {name}"


def test_every_base_file_is_listed_and_documented():
    listed = set(manifest())
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for path in BASE.rglob("*.geojson"):
        rel = path.relative_to(BASE).as_posix()
        assert rel in listed, f"{rel} is not in SHA256SUMS: run scripts/rebuild_base.py"
        assert f"base/{rel}" in readme, f"{rel} is not described in data/README.md"


@pytest.mark.parametrize("spec", list(load_specs().values()), ids=lambda s: s.id)
def test_every_layer_file_reads_with_pyogrio(spec):
    for display in (False, True):
        path = spec.path(display=display)
        info = pyogrio.read_info(path)
        assert info["features"] > 0, path
        frame = read_geojson(path)
        assert frame.crs.to_epsg() == 4326
        assert (frame.is_valid | frame.geometry.isna()).all()  # null = place unknown


def test_corrupt_file_is_a_clear_error(tmp_path: Path):
    broken = tmp_path / "broken.geojson"
    good = (BASE / "display" / "province.geojson").read_text(encoding="utf-8")
    broken.write_text(good[: len(good) // 2], encoding="utf-8")
    with pytest.raises(DataFileError, match="broken.geojson"):
        read_geojson(broken)
    with pytest.raises(DataFileError, match="not found"):
        read_geojson(tmp_path / "absent.geojson")
