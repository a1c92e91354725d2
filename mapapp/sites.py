"""Sites (parks, bases, chemical parks, plants): the record schema, row-by-row validation, placement."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mapapp import vocab
from mapapp.geo import JIANGXI_LCC
from mapapp.records import RowError, check_code, check_codes, validate_rows

UNKNOWN = "unknown"
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _is_date(text: str) -> bool:
    """'2017', '2017-06' or '2017-06-30', and a real one (not '2024-13-45')."""
    if not _DATE.match(text):
        return False
    year, month, day = (text.split("-") + ["01", "01"])[:3]
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


class SiteRecord(BaseModel):
    """One site's attributes, as curated in data/sources/sites.csv and edited by imports."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name_zh: str = Field(min_length=2)
    name_en: str = Field(min_length=2)
    kind: str
    level: str = UNKNOWN
    prefecture_zh: str
    county_zh: str
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
    notes: str = ""

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return check_code(v, vocab.SITE_KINDS, "site kind")

    @field_validator("level")
    @classmethod
    def _level(cls, v: str) -> str:
        return check_code(v, vocab.LEVELS, "level")

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
        if v and not _is_date(v):
            raise ValueError(f"{v!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        return v

    @model_validator(mode="after")
    def _statuses_cite_sources(self) -> SiteRecord:
        # A status other than "unknown" is a claim: it must say where it comes from.
        if self.circular_retrofit != UNKNOWN and not self.circular_retrofit_source:
            raise ValueError("circular_retrofit_source is required when circular_retrofit is not 'unknown'")
        if self.green_park != UNKNOWN and not self.green_park_source:
            raise ValueError("green_park_source is required when green_park is not 'unknown'")
        return self


SITE_FIELDS = tuple(SiteRecord.model_fields)


def validate_site_rows(rows: list[dict[str, Any]]) -> tuple[list[SiteRecord], list[RowError]]:
    """Validate every row; return the good records and every problem found (all of them, not the first)."""
    return validate_rows(SiteRecord, rows)


def area_anchor(area: shapely.Geometry) -> tuple[shapely.Point, float]:
    """A point inside an area and the radius (m) of the circle around it that covers the area.

    Used for sites known only to county or prefecture level: the point is a representative, not a
    location, and the radius is the honest uncertainty that screening and the map must carry.
    """
    point = shapely.point_on_surface(area)
    metric = gpd.GeoSeries([area, point], crs=4326).to_crs(JIANGXI_LCC)
    radius = shapely.hausdorff_distance(metric.iloc[1], metric.iloc[0])
    return point, float(np.ceil(radius / 100.0) * 100.0)


# county_zh values that are not a county: the site is placed at prefecture precision.
NOT_A_COUNTY = {UNKNOWN, "prefecture_wide"}


@dataclass(frozen=True)
class Placement:
    precision: str  # a key of vocab.PRECISIONS
    prefecture_adcode: str | None
    county_adcode: str | None
    point: shapely.Point | None
    uncertainty_m: float | None


class Gazetteer:
    """Places sites from the names of their prefecture and county, at the precision those allow."""

    def __init__(self, prefectures: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> None:
        self._prefectures = prefectures.set_index("name_zh")
        self._counties = counties.set_index("name_zh")
        self._anchors: dict[str, tuple[shapely.Point, float]] = {}

    def _anchor(self, name: str, geom: shapely.Geometry) -> tuple[shapely.Point, float]:
        if name not in self._anchors:
            self._anchors[name] = area_anchor(geom)
        return self._anchors[name]

    def place(self, record: SiteRecord) -> Placement:
        """Raise ValueError (with the offending column in the message) if the names do not resolve."""
        if record.prefecture_zh == UNKNOWN:
            if record.county_zh not in NOT_A_COUNTY:
                raise ValueError(f"county_zh: {record.county_zh!r} given but prefecture_zh is unknown")
            return Placement("none", None, None, None, None)
        if record.prefecture_zh not in self._prefectures.index:
            raise ValueError(f"prefecture_zh: {record.prefecture_zh!r} is not a Jiangxi prefecture-level city")
        prefecture = self._prefectures.loc[record.prefecture_zh]
        if record.county_zh in NOT_A_COUNTY:
            point, radius = self._anchor(record.prefecture_zh, prefecture.geometry)
            return Placement("prefecture", prefecture.adcode, None, point, radius)
        if record.county_zh not in self._counties.index:
            raise ValueError(f"county_zh: {record.county_zh!r} is not a Jiangxi county-level unit")
        county = self._counties.loc[record.county_zh]
        if county.parent_adcode != prefecture.adcode:
            raise ValueError(f"county_zh: {record.county_zh} does not belong to {record.prefecture_zh}")
        point, radius = self._anchor(record.county_zh, county.geometry)
        return Placement("county", prefecture.adcode, county.adcode, point, radius)


def place_sites(records: list[SiteRecord], gazetteer: Gazetteer) -> tuple[gpd.GeoDataFrame, list[RowError]]:
    """The sites layer: one feature per record, geometry None where no location is known."""
    rows, geoms, errors = [], [], []
    for number, record in enumerate(records, start=1):
        try:
            placed = gazetteer.place(record)
        except ValueError as exc:
            column, _, message = str(exc).partition(": ")
            errors.append(RowError(number, column, getattr(record, column, ""), message))
            continue
        rows.append(
            record.model_dump()
            | {
                "prefecture_adcode": placed.prefecture_adcode,
                "county_adcode": placed.county_adcode,
                "location_precision": placed.precision,
                "uncertainty_m": placed.uncertainty_m,
            }
        )
        geoms.append(placed.point)
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=4326), errors
