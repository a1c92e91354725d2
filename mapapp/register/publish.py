"""The register written out as files: the approved sites in the schema of data/sources/ (so the
curated files in the repository can be refreshed from the register and reviewed in git), the built
layers, and the whole history (pending proposals included, with their state)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine

from mapapp.catalog.catalog import CLUSTERS_GEOJSON, LOCATIONS_GEOJSON, SITES_CSV, SITES_GEOJSON
from mapapp.catalog.edits import csv_text
from mapapp.catalog.sites import SITE_FIELDS
from mapapp.register.changes import all_changes
from mapapp.register.store import located_sites, register_catalog, site_rows
from mapapp.storage import atomic_write_all, geojson_dict

HISTORY_CSV = "history.csv"
HISTORY_FIELDS = ("id", "site_id", "action", "state", "author", "created_at", "base_version", "changed_fields",
                  "source", "comment", "reviewer", "reviewed_at", "review_comment", "old", "new")


def publish(engine: Engine, out: Path) -> list[Path]:
    """Write sites.csv, locations.geojson, sites.geojson, clusters.geojson and history.csv into `out`
    (all or none: each file replaced atomically, after every file is made in memory)."""
    catalog = register_catalog(engine)
    history = [{
        "id": c.id, "site_id": c.site_id, "action": c.action, "state": c.state, "author": c.author,
        "created_at": c.created_at.isoformat(timespec="seconds"), "base_version": c.base_version,
        "changed_fields": ";".join(c.changed_fields()), "source": c.source, "comment": c.comment,
        "reviewer": c.reviewer, "reviewed_at": c.reviewed_at.isoformat(timespec="seconds") if c.reviewed_at else "",
        "review_comment": c.review_comment, "old": json.dumps(c.old, ensure_ascii=False) if c.old else "",
        "new": json.dumps(c.new, ensure_ascii=False),
    } for c in all_changes(engine)]
    files = {
        out / SITES_CSV: csv_text(site_rows(engine), SITE_FIELDS),
        out / LOCATIONS_GEOJSON: _geojson(geojson_dict(located_sites(engine))),
        out / Path(SITES_GEOJSON).name: _geojson(geojson_dict(catalog.sites, precision=6)),
        out / Path(CLUSTERS_GEOJSON).name: _geojson(geojson_dict(catalog.clusters, precision=6)),
        out / HISTORY_CSV: csv_text(history, HISTORY_FIELDS),
    }
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_all(files)
    return sorted(files)


def _geojson(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
