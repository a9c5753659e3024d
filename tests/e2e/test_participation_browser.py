"""HR's Participation page in a real browser: roster import, funnel, heatmap, follow-up and
reminders, one person's file, an audited download; French; refusal to an employee."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from lib.core.db import make_engine, session_scope
from lib.core.models import AuditEvent, Contribution, Department, Team, User, utcnow
from lib.core.permissions import Actor
from lib.training.catalogue import load_modules, sync_catalogue
from tests.e2e.conftest import SCREENSHOTS, open_tab, press, settle, shot, sign_in
from tests.unit.test_training import certify, pass_module

pytestmark = pytest.mark.e2e
DOMAIN = "@e2e-roster.example"
TODAY = utcnow().date()
DEPARTMENTS = ("E2E Sales", "E2E Support")


def roster_file() -> bytes:
    """Seven people in E2E Sales (two teams), three in E2E Support, one who left."""
    lines = ["email,full_name,department,team,manager_email,job_title,start_date,status,left_on"]
    names = [
        "Camille Martin",
        "Louis Bernard",
        "Chloé Dubois",
        "Hugo Thomas",
        "Inès Robert",
        "Jules Petit",
        "Manon Durand",
        "Adam Leroy",
        "Julie Moreau",
        "Paul Simon",
        "Zoé Laurent",
    ]
    for i, name in enumerate(names):
        dept, team = (
            (DEPARTMENTS[0], "Key accounts" if i < 4 else "SMB") if i < 7 else (DEPARTMENTS[1], "Care")
        )
        manager = "" if i in (0, 7) else (f"p0{DOMAIN}" if i < 7 else f"p7{DOMAIN}")
        start = (TODAY - timedelta(days=20 if i in (5, 9) else 900)).isoformat()
        status, left = ("left", (TODAY - timedelta(days=3)).isoformat()) if i == 10 else ("active", "")
        lines.append(f"p{i}{DOMAIN},{name},{dept},{team},{manager},Consultant,{start},{status},{left}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def db(server):
    engine = make_engine(server["url"])
    with session_scope(engine) as session:
        sync_catalogue(session)
    yield engine
    with session_scope(engine) as session:  # leave the shared database as the other tests expect it
        session.execute(delete(User).where(User.email.like(f"%{DOMAIN}")))
        session.execute(
            delete(Team).where(
                Team.department_id.in_(select(Department.id).where(Department.name.in_(DEPARTMENTS)))
            )
        )
        session.execute(delete(Department).where(Department.name.in_(DEPARTMENTS)))
        session.execute(update(User).where(User.username == "hugo").values(language="en"))
    engine.dispose()


def people(engine, *numbers: int) -> list[Actor]:
    with session_scope(engine, write=False) as session:
        users = session.scalars(select(User).where(User.email.in_([f"p{n}{DOMAIN}" for n in numbers])))
        return [Actor.of(u) for u in users]


def test_hr_imports_the_roster_and_follows_participation(server, page, db, browser):
    sign_in(page, server["base"], "hugo", path="participation")
    page.get_by_role("heading", name="Participation").wait_for()
    open_tab(page, "Roster")
    upload = SCREENSHOTS / "e2e_roster.csv"
    SCREENSHOTS.mkdir(exist_ok=True)
    upload.write_bytes(roster_file())
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    preview = page.get_by_text("Preview: 11 to create, 0 to update, 0 to deactivate (left), 0 unchanged.")
    preview.wait_for()
    preview.scroll_into_view_if_needed()
    shot(page, "participation_01_import_preview")
    press(page.get_by_role("button", name="Apply the import (11 people change)"))
    page.get_by_text("Import done: 11 created").wait_for()
    shot(page, "participation_02_roster")

    # Some of them train, certify and post, so that the figures have something to show.
    for person in people(db, 0, 1, 2, 7):
        certify(db, person)
    for person in people(db, 3, 8):
        pass_module(db, person, load_modules()[0])
    with session_scope(db) as session:
        for person in people(db, 0, 1, 7):
            session.add(
                Contribution(
                    user_id=person.id,
                    occurred_on=TODAY - timedelta(days=2),
                    platform="linkedin",
                    kind="share",
                    impressions=500,
                    reactions=20,
                )
            )
    page.reload()
    page.get_by_role("heading", name="Participation").wait_for()
    press(page.locator(".st-key-part_department_en").get_by_role("combobox"))
    press(page.get_by_role("option", name=DEPARTMENTS[0]))
    page.get_by_text("Started training").first.wait_for()
    shot(page, "participation_03_funnel_department")
    page.get_by_role("heading", name="By team").scroll_into_view_if_needed()
    shot(page, "participation_03b_by_team")

    page.locator(".st-key-part_department_en").scroll_into_view_if_needed()
    press(page.locator(".st-key-part_department_en").get_by_role("combobox"))
    press(page.get_by_role("option", name="Whole company"))
    open_tab(page, "Completion")
    page.get_by_role("tabpanel", name="Completion").locator(
        '[data-testid="stPlotlyChart"]'
    ).first.scroll_into_view_if_needed()
    shot(page, "participation_04_completion")

    open_tab(page, "Follow-up")
    page.get_by_role("heading", name="New joiners not yet enrolled").wait_for()
    with page.expect_download() as download:
        press(page.locator(".st-key-participation_new_joiners_export_csv").get_by_role("button"))
    assert "Jules Petit" in download.value.path().read_text(encoding="utf-8-sig")
    settle(page)
    with session_scope(db, write=False) as session:
        exported = session.scalars(select(AuditEvent.target).where(AuditEvent.action == "export")).all()
    assert "participation.new_joiners" in exported
    press(page.get_by_text("New joiners ("))
    page.get_by_role("heading", name="Send a reminder").scroll_into_view_if_needed()
    shot(page, "participation_05_follow_up")

    open_tab(page, "People")
    page.get_by_role("textbox", name="Find a person").fill("Camille")
    page.keyboard.press("Enter")
    settle(page)
    page.get_by_text("Required modules passed").wait_for()
    shot(page, "participation_06_person")

    press(page.locator('[data-testid="stSidebar"]').get_by_text("Français"))
    page.get_by_role("heading", name="Participation").wait_for()
    open_tab(page, "Vue d’ensemble")
    page.get_by_text("Formation commencée").first.wait_for()
    shot(page, "participation_07_overview_fr")
    assert (
        page.locator(".st-key-part_department_fr").get_by_role("combobox").input_value()
        == "Toute l’entreprise"
    )
    open_tab(page, "Effectif")
    shot(page, "participation_08_roster_fr")
    press(page.locator('[data-testid="stSidebar"]').get_by_text("English"))
    page.get_by_role("heading", name="Participation").wait_for()

    emma = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB").new_page()
    sign_in(emma, server["base"], "emma", path="participation")
    emma.get_by_text("You do not have access to this page").wait_for()
    shot(emma, "participation_09_refused_to_employee")
    emma.context.close()
