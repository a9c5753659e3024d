"""The one lib module that imports streamlit: cached engine, language, guards and shared widgets."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

import streamlit as st
from sqlalchemy.exc import DBAPIError
from streamlit.runtime.pages_manager import PagesManager

from lib.activity import post_checker, recognition
from lib.core import audit, formatting
from lib.core.config import ConfigError, Settings, load_settings
from lib.core.db import SchemaError, is_busy, make_engine, migrate, session_scope
from lib.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lib.core.formatting import to_csv, to_excel
from lib.core.i18n import DEFAULT_LANGUAGE, label, problem_text, t
from lib.core.models import utcnow
from lib.core.permissions import Actor
from lib.core.screens import BY_SLUG, allowed
from lib.core.vocab import PLATFORMS
from lib.people.accounts import change_password, current_actor, set_language
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
        who = current_actor(session, who.id, st.session_state.get("signed_in_at"))
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
    if actor() is not None:
        write(set_language, actor().id, choice)


def _record_export(what: str, scope: str, fmt: str, rows: int) -> None:
    with session_scope(engine()) as session:
        audit.record(session, actor(), "export", what, scope=scope, format=fmt, rows=rows)


def download_buttons(
    df, filename: str, what: str, scope: str = "", key: str | None = None, deferred: bool = False
) -> None:
    """CSV and Excel downloads of `df` for the reader's language (French CSV: `;` and decimal comma;
    Excel typed), formulas neutralised; each download is audited.

    `deferred`: make the files only when clicked (for pages that rerun often, e.g. live ones).
    """
    key = key or filename
    language = lang()
    csv, excel = (
        (partial(to_csv, df, language), partial(to_excel, df, language))
        if deferred
        else (to_csv(df, language), to_excel(df, language))
    )
    left, right = st.columns(2)
    left.download_button(
        tr("export.csv"),
        csv,
        file_name=f"{filename}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"{key}_csv",
        on_click=_record_export,
        args=(what, scope, "csv", len(df)),
    )
    right.download_button(
        tr("export.excel"),
        excel,
        file_name=f"{filename}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key=f"{key}_xlsx",
        on_click=_record_export,
        args=(what, scope, "xlsx", len(df)),
    )


def number(value, decimals: int = 0) -> str:
    """`value` written for the interface language (1,234.5 / 1 234,5); "—" when unknown."""
    return formatting.number(value, lang(), decimals)


def zone() -> str:
    """The viewer's time zone: the browser's (Streamlit's context), UTC when it is not known."""
    return formatting.zone_name(st.context.timezone)


def day(value) -> str:
    """A date for the interface language: «1 déc. 2026» / "1 Dec 2026"."""
    return formatting.day(value, lang())


def when(moment) -> str:
    """A date-time in the viewer's zone, zone named: «1 déc. 2026, 14:05 (Europe/Paris)»."""
    return formatting.date_time(moment, lang(), zone())


def date_format() -> str:
    """`st.date_input`'s `format` for the interface language (DD/MM/YYYY in French)."""
    return formatting.DATE_INPUT_FORMAT.get(lang(), "YYYY-MM-DD")


def plain(text) -> str:
    """Stored text (a name, a title) made safe to embed in markdown: its markup characters are escaped."""
    return re.sub(r"([\\`*_{}\[\]()<>#+\-.!|~$:])", r"\\\1", str(text))


def is_web_link(url) -> bool:
    """Whether a stored URL may be offered as a link (http or https only, whatever was stored)."""
    return isinstance(url, str) and url.lower().startswith(("https://", "http://"))


def post_checker_panel(key: str, platform: str = "linkedin") -> None:
    """A draft post and its platform, checked against the posting rules on demand: each finding
    with the guideline it comes from, or a plain "no issue found"."""
    with st.form(f"{key}_form"):
        text = st.text_area(
            tr("checker.draft"), placeholder=tr("checker.placeholder"), height=140, key=f"{key}_text"
        )
        chosen = st.selectbox(
            tr("checker.platform"),
            PLATFORMS,
            index=PLATFORMS.index(platform),
            format_func=lambda p: label(p, lang()),
            key=f"{key}_platform_{lang()}",
        )
        submitted = st.form_submit_button(tr("checker.check"), icon=":material/fact_check:")
    if not submitted:
        return
    if not text.strip():
        st.info(tr("checker.empty"), icon=":material/info:")
        return
    limit = post_checker.platform_limit(chosen)
    st.caption(
        tr("checker.length", n=number(len(text)))
        if limit is None
        else tr("checker.length_limit", n=number(len(text)), limit=number(limit))
    )
    findings = read(post_checker.check_post, text, chosen)
    if not findings:
        st.success(tr("checker.ok"), icon=":material/check_circle:")
    elif len(findings) > 1:
        st.markdown(f"**{tr('checker.findings', n=len(findings))}**")
    else:
        st.markdown(f"**{tr('checker.finding_one')}**")
    company = read(post_checker.company_name) if findings else None
    for finding in findings:
        lines = [
            post_checker.explain(finding, lang(), plain),
            tr("checker.guideline", ref=post_checker.guideline_text(finding.guideline, lang())),
        ]
        good = post_checker.example(finding.rule, lang(), company)
        if good and finding.guideline.get("policy"):
            lines.append(tr("checker.example", text=plain(good)))
        st.warning("  \n".join(lines), icon=":material/warning:")


def password_change_form(key: str, current_label: str) -> None:
    """The change-password form (current, new, confirmation); on success flashes and reruns."""
    with st.form(key, clear_on_submit=True):
        st.subheader(tr("account.change_password"))
        current = st.text_input(tr(current_label), type="password")
        new = st.text_input(tr("field.new_password"), type="password", help=tr("password.help"))
        confirm = st.text_input(tr("field.password_confirm"), type="password")
        if st.form_submit_button(tr("account.change_password"), type="primary"):
            if new != confirm:
                st.error(tr("password.mismatch"))
            elif write(change_password, current=current, new=new)[0]:
                session_began()  # every other session ends; this one goes on, with a new cookie
                st.session_state["_issue_cookie"] = True
                flash(tr("account.password_changed"))
                st.rerun()


@st.cache_data(ttl=120, show_spinner=False)
def _standings(database: str, start, end, _reader) -> recognition.Standings:
    with session_scope(engine(), write=False) as session:
        return recognition.standings(session, _reader, start, end)


def standings(start, end) -> recognition.Standings:
    """Everyone's points for a period (lib.activity.recognition): the same for every reader, so computed once
    for all of them per database and kept two minutes at most (`forget_standings` after a change)."""
    return _standings(str(engine().url), start, end, actor())


def forget_standings() -> None:
    _standings.clear()
