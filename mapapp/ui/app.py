"""Placeholder page: lists the layers until the map page lands (issue 5)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mapapp.layers import load_specs


def main() -> None:
    st.set_page_config(page_title="江西工业绿色发展地图", layout="wide")
    st.title("江西工业绿色发展地图 · Jiangxi Green Industry Map")
    st.info("地图页面开发中。以下为已入库的图层。 / The map page is under construction; these layers are available.")
    rows = [
        {"id": s.id, "图层 / layer": f"{s.title_zh} / {s.title_en}", "几何 / geometry": s.geometry, "来源 / source": s.source}
        for s in load_specs().values()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True)
