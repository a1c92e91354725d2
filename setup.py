"""The one compiled part of mapapp: the nearest-shoreline walk (mapapp/_nearest.c).

Optional: where no C compiler is installed, mapapp installs without it and screens with its numpy
path (same results, slower); scripts/bootstrap.sh installs gcc so the app and the tests have it.
"""

from setuptools import Extension, setup

# -ffp-contract=off: no fused multiply-adds, so the walk rounds exactly as numpy's separate operations do.
setup(ext_modules=[Extension("mapapp._nearest", ["mapapp/_nearest.c"], extra_compile_args=["-O2", "-ffp-contract=off"],
                             optional=True)])
