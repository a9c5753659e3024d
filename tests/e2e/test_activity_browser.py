"""Ambassador activity in a real browser: contributions, customer signals, content library."""

import re

import pytest

from tests.e2e.conftest import open_tab, press, settle, shot, sign_in

pytestmark = pytest.mark.e2e


def pick(page, label: str, option: str | re.Pattern) -> None:
    press(page.locator('[data-testid="stSelectbox"]').filter(has_text=label))
    press(page.get_by_role("option", name=option))


def in_french(page, heading_en: str, heading_fr: str, name: str, english: tuple[str, ...] = ()) -> None:
    """Switch the interface to French, check that none of the `english` labels is left, take a
    screenshot, and switch back."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    press(sidebar.get_by_text("Français"))
    page.get_by_role("heading", name=heading_fr).wait_for()
    settle(page)
    for text in english:
        assert page.get_by_text(text, exact=True).count() == 0, text
    shot(page, name)
    press(sidebar.get_by_text("English"))
    page.get_by_role("heading", name=heading_en).wait_for()


def test_contributions_flow(server, page):
    sign_in(page, server["base"], "emma", path="my_contributions")
    page.get_by_role("heading", name="My contributions").wait_for()
    page.get_by_role("textbox", name="URL").fill("https://www.linkedin.com/posts/emma-1")
    page.get_by_role("spinbutton", name="Impressions").fill("1200")
    page.get_by_role("spinbutton", name="Reactions").fill("45")
    shot(page, "activity_01_contribution_form")
    press(page.get_by_role("button", name="Log the contribution"))
    page.get_by_text("Contribution logged").wait_for()
    settle(page)
    assert page.get_by_role("textbox", name="URL").input_value() == ""
    shot(page, "activity_02_contribution_logged")
    page.get_by_role("textbox", name="URL").fill("not a link")
    press(page.get_by_role("button", name="Log the contribution"))
    page.get_by_text("must be a web address").wait_for()
    shot(page, "activity_03_contribution_refused")
    press(page.get_by_text("Check a draft post"))
    page.get_by_role("textbox", name="Draft post").fill(
        "Check out our new offer! Last chance, buy now: call Paul on 06 12 34 56 78 #a #b #c #d #e #f"
    )
    press(page.get_by_role("button", name="Check", exact=True))
    page.get_by_text("Aggressive sales wording").wait_for()
    page.get_by_text("Aggressive sales wording").scroll_into_view_if_needed()
    shot(page, "activity_07_post_checker")
    open_tab(page, "My contributions")
    shot(page, "activity_04_contribution_list")
    open_tab(page, "Import and export")
    shot(page, "activity_05_contribution_import")
    open_tab(page, "Points and leaderboard")
    press(page.get_by_text("How points are counted"))
    shot(page, "activity_08_points")
    open_tab(page, "Log a contribution")
    in_french(
        page,
        "My contributions",
        "Mes contributions",
        "activity_06_contributions_fr",
        english=("Original post", "All platforms"),
    )


def test_signals_flow(server, page, browser):
    sign_in(page, server["base"], "emma", path="customer_signals")
    page.get_by_role("heading", name="Customer signals").wait_for()
    press(page.get_by_role("button", name="Report the signal"))
    page.get_by_text("Customer or company: is required.").wait_for()
    shot(page, "activity_10_signal_refused")
    page.get_by_role("textbox", name="Customer or company").fill("Durand SAS")
    page.get_by_role("textbox", name="What happened").fill(
        "Asked in a LinkedIn comment for a demo of the new range."
    )
    page.get_by_role("spinbutton", name="Estimated value").fill("12000")
    shot(page, "activity_11_signal_form")
    press(page.get_by_role("button", name="Report the signal"))
    page.get_by_text("reported. Its target time").wait_for()
    open_tab(page, "My signals")
    shot(page, "activity_12_my_signals")

    hr = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB").new_page()
    sign_in(hr, server["base"], "hugo", path="customer_signals")
    hr.get_by_role("heading", name="Customer signals").wait_for()
    open_tab(hr, "All signals")
    pick(hr, "Open a signal", re.compile(r"#\d+ · Durand SAS"))  # other tests may have reported before
    press(hr.get_by_role("button", name="Change the status"))
    hr.get_by_text("Status changed to").wait_for()
    shot(hr, "activity_13_signal_detail_hr")
    in_french(hr, "Customer signals", "Signaux clients", "activity_14_signals_fr")
    hr.context.close()


def test_content_library_flow(server, page, browser):
    hr = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB").new_page()
    sign_in(hr, server["base"], "hugo", path="content_library")
    hr.get_by_role("heading", name="Content library").wait_for()
    open_tab(hr, "Publish and manage")
    hr.get_by_role("textbox", name="Title").fill("Open day in Lyon")
    hr.get_by_role("textbox", name="Suggested text in English").fill(
        "I work at Porte-voix: come and meet our teams at the Lyon open day on Saturday! #OpenDay"
    )
    hr.get_by_role("textbox", name="Suggested text in French").fill(
        "Je travaille chez Porte-voix : venez rencontrer nos équipes samedi à Lyon ! #PortesOuvertes"
    )
    hr.get_by_role("textbox", name="Link to share").fill("https://example.com/open-day")
    shot(hr, "activity_20_library_publish")
    press(hr.get_by_role("button", name="Publish"))
    hr.get_by_text("Item published.").wait_for()
    shot(hr, "activity_21_library_manage")
    hr.context.close()

    sign_in(page, server["base"], "emma", path="content_library")
    page.get_by_text("Open day in Lyon").wait_for()
    shot(page, "activity_22_library_current")
    in_french(page, "Content library", "Bibliothèque de contenus", "activity_23_library_fr")
    open_tab(page, "Check a draft post")
    page.get_by_role("textbox", name="Draft post").fill(
        "I work at Porte-voix: discover our new offices in Lyon."
    )
    press(page.get_by_role("button", name="Check", exact=True))
    page.get_by_text("No issue found").wait_for()
    shot(page, "activity_25_checker_ok")
    open_tab(page, "To share now")
    press(page.get_by_role("button", name="I shared this"))
    page.get_by_text("Pre-filled from the content library").wait_for()
    shot(page, "activity_24_shared_prefill")
    press(page.get_by_role("button", name="Log the contribution"))
    page.get_by_text("Contribution logged").wait_for()
