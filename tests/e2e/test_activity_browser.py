"""Ambassador activity in a real browser: contributions, customer signals, content library."""

import pytest

from tests.e2e.conftest import settle, shot, sign_in

pytestmark = pytest.mark.e2e


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    settle(page)


def test_contributions_flow(server, page):
    sign_in(page, server["base"], "emma", path="my_contributions")
    page.get_by_role("heading", name="My contributions").wait_for()
    page.get_by_role("textbox", name="URL").fill("https://www.linkedin.com/posts/emma-1")
    page.get_by_role("spinbutton", name="Impressions").fill("1200")
    page.get_by_role("spinbutton", name="Reactions").fill("45")
    shot(page, "activity_01_contribution_form")
    page.get_by_role("button", name="Log the contribution").click()
    page.get_by_text("Contribution logged").wait_for()
    assert page.get_by_role("textbox", name="URL").input_value() == ""
    shot(page, "activity_02_contribution_logged")
    page.get_by_role("textbox", name="URL").fill("not a link")
    page.get_by_role("button", name="Log the contribution").click()
    page.get_by_text("must be a web address").wait_for()
    shot(page, "activity_03_contribution_refused")
    open_tab(page, "My contributions")
    shot(page, "activity_04_contribution_list")
    open_tab(page, "Import and export")
    shot(page, "activity_05_contribution_import")
    page.locator('[data-testid="stSidebar"]').get_by_text("Français").click()
    page.get_by_role("heading", name="Mes contributions").wait_for()
    settle(page)
    shot(page, "activity_06_contributions_fr")
    page.locator('[data-testid="stSidebar"]').get_by_text("English").click()
    page.get_by_role("heading", name="My contributions").wait_for()
