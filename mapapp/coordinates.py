"""Coordinates in tables: which columns hold them, and their numbers from text (decimal degrees,
度分秒, hemisphere letters), with a bilingual reason for each row that has none."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from mapapp._errors import InputFileError
from mapapp.arrow_columns import float_values
from mapapp.geo import JIANGXI_BBOX
from mapapp.messages import Msg, join, msg

__all__ = ["LAT_NAMES", "LON_NAMES", "find_coordinate_columns", "looks_swapped", "parse_coordinates", "swapped_message"]

_F = NDArray[np.float64]
_O = NDArray[np.object_]

# Column names recognised as coordinates, compared case-insensitively after normalising (see
# _normalise_name); earlier names win when a table has several.
LON_NAMES = ("longitude", "lon", "lng", "long", "经度", "东经", "x")
LAT_NAMES = ("latitude", "lat", "纬度", "北纬", "y")

# Jiangxi's box with a margin, for telling a swapped lon/lat pair from a merely distant point.
_SWAP_MARGIN = 1.0

def _normalise_name(name: str) -> str:
    """'Longitude (deg)' -> 'longitude', '经度（E）' -> '经度': bracketed notes and punctuation dropped."""
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    text = re.sub(r"[(\[{（【].*?[)\]}）】]", "", text)
    return re.sub(r"[\s_\-.:°/]+", "", text)


def find_coordinate_columns(
    columns: Sequence[str], *, lon_col: str | None = None, lat_col: str | None = None, origin: str = "input"
) -> tuple[str, str]:
    """The longitude and latitude column names, by explicit choice or by common names."""
    found = []
    shown = {"columns": list(columns), "columns_zh": "、".join(map(str, columns))}
    for given, names, what, what_zh, flag in ((lon_col, LON_NAMES, "longitude", "经度", "--lon-col"),
                                              (lat_col, LAT_NAMES, "latitude", "纬度", "--lat-col")):
        if given is not None:
            if given not in columns:
                raise InputFileError(msg("{origin}：没有“{given}”列；现有列：{columns_zh}",
                                         "{origin}: no column {given!r} (given by {flag}); columns are {columns}",
                                         origin=origin, given=given, flag=flag, **shown))
            found.append(given)
            continue
        normalised = {}
        for col in columns:
            normalised.setdefault(_normalise_name(col), col)
        match = next((normalised[n] for n in names if n in normalised), None)
        if match is None:
            raise InputFileError(msg(
                "{origin}：找不到{what_zh}列（查找了 {names}，不分大小写）；现有列：{columns_zh}",
                "{origin}: no {what} column found; looked for {names} (any case); columns are {columns}; "
                "name it with {flag}", origin=origin, what=what, what_zh=what_zh, names="/".join(names), flag=flag,
                **shown))
        found.append(match)
    if found[0] == found[1]:
        raise InputFileError(msg("{origin}：经度和纬度选了同一列“{col}”",
                                 "{origin}: the same column {col!r} was chosen for longitude and latitude",
                                 origin=origin, col=found[0]))
    return found[0], found[1]


def looks_swapped(lon: _F, lat: _F) -> NDArray[np.bool_]:
    west, south, east, north = JIANGXI_BBOX
    m = _SWAP_MARGIN
    with np.errstate(invalid="ignore"):
        return (lon >= south - m) & (lon <= north + m) & (lat >= west - m) & (lat <= east + m)


def swapped_message(lon_name: str, lon: float, lat_name: str, lat: float) -> Msg:
    """A row's message, read in the page as well as in files: it names no command-line flag."""
    return msg("经度与纬度疑似颠倒（{lon_name}={lon:g} 像纬度，{lat_name}={lat:g} 像经度）；未自动更正，请核对输入",
               "lat/lon appear swapped ({lon_name}={lon:g} looks like a latitude, {lat_name}={lat:g} like a "
               "longitude); not corrected: check the input", lon_name=lon_name, lon=lon, lat_name=lat_name, lat=lat)


# Minutes: ' ′ ’ 分 (or :); seconds: " ″ (which NFKC turns into ′′) ” '' ’’ 秒.
_DMS = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[°度:]\s*(?:(\d+(?:\.\d+)?)\s*['′’分:]?\s*)?(?:(\d+(?:\.\d+)?)\s*"
                  r"(?:\"|″|”|''|′′|’’|秒)?)?\s*$")
_HEMISPHERE = re.compile(r"^(?:东经|北纬|西经|南纬|[ENWS])\s*|\s*(?:[ENWS])$", re.IGNORECASE)


def _parse_text(value: str) -> float | None:
    """One coordinate written by hand: '115.9', ' 115.9° ', 'E115.9', '东经115°54′', '115°54\\'36"'."""
    text = unicodedata.normalize("NFKC", value).strip()
    negative = text[:2] in ("西经", "南纬") or text[:1].upper() in ("W", "S") or text[-1:].upper() in ("W", "S")
    text = _HEMISPHERE.sub("", text).strip()
    try:
        if "_" in text:
            raise ValueError
        number = float(text.rstrip("°度"))
    except ValueError:
        match = _DMS.match(text)
        if not match:
            return None
        deg, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
        if minutes >= 60 or seconds >= 60:
            return None
        number = math.copysign(abs(deg) + minutes / 60 + seconds / 3600, deg if deg else 1.0)
    if not math.isfinite(number):
        return None
    return -abs(number) if negative else number


def _to_float(column: pa.ChunkedArray | pa.Array) -> tuple[_F, _O | None]:
    """Parse a text column to floats; second array holds the raw text where parsing failed (None:
    nothing failed, the common case, which needs no array of objects)."""
    for text in (column, pc.utf8_trim_whitespace(column)):  # most files have no spaces to trim
        try:
            values = float_values(pc.cast(text, pa.float64()))
            if np.isfinite(values).all():
                return values, None
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # some value is not a plain number: take the careful path below
    raw = np.asarray(text.to_pylist(), dtype=object)
    out = np.full(len(raw), np.nan)
    failed = np.full(len(raw), None, dtype=object)
    for i, value in enumerate(raw):
        if value is None or value == "":
            continue
        try:
            if "_" in value:  # Python reads "115_89" as 11589; a person did not mean that
                raise ValueError
            out[i] = float(value)
            if not math.isfinite(out[i]):
                raise ValueError
        except ValueError:
            parsed = _parse_text(value)
            if parsed is None:
                failed[i] = value
                out[i] = np.nan
            else:
                out[i] = parsed
    return out, failed


def _coordinate_problems(lon_name: str, lat_name: str, lon_blank: bool, lat_blank: bool, lon_bad: str | None,
                         lat_bad: str | None) -> list[Msg]:
    names = {"lon": lon_name, "lat": lat_name}
    if lon_blank and lat_blank:
        return [msg("缺少坐标（“{lon}”和“{lat}”均为空）", "missing coordinates ({lon!r} and {lat!r} are blank)", **names)]
    problems = []
    if lon_blank:
        problems.append(msg("缺少经度（“{lon}”为空）", "missing longitude ({lon!r} is blank)", **names))
    elif lon_bad is not None:
        problems.append(msg("“{lon}”中的经度 {value!r} 不是数字", "longitude {value!r} in {lon!r} is not a number",
                            value=lon_bad, **names))
    if lat_blank:
        problems.append(msg("缺少纬度（“{lat}”为空）", "missing latitude ({lat!r} is blank)", **names))
    elif lat_bad is not None:
        problems.append(msg("“{lat}”中的纬度 {value!r} 不是数字", "latitude {value!r} in {lat!r} is not a number",
                            value=lat_bad, **names))
    return problems


def parse_coordinates(
    lon_text: pa.ChunkedArray | pa.Array, lat_text: pa.ChunkedArray | pa.Array, *, lon_name: str = "lon",
    lat_name: str = "lat",
) -> tuple[_F, _F, _O]:
    """Numbers from two text columns, with a message per unusable row (None where usable).

    Blank, non-numeric and swapped pairs are reported, never guessed at: a row whose longitude
    looks like a Jiangxi latitude and whose latitude like a Jiangxi longitude is "swapped".
    """
    lon, lon_bad = _to_float(lon_text)
    lat, lat_bad = _to_float(lat_text)
    errors = np.full(len(lon), None, dtype=object)
    missing = np.isnan(lon) | np.isnan(lat)
    for i in np.nonzero(missing)[0]:
        bad = (None if lon_bad is None else lon_bad[i], None if lat_bad is None else lat_bad[i])
        lon_blank, lat_blank = bool(np.isnan(lon[i]) and bad[0] is None), bool(np.isnan(lat[i]) and bad[1] is None)
        errors[i] = join(_coordinate_problems(lon_name, lat_name, lon_blank, lat_blank, *bad))
    swapped = looks_swapped(lon, lat)
    for i in np.nonzero(swapped)[0]:
        errors[i] = swapped_message(lon_name, lon[i], lat_name, lat[i])
    usable = ~(missing | swapped)
    return np.where(usable, lon, np.nan), np.where(usable, lat, np.nan), errors
