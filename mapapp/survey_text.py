"""Land-survey coordinate text (界址点坐标): parcels in CGCS2000 3-degree Gauss-Krüger, to WGS 84.

Two shapes are read. The ministry's exchange format (建设用地报批 坐标文件) has an [属性描述] block
(坐标系, 带号, ...) and, under [地块坐标], a header line per parcel ("界址点数,面积,编号,名称,面,...,@")
followed by "点号,圈号,X,Y" lines. A plain table has a header naming 点号, X, Y and optionally 圈号
and 地块号. In both, X is the northing and Y the easting, with or without the zone prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from mapapp.messages import msg

ZONES = range(25, 46)  # CGCS2000 3-degree zones: EPSG:4513-4533 with the prefix, 4534-4554 without


class SurveyTextError(ValueError):
    """A problem with the file, naming the line; args[0] is a bilingual Msg."""


@dataclass(frozen=True)
class Parcel:
    name: str
    geometry: BaseGeometry  # WGS 84; possibly invalid (the caller repairs or refuses it)
    stated_area_ha: float | None
    epsg: int
    points: int


def gk_epsg(*, zone: int | None = None, central_meridian: float | None = None, prefixed: bool) -> int:
    """The CGCS2000 3-degree Gauss-Krüger EPSG code for a zone (or its central meridian)."""
    if zone is None and central_meridian is not None:
        if central_meridian % 3 != 0:
            raise SurveyTextError(msg("中央子午线 {cm:g}° 不是 3 度带的中央子午线", "{cm:g}° is not a 3-degree central meridian",
                                      cm=central_meridian))
        zone = int(central_meridian // 3)
    if zone is None or zone not in ZONES:
        raise SurveyTextError(msg("3 度带号应在 25–45 之间，现为 {z}", "a 3-degree zone must be 25-45, got {z}", z=zone))
    return (4513 if prefixed else 4534) + zone - 25


def _fail(line: int, zh: str, en: str, **values: object) -> SurveyTextError:
    return SurveyTextError(msg("第 {line} 行：" + zh, "line {line}: " + en, line=line, **values))


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


@dataclass
class _Ring:
    number: str
    points: list[tuple[float, float]]  # (easting, northing)


@dataclass
class _Parcel:
    name: str
    area_ha: float | None
    rings: dict[str, _Ring]
    line: int


def read_survey_text(data: bytes | str, *, zone: int | None = None,
                     central_meridian: float | None = None) -> list[Parcel]:
    """The parcels of a coordinate file, in WGS 84 (raise SurveyTextError naming the line)."""
    lines = _decode(data).splitlines()
    attrs = _attributes(lines)
    datum = attrs.get("坐标系", "")
    if datum and "2000" not in datum:
        raise SurveyTextError(msg("坐标系为“{d}”：只支持 2000 国家大地坐标系（CGCS2000），请先转换",
                                  "the file's datum is '{d}': only CGCS2000 is supported; convert it first", d=datum))
    parcels = _ministry_parcels(lines) if any(line.strip() == "[地块坐标]" for line in lines) else _table_parcels(lines)
    if not parcels:
        raise SurveyTextError(msg("没有找到界址点：应为部标准格式（[地块坐标]）或含 点号、X、Y 列的表",
                                  "no boundary points found: expected the ministry format ([地块坐标]) or a table "
                                  "with 点号, X and Y columns"))
    file_zone = _file_zone(attrs.get("带号", ""))
    return [_to_wgs84(p, zone=zone, central_meridian=central_meridian, file_zone=file_zone) for p in parcels]


def _attributes(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        if line.strip() == "[地块坐标]":
            break
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def _file_zone(text: str) -> int | None:
    """带号 holds a zone (39) or, in some files, a central meridian (117)."""
    try:
        value = int(float(text))
    except ValueError:
        return None
    return value if value in ZONES else value // 3 if value % 3 == 0 and value // 3 in ZONES else None


def _number(text: str, line: int, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _fail(line, "{what} {v!r} 不是数字", "{what} {v!r} is not a number", what=what, v=text) from None


def _ministry_parcels(lines: list[str]) -> list[_Parcel]:
    parcels: list[_Parcel] = []
    inside = False
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line == "[地块坐标]":
            inside = True
            continue
        if not inside or not line:
            continue
        fields = [f.strip() for f in re.split(r"[,，]", line)]
        if fields[-1] == "@":  # a parcel's header
            area = float(fields[1]) if len(fields) > 1 and re.fullmatch(r"[\d.]+", fields[1]) else None
            name = next((f for f in (fields[3] if len(fields) > 3 else "", fields[2] if len(fields) > 2 else "") if f),
                        str(len(parcels) + 1))
            parcels.append(_Parcel(name, area, {}, number))
            continue
        if not parcels:
            raise _fail(number, "界址点出现在任何地块标题行之前", "a boundary point before any parcel header")
        if len(fields) < 4:
            raise _fail(number, "应为 点号,圈号,X,Y", "expected point,ring,X,Y")
        _add_point(parcels[-1], fields[1], fields[2], fields[3], number)
    return parcels


_COLUMNS = {"point": ("点号", "界址点号", "点名", "id"), "x": ("x", "x坐标", "纵坐标", "北坐标"),
            "y": ("y", "y坐标", "横坐标", "东坐标"), "ring": ("圈号", "ring"), "parcel": ("地块号", "地块编号", "地块名称")}


def _table_parcels(lines: list[str]) -> list[_Parcel]:
    header_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        return []
    header = [f.strip().lower() for f in _split(lines[header_at])]
    where = {key: next((header.index(n) for n in names if n in header), None) for key, names in _COLUMNS.items()}
    if where["x"] is None or where["y"] is None:
        return []
    parcels: dict[str, _Parcel] = {}
    for number, raw in enumerate(lines[header_at + 1:], start=header_at + 2):
        if not raw.strip():
            continue
        fields = _split(raw)
        if len(fields) < len(header):
            raise _fail(number, "列数少于表头", "fewer fields than the header")
        name = fields[where["parcel"]] if where["parcel"] is not None else "1"
        parcel = parcels.setdefault(name, _Parcel(name, None, {}, number))
        ring = fields[where["ring"]] if where["ring"] is not None else "1"
        _add_point(parcel, ring, fields[where["x"]], fields[where["y"]], number)
    return list(parcels.values())


def _split(line: str) -> list[str]:
    parts = re.split(r"[,，\t]", line.strip()) if re.search(r"[,，\t]", line) else line.split()
    return [p.strip() for p in parts]


def _add_point(parcel: _Parcel, ring: str, x: str, y: str, line: int) -> None:
    if not re.fullmatch(r"\d+", ring):
        raise _fail(line, "圈号 {v!r} 不是整数", "ring number {v!r} is not an integer", v=ring)
    north, east = _number(x, line, "X"), _number(y, line, "Y")
    parcel.rings.setdefault(ring, _Ring(ring, [])).points.append((east, north))


def _prefix(east: float) -> int | None:
    """The zone written before an easting (39412345.6 -> 39), if any."""
    return int(east // 1_000_000) if east >= 10_000_000 else None


def _to_wgs84(parcel: _Parcel, *, zone: int | None, central_meridian: float | None, file_zone: int | None) -> Parcel:
    eastings = [e for ring in parcel.rings.values() for e, _ in ring.points]
    prefixes = {_prefix(e) for e in eastings}
    if len(prefixes) > 1:
        raise _fail(parcel.line, "地块 {n} 的横坐标有的带带号、有的不带", "parcel {n} mixes eastings with and without the "
                    "zone prefix", n=parcel.name)
    prefix = prefixes.pop()
    if prefix is not None and prefix not in ZONES:
        raise _fail(parcel.line, "横坐标的带号 {z} 不在 25–45 之间", "the eastings' zone prefix {z} is not 25-45", z=prefix)
    asked = zone if zone is not None else (int(central_meridian // 3) if central_meridian is not None else None)
    if prefix is not None and asked is not None and asked != prefix:
        raise _fail(parcel.line, "横坐标带号为 {p}，但指定了 {a} 带", "the eastings say zone {p} but zone {a} was given",
                    p=prefix, a=asked)
    chosen = prefix or asked or file_zone
    if chosen is None:
        raise SurveyTextError(msg("文件未注明带号，横坐标也不带带号：请指定带号（如 39）或中央子午线（如 117）",
                                  "the file does not say its zone and the eastings carry no prefix: give the zone "
                                  "(e.g. 39) or the central meridian (e.g. 117)"))
    epsg = gk_epsg(zone=chosen, prefixed=prefix is not None)
    to_wgs = Transformer.from_crs(epsg, 4326, always_xy=True)
    rings = []
    for ring in sorted(parcel.rings.values(), key=lambda r: int(r.number)):
        points = list(dict.fromkeys(ring.points))  # repeated closing points (and duplicates) once
        if len(points) < 3:
            raise _fail(parcel.line, "地块 {n} 第 {r} 圈少于 3 个不同的点", "parcel {n}, ring {r} has fewer than 3 distinct "
                        "points", n=parcel.name, r=ring.number)
        lon, lat = to_wgs.transform([p[0] for p in points], [p[1] for p in points])
        rings.append(shapely.LinearRing(list(zip(lon, lat))))
    return Parcel(parcel.name, _assemble(rings), parcel.area_ha, epsg, sum(len(r.points) for r in parcel.rings.values()))


def _assemble(rings: list[shapely.LinearRing]) -> BaseGeometry:
    """Ring 1 is the outer ring; a later ring inside an outer ring is its hole, else another plot."""
    shells: list[tuple[shapely.LinearRing, list[shapely.LinearRing]]] = []
    for ring in rings:
        host = next((s for s in shells if shapely.Polygon(s[0]).contains(shapely.Polygon(ring))), None)
        if host is not None:
            host[1].append(ring)
        else:
            shells.append((ring, []))
    polygons = [shapely.Polygon(shell, holes) for shell, holes in shells]
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)

