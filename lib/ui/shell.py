"""The shell every page runs in: settings, the cached engine, the interface language, the guard,
reads and writes as the signed-in person, flash messages and sign-out."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlalchemy.exc import DBAPIError
from streamlit.runtime.pages_manager import PagesManager

from lib.core.config import ConfigError, Settings, load_settings
from lib.core.db import SchemaError, is_busy, make_engine, migrate, session_scope
from lib.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lib.core.i18n import DEFAULT_LANGUAGE, problem_text, t
from lib.core.models import utcnow
from lib.core.permissions import Actor
from lib.core.screens import BY_SLUG, allowed
from lib.people.accounts import current_actor, set_language
from lib.people.accounts import sign_out as sign_out_everywhere
from lib.training.catalogue import sync_catalogue


def settings() -> Settings:
    """The settings (re-read on each call: cheap), or a clear message and a stop when unsafe."""
    try:
        return load_settings()
    except ConfigError as exc:
        st.error(f"Porte-voix cannot start: {exc}")
        st.stop()


@st.cache_resource(show_spinner=False)
def _engine(url: str):
    engine = make_engine(url)
    migrate(engine)
    with session_scope(engine) as session:
        sync_catalogue(session)
    return engine


def engine():
    try:
        return _engine(settings().database_url)
    except SchemaError as exc:
        st.error(f"Porte-voix cannot start: {exc}")
        st.stop()


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def tr(key: str, **params) -> str:
    """Translate `key` into the current interface language."""
    return t(key, lang(), **params)


def actor() -> Actor | None:
    return st.session_state.get("actor")


def signed_in() -> Actor:
    """The signed-in person, on a screen its guard opened only to them."""
    who = actor()
    if who is None:
        raise PermissionDenied("error.page_forbidden")
    return who


def _through_the_shell() -> None:
    """Make sure app.py (sign-in, menu) runs around every page.

    Because the layout has a `pages/` folder, Streamlit starts each process in its legacy
    multipage mode, which runs a directly linked page without app.py (and lists every file in
    the sidebar) until `st.navigation` has been called once. Leave that mode and run again.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def signed_in_person() -> Actor | None:
    """The signed-in person as the database has them now (roles re-read), or None after signing this
    browser session out if they were deactivated or their sessions ended elsewhere since it began
    (sign-out in another browser, password change or reset)."""
    who = actor()
    if who is None:
        return None
    with session_scope(engine(), write=False) as session:
        who = current_actor(
            session,
            who.user_id,
            st.session_state.get("signed_in_at"),
            by_password=not st.session_state.get("sso"),
        )
    if who is None:
        sign_out(everywhere=False)
    else:
        st.session_state["actor"] = who
    return who


def session_began() -> None:
    """Mark this browser session as signed in now (it ends when the person's sessions are ended later)."""
    st.session_state["signed_in_at"] = utcnow()


def guard(slug: str) -> Actor:
    """Stop the page with a clear refusal unless the signed-in person may open screen `slug`.

    Roles, the active flag and the end of sessions are re-read from the database on every run, so a
    change applies at once.
    """
    _through_the_shell()
    who = signed_in_person()
    if who is None or not allowed(slug, who.roles):
        st.title(tr(BY_SLUG[slug].title_key))
        st.error(tr("error.page_forbidden"), icon=":material/block:")
        st.stop()
    return who


def fragment_guard(slug: str) -> Actor:
    """The guard of a fragment that reruns on its own (`st.fragment(run_every=...)`): the same checks on
    every fragment run; when they fail, the whole page runs again, and its guard refuses or signs in."""
    who = signed_in_person()
    if who is None or not allowed(slug, who.roles):
        st.rerun(scope="app")
    return who


def show_error(exc: Exception) -> None:
    """Render a domain error in the interface language."""
    if isinstance(exc, ValidationError):
        lines = [problem_text(p, lang()) for p in exc.problems]
        st.error("\n".join(f"- {line}" for line in lines) if len(lines) > 1 else lines[0])
    elif isinstance(exc, (PermissionDenied, NotFound, Conflict)):
        st.error(tr(exc.key, **exc.params))
    else:
        raise exc


def write(fn: Callable, *args, **kwargs):
    """Run a service function in a write transaction as the signed-in person.

    Returns (True, result) on success; on a domain error shows it, changes nothing, returns (False, None).
    When the database is busy (another writer held its lock too long), nothing was saved: says so and
    asks to try again; the caller keeps the form as it was (no rerun), so nothing typed is lost.
    """
    try:
        with session_scope(engine()) as session:
            return True, fn(session, actor(), *args, **kwargs)
    except (ValidationError, PermissionDenied, NotFound, Conflict) as exc:
        show_error(exc)
        return False, None
    except DBAPIError as exc:
        if not is_busy(exc):
            raise
        show_busy()
        return False, None


def show_busy() -> None:
    st.warning(tr("error.busy"), icon=":material/hourglass_top:")


def read(fn: Callable, *args, **kwargs):
    """Run a read-only service function as the signed-in person."""
    with session_scope(engine(), write=False) as session:
        return fn(session, actor(), *args, **kwargs)


def flash(message: str) -> None:
    """Show `message` as a toast on the next run (survives st.rerun)."""
    st.session_state["_flash"] = message


def show_flash() -> None:
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")


def sign_out(everywhere: bool = True) -> None:
    """Log out: revoke this person's cookies (`everywhere`), delete ours, and clear the whole session."""
    who = st.session_state.get("actor")
    if who is not None and everywhere:
        with session_scope(engine()) as session:
            sign_out_everywhere(session, who)
    authn = st.session_state.get("authenticator")
    if authn is not None and st.session_state.get("authentication_status"):
        authn.logout(location="unrendered")
    keep_lang = lang()
    st.session_state.clear()
    st.session_state["lang"] = keep_lang
    st.session_state["requested_page"] = ""
    st.session_state["_forget_cookie"] = True  # the next, complete run removes it from the browser


def choose_language(key: str) -> None:
    """Widget callback: adopt the language picked in widget `key` and save it to the account."""
    choice = st.session_state.get(key) or lang()
    st.session_state["lang"] = choice
    who = actor()
    if who is not None:
        write(set_language, who.id, choice)
