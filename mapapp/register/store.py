"""Reading the approved register as the rest of mapapp uses it: the sites table's rows and the
located sites' frame, from which `mapapp.catalog.catalog.build_catalog` derives the layers."""

from __future__ import annotations

import geopandas as gpd
from sqlalchemy import Engine, func, select

from mapapp.catalog.catalog import Catalog, build_catalog
from mapapp.catalog.sites import SITE_FIELDS
from mapapp.layers import load_layer
from mapapp.locations import LOCATION_FIELDS, empty_locations
from mapapp.register import schema
from mapapp.register.database import connect


def open_register(url: str | None = None) -> Engine:
    """The deployment's register, migrated, and seeded from data/sources/ if it is new."""
    from mapapp.register.seed import seed  # seed writes through changes, which reads through here

    engine = connect(url)
    seed(engine)
    return engine


def register_catalog(engine: Engine) -> Catalog:
    """The catalogue (sites placed, targets linked, clusters) from the approved register."""
    return build_catalog(site_rows=site_rows(engine), locations=located_sites(engine))


def site_rows(engine: Engine) -> list[dict]:
    """The approved sites as rows of sites.csv (a blank area as None), in the order they entered the
    register (the curated order of sites.csv, then the sites added since)."""
    first = (select(schema.changes.c.site_id, func.min(schema.changes.c.id).label("first"))
             .group_by(schema.changes.c.site_id).subquery())
    with engine.connect() as conn:
        rows = conn.execute(select(schema.sites).join(first, first.c.site_id == schema.sites.c.id)
                            .order_by(first.c.first)).mappings().all()
    return [{f: row[f] for f in SITE_FIELDS} for row in rows]


def located_sites(engine: Engine) -> gpd.GeoDataFrame:
    """The boundaries and points, as data/sources/locations.geojson holds them (WGS 84)."""
    with engine.connect() as conn:
        rows = conn.execute(select(schema.locations).order_by(schema.locations.c.site_id)).mappings().all()
    if not rows:
        return empty_locations()
    return gpd.GeoDataFrame({f: [r[f] for r in rows] for f in LOCATION_FIELDS},
                            geometry=[r["geom"] for r in rows], crs=4326)


REGISTER_LAYERS = ("sites", "clusters")


def current_layers(engine: Engine, layer_ids: list[str]) -> dict[str, gpd.GeoDataFrame]:
    """The layers as of now, in the order asked: sites and clusters from the approved register (what
    the page shows), every other layer from its full-resolution file."""
    catalog = register_catalog(engine) if set(layer_ids) & set(REGISTER_LAYERS) else None
    return {layer_id: getattr(catalog, layer_id) if layer_id in REGISTER_LAYERS else load_layer(layer_id)
            for layer_id in layer_ids}
