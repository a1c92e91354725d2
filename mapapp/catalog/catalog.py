"""The thematic catalogue: sites, clusters and indicators read from data/sources/, checked, placed, linked."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from mapapp.catalog.clusters import cluster_area, clusters_frame, validate_cluster_rows
from mapapp.catalog.indicators import indicators_frame, link_ids, validate_indicator_rows
from mapapp.catalog.records import RowError
from mapapp.catalog.sites import Gazetteer, place_sites, validate_site_rows
from mapapp.layers import load_layer
from mapapp.locations import read_locations
from mapapp.paths import DATA_DIR
from mapapp.storage import geojson_dict, read_csv_records, write_geojson

SOURCES = "sources"
SITES_CSV, CLUSTERS_CSV, INDICATORS_CSV = "sites.csv", "clusters.csv", "indicators.csv"
LOCATIONS_GEOJSON = "locations.geojson"  # in sources/: the located sites' boundaries and points
SITES_GEOJSON, CLUSTERS_GEOJSON = "sites/sites.geojson", "sites/clusters.geojson"
CLUSTERS_DISPLAY = "sites/display/clusters.geojson"


@dataclass
class Catalog:
    sites: gpd.GeoDataFrame
    clusters: gpd.GeoDataFrame
    indicators: pd.DataFrame
    clusters_display: gpd.GeoDataFrame
    errors: dict[str, list[RowError]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(self.errors.values())


def build_catalog(data_dir: Path = DATA_DIR, *, site_rows: list[dict] | None = None,
                  locations: gpd.GeoDataFrame | None = None) -> Catalog:
    """Validate the source tables and derive the two layers; every problem is collected.

    `site_rows` replaces sites.csv and `locations` locations.geojson (used to check an import
    before anything is written).
    """
    src = data_dir / SOURCES
    prefectures, counties = load_layer("prefectures", data_dir=data_dir), load_layer("counties", data_dir=data_dir)
    rows = site_rows if site_rows is not None else read_csv_records(src / SITES_CSV)
    site_records, site_errors = validate_site_rows(rows)
    location_errors: list[RowError] = []
    if locations is None:
        locations, location_errors = read_locations(src / LOCATIONS_GEOJSON)
    known = {r.id for r in site_records}
    location_errors += [RowError(i + 1, "site_id", sid, "no such site") for i, sid in enumerate(locations["site_id"])
                        if sid not in known]
    sites, place_errors = place_sites(site_records, Gazetteer(prefectures, counties), locations)
    indicator_records, indicator_errors = validate_indicator_rows(read_csv_records(src / INDICATORS_CSV))
    indicators = indicators_frame(indicator_records)
    cluster_records, cluster_errors = validate_cluster_rows(
        read_csv_records(src / CLUSTERS_CSV), site_ids=set(sites["id"])
    )
    clusters, area_errors = clusters_frame(cluster_records, prefectures, counties)
    # The map's light version: the same unions made of the display (simplified) admin layers.
    light = load_layer("prefectures", display=True, data_dir=data_dir), load_layer("counties", display=True, data_dir=data_dir)
    clusters_display = clusters.set_geometry([cluster_area(r, *light) for r in cluster_records], crs=4326)
    prefecture_names = dict(zip(prefectures.adcode, prefectures.name_zh))
    sites["indicator_ids"] = [
        link_ids(indicators, industries=ind, prefectures=prefecture_names.get(code) or "", site_id=sid)
        for ind, code, sid in zip(sites["industries"], sites["prefecture_adcode"], sites["id"])
    ]
    clusters["indicator_ids"] = [
        link_ids(indicators, industries=ind, prefectures=pref)
        for ind, pref in zip(clusters["industries"], clusters["member_prefectures_zh"])
    ]
    errors = {
        SITES_CSV: site_errors + place_errors,
        CLUSTERS_CSV: cluster_errors + area_errors,
        INDICATORS_CSV: indicator_errors,
        LOCATIONS_GEOJSON: location_errors,
    }
    return Catalog(sites, clusters, indicators, clusters_display, errors)


def write_layers(catalog: Catalog, data_dir: Path = DATA_DIR) -> None:
    write_geojson(catalog.sites, data_dir / SITES_GEOJSON)
    write_geojson(catalog.clusters, data_dir / CLUSTERS_GEOJSON)
    write_geojson(catalog.clusters_display, data_dir / CLUSTERS_DISPLAY, precision=5)


def stale_layers(catalog: Catalog, data_dir: Path = DATA_DIR) -> list[str]:
    """Layer files that differ from what the source tables give (edited by hand, or not rebuilt)."""
    stale = []
    for rel, frame, digits in (
        (SITES_GEOJSON, catalog.sites, 6),
        (CLUSTERS_GEOJSON, catalog.clusters, 6),
        (CLUSTERS_DISPLAY, catalog.clusters_display, 5),
    ):
        path = data_dir / rel
        expected = json.loads(json.dumps(geojson_dict(frame, precision=digits), ensure_ascii=False))
        if not path.is_file() or json.loads(path.read_text(encoding="utf-8")) != expected:
            stale.append(rel)
    return stale


def load_indicators(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The curated targets (indicators.csv), validated; rows with errors are left out (`mapapp data
    validate` names them)."""
    records, _ = validate_indicator_rows(read_csv_records(data_dir / SOURCES / INDICATORS_CSV))
    return indicators_frame(records)
