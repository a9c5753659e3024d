"""The whole programme in one browser journey: an employee trains, posts and reports a customer
signal; HR sees it in that person's file; the executive sees it on the leadership overview; the
employee's direct link to an HR page is refused."""

import pytest

from lib.core.db import make_engine
from tests.conftest import create_account
from tests.e2e.conftest import press, settle, shot, sign_in
from tests.e2e.test_leadership_browser import metric
from tests.e2e.test_training_browser import actor, answer, click

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def jules(server):
    engine = make_engine(server["url"])
    create_account(engine, "jules", "employee")
    engine.dispose()
    return "jules"


def leadership_contributions(browser, base: str) -> int:
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    sign_in(page, base, "boss", path="leadership_overview")
    page.get_by_role("heading", name="Leadership overview").first.wait_for()
    # Wait for the figures, or for the empty state of a company with no activity yet.
    page.locator('[data-testid="stMetric"]').or_(page.get_by_text("Nothing to show yet")).first.wait_for()
    settle(page)
    shown = page.locator('[data-testid="stMetric"]').count()
    value = int(metric(page, "Contributions").replace(",", "").replace("\u202f", "")) if shown else 0
    shot(page, "journey_04_leadership")
    page.context.close()
    return value


def test_employee_journey_is_seen_by_hr_and_executives(server, page, browser, jules):
    before = leadership_contributions(browser, server["base"])

    sign_in(page, server["base"], jules, path="training")
    page.get_by_role("heading", name="Training").first.wait_for()
    press(page.get_by_role("button", name="Start").first)
    # The first lesson's button, whichever it is, before counting what is left (the run may still draw).
    page.get_by_role("button", name="Mark as read, go to the quiz").or_(
        page.get_by_role("button", name="Mark as read, next lesson")
    ).first.wait_for()
    while page.get_by_role("button", name="Mark as read, next lesson").count():
        click(page, "Mark as read, next lesson")
    click(page, "Mark as read, go to the quiz")
    engine = make_engine(server["url"])
    answer(page, engine, actor(engine, jules).id, wrong=0)
    engine.dispose()
    page.get_by_text("Passed with 100%").first.wait_for()
    shot(page, "journey_01_module_passed")

    page.goto(f"{server['base']}/my_contributions")
    page.get_by_role("heading", name="My contributions").first.wait_for()
    settle(page)
    page.get_by_role("textbox", name="URL").fill("https://www.linkedin.com/posts/jules-1")
    page.get_by_role("spinbutton", name="Impressions").fill("800")
    press(page.get_by_role("button", name="Log the contribution"))
    page.get_by_text("Contribution logged").first.wait_for()

    page.goto(f"{server['base']}/customer_signals")
    page.get_by_role("heading", name="Customer signals").first.wait_for()
    settle(page)
    page.get_by_role("textbox", name="Customer or company").fill("Martin Industries")
    page.get_by_role("textbox", name="What happened").fill(
        "Praised our support in a public LinkedIn comment."
    )
    press(page.get_by_role("button", name="Report the signal"))
    page.get_by_text("reported. Its target time").first.wait_for()
    shot(page, "journey_02_signal_reported")

    page.goto(f"{server['base']}/participation")
    page.get_by_text("You do not have access to this page").first.wait_for()

    hr = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    sign_in(hr, server["base"], "hugo", path="participation")
    hr.get_by_role("heading", name="Participation").first.wait_for()
    press(hr.get_by_role("tab", name="People"))
    hr.get_by_role("textbox", name="Find a person").fill("jules")
    hr.keyboard.press("Enter")
    settle(hr)
    assert metric(hr, "Contributions (all time)") == "1"
    assert metric(hr, "Customer signals") == "1"
    assert metric(hr, "Required modules passed") == "1 / 1"  # the core
    shot(hr, "journey_03_hr_person_file")
    hr.context.close()

    assert leadership_contributions(browser, server["base"]) == before + 1
