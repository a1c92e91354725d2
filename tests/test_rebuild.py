"""The committed base files are exactly what the rebuild script makes from the packaged sources."""

from __future__ import annotations

import subprocess
import sys

from mapapp.paths import ROOT


def test_rebuild_reproduces_base_files_byte_for_byte():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "rebuild_base.py"), "--check"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "rebuild reproduces data/base byte for byte" in result.stdout
