"""Running the `mapapp` command as a user does: a separate process, on a given data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mapapp.paths import ROOT


def run_cli(data_dir: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess:
    """`mapapp ARGS` on `data_dir`, whose register (unless `env` names one) is the SQLite file beside it."""
    base = {k: v for k, v in os.environ.items() if k not in ("MAPAPP_DATABASE_URL", "MAPAPP_PASSWORD")}
    return subprocess.run([sys.executable, "-m", "mapapp", *args], capture_output=True, text=True, cwd=ROOT,
                          env=base | {"MAPAPP_DATA_DIR": str(data_dir)} | (env or {}), input=stdin)
