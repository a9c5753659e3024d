"""Single sign-on for real (issue 17): a local OpenID Connect provider (the PyPI package
oidc-provider-mock, started here on 127.0.0.1) and Porte-voix started with `[auth]` pointing to it.
In Chromium: a known employee signs in through the provider and lands on their pages, an unknown
e-mail is refused, SSO-only mode refuses passwords but the break-glass administrator's, and
deactivation or signing out everywhere ends an SSO session on its next run."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import urllib.request

import pytest

from lib.core.db import make_engine, migrate, session_scope
from lib.core.permissions import Actor
from lib.people import accounts as auth
from lib.people import sign_in_policy
from tests.conftest import PASSWORD
from tests.e2e.conftest import CHROMIUM, _free_port, settle, shot, start_app, wait_healthy

COMPANY = "Example Corp"
SIDEBAR = '[data-testid="stSidebar"]'


@pytest.fixture(scope="module")
def provider():
    """oidc-provider-mock on 127.0.0.1; people are registered through its HTTP API (`put_person`)."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    wait_healthy(f"{base}/.well-known/openid-configuration", proc)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def put_person(provider: str, sub: str, **claims) -> None:
    request = urllib.request.Request(
        f"{provider}/users/{sub}",
        data=json.dumps(claims).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 204


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory, provider):
    """Porte-voix on a database of its own, its secrets.toml's `[auth]` pointing to the provider."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("sso")
    url = f"sqlite:///{folder / 'porte_voix.db'}"
    engine = make_engine(url)
    migrate(engine)
    ids = {}
    with session_scope(engine) as session:
        for username, roles in {
            "root": ["admin", "employee"],
            "emma": ["employee"],
            "rita": ["employee"],
        }.items():
            user, _ = auth.create_user(
                session,
                Actor.command_line(),
                username=username,
                full_name=username.title(),
                email=f"{username}@example.com",
                roles=roles,
                password=PASSWORD,
            )
            session.flush()
            ids[username] = user.id
    engine.dispose()
    port = _free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        f'sso_label = "{COMPANY}"\n'
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "porte-voix"\n'
        'client_secret = "porte-voix-test"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    proc = start_app(port, {**os.environ, "DATABASE_URL": url}, "--secrets.files", str(secrets_file))
    base = f"http://127.0.0.1:{port}"
    wait_healthy(f"{base}/_stcore/health", proc)
    yield {"base": base, "url": url, "provider": provider, "ids": ids}
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def browser_page(page):
    """The page, with the provider's remote stylesheet refused (no network here)."""
    page.context.route("**/cdn.jsdelivr.net/**", lambda route: route.abort())
    return page


def _with_engine(url: str, fn, *args, **kwargs):
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return fn(session, Actor.command_line(), *args, **kwargs)
    finally:
        engine.dispose()


def sso_sign_in(page, base: str, sub: str) -> None:
    """Open the app, choose "Sign in with <company>", and authorise `sub` at the provider."""
    page.goto(base)
    button = page.get_by_role("button", name=f"Sign in with {COMPANY}").first
    button.wait_for()
    settle(page)
    button.click()
    page.wait_for_url("**/oauth2/authorize**")
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base}/**")


def password_sign_in(page, username: str) -> None:
    page.get_by_role("textbox", name="Username").first.fill(username)
    page.get_by_role("textbox", name="Password").first.fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).first.click()


def test_a_known_employee_signs_in_through_the_provider_and_lands_on_their_pages(sso_server, browser_page):
    put_person(
        sso_server["provider"], "emma-sub", email="Emma@example.com", email_verified=True, name="E. M."
    )
    sso_sign_in(browser_page, sso_server["base"], "emma-sub")
    sidebar = browser_page.locator(SIDEBAR)
    sidebar.get_by_role("button", name="Sign out").wait_for()
    sidebar.get_by_text("Emma").first.wait_for()
    browser_page.get_by_role("heading", name="Training").first.wait_for()
    assert sidebar.get_by_role("link", name="Administration").count() == 0  # roles from our database
    shot(browser_page, "sso_signed_in")


def test_an_unknown_email_is_refused_with_a_clear_message(sso_server, browser_page):
    put_person(sso_server["provider"], "stranger-sub", email="stranger@example.com", email_verified=True)
    sso_sign_in(browser_page, sso_server["base"], "stranger-sub")
    browser_page.get_by_text("no Porte-voix account has your e-mail address").wait_for()
    shot(browser_page, "sso_refused_unknown")
    assert browser_page.locator(SIDEBAR).get_by_role("button", name="Sign out").count() == 0


def test_sso_only_refuses_passwords_but_the_break_glass_administrators(sso_server, browser_page):
    root = sso_server["ids"]["root"]
    _with_engine(
        sso_server["url"], sign_in_policy.change, required=True, break_glass_id=root, create_accounts=False
    )
    try:
        page = browser_page
        page.goto(sso_server["base"])
        emergency = page.get_by_text("Emergency administrator sign-in").first
        emergency.wait_for()
        settle(page)
        emergency.click()
        password_sign_in(page, "emma")
        page.get_by_text("Passwords are switched off here").wait_for()
        shot(page, "sso_only_password_refused")
        password_sign_in(page, "root")  # the break-glass administrator
        page.locator(SIDEBAR).get_by_role("button", name="Sign out").wait_for()
    finally:
        _with_engine(
            sso_server["url"],
            sign_in_policy.change,
            required=False,
            break_glass_id=None,
            create_accounts=False,
        )


def test_deactivation_signs_an_sso_session_out_on_its_next_run(sso_server, browser_page):
    _with_engine(sso_server["url"], auth.set_active, sso_server["ids"]["rita"], True)
    put_person(sso_server["provider"], "rita-sub", email="rita@example.com", email_verified=True)
    page = browser_page
    sso_sign_in(page, sso_server["base"], "rita-sub")
    page.locator(SIDEBAR).get_by_role("button", name="Sign out").wait_for()
    settle(page)
    _with_engine(sso_server["url"], auth.set_active, sso_server["ids"]["rita"], False)
    page.locator(SIDEBAR).get_by_role("link", name="Account").click()  # the next run
    page.get_by_text("your Porte-voix account is deactivated").wait_for()
    settle(page)  # the signed-in page's elements leave once the run is over
    assert page.locator(SIDEBAR).get_by_role("button", name="Sign out").count() == 0
    _with_engine(sso_server["url"], auth.set_active, sso_server["ids"]["rita"], True)


def test_signing_out_ends_the_provider_session_and_every_other_sso_session(sso_server, browser, browser_page):
    put_person(sso_server["provider"], "emma-sub", email="emma@example.com", email_verified=True)
    base, first = sso_server["base"], browser_page
    other_context = browser.new_context()
    other_context.route("**/cdn.jsdelivr.net/**", lambda route: route.abort())
    other = other_context.new_page()
    try:
        sso_sign_in(other, base, "emma-sub")
        other.locator(SIDEBAR).get_by_role("button", name="Sign out").wait_for()
        settle(other)
        sso_sign_in(first, base, "emma-sub")
        first.locator(SIDEBAR).get_by_role("button", name="Sign out").click()
        first.wait_for_url("**/oauth2/end_session**")  # st.logout: the provider's end-session endpoint
        first.get_by_role("button", name="End session").click()
        first.get_by_role("button", name=f"Sign in with {COMPANY}").first.wait_for()
        other.locator(SIDEBAR).get_by_role("link", name="Account").click()  # the other session's next run
        other.get_by_text("Your session has ended").wait_for()
    finally:
        other_context.close()
