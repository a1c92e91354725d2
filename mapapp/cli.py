"""The `mapapp` command line: `mapapp layers list`, `mapapp layers show ID`, ..."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from mapapp import __version__
from mapapp._errors import MapAppError
from mapapp.layers import LayerSpec, get_spec, load_layer, load_specs


def _layers_list(args: argparse.Namespace) -> int:
    specs = load_specs().values()
    if args.json:
        print(json.dumps([_spec_summary(s) for s in specs], ensure_ascii=False, indent=2))
        return 0
    width = max(len(s.id) for s in specs)
    for spec in specs:
        print(f"{spec.id:<{width}}  {spec.geometry:<7}  {spec.title_zh} / {spec.title_en}")
    return 0


def _spec_summary(spec: LayerSpec) -> dict[str, object]:
    return {"id": spec.id, "title_zh": spec.title_zh, "title_en": spec.title_en, "geometry": spec.geometry,
            "group": spec.group, "file": spec.file, "display_file": spec.display_file, "source": spec.source}


def _layers_show(args: argparse.Namespace) -> int:
    spec = get_spec(args.layer_id)
    frame = load_layer(spec.id)
    west, south, east, north = (round(float(v), 4) for v in frame.total_bounds)
    info = _spec_summary(spec) | {
        "description": spec.description,
        "features": len(frame),
        "geometry_types": sorted(frame.geom_type.unique()),
        "fields": [c for c in frame.columns if c != frame.geometry.name],
        "bounds_lonlat": [west, south, east, north],
        "crs": "EPSG:4326 (WGS 84)",
    }
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        for key, value in info.items():
            print(f"{key:>15}: {', '.join(map(str, value)) if isinstance(value, list) else value}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mapapp", description="Jiangxi Green Industry Map: data, screening and export.")
    parser.add_argument("--version", action="version", version=f"mapapp {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    layers = commands.add_parser("layers", help="list and describe the map's layers")
    layer_commands = layers.add_subparsers(dest="layers_command", required=True, metavar="SUBCOMMAND")
    list_cmd = layer_commands.add_parser("list", help="one line per layer")
    list_cmd.add_argument("--json", action="store_true", help="machine-readable output")
    list_cmd.set_defaults(func=_layers_list)
    show_cmd = layer_commands.add_parser("show", help="describe one layer: source, fields, feature count, bounds")
    show_cmd.add_argument("layer_id")
    show_cmd.add_argument("--json", action="store_true", help="machine-readable output")
    show_cmd.set_defaults(func=_layers_show)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except MapAppError as exc:
        print(f"mapapp: error: {exc}", file=sys.stderr)
        return 2
