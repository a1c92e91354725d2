#!/usr/bin/env bash
# Install (first run only) and run the whole test suite. Extra args go to pytest.
source "$(dirname "$0")/bootstrap.sh"
pip_install test
exec .venv/bin/python -m pytest "$@"
