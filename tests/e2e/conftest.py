"""End-to-end fixtures: the real app served by `streamlit run`, driven by headless Debian Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from lib.core.config import ROOT, Settings
from lib.core.db import make_engine, migrate, session_scope
from lib.core.permissions import Actor
from lib.people import accounts as auth
from tests.conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "screenshots"
COOKIE = Settings.cookie_name
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PEOPLE = {
    "root": ("admin", "employee"),
    "emma": ("employee",),
    "hugo": ("hr", "employee"),
    "boss": ("executive",),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory, browser):
    """A running Porte-voix on a fresh SQLite database with one account per role, warmed up."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    db = tmp_path_factory.mktemp("e2e") / "porte_voix.db"
    url = f"sqlite:///{db}"
    engine = make_engine(url)
    migrate(engine)
    with session_scope(engine) as session:
        for username, roles in PEOPLE.items():
            auth.create_user(
                session,
                Actor.command_line(),
                username=username,
                full_name=username.title(),
                email=f"{username}@example.com",
                roles=list(roles),
                password=PASSWORD,
            )
    engine.dispose()
    port = _free_port()
    proc = start_app(port, {**os.environ, "DATABASE_URL": url})
    base = f"http://127.0.0.1:{port}"
    wait_healthy(f"{base}/_stcore/health", proc)
    warm_up(browser, base)
    yield {"base": base, "url": url}
    proc.terminate()
    proc.wait(timeout=10)


def start_app(port: int, env: dict, *options: str) -> subprocess.Popen:
    """`streamlit run app.py` on 127.0.0.1:`port`, as the README runs it (plus Streamlit `options`)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            *options,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )


def wait_healthy(url: str, proc: subprocess.Popen) -> None:
    """Wait until `url` answers 200 (two minutes at most), failing if `proc` exits first."""
    for _ in range(240):
        if proc.poll() is not None:
            pytest.fail(f"{proc.args[0]} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    proc.kill()
    pytest.fail(f"{url} never answered")


def warm_up(browser, base: str) -> None:
    """Open one session first: a fresh Streamlit process runs its first session in the legacy
    `pages/` mode and redraws the sign-in form once, which a test typing into it would lose."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base)
    page.get_by_role("button", name="Sign in").first.wait_for()
    page.wait_for_timeout(1500)  # the cookie component's extra run
    settle(page)
    context.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def shot(page, name: str) -> None:
    """Save a full-page screenshot under screenshots/ for a person to look at, once the run that
    draws the page is over."""
    SCREENSHOTS.mkdir(exist_ok=True)
    if page.url.startswith("http"):  # not a downloaded file opened from disk
        settle(page)
    page.wait_for_timeout(300)  # charts and expanders finish their animations
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


IDLE_APP = (
    '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
)


def settle(page) -> None:
    """Wait until the app has finished its run. Streamlit marks its root with the run's state, which
    leaves `notRunning` as soon as a widget asks for a rerun; the short pause lets a click get there."""
    page.wait_for_timeout(400)
    page.locator(IDLE_APP).wait_for(state="attached")


def press(target) -> None:
    """Click `target` once the app's current run is over, then wait for the run the click starts.
    Streamlit may drop a click made while a run is still going (its widgets are only faded)."""
    settle(target.page)
    target.click()
    settle(target.page)


def open_tab(page, name: str) -> None:
    press(page.get_by_role("tab", name=name))


def submit_sign_in(page, base: str, username: str, password: str = PASSWORD, path: str = "") -> None:
    """Open the app and send the sign-in form."""
    page.goto(f"{base}/{path}")
    # While a run replaces the previous one, an element can briefly exist twice: take the first.
    page.get_by_role("button", name="Sign in").first.wait_for()
    settle(page)
    page.get_by_role("textbox", name="Username").first.fill(username)
    page.get_by_role("textbox", name="Password").first.fill(password)
    page.get_by_role("button", name="Sign in").first.click()


def sign_in(page, base: str, username: str, path: str = "") -> None:
    submit_sign_in(page, base, username, path=path)
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").wait_for()
    # Setting the remember-me cookie makes the app run once more: wait for it, so that this run
    # does not replace what the test does next (a message shown once, say).
    page.wait_for_function(f"document.cookie.includes('{COOKIE}=')")
    settle(page)
