#!/usr/bin/env bash
# Install (first run only) and start the map at http://localhost:8501. Extra args go to streamlit.
source "$(dirname "$0")/bootstrap.sh"
apt_install fonts-wqy-microhei  # the CJK font of printed maps and reports
pip_install app
exec .venv/bin/streamlit run web_app.py --server.headless true --browser.gatherUsageStats false "$@"
