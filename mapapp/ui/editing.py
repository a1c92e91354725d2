"""Editing the register in the page: a signed-in editor proposes, a reviewer saves; every field is
checked by the same rules as the table import, and a refusal is said beside its field."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
import shapely.geometry
import streamlit as st

from mapapp.catalog import vocab
from mapapp.catalog.records import RowError
from mapapp.datum import DATUMS, to_wgs84
from mapapp.feature_files import read_features
from mapapp.i18n import t
from mapapp.locations import LocationRecord
from mapapp.messages import text
from mapapp.register import changes
from mapapp.register.accounts import AccessDenied, User
from mapapp.ui import data, state
from mapapp.ui.fields import field_name
from mapapp.ui.sidebar import wkey

NEW = ""  # the site picker's "add a new site"
_SITE_KEY = "mapapp.edit_site"  # the site the form is filled for
STATUS_FIELDS = (("circular_retrofit", vocab.RETROFIT_STATUSES), ("green_park", vocab.GREEN_PARK_STATUSES))
LOCATION_CHOICES = ("keep", "point", "drawn", "file", "remove")


def site_picker(sites: gpd.GeoDataFrame, lang: str, *, allow_new: bool, key: str, label: str = "edit_pick",
                follow: bool = False) -> str:
    """The site to work on (NEW for a new one), chosen by name; typing filters the list. With `follow`
    (a picker behind no form), a site newly selected elsewhere becomes the picker's choice."""
    names = dict(zip(sites["id"], sites["name_en" if lang == "en" else "name_zh"]))
    options = ([NEW] if allow_new else []) + list(names)
    widget = wkey(key, lang)
    selected = state.selection()
    followed = f"{key}.followed"  # the selection last taken over: later picks in the list stand
    if follow and len(selected) == 1 and selected[0] in names and st.session_state.get(followed) != selected[0]:
        st.session_state[widget] = st.session_state[followed] = selected[0]
    if len(selected) == 1 and selected[0] in names and st.session_state.get(widget) != selected[0]:
        # One press opens the site selected on the map, in the table or by search. Not switched by
        # itself: a form being filled in for another site would lose what was typed.
        st.button(t("pick_selected", lang, name=names[selected[0]]), key=f"{widget}.selected",
                  on_click=st.session_state.__setitem__, args=(widget, selected[0]))
    return st.selectbox(t(label, lang), options, key=widget,
                        format_func=lambda i: t("edit_new_site", lang) if i == NEW else f"{names[i]}（{i}）")


def _stored(site_id: str) -> tuple[int | None, dict]:
    with data.register().connect() as conn:
        found = changes.current(conn, site_id) if site_id else None
    return (found[0], found[1]) if found else (None, {"record": {}, "location": None})


def _problem(error: RowError, lang: str) -> str:
    """A refused field's reason in the page's language (the checks speak English)."""
    why = error.message
    known = (("needs its as-of date", "edit_err_as_of"), ("is required when", "edit_err_status_source"),
             ("is not a date", "edit_err_date"), ("at least", "edit_err_short"), ("greater than", "edit_err_positive"),
             ("does not belong", "edit_err_county"), ("not a Jiangxi", "edit_err_place"), ("needs its source", "edit_err_source"),
             ("nothing would change", "edit_err_nothing"), ("already waiting for review", "edit_err_duplicate"),
             ("chemicals", "edit_err_chemicals"), ("pattern", "edit_err_id"),
             ("valid number", "edit_err_number"), ("Field required", "edit_err_required"), ("geometry", "edit_err_geometry"), ("within_id", "edit_err_within"))
    key = next((k for pattern, k in known if pattern in why or pattern == error.column), None)
    return t(key, lang) if key else (why if lang == "en" else t("edit_err_other", lang))


def _error_below(field: str, lang: str) -> None:
    errors = state.edit_errors()
    if field in errors:
        st.caption(f":red[{errors[field]}]")


def _key(field: str, lang: str) -> str:
    """Widget keys per site and language: a form filled for one site never carries values to another."""
    return wkey(f"edit.{st.session_state.get(_SITE_KEY, '')}.{field}", lang)


def _select(field: str, vocabulary: dict[str, tuple[str, str]], value: str, lang: str, label: str) -> str:
    options = list(vocabulary)
    chosen = st.selectbox(label, options, index=options.index(value) if value in options else 0,
                          format_func=lambda c: vocab.label(vocabulary, c, lang), key=_key(field, lang))
    _error_below(field, lang)
    return chosen


def _text(field: str, value: object, lang: str, label: str, *, area: bool = False) -> str:
    widget = st.text_area if area else st.text_input
    entered = widget(label, value="" if value is None else str(value), key=_key(field, lang))
    _error_below(field, lang)
    return entered.strip()


def _places(user: User) -> tuple[list[str], list[str]]:
    """Prefecture names this user may choose (an editor: theirs), and every county name."""
    prefectures = data.full_layer("prefectures")
    if user.role == "editor":
        prefectures = prefectures[prefectures.adcode.isin(user.prefectures)]
    return list(prefectures.name_zh), sorted(data.full_layer("counties").name_zh)


def _place_names(lang: str) -> dict[str, str]:
    """Chinese prefecture and county name -> the name shown in `lang`."""
    if lang == "zh":
        return {}
    layers = (data.full_layer("prefectures"), data.full_layer("counties"))
    return {zh: en for layer in layers for zh, en in zip(layer.name_zh, layer.name_en)}


def record_form(record: dict, user: User, lang: str) -> dict:
    """The attribute fields, filled with `record`; returns what the user entered."""
    prefecture_names, county_names = _places(user)
    out: dict = {}
    left, right = st.columns(2)
    with left:
        out["name_zh"] = _text("name_zh", record.get("name_zh"), lang, t("edit_name_zh", lang))
        out["kind"] = _select("kind", vocab.SITE_KINDS, record.get("kind", "park"), lang, t("kind", lang))
        out["level"] = _select("level", vocab.LEVELS, record.get("level", "unknown"), lang, t("level", lang))
        choices = [record.get("prefecture_zh")] if record.get("prefecture_zh") not in prefecture_names else []
        prefectures = [p for p in choices if p] + prefecture_names
        shown = _place_names(lang)  # the fields hold the Chinese names; English pages show English ones
        out["prefecture_zh"] = st.selectbox(t("prefecture", lang), prefectures, key=_key("prefecture_zh", lang),
                                            index=prefectures.index(record["prefecture_zh"])
                                            if record.get("prefecture_zh") in prefectures else 0,
                                            format_func=lambda p: shown.get(p, p))
        _error_below("prefecture_zh", lang)
        counties = ["unknown", *county_names]
        out["county_zh"] = st.selectbox(t("county", lang), counties, key=_key("county_zh", lang),
                                        index=counties.index(record["county_zh"]) if record.get("county_zh") in counties else 0,
                                        format_func=lambda c: t("unknown", lang) if c == "unknown" else shown.get(c, c))
        _error_below("county_zh", lang)
        out["town_zh"] = _text("town_zh", record.get("town_zh"), lang, t("edit_town", lang))
    with right:
        out["name_en"] = _text("name_en", record.get("name_en"), lang, t("edit_name_en", lang))
        industries = [c for c in str(record.get("industries") or "unknown").split(";") if c in vocab.INDUSTRIES]
        out["industries"] = ";".join(st.multiselect(
            t("industry", lang), list(vocab.INDUSTRIES), default=industries, key=_key("industries", lang),
            format_func=lambda c: vocab.label(vocab.INDUSTRIES, c, lang))) or "unknown"
        _error_below("industries", lang)
        out["area_ha"] = _text("area_ha", record.get("area_ha"), lang, t("edit_area", lang)) or None
        out["gbt37028_code"] = _text("gbt37028_code", record.get("gbt37028_code"), lang, "GB/T 37028")
    for field, vocabulary in STATUS_FIELDS:
        cols = st.columns([2, 1, 3])
        with cols[0]:
            out[field] = _select(field, vocabulary, record.get(field, "unknown"), lang, t("retrofit" if field ==
                                                                                            "circular_retrofit" else field, lang))
        with cols[1]:
            out[f"{field}_as_of"] = _text(f"{field}_as_of", record.get(f"{field}_as_of"), lang, t("edit_as_of", lang))
        with cols[2]:
            out[f"{field}_source"] = _text(f"{field}_source", record.get(f"{field}_source"), lang, t("edit_status_source", lang))
    out["sources"] = _text("sources", record.get("sources"), lang, t("edit_sources", lang), area=True)
    out["notes_zh"] = _text("notes_zh", record.get("notes_zh"), lang, t("edit_notes_zh", lang), area=True)
    out["notes"] = _text("notes", record.get("notes"), lang, t("edit_notes_en", lang), area=True)
    # Fields the form does not show are kept as they are.
    return {k: v for k, v in record.items() if k not in out} | out


def location_form(site_id: str, has_location: bool, lang: str, basemap: str) -> object:
    """The location part: keep it, a typed point (with its datum), the shape last drawn on the map, a
    boundary file, or back to the range. Outside the form, so that the fields follow the choice."""
    choices = [c for c in LOCATION_CHOICES if has_location or c != "remove"]
    how = st.radio(t("location", lang), choices, horizontal=True, key=_key("location", lang),
                   format_func=lambda c: t(f"edit_location_{c}", lang))
    if how == "keep":
        return changes.KEEP
    if how == "remove":
        return None
    cols = st.columns(4)
    accuracy = cols[0].number_input(t("edit_accuracy", lang), min_value=0.0, value=10.0, step=1.0,
                                    key=_key("accuracy", lang))
    source = cols[1].text_input(t("edit_location_source", lang), key=_key("location_source", lang))
    captured = cols[2].text_input(t("edit_captured", lang), key=_key("captured", lang))
    datum = cols[3].selectbox(t("datum", lang), DATUMS, key=_key("datum", lang), format_func=lambda d: t(f"datum_{d}", lang))
    if how == "point":
        lon = st.number_input(t("lon", lang), value=116.0, format="%.6f", key=_key("lon", lang))
        lat = st.number_input(t("lat", lang), value=28.0, format="%.6f", key=_key("lat", lang))
        geometry = shapely.Point(*to_wgs84(lon, lat, datum))
    elif how == "drawn":
        geometry = state.drawn_polygon(basemap)
        st.caption(t("edit_drawn_found" if geometry is not None else "edit_drawn_none", lang))
        datum = "gcj02" if basemap == "gaode" else "wgs84"  # what the shape was drawn over
    else:
        upload = st.file_uploader(t("edit_boundary_file", lang), key=_key("boundary_upload", lang),
                                  type=["geojson", "json", "gpkg", "zip", "kml", "kmz", "txt"])
        geometry = _boundary(upload, datum) if upload is not None else None
    _error_below("geometry", lang)
    return {"geometry": geometry, "accuracy_m": accuracy, "source": source.strip(), "captured": captured.strip(),
            "datum": datum, "site_id": site_id}


def _boundary(upload: object, datum: str) -> shapely.Geometry | None:
    """The union of a file's polygons in WGS 84 (the formats of `mapapp data locate`)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / upload.name  # type: ignore[attr-defined]
        path.write_bytes(upload.getvalue())  # type: ignore[attr-defined]
        try:
            features, _errors, _notes = read_features(path, datum=datum)
        except Exception:  # noqa: BLE001 - an unreadable file: said as a refused geometry
            return None
    shapes = [g for g in features.geometry if g is not None and not g.is_empty]
    return shapely.union_all(shapes) if shapes else None


def _location(site_id: str, given: object) -> object:
    if given is changes.KEEP or given is None:
        return given
    if given["geometry"] is None:  # type: ignore[index]
        raise changes.InvalidEdit([RowError(0, "geometry", "", "no geometry could be read")])
    kind = "point" if given["geometry"].geom_type == "Point" else "boundary"  # type: ignore[index]
    try:
        record = LocationRecord(site_id=site_id, kind=kind, accuracy_m=given["accuracy_m"],  # type: ignore[index]
                                source=given["source"], datum=given["datum"], captured=given["captured"],  # type: ignore[index]
                                added=pd.Timestamp.now(tz="UTC").date().isoformat())
    except Exception as exc:  # noqa: BLE001 - pydantic: the location's source or date
        raise changes.InvalidEdit([RowError(0, "geometry", "", f"location: {exc}")]) from None
    return changes.Location(record, given["geometry"])  # type: ignore[index]


@st.fragment
def editing_ui(user: User | None, lang: str, rev: int, basemap: str) -> None:
    """Pick a site (or a new one), edit it, save: a proposal for an editor, a change for a reviewer."""
    if user is None or user.role == "admin":
        st.markdown(t("edit_sign_in_first" if user is None else "edit_admin", lang))  # not an alert: nothing is wrong
        return
    flash = state.pop_flash()
    if flash:
        st.success(flash)
    sites = data.register_sites(rev)
    site_id = site_picker(sites, lang, allow_new=True, key="edit_pick")
    if st.session_state.get(_SITE_KEY) != (site_id or "new"):  # another site: the last one's refusals are gone
        state.set_edit_errors({})
        state.set_conflict(None)
    st.session_state[_SITE_KEY] = site_id or "new"
    version, stored = _stored(site_id)
    new_id = site_id
    if site_id == NEW:
        new_id = st.text_input(t("edit_new_id", lang), key=_key("new_id", lang)).strip()
        _error_below("id", lang)  # a missing or malformed id is said here
    location = location_form(new_id, stored["location"] is not None, lang, basemap)
    with st.form(key=wkey(f"edit_form_{site_id or 'new'}", lang)):
        entered = record_form(stored["record"], user, lang)
        source = st.text_input(t("edit_change_source", lang), key=_key("change_source", lang))
        _error_below("source", lang)
        comment = st.text_input(t("edit_comment", lang), key=_key("comment", lang))
        publishes = changes.publishes_directly(user, changes.editors_publish_setting())
        pressed = st.form_submit_button(t("edit_save" if publishes else "edit_propose", lang), type="primary")
    _conflict_ui(lang)
    if pressed:
        _save(user, new_id, entered, version, source, comment, location, lang)


def _save(user: User, site_id: str, record: dict, version: int | None, source: str, comment: str,
          location: object, lang: str) -> None:
    state.set_edit_errors({})
    state.set_conflict(None)
    try:
        edit = changes.Edit(site_id, record, version, source=source, location=_location(site_id, location), comment=comment)
        done = changes.submit(data.register(), user, edit, editors_publish=changes.editors_publish_setting())
    except changes.InvalidEdit as refused:
        state.set_edit_errors({(e.column or "source").split(".")[0]: _problem(e, lang) for e in refused.errors})
        st.rerun(scope="fragment")
    except changes.Conflict as overtaken:
        state.set_conflict((site_id, overtaken.yours, (overtaken.theirs or {}).get("record", {})))
        st.rerun(scope="fragment")
    except AccessDenied as refused:
        st.error(text(refused.message, lang))
        return
    state.set_flash(t("edit_saved" if done.state == "approved" else "edit_proposed", lang, n=done.id))
    st.rerun(scope="app")  # the map, the table and the review list show the new state


def _conflict_ui(lang: str) -> None:
    found = state.conflict()
    errors = state.edit_errors()
    if errors:
        st.error(t("edit_refused", lang, n=len(errors)))
    if not found:
        return
    site_id, yours, theirs = found
    st.error(t("edit_conflict", lang, id=site_id))
    fields = [f for f in yours if str(yours.get(f) or "") != str(theirs.get(f) or "")]
    st.dataframe(pd.DataFrame({t("edit_field", lang): [field_name(f, lang) for f in fields],
                               t("edit_yours", lang): [str(yours.get(f) or "") for f in fields],
                               t("edit_theirs", lang): [str(theirs.get(f) or "") for f in fields]}),
                 hide_index=True, width="stretch")
