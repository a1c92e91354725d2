"""The `mapapp` command line; each subcommand lives in its own module under mapapp/commands/."""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
import warnings
from collections.abc import Sequence
from typing import NoReturn

from mapapp import __version__
from mapapp._errors import MapAppError

# Subcommand -> its module under mapapp/commands/. Only the module of the command given is imported
# (all of them for --help): `mapapp screen` does not pay for matplotlib, reportlab or pygeoapi.
SUBCOMMANDS = {"layers": "layers", "data": "data", "screen": "screen", "export": "export", "print": "printing",
               "report": "report", "users": "users", "review": "review", "serve-ogc": "ogc",
               "nginx-config": "deploy"}


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (like every other error), naming the help to read."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())} (see {self.prog} --help)\n")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = _Parser(prog="mapapp", description="Jiangxi Green Industry Map: data, screening and export.")
    parser.add_argument("--version", action="version", version=f"mapapp {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    given = next((a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")), None)
    names = [given] if given in SUBCOMMANDS else list(SUBCOMMANDS)
    for name in names:
        importlib.import_module(f"mapapp.commands.{SUBCOMMANDS[name]}").add_parser(commands)
    return parser


def program() -> int:
    """The `mapapp` program (console script, `python -m mapapp`): main() in a process that ends with it."""
    return main(exiting=True)


def main(argv: Sequence[str] | None = None, *, exiting: bool = False) -> int:
    """Run one command. Exit 0 on success; 2 with one line on stderr for a user error (bad input, a file
    that cannot be read or written); 3 for a bug, still one line, never a traceback; 130 on Ctrl-C; 141 on
    a closed pipe. `exiting`: the process ends after the command, so what the imports made lives as
    long as it does."""
    args = build_parser(argv).parse_args(argv)
    if exiting:
        gc.freeze()  # the collector then never walks the imports' objects again, nor at exit (0.05 s a run)
    try:
        with warnings.catch_warnings():
            # GDAL's and numpy's notes on odd input: the affected rows carry their own messages.
            warnings.simplefilter("ignore", RuntimeWarning)
            code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, where it is handled, not at interpreter exit
        return code
    except MapAppError as exc:
        return _fail(f"mapapp: error: {exc}", 2)
    except BrokenPipeError:  # `mapapp layers list | head`: the reader left; nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell reports a killed pipeline
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"mapapp: error: {where}{exc.strerror or exc}", 2)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug: one line the user can report, not a traceback
        return _fail(f"mapapp: internal error: {type(exc).__name__}: {exc}; please report it", 3)


def _fail(line: str, code: int) -> int:
    print(" ".join(line.split()), file=sys.stderr)  # one line, whatever the message holds
    return code
