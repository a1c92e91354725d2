"""The server: `streamlit run web_app.py` serves the page (streamlit_app.py) with Streamlit's own
front-end files sent gzipped (mapapp/frontend_files.py), as nginx does in the deployment."""

import streamlit as st
from starlette.middleware import Middleware

from mapapp.frontend_files import CompressedFrontEnd

app = st.App("streamlit_app.py", middleware=[Middleware(CompressedFrontEnd, base_path=st.get_option("server.baseUrlPath"))])
