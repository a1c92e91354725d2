"""Rebuild data/sites/{sites,clusters}.geojson (and the display clusters) from data/sources/*.csv.

Sites are placed at the precision their source allows (county or prefecture representative point
with an uncertainty radius; no geometry when no place is known), never more precisely.
Same as `mapapp data build`; exits 1, writing nothing, if any table has errors.
"""

from mapapp.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["data", "build"]))
