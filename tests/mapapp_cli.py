"""Running the `mapapp` command as a user does: a separate process, on a given data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mapapp.paths import ROOT


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"MAPAPP_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "mapapp", *args], capture_output=True, text=True, env=env, cwd=ROOT)
