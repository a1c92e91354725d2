"""What one user's session remembers between reruns: the last click, drawings, the view, an upload.

All of the page's own `st.session_state` keys live here, behind small named functions.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from mapapp.datum import geometry_to_wgs84, to_wgs84
from mapapp.viewstate import ViewState, view_param

_CLICK = "mapapp.click"  # {"lon", "lat"} in WGS 84, and the raw click it came from
_DRAWINGS = "mapapp.drawings"
_REGION = "mapapp.region"
_MAP = "mapapp.map"  # the key of the map drawn last
_VIEW = "mapapp.view"
_OPENED = "mapapp.opened"  # per map key: the view the map opened with
_UPLOAD = "mapapp.upload"  # {"points": [...], "result": (settings key, frame, report)}
_UPLOAD_DATUM = "mapapp.upload_datum"  # carried over when the language (and so the datum widget) changes
_LINK_WARNINGS = "mapapp.link_warnings"
OPEN_TAB = "mapapp.open_tab"  # the tab's name, carried over when the language (and so the labels) changes
_TAB_DEFAULT = "mapapp.tab_default"  # (language, tab name); see tab_default
PARTS = "mapapp.parts"  # "waiting" (for the map), "due" or "complete"; see full_run_starts


def full_run_starts() -> None:
    """At the top of every full run. The session's first leaves the page's secondary parts (the tabs,
    the site table) waiting for the map: rendering their widgets with it made the browser mount and
    draw the map about half a second later on a cold open. Any later full run brings them: the one
    the map's report "drawn" starts (map_drawn), or one the user starts sooner."""
    st.session_state[PARTS] = "complete" if PARTS in st.session_state else "waiting"


def waiting_for_map() -> bool:
    return st.session_state.get(PARTS) == "waiting"


def map_drawn() -> bool:
    """The map says its layers are drawn: whether parts still wait (the caller then reruns the page)."""
    if not waiting_for_map():
        return False
    st.session_state[PARTS] = "due"
    return True


def tab_default(names: list[str], lang: str) -> str:
    """The tab the tabs open on: the one open when the language last changed (the first at the start).

    Fixed while the language stays: the default is part of the tabs' identity, so a new default
    would make new tabs, and a user's switch could be lost to them."""
    kept = st.session_state.get(_TAB_DEFAULT)
    if not kept or kept[0] != lang:
        opened = st.session_state.get(OPEN_TAB)
        kept = (lang, opened if opened in names else names[0])
        st.session_state[_TAB_DEFAULT] = kept
    return kept[1]


def remember_open_tab(name: str) -> None:
    st.session_state[OPEN_TAB] = name


def link_warnings(warnings: list[str]) -> list[str]:
    """What was wrong with the link the page opened with: said on the first run, and again on the run
    that brings the rest of the page, though by then the address no longer holds the bad values.
    Call before full_run_starts."""
    if warnings:
        st.session_state[_LINK_WARNINGS] = warnings
        return warnings
    return st.session_state.get(_LINK_WARNINGS, []) if st.session_state.get(PARTS) == "due" else []


def swap_region(region: tuple[str, str]) -> tuple[str, str] | None:
    """Remember the (prefecture, county) choice; return the one before it (None when the page just opened)."""
    previous = st.session_state.get(_REGION)
    st.session_state[_REGION] = region
    return previous


def swap_map(map_key: str) -> str | None:
    """Remember which map is drawn; return the one drawn before it (None when the page just opened)."""
    previous = st.session_state.get(_MAP)
    st.session_state[_MAP] = map_key
    return previous


def remember_view(center: dict | None, zoom: int | None, map_key: str) -> None:
    """Keep the map's centre and zoom in the URL once the user has moved it, so a link opens the same view.

    The first view a new map reports is where it opened: recorded, but not put in the URL, so the
    default page keeps a bare address.
    """
    if not center or zoom is None:
        return
    value = view_param(center["lat"], center["lng"], int(zoom))
    opened = st.session_state.setdefault(f"{_OPENED}.{map_key}", value)
    if value == opened and _VIEW not in st.session_state:
        return
    if st.session_state.get(_VIEW) != value:
        st.session_state[_VIEW] = value
        st.query_params["view"] = value


def current_view() -> str | None:
    return st.session_state.get(_VIEW)


def remember_drawings(drawings: list | None) -> bool:
    """Store the shapes drawn on the map; True when they changed."""
    drawings = drawings or []
    if st.session_state.get(_DRAWINGS, []) == drawings:
        return False
    st.session_state[_DRAWINGS] = drawings
    return True


def drawings() -> list:
    return st.session_state.get(_DRAWINGS, [])


def drawn_polygon(basemap: str) -> BaseGeometry | None:
    """The polygon last drawn on the map, in WGS 84 (drawn over Gaode tiles: from GCJ-02), or None."""
    polygons = [d for d in drawings() if (d.get("geometry") or {}).get("type") in ("Polygon", "MultiPolygon")]
    if not polygons:
        return None
    drawn = shape(polygons[-1]["geometry"])
    return geometry_to_wgs84(drawn, "gcj02") if basemap == "gaode" else drawn


def remember_click(clicked: dict | None, view: ViewState) -> bool:
    """Store a new map click in WGS 84 (clicks over Gaode tiles are GCJ-02); True when it is new."""
    if not clicked or st.session_state.get(_CLICK, {}).get("raw") == clicked:
        return False
    lon, lat = float(clicked["lng"]), float(clicked["lat"])
    if view.basemap == "gaode":
        lon, lat = (float(v) for v in to_wgs84(lon, lat, "gcj02"))
    st.session_state[_CLICK] = {"lon": lon, "lat": lat, "raw": clicked}
    return True


def click() -> tuple[float, float] | None:
    """The last point clicked on the map, WGS 84 (lon, lat)."""
    value = st.session_state.get(_CLICK)
    return (value["lon"], value["lat"]) if value else None


def set_upload(points: list[dict[str, Any]], *, result: tuple[str, Any, Any]) -> None:
    """An uploaded file's screened rows: map points, and (settings key, result frame, report)."""
    st.session_state[_UPLOAD] = {"points": points, "result": result}


def upload_result() -> tuple[str, Any, Any] | None:
    return st.session_state.get(_UPLOAD, {}).get("result")


def clear_upload() -> bool:
    return st.session_state.pop(_UPLOAD, None) is not None


def uploaded_points() -> list[dict[str, Any]]:
    return st.session_state.get(_UPLOAD, {}).get("points", [])


def upload_datum() -> str:
    return st.session_state.get(_UPLOAD_DATUM, "wgs84")


def remember_upload_datum(datum: str) -> str:
    st.session_state[_UPLOAD_DATUM] = datum
    return datum


_TOKEN = "mapapp.token"  # the register's sign-in token of this browser session
_EDIT_ERRORS = "mapapp.edit_errors"  # {field: message} from the last refused save
_CONFLICT = "mapapp.conflict"  # (site id, yours, theirs) from the last save someone else overtook


def sign_in_token() -> str | None:
    return st.session_state.get(_TOKEN)


def set_sign_in_token(token: str | None) -> None:
    if token is None:
        st.session_state.pop(_TOKEN, None)
    else:
        st.session_state[_TOKEN] = token


def edit_errors() -> dict[str, str]:
    return st.session_state.get(_EDIT_ERRORS, {})


def set_edit_errors(errors: dict[str, str]) -> None:
    st.session_state[_EDIT_ERRORS] = errors


def conflict() -> tuple[str, dict, dict] | None:
    return st.session_state.get(_CONFLICT)


def set_conflict(value: tuple[str, dict, dict] | None) -> None:
    st.session_state[_CONFLICT] = value


_FLASH = "mapapp.flash"  # {channel: a sentence to show once, after the rerun an action causes}


def set_flash(sentence: str, channel: str = "register") -> None:
    st.session_state.setdefault(_FLASH, {})[channel] = sentence


def pop_flash(channel: str = "register") -> str | None:
    return st.session_state.get(_FLASH, {}).pop(channel, None)


_SELECTION = "mapapp.selection"  # site ids chosen on the map, in the table, by search or by a drawn shape
_FOCUS = "mapapp.focus"  # what the panel shows: "site" (the first selected) or "point" (the last click)
_FRAME = "mapapp.frame"  # bounds [[south, west], [north, east]] the map should move to once
_TABLE_GENERATION = "mapapp.table_generation"
_SITE_CLICK = "mapapp.site_click"  # the last "site:<id>:<n>" the map reported


def selection() -> list[str]:
    return list(st.session_state.get(_SELECTION, []))


def select(site_ids: list[str], *, frame: list[list[float]] | None = None, from_table: bool = False) -> None:
    """Make `site_ids` the selection and show the first in the panel; move the map to `frame` if given.
    A selection made elsewhere than in the table gives the table a new identity (see table_generation)."""
    st.session_state[_SELECTION] = list(dict.fromkeys(site_ids))
    if not from_table:
        st.session_state[_TABLE_GENERATION] = table_generation() + 1
    st.session_state[_FOCUS] = "site"
    move_to(frame)


def table_generation() -> int:
    """Bumped whenever the selection is made outside the table. The table is then drawn as a new widget
    with the selection ticked: told to tick rows in place, it could echo its old rows back a moment
    later (when another part of the page reported at the same time) and undo the selection."""
    return int(st.session_state.get(_TABLE_GENERATION, 0))


def focus() -> str:
    return st.session_state.get(_FOCUS, "site")


def focus_point() -> None:
    st.session_state[_FOCUS] = "point"


def take_frame() -> list[list[float]] | None:
    """The bounds the map should move to, once."""
    return st.session_state.pop(_FRAME, None)


def remember_site_click(value: object) -> str | None:
    """The id of a site newly clicked on the map (the map reports 'site:<id>:<count>'), else None."""
    if not isinstance(value, str) or not value.startswith("site:") or st.session_state.get(_SITE_CLICK) == value:
        return None
    st.session_state[_SITE_CLICK] = value
    return value.split(":")[1]


_SEEN = "mapapp.selection_seen"  # the selection as the whole page last drew it


def selection_drawn_by_page() -> None:
    """The whole page has run with the current selection (its export tab offers it)."""
    st.session_state[_SEEN] = selection()


def page_is_behind() -> bool:
    """The selection changed since the whole page last ran: the tabs outside the map are stale."""
    return st.session_state.get(_SEEN, []) != selection()


def check_point(lon: float, lat: float, *, typed: dict[str, str] | None = None) -> None:
    """Check a point found by search, or typed in the check tab (`typed`: the fields as entered), as
    if it had been clicked on the map (WGS 84), and show it."""
    # The map's last click stays recorded as seen: the map keeps reporting it, and it must not
    # replace this point at the next run as if it were a new click.
    seen = st.session_state.get(_CLICK, {}).get("raw")
    st.session_state[_CLICK] = {"lon": lon, "lat": lat, "raw": seen, "typed": typed}
    focus_point()


def typed_point() -> dict[str, str] | None:
    """The check tab's fields as entered, when the page's checked point came from them."""
    return st.session_state.get(_CLICK, {}).get("typed")


def move_to(frame: list[list[float]] | None) -> None:
    """Move the map to `frame` ([[south, west], [north, east]]) at its next run."""
    if frame is not None:
        st.session_state[_FRAME] = frame
