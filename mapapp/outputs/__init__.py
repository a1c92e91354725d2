"""What users take away: export files in the formats and datums GIS offices use, printed maps, and
site-check reports. Each module turns data into bytes; the CLI and the page decide where they go."""

from collections.abc import Callable

Progress = Callable[[float, str], None]  # (share done, 0..1; what is being done)


def no_progress(_share: float, _what: str) -> None:
    """The default: nobody is watching."""
