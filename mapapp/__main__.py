"""Allow `python -m mapapp`."""

from mapapp.cli import program

raise SystemExit(program())
