"""Signing in: the first administrator on an empty database, the sign-in form and its remember-me
cookie (checked against the database on every use), the forced password change and signing out."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import streamlit as st
import streamlit_authenticator as stauth

from lib.core.db import session_scope
from lib.core.errors import ValidationError
from lib.core.permissions import Actor, holders
from lib.core.vocab import BASE_ROLE
from lib.people import accounts as auth
from lib.ui import sso
from lib.ui.shell import engine, flash, lang, settings, show_error, show_flash, sign_out, tr
from lib.ui.widgets import password_change_form, plain


def authenticator() -> stauth.Authenticate:
    """One authenticator per browser session, backed by the accounts in the database: it starts with
    no account and is given the one signing in once the database has checked it (`_refresh_entry`),
    instead of every account's credentials read and kept in each browser session."""
    if "authenticator" not in st.session_state:
        cfg = settings()
        creds: dict = {"usernames": {}}
        authn = stauth.Authenticate(
            creds,
            cookie_name=cfg.cookie_name,
            cookie_key=cfg.cookie_key,
            cookie_expiry_days=cfg.cookie_expiry_days,
            auto_hash=False,
            login_sleep_time=0,
        )
        model = authn.authentication_controller.authentication_model
        model.check_credentials = lambda username, password: _check(creds, username, password)
        cookie = authn.cookie_controller
        cookie.get_cookie = lambda: _cookie_sign_in(authn, creds, cfg)
        st.session_state["authenticator"] = authn
    return st.session_state["authenticator"]


def _refresh_entry(creds: dict, username: str) -> None:
    with session_scope(engine(), write=False) as session:
        entry = auth.credentials(session, username)["usernames"].get(username)
    if entry:
        creds["usernames"][username] = entry


def _check(creds: dict, username: str, password: str) -> bool:
    """Password check through the database (throttling, deactivation), not the cached dict."""
    ok = auth.sign_in(engine(), username, password)  # bcrypt outside the write transaction
    if ok:
        _refresh_entry(creds, username)
    return ok


def _cookie_sign_in(authn: stauth.Authenticate, creds: dict, cfg):
    """The remember-me cookie's claims if it may sign the person in. One we cannot read (another
    algorithm, extra headers, bad signature, odd claims) is ignored and removed from the browser,
    instead of raising inside the authenticator on every load."""
    if st.session_state.get("logout"):
        return None
    raw = st.context.cookies.get(cfg.cookie_name)
    if raw is None:
        return None
    token = auth.read_cookie(raw, cfg.cookie_key, time.time())
    if token is None:
        authn.cookie_controller.delete_cookie()
        return None
    return _valid_cookie(creds, token, cfg.cookie_expiry_days)


def _valid_cookie(creds: dict, token, expiry_days: float):
    """Honour a sign-in cookie only if the account is active and the cookie not revoked."""
    if not token:
        return None
    issued = datetime.fromtimestamp(token["exp_date"] - expiry_days * 86400, UTC).replace(tzinfo=None)
    with session_scope(engine(), write=False) as session:
        if not auth.cookie_still_valid(session, token["username"], issued):
            return None
    _refresh_entry(creds, token["username"])
    return token


def first_admin_form() -> None:
    """On an empty database: create the first administrator (no default account exists)."""
    st.title("Porte-voix")
    st.info(tr("setup.intro"), icon=":material/info:")
    with st.form("first_admin"):
        st.subheader(tr("setup.title"))
        username = st.text_input(tr("field.username"))
        full_name = st.text_input(tr("field.full_name"))
        email = st.text_input(tr("field.email"))
        password = st.text_input(tr("field.password"), type="password", help=tr("password.help"))
        confirm = st.text_input(tr("field.password_confirm"), type="password")
        if st.form_submit_button(tr("setup.submit"), type="primary"):
            if password != confirm:
                st.error(tr("password.mismatch"))
                return
            try:
                with session_scope(engine()) as session:
                    auth.create_user(
                        session,
                        None,
                        username=username,
                        full_name=full_name,
                        email=email,
                        roles=[*holders("accounts.manage"), BASE_ROLE],
                        password=password,
                        language=lang(),
                    )
            except ValidationError as exc:
                show_error(exc)
                return
            st.session_state.pop("authenticator", None)
            flash(tr("setup.done"))
            st.rerun()


def sign_in(authn: stauth.Authenticate) -> None:
    """The sign-in page: "Sign in with <company>" when single sign-on is configured, beside the
    password form (folded away as the break-glass administrator's way in when administrators
    require single sign-on). The cookie is issued on the next, complete run (see `issue_cookie`)."""
    st.title("Porte-voix")
    st.caption(tr("app.tagline"))
    show_flash()
    sso_only = False
    if sso.available():
        sso.sign_in_button()
        sso_only = sso.required()
    if sso_only:
        with st.expander(tr("sso.break_glass_title"), icon=":material/key:"):
            password_form(authn, tr("login.failed_sso_only", company=sso.company()))
    else:
        password_form(authn, tr("login.failed"))


def password_form(authn: stauth.Authenticate, failed: str) -> None:
    with st.form("sign_in"):
        st.subheader(tr("login.title"))
        username = st.text_input(tr("field.username"), autocomplete="username")
        password = st.text_input(tr("field.password"), type="password", autocomplete="current-password")
        submitted = st.form_submit_button(tr("login.submit"), type="primary")
    if submitted:
        if authn.authentication_controller.login(username, password):
            st.session_state["_issue_cookie"] = True
            st.rerun()
        st.error(failed)


def _https() -> bool:
    url = st.context.url or ""
    return url.startswith("https:") or st.context.headers.get("X-Forwarded-Proto", "") == "https"


def issue_cookie(authn: stauth.Authenticate) -> None:
    """Set the remember-me cookie once after a password sign-in, on a run that is not cut short.

    SameSite=Strict, and Secure when the app is reached over HTTPS. It cannot be HttpOnly: the
    component sets it from JavaScript (document.cookie), so the server only ever reads it."""
    if st.session_state.pop("_issue_cookie", False):
        model = authn.cookie_controller.cookie_model
        if model.cookie_expiry_days:
            model.exp_date = model._set_exp_date()
            model.cookie_manager.set(
                model.cookie_name,
                model._token_encode(),
                expires_at=datetime.now() + timedelta(days=model.cookie_expiry_days),
                same_site="strict",
                secure=_https() or None,
            )


def forget_cookie(authn: stauth.Authenticate) -> None:
    """Remove the remember-me cookie from the browser, on the complete run after a sign-out (a
    component drawn on the run that signs out is cut short by the rerun and never reaches it)."""
    model = authn.cookie_controller.cookie_model
    model.cookie_manager.cookie_manager(
        method="delete", cookie=model.cookie_name, key="forget_cookie", default=False
    )


def sign_out_button(key: str) -> None:
    """Sign out everywhere; a person signed in through the company's provider signs out there too."""
    if st.button(tr("account.logout"), icon=":material/logout:", key=key):
        through_provider = bool(st.session_state.get("sso"))
        sign_out()
        if through_provider:
            sso.sign_out()
        st.rerun()


def forced_password_change(who: Actor) -> None:
    """A one-time password must be replaced before anything else; the person may also sign out."""
    st.title(tr("account.first_change_title"))
    st.info(tr("account.first_change_intro"))
    password_change_form("first_change", "field.temporary_password")
    with st.sidebar:
        st.caption(tr("app.signed_in_as", name=plain(st.session_state.get("name") or who.username)))
        sign_out_button("first_change_logout")


def load_actor(username: str):
    """The signed-in user as the database has them now (roles re-read on every run); None when they
    were deactivated or their sessions were ended after this one began."""
    with session_scope(engine(), write=False) as session:
        user = auth.find_user(session, username)
        if user is None:
            return None
        began, by_password = st.session_state.get("signed_in_at"), not st.session_state.get("sso")
        if auth.current_actor(session, user.id, began, by_password=by_password) is None:
            return None
        return Actor.of(user), user.must_change_password, user.language
