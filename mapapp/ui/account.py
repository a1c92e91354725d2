"""Signing in to the register from the sidebar (viewing needs no account)."""

from __future__ import annotations

import streamlit as st

from mapapp.i18n import t
from mapapp.messages import text
from mapapp.register.accounts import AccessDenied, User, authenticate, end_session, session_user, start_session
from mapapp.ui import data, state
from mapapp.ui.sidebar import wkey


def signed_in_user(lang: str) -> User | None:
    """The user of this browser session, or None; an expired or revoked sign-in is dropped with a word."""
    token = state.sign_in_token()
    if token is None:
        return None
    try:
        return session_user(data.register(), token)
    except AccessDenied as refused:
        state.set_sign_in_token(None)
        st.sidebar.warning(text(refused.message, lang))
        return None


def account_ui(user: User | None, lang: str) -> None:
    box = st.sidebar.expander(t("account_signed_in", lang, name=user.name, role=t(f"role_{user.role}", lang))
                              if user else t("account", lang), expanded=False)
    if user:
        if box.button(t("sign_out", lang), key=wkey("sign_out", lang)):
            end_session(data.register(), state.sign_in_token() or "")
            state.set_sign_in_token(None)
            st.rerun()
        return
    with box.form(key=wkey("sign_in_form", lang), border=False):
        name = st.text_input(t("user_name", lang), key=wkey("user_name", lang))
        password = st.text_input(t("password", lang), type="password", key=wkey("password", lang))
        pressed = st.form_submit_button(t("sign_in", lang))
    if pressed:
        try:
            state.set_sign_in_token(start_session(data.register(), authenticate(data.register(), name, password)))
            st.rerun()
        except AccessDenied as refused:
            box.error(text(refused.message, lang))
