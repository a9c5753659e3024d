"""The training academy in a real browser: a module from first lesson to certificate, in English and
French, and HR's assignments and overdue list."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from lib.core.db import make_engine, session_scope
from lib.core.models import Assignment, User, utcnow
from lib.core.permissions import Actor
from lib.people.accounts import find_user
from lib.training.catalogue import load_modules, sync_catalogue
from tests.e2e.conftest import SCREENSHOTS, open_tab, press, settle, shot, sign_in
from tests.unit.test_training import answers_for, open_draw

pytestmark = pytest.mark.e2e
MODULES = load_modules()
FIRST = MODULES[0]


@pytest.fixture
def db(server):
    engine = make_engine(server["url"])
    with session_scope(engine) as session:
        sync_catalogue(session)
    yield engine
    with session_scope(engine) as session:  # leave the shared accounts as the other tests expect them
        session.execute(update(User).where(User.username.in_(("emma", "hugo"))).values(language="en"))
    engine.dispose()


def actor(engine, username: str) -> Actor:
    with session_scope(engine, write=False) as session:
        return Actor.of(find_user(session, username))


def click(page, name: str) -> None:
    press(page.get_by_role("button", name=name))


def answer(page, engine, user_id: int, wrong: int) -> None:
    """Answer the quiz drawn on screen: every question right but the first `wrong` ones."""
    page.get_by_role("button", name="Submit my answers").wait_for()
    number, drawn = open_draw(engine, user_id, FIRST.slug)
    answers = answers_for(FIRST, drawn, wrong)
    for d in drawn:
        q = FIRST.question(d["id"])
        texts = {o["id"]: o["text"]["en"] for o in q["options"]}
        for oid in answers[d["id"]]:
            key = f"quiz_{FIRST.slug}_{number}_{d['id']}_" + ("en" if q["kind"] == "single" else oid)
            page.locator(f".st-key-{key}").get_by_text(texts[oid], exact=True).click()  # in a form
    click(page, "Submit my answers")


def test_employee_from_first_lesson_to_certificate(server, page, db):
    sign_in(page, server["base"], "emma", path="training")
    page.get_by_role("heading", name="Training").wait_for()
    shot(page, "training_01_catalogue_new")

    emma = actor(db, "emma")
    page.get_by_text("Required modules still to pass: 1 of 1.").first.wait_for()
    press(page.get_by_role("button", name="Start").first)
    page.get_by_role("heading", name=FIRST.lessons[0]["title"]["en"]).wait_for()
    shot(page, "training_02_lesson")
    for _ in FIRST.lessons[:-1]:
        click(page, "Mark as read, next lesson")
    click(page, "Mark as read, go to the quiz")
    page.get_by_role("button", name="Submit my answers").wait_for()
    shot(page, "training_03_quiz")

    answer(page, db, emma.id, wrong=3)
    page.get_by_text("Not passed: 50%").scroll_into_view_if_needed()
    shot(page, "training_04_failed_lessons_to_reread")
    click(page, "Take a new quiz")
    answer(page, db, emma.id, wrong=0)
    page.get_by_text("Passed with 100%").scroll_into_view_if_needed()
    shot(page, "training_05_passed")

    open_tab(page, "Posting guidelines")
    page.get_by_text("Whom to alert", exact=True).wait_for()
    shot(page, "training_05b_guidelines_alerts_and_sheet")
    press(page.get_by_text("I have read these posting guidelines"))
    click(page, "Confirm")
    page.get_by_text("you are now a certified ambassador").wait_for()
    shot(page, "training_06_certified")

    open_tab(page, "Certificate")
    with page.expect_download() as download:
        press(page.get_by_role("button", name="Download my certificate"))
    path = SCREENSHOTS / "training_certificate.html"
    download.value.save_as(path)
    assert "Emma" in path.read_text()
    shot(page, "training_07_certificate_tab")

    press(page.locator('[data-testid="stSidebar"]').get_by_text("Français"))
    page.get_by_role("heading", name="Formation").wait_for()
    press(page.get_by_role("button", name="Tous les modules"))
    shot(page, "training_08_catalogue_fr")
    press(page.get_by_role("button", name="Revoir").first)
    shot(page, "training_09_results_fr")

    certificate = page.context.new_page()
    certificate.goto(path.as_uri())
    certificate.get_by_role("heading", name="Certificate of completion").wait_for()
    shot(certificate, "training_10_certificate_printable")


def test_hr_assigns_and_sees_who_is_overdue(server, page, db):
    sign_in(page, server["base"], "hugo", path="training")
    page.get_by_role("heading", name="Training").wait_for()
    open_tab(page, "Assignments and follow-up (HR)")
    click(page, "Assign")
    page.get_by_text("choose at least one module").wait_for()
    shot(page, "training_11_hr_refused")
    # By keyboard: a click on the open list was ignored now and then under load (2 in 16 tries).
    page.locator(".st-key-assign_modules_en input").fill(MODULES[6].text("title", "en"))
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    click(page, "Assign")
    page.get_by_text(re.compile(r"^1 module\(s\) assigned to \d+ person\(s\)\.$")).wait_for()
    with session_scope(db) as session:
        session.execute(update(Assignment).values(due_on=utcnow().date() - timedelta(days=5)))
    page.reload()
    open_tab(page, "Assignments and follow-up (HR)")
    page.get_by_role("heading", name="Overdue").scroll_into_view_if_needed()
    shot(page, "training_12_hr_overdue")

    press(page.locator('[data-testid="stSidebar"]').get_by_text("Français"))
    page.get_by_role("heading", name="Formation").wait_for()
    open_tab(page, "Affectations et suivi (RH)")
    shot(page, "training_13_hr_fr")
    press(page.locator(".st-key-withdraw_pick_fr").get_by_role("combobox"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    settle(page)
    click(page, "Retirer")
    page.get_by_text("Affectation retirée.").wait_for()
