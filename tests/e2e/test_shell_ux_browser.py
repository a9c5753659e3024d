"""The shell as a careful user meets it: the first administrator on a fresh server, direct links to
every screen, and a sign-out that leaves no remember-me cookie behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from lib.core.config import ROOT
from lib.core.db import make_engine, migrate
from tests.conftest import PASSWORD
from tests.e2e.conftest import COOKIE, _free_port, press, settle, shot, sign_in


@pytest.fixture
def fresh_server(tmp_path, browser):
    """A brand-new process on an empty database, not warmed up: what an installer meets first."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    port = _free_port()
    proc = subprocess.Popen(
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
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def test_first_administrator_is_created_on_the_first_click(fresh_server, page):
    page.goto(fresh_server)
    create = page.get_by_role("button", name="Create the administrator").first
    create.wait_for()
    settle(page)
    page.get_by_role("textbox", name="Username").first.fill("ada")
    page.get_by_role("textbox", name="Full name").first.fill("Ada Lovelace")
    page.get_by_role("textbox", name="E-mail").first.fill("ada@example.com")
    secrets = page.locator('input[type="password"]')
    secrets.nth(0).fill(PASSWORD)
    secrets.nth(1).fill(PASSWORD)
    create.click()  # once: a fresh process used to redraw the form and drop this click
    page.get_by_text("Administrator created").first.wait_for(timeout=15_000)
    page.get_by_role("button", name="Sign in").first.wait_for()  # the confirmation is on the sign-in page
    shot(page, "ux_first_admin_created")


@pytest.mark.parametrize("path, heading", [("training", "Training"), ("account", "Account")])
def test_every_screen_has_its_own_address(server, page, path, heading):
    sign_in(page, server["base"], "emma")
    page.goto(f"{server['base']}/{path}")
    page.get_by_role("heading", name=heading).first.wait_for()
    settle(page)
    assert page.get_by_text("Page not found").count() == 0
    assert page.url.rstrip("/").endswith(f"/{path}")
    page.goto(server["base"])  # the root opens the first screen, at its own address
    page.get_by_role("heading", name="Training").first.wait_for()
    page.wait_for_url(f"{server['base']}/training")


def test_sign_out_removes_the_remember_me_cookie(server, page):
    sign_in(page, server["base"], "emma")
    [cookie] = [c for c in page.context.cookies() if c["name"] == COOKIE]
    assert cookie["sameSite"] == "Strict"
    press(page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out"))
    page.get_by_role("button", name="Sign in").first.wait_for()
    page.wait_for_function(f"!document.cookie.includes('{COOKIE}=')")
    assert COOKIE not in {c["name"] for c in page.context.cookies()}
