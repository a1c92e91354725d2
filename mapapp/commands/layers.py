"""`mapapp layers list|show`: what layers exist, and what one holds."""

from __future__ import annotations

import argparse
import json

from mapapp.layers import LayerSpec, get_spec, load_layer, load_specs


def add_parser(commands: argparse._SubParsersAction) -> None:
    layers = commands.add_parser("layers", help="list and describe the map's layers")
    sub = layers.add_subparsers(dest="layers_command", required=True, metavar="SUBCOMMAND")
    list_cmd = sub.add_parser("list", help="one line per layer")
    list_cmd.add_argument("--json", action="store_true", help="machine-readable output")
    list_cmd.set_defaults(func=_list)
    show_cmd = sub.add_parser("show", help="describe one layer: source, fields, feature count, bounds")
    show_cmd.add_argument("layer_id")
    show_cmd.add_argument("--json", action="store_true", help="machine-readable output")
    show_cmd.set_defaults(func=_show)


def _summary(spec: LayerSpec) -> dict[str, object]:
    return {"id": spec.id, "title_zh": spec.title_zh, "title_en": spec.title_en, "geometry": spec.geometry,
            "group": spec.group, "file": spec.file, "display_file": spec.display_file, "source": spec.source}


def _list(args: argparse.Namespace) -> int:
    specs = list(load_specs().values())
    if args.json:
        print(json.dumps([_summary(s) for s in specs], ensure_ascii=False, indent=2))
        return 0
    width = max(len(s.id) for s in specs)
    for spec in specs:
        print(f"{spec.id:<{width}}  {spec.geometry:<7}  {spec.title_zh} / {spec.title_en}")
    return 0


def _show(args: argparse.Namespace) -> int:
    spec = get_spec(args.layer_id)
    frame = load_layer(spec.id)
    info = _summary(spec) | {
        "description": spec.description,
        "features": len(frame),
        "geometry_types": sorted(frame.geom_type.dropna().unique()),
        "features_without_location": int(frame.geometry.isna().sum()),
        "fields": [c for c in frame.columns if c != frame.geometry.name],
        "bounds_lonlat": [round(float(v), 4) for v in frame.total_bounds],
        "crs": "EPSG:4326 (WGS 84)",
    }
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    width = max(map(len, info))
    for key, value in info.items():
        print(f"{key:>{width}}: {', '.join(map(str, value)) if isinstance(value, list) else value}")
    return 0
