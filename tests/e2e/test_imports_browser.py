"""Platform analytics imports and the review queue in a real browser: an employee imports a
LinkedIn workbook and an X CSV (preview, apply, the same file again changes nothing), a typed
implausible figure waits in HR's review queue until approved, and the import journey in French
leaves no English on the screen. Each test works with a person of its own."""

import itertools
import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from lib.core.db import make_engine, session_scope
from lib.core.i18n import catalogue
from lib.core.models import AnalyticsImport, Contribution, PlatformDay, User, utcnow
from lib.core.permissions import Actor
from lib.people import accounts as auth
from tests.analytics_files import linkedin_url, linkedin_xlsx, x_csv, year_of_days
from tests.conftest import PASSWORD
from tests.e2e.conftest import open_tab, press, settle, shot, sign_in

pytestmark = pytest.mark.e2e
TODAY = utcnow().date()
POSTS = [(1, TODAY - timedelta(days=30), 40, 1200), (2, TODAY - timedelta(days=20), 25, 900)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_numbers = itertools.count(1)


@pytest.fixture
def db(server):
    engine = make_engine(server["url"])
    yield engine
    engine.dispose()


@pytest.fixture
def person(db):
    """An employee of this test's own, removed afterwards with everything imported for them."""
    username = f"importer{next(_numbers)}"
    with session_scope(db) as session:
        user, _ = auth.create_user(
            session,
            Actor.command_line(),
            username=username,
            full_name=f"Nina Importer {username[-1]}",
            email=f"{username}@e2e-imports.example",
            roles=["employee"],
            password=PASSWORD,
            start_date=TODAY - timedelta(days=700),
        )
        user_id = user.id
    yield Actor(id=user_id, username=username, roles=frozenset({"employee"}))
    with session_scope(db) as session:
        for model in (Contribution, PlatformDay, AnalyticsImport):
            session.execute(delete(model).where(model.user_id == user_id))
        session.execute(delete(User).where(User.id == user_id))


def contributions(engine, user_id: int) -> list[Contribution]:
    with session_scope(engine, write=False) as session:
        rows = session.scalars(
            select(Contribution).where(Contribution.user_id == user_id).order_by(Contribution.occurred_on)
        ).all()
        session.expunge_all()
        return list(rows)


def imports_of(engine, user_id: int) -> int:
    with session_scope(engine, write=False) as session:
        return session.scalar(select(func.count()).where(AnalyticsImport.user_id == user_id))


def upload(page, name: str, data: bytes, mime: str) -> None:
    """Drop `data` on the analytics import's uploader (its key changes after each import)."""
    uploader = page.locator('[class*="st-key-analytics_upload_"] [data-testid="stFileUploaderDropzoneInput"]')
    uploader.set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
    settle(page)


def main_text(page) -> str:
    settle(page)
    return page.locator('[data-testid="stMain"]').inner_text()


def test_employee_imports_linkedin_and_x_exports(server, page, db, person):
    sign_in(page, server["base"], person.username, path="my_contributions")
    page.get_by_role("heading", name="My contributions").wait_for()
    open_tab(page, "Import and export")
    workbook = linkedin_xlsx(POSTS, year_of_days(TODAY - timedelta(days=1), 30))

    upload(page, "Content_2026.xlsx", workbook, XLSX)
    page.get_by_text(
        "LinkedIn export: 2 contribution(s) to create, 0 to update with the platform’s figures, "
        "0 unchanged; 30 daily figure(s) to record. 0 will wait for an HR review."
    ).wait_for()
    shot(page, "imports_01_linkedin_preview")
    assert any(piece in main_text(page) for piece in english_fragments())  # what the French test looks for
    assert contributions(db, person.id) == []  # the preview writes nothing
    press(page.get_by_role("button", name="Import", exact=True))
    page.get_by_text(
        "Imported: 2 contribution(s) created, 0 updated, 30 daily figure(s) recorded."
    ).wait_for()
    got = contributions(db, person.id)
    assert [(r.impressions, r.engagements, r.figures_source) for r in got] == [
        (1200, 40, "imported"),
        (900, 25, "imported"),
    ]

    upload(page, "Content_2026.xlsx", workbook, XLSX)  # the same file again
    page.get_by_text("Everything in this export is already imported: nothing to change.").wait_for()
    assert page.get_by_role("button", name="Import", exact=True).count() == 0
    assert len(contributions(db, person.id)) == 2 and imports_of(db, person.id) == 1

    tweets = x_csv([(333333333333, TODAY - timedelta(days=5), 800, 20, 3, 2, 7)], "new")
    upload(page, "account_analytics.csv", tweets, "text/csv")
    page.get_by_text("X export: 1 contribution(s) to create, 0 to update").wait_for()
    press(page.get_by_role("button", name="Import", exact=True))
    page.get_by_text("Imported: 1 contribution(s) created, 0 updated, 0 daily figure(s) recorded.").wait_for()
    upload(page, "account_analytics.csv", tweets, "text/csv")
    page.get_by_text("Everything in this export is already imported: nothing to change.").wait_for()
    x_post = [r for r in contributions(db, person.id) if r.platform == "x"]
    assert [(r.impressions, r.reactions, r.comments, r.shares, r.clicks) for r in x_post] == [
        (800, 20, 3, 2, 7)
    ]
    assert imports_of(db, person.id) == 2
    shot(page, "imports_02_imported")


def pick(page, label: str, option: str | re.Pattern) -> None:
    press(page.locator('[data-testid="stSelectbox"]').filter(has_text=label).get_by_role("combobox"))
    press(page.get_by_role("option", name=option))


def test_implausible_typed_figure_waits_for_hr_then_counts(server, page, browser, db, person):
    sign_in(page, server["base"], person.username, path="my_contributions")
    page.get_by_role("heading", name="My contributions").wait_for()
    page.get_by_role("textbox", name="URL").fill(linkedin_url(77))
    page.get_by_role("spinbutton", name="Impressions").fill("5000000")
    press(page.get_by_role("button", name="Log the contribution"))
    page.get_by_text("Contribution logged").wait_for()
    page.get_by_text("1 of these contributions wait for an HR review").wait_for()
    [held] = contributions(db, person.id)
    assert (held.review, held.review_reasons) == ("pending", "above_ceiling")
    shot(page, "imports_03_held")

    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
    hr = context.new_page()
    hr.set_default_timeout(30_000)
    sign_in(hr, server["base"], "hugo", path="participation")
    hr.get_by_role("heading", name="Participation").wait_for()
    open_tab(hr, "Figures to review")
    hr.get_by_text(re.compile(r"\d+ contribution\(s\) wait for a review\.")).wait_for()
    pick(hr, "Contribution to decide on", re.compile(f"^Nina Importer {person.username[-1]} · "))
    shot(hr, "imports_04_review_queue")
    press(hr.get_by_role("button", name="Approve as is"))
    hr.get_by_text("Approved: its figures now count.").wait_for()
    context.close()
    [approved] = contributions(db, person.id)
    assert (approved.review, approved.impressions) == ("approved", 5_000_000)

    page.reload()
    page.get_by_role("heading", name="My contributions").wait_for()
    settle(page)
    assert page.get_by_text("wait for an HR review").count() == 0


def english_fragments() -> set[str]:
    """Pieces of the English interface strings that differ from their French, long enough to be
    unambiguous (placeholders and markup cut out)."""
    out = set()
    for texts in catalogue().values():
        if texts.get("en") == texts.get("fr"):
            continue
        for piece in re.split(r"\{[^}]*\}|\*\*|[“”«»:;!?()]", texts["en"]):
            piece = piece.strip(" .,·—-")
            if len(piece) >= 14:
                out.add(piece)
    return out


FRENCH_DATE = re.compile(
    r"\d{1,2}(er)?\u00a0(janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)\.?\u00a0\d{4}"
)
ENGLISH_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\s(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s\d{4}\b"
)


def assert_french(page) -> str:
    """No English left in the page's main area but the file uploader's own words ("Upload",
    "5MB per file", which Streamlit offers no way to translate: see the README), and no date in
    an English or ISO format; returns the text checked. Tables are drawn on a canvas, out of the
    page's text: the page tests check their French (tests/apptest/test_analytics_import_page.py)."""
    text = main_text(page)
    for zone in page.locator('[data-testid="stFileUploaderDropzone"]').all():
        text = text.replace(zone.inner_text(), "")
    left = sorted(piece for piece in english_fragments() if piece in text)
    assert left == [], left
    assert not ENGLISH_DATE.search(text), ENGLISH_DATE.search(text)
    return text


def test_import_journey_in_french(server, page, db, person):
    sign_in(page, server["base"], person.username, path="my_contributions")
    page.get_by_role("heading", name="My contributions").wait_for()
    press(page.locator('[data-testid="stSidebar"]').get_by_text("Français"))
    page.get_by_role("heading", name="Mes contributions").wait_for()
    open_tab(page, "Import et export")

    upload(page, "statistiques.xlsx", b"date;impressions\n01/12/2026;3\n", XLSX)  # a CSV renamed .xlsx
    page.get_by_text("« statistiques.xlsx » porte un nom de classeur Excel mais n’en est pas un").wait_for()
    assert contributions(db, person.id) == []

    workbook = linkedin_xlsx(POSTS, year_of_days(TODAY - timedelta(days=1), 30), "fr")
    upload(page, "Contenu_2026.xlsx", workbook, XLSX)
    page.get_by_text(
        "Export LinkedIn\u00a0: 2 contribution(s) à créer, 0 à mettre à jour avec les chiffres de la "
        "plateforme, 0 inchangée(s)\u00a0; 30 chiffre(s) quotidien(s) à enregistrer."
    ).wait_for()
    assert FRENCH_DATE.search(assert_french(page))  # the period of my figures, above the tabs
    shot(page, "imports_05_preview_fr")
    press(page.get_by_role("button", name="Importer", exact=True))
    page.get_by_text("Import terminé\u00a0: 2 contribution(s) créée(s), 0 mise(s) à jour").wait_for()
    page.get_by_text("Imports précédents").wait_for()
    assert_french(page)
    shot(page, "imports_06_imported_fr")

    # a later export updates the figures of a post already imported
    later = linkedin_xlsx([(1, POSTS[0][1], 55, 1500), POSTS[1]], [], "fr")
    upload(page, "Contenu_2026_bis.xlsx", later, XLSX)
    page.get_by_text("Export LinkedIn\u00a0: 0 contribution(s) à créer, 1 à mettre à jour").wait_for()
    press(page.get_by_role("button", name="Importer", exact=True))
    page.get_by_text("Import terminé\u00a0: 0 contribution(s) créée(s), 1 mise(s) à jour").wait_for()
    assert contributions(db, person.id)[0].impressions == 1500

    # logging an imported post again by hand is refused, the existing entry named in French
    open_tab(page, "Enregistrer une contribution")
    page.get_by_role("textbox", name="URL").fill(linkedin_url(2, 1))
    press(page.get_by_role("button", name="Enregistrer la contribution"))
    refusal = page.get_by_text("ce lien est déjà enregistré")
    refusal.wait_for()
    assert (
        FRENCH_DATE.search(refusal.inner_text())
        and "(LinkedIn, Publication originale)" in refusal.inner_text()
    )
    assert_french(page)
    shot(page, "imports_07_refused_fr")
    assert len(contributions(db, person.id)) == 2
