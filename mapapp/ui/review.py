"""Review and history in the page: proposals awaiting a reviewer (an editor sees their own), a site's
history from its first record, and a reviewer's restore of an earlier version."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mapapp.i18n import t
from mapapp.messages import text
from mapapp.register import changes
from mapapp.register.accounts import AccessDenied, User
from mapapp.ui import data, state
from mapapp.ui.editing import site_picker
from mapapp.ui.fields import field_name, value_text
from mapapp.ui.sidebar import wkey


def _diff(change: changes.ChangeRow, lang: str) -> pd.DataFrame:
    old = (change.old or {"record": {}, "location": None})
    rows = []
    for name in change.changed_fields():
        before = value_text(name, old["record"].get(name), lang) if name != "location" else _where(old.get("location"), lang)
        after = (value_text(name, change.new["record"].get(name), lang) if name != "location"
                 else _where(change.new.get("location"), lang))
        rows.append({t("edit_field", lang): field_name(name, lang), t("edit_before", lang): before,
                     t("edit_after", lang): after})
    return pd.DataFrame(rows)


def _where(location: dict | None, lang: str) -> str:
    if not location:
        return t("edit_no_location", lang)
    return f"{location['kind']} ({location['accuracy_m']:g} m, {location['source']})"


def _state(change: changes.ChangeRow, lang: str) -> str:
    return t(f"change_{change.state}", lang) + (f"（{change.reviewer}）" if change.reviewer and change.state != "pending" else "")


def review_ui(user: User | None, lang: str) -> None:
    """Proposals awaiting review: a reviewer approves or rejects each; an editor sees their own.

    Not a fragment: a decision changes the whole register, and a fragment's button press could be
    dropped when the map's own rerun arrived at the same moment."""
    waiting = changes.pending(data.register(), user)
    if user is None or user.role not in ("reviewer", "editor"):
        return
    st.subheader(t("review_heading" if user.role == "reviewer" else "review_mine", lang, n=len(waiting)))
    flash = state.pop_flash("review")
    if flash:
        st.success(flash)
    refused = state.pop_flash("review_refused")  # shown here: the proposal's own box may be closed by then
    if refused:
        st.error(refused)
    stale = changes.overtaken(data.register(), waiting)
    for change in waiting:
        mark = t("review_stale_mark", lang) if change.id in stale else ""
        with st.expander(f"#{change.id} · {_site_name(change, lang)}（{change.site_id}） · {change.author} · "
                         f"{change.created_at:%Y-%m-%d %H:%M} · {change.source}{mark}"):
            if change.id in stale:
                st.warning(t("review_stale", lang))
            st.dataframe(_diff(change, lang), hide_index=True, width="stretch")
            if change.comment:
                st.caption(change.comment)
            if user.role == "reviewer":
                _decide_ui(user, change, lang, stale=change.id in stale)
    sent_back = changes.returned(data.register(), user)
    if sent_back:
        st.markdown(f"**{t('review_returned', lang, n=len(sent_back))}**")
        st.dataframe(pd.DataFrame([{
            "#": c.id, t("returned_site", lang): f"{_site_name(c, lang)}（{c.site_id}）",
            t("history_time", lang): f"{c.reviewed_at or c.created_at:%Y-%m-%d %H:%M}",
            t("returned_by", lang): c.reviewer or "", t("returned_why", lang): c.review_comment,
        } for c in sent_back]), hide_index=True, width="stretch")


def _site_name(change: changes.ChangeRow, lang: str) -> str:
    """The site's name as proposed (a new site has no other), in the page's language when given."""
    record = change.new.get("record", {}) if isinstance(change.new, dict) else {}
    return str(record.get("name_en" if lang == "en" else "name_zh") or record.get("name_zh") or change.site_id)


def _decide_ui(user: User, change: changes.ChangeRow, lang: str, *, stale: bool) -> None:
    """Approve or send back. Both buttons are drawn before either acts, and a refusal is said at the
    top of the list, so a press that fails leaves the reviewer both choices and the reason."""
    comment = st.text_input(t("review_comment", lang), key=wkey(f"review_comment_{change.id}", lang))
    left, right = st.columns(2)
    approve = left.button(t("review_approve", lang), key=wkey(f"approve_{change.id}", lang), type="primary",
                          disabled=stale, help=t("review_stale", lang) if stale else None)
    reject = right.button(t("review_reject", lang), key=wkey(f"reject_{change.id}", lang))
    if not (approve or reject):
        return
    try:
        if approve:
            changes.approve(data.register(), user, change.id, comment)
        else:
            changes.reject(data.register(), user, change.id, comment)
    except changes.Conflict:
        state.set_flash(t("review_overtaken", lang, n=change.id), "review_refused")
    except changes.InvalidEdit:
        state.set_flash(t("review_say_why", lang) + f"（#{change.id}）", "review_refused")
    except AccessDenied as refused:
        state.set_flash(text(refused.message, lang), "review_refused")
    else:
        done = "review_approved" if approve else "review_rejected"
        state.set_flash(t(done, lang, n=change.id, site=_site_name(change, lang)), "review")
    st.rerun()


@st.fragment
def history_ui(user: User | None, lang: str, rev: int) -> None:
    """A site's history, oldest first; a reviewer may restore any approved version."""
    st.subheader(t("history_heading", lang))
    site_id = site_picker(data.register_sites(rev), lang, allow_new=False, key="history_pick", label="history_pick",
                          follow=True)
    shown = [c for c in changes.history(data.register(), site_id)
             if c.state != "pending" or (user is not None and (user.role == "reviewer" or c.author == user.name))]
    table = pd.DataFrame([{
        "#": c.id, t("history_time", lang): f"{c.created_at:%Y-%m-%d %H:%M}", t("history_action", lang): t(f"action_{c.action}", lang),
        t("history_author", lang): c.author, t("history_state", lang): _state(c, lang),
        t("history_fields", lang): "、".join(field_name(f, lang) for f in c.changed_fields()) if c.action != "seed" else "—",
        t("history_source", lang): c.source, t("history_comment", lang): c.review_comment or c.comment,
    } for c in shown])
    st.dataframe(table, hide_index=True, width="stretch")
    if user is None or user.role != "reviewer":
        return
    versions = [c.id for c in shown if c.state == "approved"]
    chosen = st.selectbox(t("restore_pick", lang), versions[::-1], key=wkey("restore_pick", lang),
                          format_func=lambda i: f"#{i}")
    if st.button(t("restore_button", lang), key=wkey("restore_button", lang)):
        try:
            changes.restore(data.register(), user, chosen, t("restore_comment", lang, n=chosen))
            st.rerun(scope="app")
        except (changes.InvalidEdit, changes.Conflict):
            st.info(t("restore_same", lang))
        except AccessDenied as refused:
            st.error(text(refused.message, lang))
