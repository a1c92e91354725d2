"""Exception classes shared across mapapp."""


class MapAppError(Exception):
    """Base class for errors that users should see as a message, not a traceback."""


class LayerNotFoundError(MapAppError):
    """A layer id that no spec in layers/ declares."""


class LayerSpecError(MapAppError):
    """A layer spec file that is malformed."""


class DataFileError(MapAppError):
    """A data file that is missing, unreadable or fails validation."""


class InputFileError(MapAppError):
    """A user's input file that cannot be read at all: missing, empty, undecodable, or without coordinates."""


class RegionError(MapAppError):
    """An export region that cannot be resolved: unknown or ambiguous name, bad adcode, no polygons."""


class OptionError(MapAppError):
    """A choice that is not offered: an output format, CRS, encoding or paper size."""
