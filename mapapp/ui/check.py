"""Site check: the point clicked on the map, a typed point in any datum, and a whole uploaded file."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import geopandas as gpd
import streamlit as st

from mapapp._errors import MapAppError
from mapapp.batch import ScreenReport, readable, screen_file
from mapapp.cells import neutralise_frame
from mapapp.coordinates import find_coordinate_columns
from mapapp.datum import DATUMS
from mapapp.i18n import t
from mapapp.messages import markdown_safe, text
from mapapp.pointcheck import PointCheck, describe, parse_typed
from mapapp.tables import CSV_SUFFIXES, EXCEL_SUFFIXES, VECTOR_SUFFIXES, open_input
from mapapp.ui import data, state
from mapapp.ui.report import site_report_ui
from mapapp.ui.search import POINT_MARGIN
from mapapp.ui.sidebar import unit_names, wkey
from mapapp.ui.table import readable_table
from mapapp.viewstate import ViewState, corners

PAGE_MAX_ROWS = 50_000  # the page screens a file while the user waits; larger files go to `mapapp screen`
PAGE_MAX_MB = 20  # also server.maxUploadSize in .streamlit/config.toml
MAP_MAX_POINTS = 5_000  # drawn on the map; the table and the download keep every row
UPLOAD_TYPES = sorted({s.lstrip(".") for s in (*CSV_SUFFIXES, *EXCEL_SUFFIXES, *VECTOR_SUFFIXES)})


def datum_label(datum: str, lang: str) -> str:
    return t(f"datum_{datum}", lang)


def point_marker(c: PointCheck, lang: str, threshold_m: float) -> dict:
    water = data.water_names(lang).get(c.nearest_water or "", c.nearest_water or "")
    return {"lat": c.lat_wgs84, "lon": c.lon_wgs84, "verdict": c.verdict, "radius": 8,
            "tooltip": describe(c, lang, threshold_m=threshold_m, water_names=data.water_names(lang)),
            "to": c.nearest_lonlat, "to_label": f"{t('metres', lang, n=c.distance_m)} · {water}" if c.nearest_lonlat else ""}


def clicked_check(view: ViewState) -> PointCheck | None:
    """The verdict for the point last clicked on the map (stored in WGS 84)."""
    clicked = state.click()
    if clicked is None:
        return None
    f = view.filter
    return data.checked_point(clicked[0], clicked[1], "wgs84", f.scope, f.distance_m)


def clicked_point_ui(view: ViewState, c: PointCheck | None) -> None:
    lang = view.lang
    if c is None:
        st.caption(t("click_hint", lang))
        return
    st.info(_described(c, view))


def _described(c: PointCheck, view: ViewState) -> str:
    """A checked point's place, verdict and distance, in the page's words."""
    lang = view.lang
    return describe(c, lang, threshold_m=view.filter.distance_m, water_names=data.water_names(lang),
                    unit_names=_all_units(lang))


def _all_units(lang: str) -> dict[str, str]:
    return unit_names("prefectures", lang) | unit_names("counties", lang)


def typed_check_ui(view: ViewState) -> None:
    """Coordinates typed in: a valid point becomes the page's checked point (drawn on the map, shown
    beside it, the subject of the report) and its verdict stays here until another point is checked."""
    lang, f = view.lang, view.filter
    typed = state.typed_point() or {"lon": "117.21", "lat": "28.29", "datum": DATUMS[0]}
    with st.form(wkey("point_check", lang), enter_to_submit=True):
        cols = st.columns(3)
        lon = cols[0].text_input(t("lon", lang), value=typed["lon"], key=wkey("check_lon", lang), help=t("coordinate_help", lang))
        lat = cols[1].text_input(t("lat", lang), value=typed["lat"], key=wkey("check_lat", lang), help=t("coordinate_help", lang))
        datum = cols[2].selectbox(t("datum", lang), DATUMS, index=DATUMS.index(typed["datum"]),
                                  format_func=lambda d: datum_label(d, lang), key=wkey("check_datum", lang))
        submitted = st.form_submit_button(t("check_button", lang))
    if submitted:
        x, y, error = parse_typed(lon, lat)
        if error:
            st.error(f"{t('checked', lang, point=f'{lon} / {lat}')} {text(error, lang)}")
            return
        c = data.checked_point(x, y, datum, f.scope, f.distance_m)
        state.check_point(c.lon_wgs84, c.lat_wgs84, typed={"lon": lon, "lat": lat, "datum": datum})
        if c.verdict != "invalid":  # a point that cannot be checked (outside Jiangxi) does not move the map
            state.move_to(corners([c.lon_wgs84, c.lat_wgs84, c.lon_wgs84, c.lat_wgs84], POINT_MARGIN))
        st.rerun(scope="app")  # the map and the panel beside it show the point
    if state.typed_point() is None:
        return
    c = clicked_check(view)
    if c is not None:
        alert = {"outside": st.success, "invalid": st.error}.get(c.verdict, st.warning)  # within, uncertain: take note
        alert(_described(c, view))


def _stash(upload: object, folder: Path) -> Path:
    """The upload as a file with its own suffix (readers go by it) but never its own path."""
    suffix = Path(getattr(upload, "name", "")).suffix.lower()
    path = folder / f"upload{suffix}"
    path.write_bytes(upload.getvalue())  # type: ignore[attr-defined]
    return path


def upload_ui(view: ViewState) -> None:
    lang, f = view.lang, view.filter
    # One key in both languages (the key alone is the uploader's identity): switching language keeps
    # the file, its settings and its result.
    upload = st.file_uploader(t("upload", lang, rows=PAGE_MAX_ROWS, mb=PAGE_MAX_MB), type=UPLOAD_TYPES, key="upload")
    if upload is None:
        if state.clear_upload():
            st.rerun()
        return
    if upload.size > PAGE_MAX_MB * 1024 * 1024:
        st.error(t("upload_too_big", lang, mb=PAGE_MAX_MB))
        return
    with tempfile.TemporaryDirectory(prefix="mapapp-upload-") as folder:
        path = _stash(upload, Path(folder))
        try:
            settings = _settings_ui(path, lang)
        except MapAppError as exc:
            st.error(f"{upload.name}：{text(exc, lang)}" if lang == "zh" else f"{upload.name}: {text(exc, lang)}")
            return
        if settings is None:
            return
        run_key = hashlib.sha256(upload.getvalue()).hexdigest() + repr((settings, f.scope, f.distance_m))
        if st.button(t("check_file_button", lang), key=wkey("check_file", lang), type="primary"):
            _screen_upload(path, upload.name, settings, view, run_key)
    _show_result(lang, run_key)


def _settings_ui(path: Path, lang: str) -> dict | None:
    """Columns and datum: guessed from the file, shown so the user can correct them."""
    source = open_input(path, coordinates=False)
    cols = st.columns(3)
    settings: dict = {}
    if source.kind == "vector":
        cols[0].caption(t("vector_geometry", lang, crs=source.crs or "?"))
    else:
        try:
            guess: tuple[str | None, str | None] = find_coordinate_columns(source.columns)
        except MapAppError:
            guess = (None, None)
        for i, (name, label) in enumerate((("lon_col", "lon_column"), ("lat_col", "lat_column"))):
            options = list(dict.fromkeys(source.columns))
            settings[name] = cols[i].selectbox(t(label, lang), options, index=options.index(guess[i]) if guess[i] in options else None,
                                               placeholder=t("choose", lang), key=f"upload_{name}")  # a column name in any language
        if not settings["lon_col"] or not settings["lat_col"]:
            st.warning(t("no_coordinate_columns", lang))
            return None
        if settings["lon_col"] == settings["lat_col"]:
            st.error(t("same_column", lang))
            return None
    settings["datum"] = state.remember_upload_datum(
        cols[2].selectbox(t("datum", lang), DATUMS, index=DATUMS.index(state.upload_datum()),
                          format_func=lambda d: datum_label(d, lang), key=wkey("upload_datum", lang)))
    for warning in getattr(source, "warnings", []) or []:
        st.warning(text(warning, lang))
    return settings


def _screen_upload(path: Path, name: str, settings: dict, view: ViewState, run_key: str) -> None:
    lang, f = view.lang, view.filter
    bar = st.progress(0.0, text=t("screening", lang))

    def progress(rows: int, total: int | None) -> None:
        bar.progress(min(rows / total, 1.0) if total else 0.5, text=t("screened_rows", lang, rows=rows))

    try:
        frame, report = screen_file(path, scope=f.scope, distance_m=f.distance_m, max_rows=PAGE_MAX_ROWS,
                                    progress=progress, input_name=name, **settings)
    except MapAppError as exc:
        bar.empty()
        st.error(f"{name}：{text(exc, lang)}" if lang == "zh" else f"{name}: {text(exc, lang)}")
        return
    bar.empty()
    assert frame is not None
    state.set_upload(_points(frame, lang), result=(run_key, frame, report))
    st.rerun()  # the map draws the points


def _points(frame: gpd.GeoDataFrame, lang: str) -> list[dict]:
    """The screened rows as map points (a polygon at its inner point), at most MAP_MAX_POINTS."""
    located = frame[frame.geometry.notna() & ~frame.geometry.is_empty].head(MAP_MAX_POINTS)
    anchors = located.geometry.representative_point()
    return [{"lat": p.y, "lon": p.x, "verdict": v,
             "tooltip": t("upload_point", lang, row=i + 1, verdict=t(f"verdict_{v}", lang),
                          distance="" if d != d else f"{d:,.0f}")}
            for i, p, v, d in zip(located.index, anchors, located["verdict"], located["distance_m"])]


def _show_result(lang: str, run_key: str) -> None:
    result = state.upload_result()
    if result is None:
        return
    key, frame, report = result
    if key != run_key:
        st.caption(t("settings_changed", lang))
    report_ui(report, lang)
    table = readable(frame, lang, water_names=data.water_names(lang))
    if len(frame) > MAP_MAX_POINTS:
        st.caption(t("map_points_capped", lang, n=MAP_MAX_POINTS))
    readable_table(table, [t(c, lang) for c in ("distance", "max_distance", "overlap_ha", "overlap_share")])
    payload = "\ufeff" + neutralise_frame(table).to_csv(index=False)
    st.download_button(t("download_result", lang), payload.encode("utf-8"), file_name=f"{Path(report.input_name).stem}_核查结果.csv"
                       if lang == "zh" else f"{Path(report.input_name).stem}_screened.csv", mime="text/csv",
                       key=wkey("download_check", lang))


def report_ui(report: ScreenReport, lang: str) -> None:
    st.markdown("\n".join(f"- {markdown_safe(line)}" for line in report.readable_lines(lang)))


def check_ui(view: ViewState, rev: int) -> None:
    typed_check_ui(view)
    upload_ui(view)
    st.divider()
    site_report_ui(view, rev)
