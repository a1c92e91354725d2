"""Where the repository's data and layer specs live."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
LAYERS_DIR = ROOT / "layers"
