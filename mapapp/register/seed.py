"""Filling a new register from data/sources/ (the curated tables), once, on first start."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from mapapp._errors import DataFileError
from mapapp.catalog.catalog import LOCATIONS_GEOJSON, SITES_CSV, SOURCES
from mapapp.catalog.sites import validate_site_rows
from mapapp.locations import read_locations
from mapapp.messages import msg
from mapapp.paths import DATA_DIR
from mapapp.register import schema
from mapapp.register.changes import _insert_change, _write_site, location_data, lock_register
from mapapp.storage import read_csv_records

SEED_AUTHOR = "data/sources"


def seed(engine: Engine, data_dir: Path = DATA_DIR) -> int:
    """Load sites.csv and locations.geojson into an empty register (each site with a `seed` history
    row); returns the number of sites loaded, 0 when the register already holds sites."""
    src = data_dir / SOURCES
    records, errors = validate_site_rows(read_csv_records(src / SITES_CSV))
    located, location_errors = read_locations(src / LOCATIONS_GEOJSON)
    if errors or location_errors:
        problem = (errors + location_errors)[0]
        raise DataFileError(msg("data/sources 有误（{p}）：未装入登记库；请运行 mapapp data validate",
                                "data/sources is not valid ({p}); nothing was loaded into the register: run "
                                "`mapapp data validate`", p=problem))
    places = {row["site_id"]: (row, geom) for row, geom in zip(located.to_dict("records"), located.geometry)}
    with engine.begin() as conn:
        lock_register(conn)
        if conn.execute(select(func.count()).select_from(schema.sites)).scalar_one():
            return 0
        for record in records:
            data = record.model_dump()
            site_id = data.pop("id")
            location = None
            if site_id in places:
                row, geom = places[site_id]
                location = location_data(row, geom)
            snapshot = {"record": data, "location": location}
            _write_site(conn, site_id, snapshot, None, SEED_AUTHOR)
            _insert_change(conn, site_id=site_id, action="seed", state="approved", author=SEED_AUTHOR, base_version=None,
                           old=None, new=snapshot, source=f"{SOURCES}/{SITES_CSV}", reviewer=SEED_AUTHOR)
    return len(records)
