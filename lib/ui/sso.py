"""Single sign-on in the interface: Streamlit's `st.login` / `st.user` / `st.logout` with the
company's OpenID Connect provider (`[auth]` in secrets.toml). Who the token signs in as, and every
refusal, is decided in lib/people/sso.py."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from lib.core.db import session_scope
from lib.people import sign_in_policy, sso
from lib.ui.shell import engine, tr


def _secrets() -> Mapping:
    return st.secrets if st.secrets.load_if_toml_exists() else {}


def available() -> bool:
    """Whether the company's provider is configured (`[auth]` in secrets.toml)."""
    section = _secrets().get("auth")
    return isinstance(section, Mapping) and sso.configured(section)


def company() -> str:
    """The provider's name on the button: `sso_label` in secrets.toml, else "your company"."""
    return str(_secrets().get("sso_label") or tr("sso.your_company"))


def signed_in() -> bool:
    """Whether this browser session is signed in through the provider. The token is matched to an
    account once per session (audited); later runs re-check the account through `load_actor`."""
    if st.session_state.get("sso"):
        return True
    if "sso_refused" in st.session_state or not available() or not st.user.is_logged_in:
        return False
    with session_scope(engine()) as session:
        outcome = sso.sign_in(session, st.user.to_dict())
    if outcome.refusal:
        st.session_state["sso_refused"] = outcome.refusal
        return False
    st.session_state.update(
        sso=True, username=outcome.username, name=outcome.name, signed_in_at=outcome.began
    )
    return True


def required() -> bool:
    """Whether administrators require SSO (the password form is then for the break-glass account)."""
    with session_scope(engine(), write=False) as session:
        return sign_in_policy.current(session).required


def sign_in_button() -> None:
    """ "Sign in with <company>", and why the last company sign-in was refused."""
    refusal = st.session_state.get("sso_refused")
    if refusal:
        st.error(tr(refusal, company=company()), icon=":material/block:")
    if st.button(
        tr("sso.sign_in", company=company()), type="primary", icon=":material/badge:", key="sso_sign_in"
    ):
        st.login()


def sign_out() -> None:
    """Sign out of the provider too (Streamlit ends the provider's session when its metadata offers
    an end-session endpoint), then come back to the sign-in page."""
    st.logout()
    st.stop()
