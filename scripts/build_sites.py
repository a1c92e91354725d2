"""Rebuild data/sites/{sites,clusters}.geojson from the curated tables in data/sources/.

Sites are placed at the precision their source allows (county or prefecture representative point
with an uncertainty radius; no geometry when no place is known), never more precisely.

Run:  python scripts/build_sites.py     (exits 1, writing nothing, if any table has errors)
"""

from __future__ import annotations

import sys

from mapapp.catalog import build_catalog, write_layers


def main() -> int:
    catalog = build_catalog()
    for table, errors in catalog.errors.items():
        for error in errors:
            print(f"{table}: {error}", file=sys.stderr)
    if not catalog.ok:
        return 1
    write_layers(catalog)
    print(f"{len(catalog.sites)} sites, {len(catalog.clusters)} clusters, {len(catalog.indicators)} indicators")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
