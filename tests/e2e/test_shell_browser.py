"""The app shell in a real browser: sign-in form, role menus, direct links, refusals, French."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lib.core.db import make_engine, session_scope
from lib.core.models import User
from tests.e2e.conftest import press, shot, sign_in, submit_sign_in

pytestmark = pytest.mark.e2e


def menu(page) -> list[str]:
    links = page.locator('[data-testid="stSidebarNav"] a')
    return [links.nth(i).inner_text().strip().splitlines()[-1] for i in range(links.count())]


def test_wrong_password_is_refused(server, page):
    submit_sign_in(page, server["base"], "emma", "not the right password")
    page.get_by_text("Incorrect username or password").first.wait_for()
    shot(page, "00_sign_in_refused")


@pytest.mark.parametrize(
    "username, expected",
    [
        ("emma", ["Training", "My contributions", "Customer signals", "Content library", "Account"]),
        ("boss", ["Customer signals", "Leadership overview", "Account"]),
        (
            "root",
            [
                "Training",
                "My contributions",
                "Customer signals",
                "Content library",
                "Participation",
                "Notifications",
                "Leadership overview",
                "Administration",
                "Account",
            ],
        ),
    ],
)
def test_each_role_sees_its_menu(server, page, username, expected):
    sign_in(page, server["base"], username)
    page.locator('[data-testid="stSidebarNav"]').wait_for()
    assert menu(page) == expected
    shot(page, f"01_home_{username}")


def test_direct_link_to_a_forbidden_page_is_refused(server, page):
    sign_in(page, server["base"], "emma")
    page.goto(f"{server['base']}/administration")
    page.get_by_text("You do not have access to this page").first.wait_for()
    shot(page, "02_forbidden_administration")


def test_direct_link_lands_on_the_page_after_sign_in(server, page):
    sign_in(page, server["base"], "boss", path="leadership_overview")
    page.get_by_role("heading", name="Leadership overview").first.wait_for()


def test_administration_page(server, page):
    sign_in(page, server["base"], "root", path="administration")
    page.get_by_role("heading", name="Administration").first.wait_for()
    with session_scope(make_engine(server["url"]), write=False) as session:
        total = session.scalar(select(func.count()).select_from(User))
        active = session.scalar(select(func.count()).select_from(User).where(User.is_active))
    page.get_by_text(f"{total} accounts, {active} active").wait_for()
    shot(page, "03_administration")


def test_account_page_in_french(server, page):
    sign_in(page, server["base"], "hugo", path="account")
    page.get_by_role("heading", name="Account").first.wait_for()
    press(page.get_by_text("Français").first)
    page.get_by_role("heading", name="Compte").first.wait_for()
    shot(page, "04_account_fr")
    press(page.get_by_text("English").first)
    page.get_by_role("heading", name="Account").first.wait_for()


def test_download_my_data_is_a_real_json_file(server, page):
    sign_in(page, server["base"], "emma", path="account")
    page.get_by_role("heading", name="My data").first.wait_for()
    with page.expect_download() as download:
        press(page.get_by_role("button", name="My data, machine-readable (JSON)"))
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["profile"]["username"] == "emma"
    assert download.value.suggested_filename == "porte-voix-my-data.json"
