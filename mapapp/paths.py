"""Where the repository's data and layer specs live (MAPAPP_DATA_DIR points at another data folder)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("MAPAPP_DATA_DIR") or ROOT / "data")
LAYERS_DIR = ROOT / "layers"
