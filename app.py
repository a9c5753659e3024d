"""Porte-voix entry point: settings, database, sign-in, then the pages the person's roles allow."""

from __future__ import annotations

import streamlit as st

from lib.core import logs
from lib.core.db import session_scope
from lib.core.screens import visible_screens
from lib.people import accounts as auth
from lib.ui import sso
from lib.ui.navigation import hold, home_page, language_picker, remember_requested_page, screen_pages
from lib.ui.run_log import Run, timed_run
from lib.ui.shell import engine, session_began, settings, sign_out, tr
from lib.ui.sign_in import (
    authenticator,
    first_admin_form,
    forced_password_change,
    forget_cookie,
    issue_cookie,
    load_actor,
    sign_in,
    sign_out_button,
)
from lib.ui.widgets import plain

st.set_page_config(page_title="Porte-voix", page_icon=":material/campaign:", layout="wide")


_LOG = logs.get("app")


def main(run: Run) -> None:
    settings()
    remember_requested_page()
    with session_scope(engine(), write=False) as session:
        empty = not auth.has_accounts(session)
    blank = st.Page(lambda: None, title="Porte-voix", url_path="sign-in", default=True)
    if empty:
        # Pages first: a fresh process runs its first session in the legacy `pages/` mode until
        # st.navigation is called; a form drawn before that is drawn again, and its first submit lost.
        hold(blank)
        language_picker()
        first_admin_form()
        return
    # The authenticator draws its cookie component on a session's first run only; a fixed slot keeps
    # the elements after it in place, so the sign-in form is not re-mounted (and typing not lost).
    with st.empty():
        authn = authenticator()
        if st.session_state.pop("_forget_cookie", False):
            forget_cookie(authn)
    if not st.session_state.get("authentication_status"):
        authn.login(location="unrendered")  # honours a valid remember-me cookie
    if not st.session_state.get("authentication_status") and not sso.signed_in():
        hold(blank)
        language_picker()
        sign_in(authn)
        return
    if "signed_in_at" not in st.session_state:  # first run after a password sign-in (form or cookie)
        session_began()
    loaded = load_actor(st.session_state["username"])
    if loaded is None:
        sign_out(everywhere=False)
        st.rerun()
    who, must_change, user_lang = loaded
    if "actor" not in st.session_state:  # first run after sign-in: adopt the saved language
        st.session_state["lang"] = user_lang
    st.session_state["actor"] = who
    if must_change and not st.session_state.get("sso"):  # no password to change when signed in by SSO
        hold(blank)
        language_picker()  # drawn once the saved language is adopted, so that it shows it
        forced_password_change(who)
        return

    pages = screen_pages(who.roles)
    menu = [s.slug for s in visible_screens(who.roles)]
    st.session_state["menu"] = menu
    home = home_page()
    nav = st.navigation([home, *pages.values()])
    run.page = nav.url_path or "home"
    # Go where the person is going before drawing anything: a run cut short by switch_page would
    # lose what it drew (the remember-me cookie, say).
    requested = st.session_state.pop("requested_page", "")
    query = st.session_state.pop("requested_query", None)
    if requested in pages and pages[requested] is not nav and requested != nav.url_path:
        st.switch_page(pages[requested], query_params=query)
    if nav is home and menu:
        st.switch_page(pages[menu[0]])
    language_picker()
    with st.sidebar:
        with st.empty():  # as above: the cookie is set on one run only
            issue_cookie(authn)
        st.caption(tr("app.signed_in_as", name=plain(st.session_state.get("name") or who.username)))
        sign_out_button("sidebar_logout")
    nav.run()


logs.configure()  # once per process; level and format from the environment (lib/core/logs.py)
try:
    with timed_run("sign-in") as this_run:  # one operator-log line per run (lib/ui/run_log.py)
        main(this_run)
except Exception:  # Streamlit's own stop and rerun signals are not Exceptions and pass through
    logs.unexpected(_LOG, page=st.session_state.get("requested_page") or "")
    raise
