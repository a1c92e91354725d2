"""Industry clusters: the plans' named clusters as areas made of their member prefectures or counties."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from pydantic import BaseModel, ConfigDict, Field, field_validator

from mapapp.catalog import vocab
from mapapp.catalog.records import RowError, check_codes, split_list, validate_rows
from mapapp.catalog.sites import UNKNOWN


class ClusterRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name_zh: str
    name_en: str
    industries: str
    member_prefectures_zh: str = UNKNOWN
    member_counties_zh: str = ""
    member_site_ids: str = ""
    sources: str = Field(min_length=3)
    notes: str = ""  # English
    notes_zh: str = ""  # the same note for the Chinese page

    @field_validator("industries")
    @classmethod
    def _industries(cls, v: str) -> str:
        return check_codes(v, vocab.INDUSTRIES, "industry")


def validate_cluster_rows(
    rows: list[dict[str, Any]], *, site_ids: set[str]
) -> tuple[list[ClusterRecord], list[RowError]]:
    def members_exist(record: ClusterRecord) -> RowError | None:
        dangling = [s for s in split_list(record.member_site_ids) if s not in site_ids]
        return RowError(0, "member_site_ids", ";".join(dangling), "no such site id") if dangling else None

    return validate_rows(ClusterRecord, rows, check=members_exist)


def cluster_area(
    record: ClusterRecord, prefectures: gpd.GeoDataFrame, counties: gpd.GeoDataFrame
) -> shapely.Geometry | None:
    """Union of the members: a listed county stands for its prefecture's share, else the whole prefecture.

    Returns None when the source names no members (the cluster is listed, not drawn).
    """
    names = split_list(record.member_prefectures_zh)
    if names in ([], [UNKNOWN]):
        return None
    listed = counties[counties.name_zh.isin(split_list(record.member_counties_zh))]
    parts = []
    for adcode in prefectures.adcode[prefectures.name_zh.isin(names)]:
        own = listed[listed.parent_adcode == adcode]
        parts.extend(own.geometry if len(own) else prefectures.geometry[prefectures.adcode == adcode])
    return shapely.union_all(parts)


def clusters_frame(
    records: list[ClusterRecord], prefectures: gpd.GeoDataFrame, counties: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, list[RowError]]:
    errors = []
    known_prefectures, known_counties = set(prefectures.name_zh), set(counties.name_zh)
    for number, record in enumerate(records, start=1):
        bad = [n for n in split_list(record.member_prefectures_zh) if n not in known_prefectures | {UNKNOWN}]
        bad += [n for n in split_list(record.member_counties_zh) if n not in known_counties]
        if bad:
            errors.append(RowError(number, "member_prefectures_zh", ";".join(bad), "not a Jiangxi prefecture or county"))
    geoms = [cluster_area(r, prefectures, counties) for r in records]
    frame = gpd.GeoDataFrame(pd.DataFrame([r.model_dump() for r in records]), geometry=geoms, crs=4326)
    return frame, errors
