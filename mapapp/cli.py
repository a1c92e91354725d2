"""The `mapapp` command line; each subcommand lives in its own module under mapapp/commands/."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from mapapp import __version__
from mapapp._errors import MapAppError
from mapapp.commands import data, export, layers, screen

SUBCOMMANDS = (layers, data, screen, export)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mapapp", description="Jiangxi Green Industry Map: data, screening and export.")
    parser.add_argument("--version", action="version", version=f"mapapp {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except MapAppError as exc:
        print(f"mapapp: error: {exc}", file=sys.stderr)
        return 2
