"""Rebuild data/sites/{sites,clusters}.geojson (and the display clusters) from data/sources/*.csv.

A site's geometry is its location: a surveyed boundary or point from sources/locations.geojson, else
the county or prefecture polygon its record names (a range), else none; never more precise.
Same as `mapapp data build`; exits 1, writing nothing, if any table has errors.
"""

from mapapp.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["data", "build"]))
