"""The layer registry: one declarative TOML spec per layer in layers/, and loading a layer's data."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mapapp._errors import LayerNotFoundError, LayerSpecError
from mapapp.paths import DATA_DIR, LAYERS_DIR
from mapapp.storage import Features, read_geojson, read_layer_features

if TYPE_CHECKING:
    import geopandas as gpd

GeometryKind = Literal["point", "line", "polygon"]
GEOMETRY_KINDS = ("point", "line", "polygon")


@dataclass(frozen=True)
class LayerSpec:
    """What a layer is, where its data lives, and how the map shows it."""

    id: str
    title_zh: str
    title_en: str
    file: str  # full-resolution file, relative to data/
    geometry: GeometryKind
    source: str  # one line; data/README.md holds the full provenance
    source_zh: str = ""  # the same line for the Chinese page
    group: str = "base"
    display_file: str | None = None  # light version for the default map view
    description: str = ""
    key: str = "id"
    label_field: str = "name_zh"
    filter_fields: tuple[str, ...] = ()
    popup_fields: tuple[str, ...] = ()
    style: dict[str, Any] = field(default_factory=dict)
    visible: bool = True
    z: int = 0  # drawing order: lower is drawn first (filled areas below outlines and water)

    def path(self, *, display: bool = False, data_dir: Path = DATA_DIR) -> Path:
        return data_dir / (self.display_file if display and self.display_file else self.file)

    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang == "en" else self.title_zh

    def source_text(self, lang: str = "zh") -> str:
        return self.source_zh if lang == "zh" and self.source_zh else self.source


def parse_spec(raw: dict[str, Any], origin: str) -> LayerSpec:
    """Build a LayerSpec from a TOML table, naming the file and the bad key on error."""
    known = {f.name for f in fields(LayerSpec)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise LayerSpecError(f"{origin}: unknown key(s) {unknown}; allowed: {sorted(known)}")
    missing = sorted(f.name for f in fields(LayerSpec) if f.name in {"id", "title_zh", "title_en", "file", "geometry", "source"} and f.name not in raw)
    if missing:
        raise LayerSpecError(f"{origin}: missing key(s) {missing}")
    if raw["geometry"] not in GEOMETRY_KINDS:
        raise LayerSpecError(f"{origin}: geometry {raw['geometry']!r} is not one of {GEOMETRY_KINDS}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    return LayerSpec(**values)


@cache
def load_specs(layers_dir: Path = LAYERS_DIR) -> dict[str, LayerSpec]:
    """All layer specs, keyed by id, in file-name order."""
    specs: dict[str, LayerSpec] = {}
    for path in sorted(Path(layers_dir).glob("*.toml")):
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise LayerSpecError(f"{path.name}: {exc}") from exc
        spec = parse_spec(raw, path.name)
        if spec.id in specs:
            raise LayerSpecError(f"{path.name}: duplicate layer id {spec.id!r}")
        specs[spec.id] = spec
    return specs


def get_spec(layer_id: str) -> LayerSpec:
    specs = load_specs()
    if layer_id not in specs:
        raise LayerNotFoundError(f"no layer {layer_id!r}; known layers: {', '.join(specs)}")
    return specs[layer_id]


def load_layer(layer_id: str, *, display: bool = False, data_dir: Path = DATA_DIR) -> gpd.GeoDataFrame:
    """Read one layer's GeoJSON (full resolution unless `display`)."""
    return read_geojson(get_spec(layer_id).path(display=display, data_dir=data_dir))


def load_layer_features(layer_id: str, *, data_dir: Path = DATA_DIR) -> Features:
    """One layer's full-resolution features without GeoPandas (the screening's waters and province)."""
    return read_layer_features(get_spec(layer_id).path(data_dir=data_dir))
