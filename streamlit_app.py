"""Streamlit entry point: `streamlit run streamlit_app.py`."""

from mapapp.ui.app import main

main()
