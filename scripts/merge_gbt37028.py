"""Put every GB/T 37028-2018 economic function zone of Jiangxi into data/sources/sites.csv, once.

Reads data/sources/gbt37028_jiangxi.csv (the standard's Jiangxi entries; provenance in its header).
A zone that is already a site (the same zone under the plans' short name, e.g. 南昌经开区 for
南昌经济技术开发区, or one of the judged pairs in SAME_ZONE) gets its code on that row and nothing
else changes. Every other zone becomes a new row `zone_<code>`:
- kind and level from the standard's type (national types 1xx, provincial 2xx);
- prefecture from the code's parent where the standard gives one;
- county where the zone's name holds exactly one county-level name (after the prefecture's own
  name, which some zones carry as a prefix), recorded as `county_basis = zone_name`; its
  prefecture then follows from the county;
- industries, statuses and area `unknown` (no source gives them); English name in Hanyu Pinyin.
An existing row gains the code, the standard as a source, and its level where it had none.
Running it again changes nothing. Then run `mapapp data build`.

    python scripts/merge_gbt37028.py
"""

from __future__ import annotations

import csv
import re
import sys

from build_admin import pinyin_word  # scripts/ is on the path when a script runs

from mapapp.catalog.edits import csv_text
from mapapp.catalog.sites import SITE_FIELDS
from mapapp.layers import load_layer
from mapapp.paths import DATA_DIR
from mapapp.storage import atomic_write_all, read_csv_records

ZONES_CSV = DATA_DIR / "sources" / "gbt37028_jiangxi.csv"
SITES_CSV = DATA_DIR / "sources" / "sites.csv"
SOURCE = "GB/T 37028-2018《全国主要经济功能区分类与代码》, code {code}"
# The standard's transcription we hold has one known error (see the CSV's header).
NAME_FIXES = {"36299017": "江西信丰工业园区"}
# Zones that are an existing site under a name the plain comparison does not see, with why.
SAME_ZONE = {
    "36201006": ("nankang_etdz", "赣州南康经济开发区 is 南康经开区 with its prefecture's name in front"),
    "36299057": ("fengcheng_circular_economy_park", "丰城循环经济产业园 and 丰城循环经济园区 differ only in 产业园/园区"),
    "36299059": ("chongyi_industrial_park", "崇义产业园 and 崇义产业园区 differ only in 园/园区"),
}
# type -> (kind, level); the first digit after the province code is 1 for national, 2 for provincial.
TYPES = {
    "经济技术开发区": ("development_zone", "national"),
    "国家级新区": ("development_zone", "national"),
    "高新技术产业开发区": ("development_zone", "national"),
    "海关特殊监管区域": ("customs_zone", "national"),
    "省级经济开发区": ("development_zone", "provincial"),
    "省级高新技术产业园区": ("development_zone", "provincial"),
    "其他省级经济功能区": ("park", "provincial"),
}
TYPES_EN = [  # longest first: the zone name's tail in English
    ("经济技术开发区", "Economic and Technological Development Zone"), ("高新技术产业开发区", "High-tech Industrial Development Zone"),
    ("高新技术产业园区", "High-tech Industrial Park"), ("经济开发区", "Economic Development Zone"),
    ("综合保税区", "Comprehensive Bonded Zone"), ("出口加工区", "Export Processing Zone"),
    ("循环经济产业园", "Circular Economy Industrial Park"), ("陶瓷工业园区", "Ceramics Industrial Park"),
    ("工业园区", "Industrial Park"), ("工业区", "Industrial Zone"), ("产业园", "Industrial Park"), ("新区", "New Area"),
]
PINYIN_OVERRIDES = {"长堎": "Changleng"}  # 长 read zhang by default; place names beyond build_admin's


def short(name: str) -> str:
    """A unit's name without its 市/县/区 (贵溪市 -> 贵溪), as zone names use it."""
    return name[:-1] if len(name) > 2 and name[-1] in "市县区" else name


def plain(name: str) -> str:
    """A zone name reduced for comparison: no 江西 prefix, long type names shortened as the plans write them."""
    name = re.sub(r"^江西(省)?", "", name)
    for long, abbreviation in (("经济技术开发区", "经开区"), ("经济开发区", "经开区"), ("高新技术产业开发区", "高新区"),
                               ("高新技术产业园区", "高新区")):
        name = name.replace(long, abbreviation)
    return name


def pinyin(text: str) -> str:
    return PINYIN_OVERRIDES.get(text) or pinyin_word(text)


def english(name: str) -> str:
    stem = re.sub(r"^江西(省)?", "", name)
    for zh, en in TYPES_EN:
        if stem.endswith(zh):
            places = stem[: -len(zh)]
            return (" ".join(pinyin(p) for p in _place_words(places)) + " " + en).strip()
    return pinyin(stem)


def _place_words(text: str) -> list[str]:
    """赣州南康 -> [赣州, 南康]: split before each known place name so each is one word."""
    words, rest = [], text
    while rest:
        match = next((p for p in sorted(PLACES, key=len, reverse=True) if rest.startswith(p)), None)
        words.append(match or rest)
        rest = rest[len(match):] if match else ""
    return words


PREFECTURES = {short(r.name_zh): (r.adcode, r.name_zh) for r in load_layer("prefectures").itertuples()}
COUNTIES = {short(r.name_zh): (r.adcode, r.name_zh, r.parent_adcode) for r in load_layer("counties").itertuples()}
PLACES = set(PREFECTURES) | set(COUNTIES)
PREFECTURE_NAME = {code: name for code, name in PREFECTURES.values()}


def place(name: str, parent: str) -> tuple[str, str, str]:
    """(prefecture_zh, county_zh, county_basis) for a new zone row."""
    stem = re.sub(r"^江西(省)?", "", name)
    prefix = next((p for p in PREFECTURES if stem.startswith(p)), "")
    rest = stem[len(prefix):]
    counties = [c for c in COUNTIES if c in rest]
    prefecture = PREFECTURE_NAME.get(parent.ljust(6, "0")) if parent else None
    prefecture = prefecture or (PREFECTURES[prefix][1] if prefix else None)
    if len(counties) == 1:
        _, county, county_parent = COUNTIES[counties[0]]
        return PREFECTURE_NAME[county_parent], county, "zone_name"
    return prefecture or "unknown", "unknown", ""


def zone_rows() -> list[dict[str, str]]:
    lines = [line for line in ZONES_CSV.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    for row in rows:
        row["name"] = NAME_FIXES.get(row["code"], row["name"])
    return rows


def _add_code(site: dict, code: str, level: str) -> None:
    """The standard's code on an existing row, cited; its level too where the row had none."""
    site["gbt37028_code"] = code
    site["sources"] = ";".join([*filter(None, site["sources"].split(";")), SOURCE.format(code=code)])
    if site["level"] == "unknown":
        site["level"] = level
        site["notes"] = (site["notes"] + " " if site["notes"] else "") + "Level from GB/T 37028-2018."


def merge(sites: list[dict], zones: list[dict]) -> tuple[list[dict], list[str]]:
    """The sites table with every zone in it once, and what was done (one line per zone)."""
    by_code = {s.get("gbt37028_code"): s for s in sites if s.get("gbt37028_code")}
    by_name: dict[str, list[dict]] = {}
    for site in sites:
        by_name.setdefault(plain(site["name_zh"]), []).append(site)
    by_id = {s["id"]: s for s in sites}
    done = []
    for zone in zones:
        code, name = zone["code"], zone["name"]
        if code in by_code:
            continue
        same = by_id.get(SAME_ZONE[code][0]) if code in SAME_ZONE else None
        matches = [same] if same else by_name.get(plain(name), [])
        if len(matches) > 1:
            raise SystemExit(f"{code} {name}: several sites have this name: {[m['id'] for m in matches]}")
        kind, level = TYPES[zone["type"]]
        if matches:
            _add_code(matches[0], code, level)
            done.append(f"{code} {name}: code added to {matches[0]['id']}")
            continue
        prefecture, county, basis = place(name, zone.get("parent_adcode") or "")
        if kind == "customs_zone":  # named after its city (井冈山出口加工区 lies in 吉安's zone), not a county
            county, basis = "unknown", ""
        sites.append({field: "" for field in SITE_FIELDS} | {
            "id": f"zone_{code}", "name_zh": name, "name_en": english(name), "kind": kind, "level": level,
            "prefecture_zh": prefecture, "county_zh": county, "county_basis": basis, "industries": "unknown",
            "circular_retrofit": "unknown", "green_park": "unknown", "gbt37028_code": code,
            "sources": SOURCE.format(code=code),
            "notes": f"{zone['type']} in GB/T 37028-2018." + (" County inferred from the zone's name." if basis else "")})
        done.append(f"{code} {name}: new site zone_{code} ({prefecture}/{county})")
    return sites, done


def main() -> int:
    sites = [{k: ("" if v is None else v) for k, v in row.items()} for row in read_csv_records(SITES_CSV)]
    merged, done = merge(sites, zone_rows())
    for line in done:
        print(line)
    atomic_write_all({SITES_CSV: csv_text(merged, SITE_FIELDS)})
    print(f"{len(done)} zone(s) merged; {len(merged)} sites", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
