"""Find a site, a prefecture or county, a code or a coordinate from what a user types.

Offline and pure: the index is built once from the register's sites and the unit layers (names in
Chinese, English and pinyin; GB/T 37028 codes; adcodes); a query that reads as a coordinate
(decimal degrees, 度分秒, or CGCS2000 Gauss-Krüger X/Y with its zone) becomes a point to check.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
from pypinyin import Style, lazy_pinyin
from pyproj import Transformer

from mapapp.catalog import vocab
from mapapp.coordinates import _parse_text as parse_degrees
from mapapp.messages import Msg, msg
from mapapp.survey_text import SurveyTextError, gk_epsg

# Jiangxi and a margin: a coordinate pair is read in whichever order puts it here.
NEAR_JIANGXI = (112.5, 23.5, 119.5, 31.0)
NORTHING = (2_500_000.0, 3_600_000.0)  # X of a CGCS2000 Gauss-Krüger point in or near Jiangxi, metres
_SPLIT = re.compile(r"[,，;；\s/]+")
_GK_ZONE = re.compile(r"(?:zone|带号?|第)\s*(\d{2})\s*带?|(\d{2})\s*带", re.IGNORECASE)
_GK_CM = re.compile(r"(?:cm|中央子午线|central meridian)\s*[:：=]?\s*(\d{3})", re.IGNORECASE)
_GK_XY = re.compile(r"([xy])\s*[:：=]\s*(-?\d+(?:\.\d+)?)", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Hit:
    kind: str  # "site" | "prefecture" | "county" | "point"
    key: str | None  # site id or adcode; None for a point
    label_zh: str
    label_en: str
    detail_zh: str = ""
    detail_en: str = ""
    bounds: tuple[float, float, float, float] | None = None  # west, south, east, north (WGS 84)
    lon: float | None = None  # a point's, WGS 84
    lat: float | None = None

    def label(self, lang: str) -> str:
        text, detail = (self.label_en, self.detail_en) if lang == "en" else (self.label_zh, self.detail_zh)
        return f"{text} · {detail}" if detail else text


@dataclass(frozen=True)
class Found:
    hits: list[Hit]
    note: Msg | None = None  # how a coordinate was read, or why it could not be


def normalise(text: str) -> str:
    """What matching compares: NFKC, lower case, no spaces or punctuation."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(c for c in text if c.isalnum())


def _pinyin(name: str) -> tuple[str, str]:
    """'樟树盐化工业基地' -> ('zhangshuyanhuagongyejidi', 'zsyhgyjd')."""
    syllables = [s for s in lazy_pinyin(name, style=Style.NORMAL) if s.strip()]
    return normalise("".join(syllables)), normalise("".join(s[0] for s in syllables))


@dataclass(frozen=True)
class _Entry:
    hit: Hit
    names: tuple[str, ...]  # normalised Chinese and English names
    spelled: str  # full pinyin of the Chinese name
    initials: str
    codes: tuple[str, ...]  # adcode, GB/T 37028 code


class Finder:
    """The searchable names and codes of one register revision."""

    def __init__(self, entries: list[_Entry]) -> None:
        self._entries = entries

    @classmethod
    def build(cls, sites: gpd.GeoDataFrame, prefectures: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> Finder:
        units = {**dict(zip(prefectures["adcode"], prefectures["name_zh"])), **dict(zip(counties["adcode"], counties["name_zh"]))}
        units_en = {**dict(zip(prefectures["adcode"], prefectures["name_en"])), **dict(zip(counties["adcode"], counties["name_en"]))}
        entries = [_unit_entry(row, "prefecture", "", "") for row in prefectures.itertuples()]
        entries += [_unit_entry(row, "county", units.get(row.parent_adcode, ""), units_en.get(row.parent_adcode, ""))
                    for row in counties.itertuples()]
        entries += [_site_entry(row, units, units_en) for row in sites.itertuples()]
        return cls(entries)

    def find(self, query: str, limit: int = 12) -> Found:
        """Hits for `query`, best first; a coordinate gives one point hit (or a note why it cannot)."""
        if not query.strip():
            return Found([])
        point = read_coordinate(query)
        if point is not None:
            return point
        q = normalise(query)
        if not q:
            return Found([])
        scored = sorted(((score, i) for i, e in enumerate(self._entries) if (score := _score(e, q)) is not None))
        return Found([self._entries[i].hit for _, i in scored[:limit]])


def _bounds(geom: object) -> tuple[float, float, float, float] | None:
    if geom is None or getattr(geom, "is_empty", True):
        return None
    return tuple(float(v) for v in geom.bounds)  # type: ignore[attr-defined, return-value]


def _unit_entry(row: object, kind: str, parent_zh: str, parent_en: str) -> _Entry:
    name_zh, name_en = str(row.name_zh), str(row.name_en)  # type: ignore[attr-defined]
    detail_zh = f"{'设区市' if kind == 'prefecture' else '县级'} · {parent_zh}".rstrip(" ·")
    detail_en = f"{'prefecture' if kind == 'prefecture' else 'county'} · {parent_en}".rstrip(" ·")
    hit = Hit(kind, str(row.adcode), name_zh, name_en, detail_zh, detail_en, _bounds(row.geometry))  # type: ignore[attr-defined]
    # 樟树市 is also found as 樟树 and zhangshu: the unit's suffix is not part of what people type.
    short = re.sub(r"(市|县|区)$", "", name_zh)
    spelled, initials = _pinyin(short)
    return _Entry(hit, (normalise(name_zh), normalise(short), normalise(name_en)), spelled, initials, (str(row.adcode),))  # type: ignore[attr-defined]


def _site_entry(row: object, units: dict[str, str], units_en: dict[str, str]) -> _Entry:
    name_zh, name_en = str(row.name_zh), str(row.name_en)  # type: ignore[attr-defined]
    place = units.get(row.prefecture_adcode, "") if isinstance(row.prefecture_adcode, str) else ""  # type: ignore[attr-defined]
    place_en = units_en.get(row.prefecture_adcode, "") if isinstance(row.prefecture_adcode, str) else ""  # type: ignore[attr-defined]
    kind = str(row.kind)  # type: ignore[attr-defined]
    hit = Hit("site", str(row.id), name_zh, name_en,  # type: ignore[attr-defined]
              f"{vocab.label(vocab.SITE_KINDS, kind, 'zh')} · {place}".rstrip(" ·"),
              f"{vocab.label(vocab.SITE_KINDS, kind, 'en')} · {place_en}".rstrip(" ·"), _bounds(row.geometry))  # type: ignore[attr-defined]
    code = row.gbt37028_code if isinstance(row.gbt37028_code, str) else ""  # type: ignore[attr-defined]
    spelled, initials = _pinyin(name_zh)
    return _Entry(hit, (normalise(name_zh), normalise(name_en)), spelled, initials, (code,) if code else ())


def _score(e: _Entry, q: str) -> tuple[int, int, str] | None:
    """Lower is better: exact name, name start, code, name part, pinyin start, pinyin part, initials."""
    order = {"prefecture": 0, "county": 1}.get(e.hit.kind, 2)  # at equal matches the place before what lies in it
    ranks = []
    for name in e.names:
        if name == q:
            ranks.append(0)
        elif name.startswith(q):
            ranks.append(1)
        elif q in name:
            ranks.append(3)
    if q.isdigit() and any(c.startswith(q) for c in e.codes):
        ranks.append(0 if q in e.codes else 2)
    if q.isascii() and q.isalpha():
        if e.spelled.startswith(q):
            ranks.append(4)
        elif q in e.spelled:
            ranks.append(5)
        elif len(q) >= 2 and e.initials.startswith(q):
            ranks.append(6)
    if not ranks:
        return None
    return min(ranks), order, e.hit.label_zh


# -- coordinates --

def _in_jiangxi(lon: float, lat: float) -> bool:
    west, south, east, north = NEAR_JIANGXI
    return west <= lon <= east and south <= lat <= north


def _point(lon: float, lat: float, note: Msg) -> Found:
    label = f"{lon:.6f}, {lat:.6f}"
    hit = Hit("point", None, label, label, "核查该点", "check this point", (lon, lat, lon, lat), lon, lat)
    if not _in_jiangxi(lon, lat):
        note = msg("{said}；该点不在江西及周边", "{said}; the point is not in or near Jiangxi", said=note)
    return Found([hit], note)


def read_coordinate(query: str) -> Found | None:
    """A point, if the text reads as coordinates (None if it does not look like any)."""
    text = unicodedata.normalize("NFKC", query).strip()
    if len(_NUMBER.findall(text)) < 2:
        return None
    numbers = [float(n) for n in _NUMBER.findall(text)]
    if _GK_XY.search(text) or _GK_ZONE.search(text) or _GK_CM.search(text) or max(abs(n) for n in numbers) > 1000:
        return _gauss_kruger(text)
    return _degrees(text)


def _degrees(text: str) -> Found | None:
    parts = _split_pair(text)
    if parts is None:
        return None
    a, b = (parse_degrees(p) for p in parts)
    if a is None or b is None:
        return Found([], msg("无法把“{text}”读作经纬度", "cannot read {text!r} as longitude and latitude", text=text))
    said = msg("按 WGS 84 / CGCS2000 经纬度解读", "read as WGS 84 / CGCS2000 longitude and latitude")
    lat_first = bool(re.match(r"^\s*(北纬|[NS]|\d[^EW东西]*[NS])", text, re.IGNORECASE)) or (
        not _in_jiangxi(a, b) and _in_jiangxi(b, a))
    return _point(b, a, said) if lat_first else _point(a, b, said)


def _split_pair(text: str) -> tuple[str, str] | None:
    """Two coordinate texts: split at 东经/北纬 words or the hemisphere letters, else at a separator."""
    marked = re.split(r"(?=北纬|东经|南纬|西经)", text)
    marked = [p for p in marked if p.strip()]
    if len(marked) == 2:
        return marked[0].strip(" ,，;；"), marked[1].strip(" ,，;；")
    by_letter = re.match(r"^\s*(.+?[NSEW])\s*[,，;；]?\s*(.+[NSEW])\s*$", text, re.IGNORECASE)
    if by_letter:
        return by_letter.group(1), by_letter.group(2)
    parts = [p for p in _SPLIT.split(text) if p]
    return (parts[0], parts[1]) if len(parts) == 2 else None


@lru_cache(maxsize=8)
def _to_wgs84(epsg: int) -> Transformer:
    """Building a transformer takes ~40 ms: once per zone."""
    return Transformer.from_crs(epsg, 4326, always_xy=True)


def _gauss_kruger(text: str) -> Found:
    """X (northing) and Y (easting) in metres; the zone from a 带/zone word, a 中央子午线, or Y's prefix."""
    named = {k.lower(): float(v) for k, v in _GK_XY.findall(text)}
    rest = _GK_XY.sub(" ", _GK_ZONE.sub(" ", _GK_CM.sub(" ", text)))
    loose = [float(n) for n in _NUMBER.findall(rest)]
    x, y = named.get("x"), named.get("y")
    if x is None and y is None and len(loose) >= 2:
        # Surveyors write X (northing: 2.6-3.5 million m in Jiangxi) first; a pair written Y first is read so too.
        x, y = (loose[1], loose[0]) if NORTHING[0] <= loose[1] <= NORTHING[1] and not (
            NORTHING[0] <= loose[0] <= NORTHING[1]) else (loose[0], loose[1])
    elif (x is None) != (y is None) and loose:
        x, y = (loose[0], y) if x is None else (x, loose[0])
    if x is None or y is None:
        return Found([], msg("高斯-克吕格坐标需要 X 和 Y 两个数", "Gauss-Krüger coordinates need two numbers, X and Y"))
    zone_match, cm_match = _GK_ZONE.search(text), _GK_CM.search(text)
    prefixed = y >= 1_000_000
    try:
        if prefixed:
            epsg = gk_epsg(zone=int(y // 1_000_000), prefixed=True)
        elif zone_match:
            epsg = gk_epsg(zone=int(zone_match.group(1) or zone_match.group(2)), prefixed=False)
        elif cm_match:
            epsg = gk_epsg(central_meridian=float(cm_match.group(1)), prefixed=False)
        else:
            return Found([], msg("Y 坐标没有带号前缀：请写明带号（如“39带”）或中央子午线（如“中央子午线117”）",
                                 "the Y coordinate has no zone prefix: add the zone (e.g. 'zone 39') or the central "
                                 "meridian (e.g. 'CM 117')"))
    except SurveyTextError as exc:
        return Found([], exc.args[0] if exc.args and isinstance(exc.args[0], Msg) else msg(str(exc), str(exc)))
    lon, lat = _to_wgs84(epsg).transform(y, x)
    zone = (epsg - 4513) + 25 if prefixed else (epsg - 4534) + 25
    said = msg("按 CGCS2000 3度带高斯-克吕格第{zone}带（中央子午线{cm}°E，EPSG:{epsg}）解读，X={x:.0f}，Y={y:.0f}",
               "read as CGCS2000 3-degree Gauss-Krüger zone {zone} (central meridian {cm}°E, EPSG:{epsg}), "
               "X={x:.0f}, Y={y:.0f}", zone=zone, cm=zone * 3, epsg=epsg, x=x, y=y)
    return _point(float(lon), float(lat), said)

