"""The Training page driven as an employee and as HR would: lessons, quiz, guidelines, certificate,
assignments; refusals, empty states and French."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import app_test as app_test_module

from lib.core.db import session_scope
from lib.core.models import Assignment, Department, LessonProgress, utcnow
from lib.training import academy as training
from tests.apptest.conftest import signed_in, texts
from tests.unit.test_training import CORE, MODULES, answers_for, open_draw

FIRST = MODULES[0]
SUBMIT = "FormSubmitter:training_quiz-Submit my answers"


@pytest.fixture
def downloads(monkeypatch):
    """Every file the page offers for download: {file name: bytes}."""
    files = {}

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            files[filename] = path_or_data
            return super().load_and_get_id(path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)
    return files


def training_page(username: str):
    return signed_in(username).switch_page("pages/training.py").run()


def open_tab(at, label: str) -> None:
    """Select a tab as a click would (the tabs are keyed; only the open one is computed)."""
    at.session_state["training_tab"] = label
    at.run()


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def answer(at, engine, user_id, module, wrong: int = 0) -> list[dict]:
    """Answer the quiz on screen (all right but the first `wrong` questions); returns the draw."""
    number, drawn = open_draw(engine, user_id, module.slug)
    answers = answers_for(module, drawn, wrong)
    prefix = f"quiz_{module.slug}_{number}"
    for d in drawn:
        if module.question(d["id"])["kind"] == "single":
            at.radio(key=f"{prefix}_{d['id']}_en").set_value(answers[d["id"]][0])
        else:
            for oid in d["options"]:
                at.checkbox(key=f"{prefix}_{d['id']}_{oid}").set_value(oid in answers[d["id"]])
    at.button(key=SUBMIT).click().run()
    return drawn


def status(engine, actor) -> str:
    with session_scope(engine, write=False) as session:
        return training.overview(session, actor).state(FIRST.slug).status


def lessons_read(engine, user_id) -> int:
    with session_scope(engine, write=False) as session:
        return session.scalar(
            select(func.count())
            .select_from(LessonProgress)
            .where(LessonProgress.user_id == user_id, LessonProgress.module_slug == FIRST.slug)
        )


def test_employee_fails_passes_acknowledges_and_downloads_a_certificate(app_engine, add_user, downloads):
    add_user("root", "admin")
    emma = add_user("emma")
    at = training_page("emma")
    assert metric(at, "Required modules passed") == f"0 / {len(CORE)}"
    assert f"Not certified yet. Required modules still to pass: 1 of {len(CORE)}." in texts(at)
    assert "Core: required of everyone" in texts(at) and "For executives" in texts(at)

    # Open the module, read the first lesson: progress saved, and resumed in a new session.
    at.button(key=f"open_{FIRST.slug}").click().run()
    assert at.subheader[0].value == FIRST.lessons[0]["title"]["en"]
    at.button(key="lesson_read").click().run()
    assert lessons_read(app_engine, emma.id) == 1
    at = training_page("emma")
    at.button(key=f"open_{FIRST.slug}").click().run()
    assert at.subheader[0].value == FIRST.lessons[1]["title"]["en"]
    assert at.button(key="lesson_quiz").disabled
    for _ in FIRST.lessons[1:-1]:
        at.button(key="lesson_read").click().run()
    assert FIRST.takeaways("en")[0] in texts(at)  # the last lesson ends with the key takeaways
    at.button(key="lesson_read").click().run()
    assert lessons_read(app_engine, emma.id) == len(FIRST.lessons)

    # Fail the quiz: the score, which questions were wrong and the lessons to re-read; no key.
    drawn = answer(at, app_engine, emma.id, FIRST, wrong=3)
    assert not at.exception
    shown = texts(at)
    right = len(drawn) - 3
    score = (200 * right + len(drawn)) // (2 * len(drawn))
    assert f"Not passed: {score}% ({right} of {len(drawn)} right answers; pass mark 80%)" in shown
    assert shown.count(":red-badge[:material/close: Wrong]") == 3
    assert shown.count(":green-badge[:material/check: Right]") == right
    for d in drawn[:3]:
        q = FIRST.question(d["id"])
        lesson = FIRST.lesson_of(d["id"])
        assert q["prompt"]["en"] in shown and lesson["title"]["en"] in shown
        assert q["explanation"]["en"] not in shown
        assert not any(o["text"]["en"] in shown for o in q["options"])  # not the answer key

    # A new quiz asks the questions not asked yet first, and passes.
    at.button(key="training_retry").click().run()
    _, again = open_draw(app_engine, emma.id, FIRST.slug)
    assert {q["id"] for q in FIRST.quiz} - {d["id"] for d in drawn} <= {d["id"] for d in again}
    answer(at, app_engine, emma.id, FIRST)
    assert "Passed with 100%" in texts(at)
    assert metric(at, "Required modules passed") == f"{len(CORE)} / {len(CORE)}"

    # Acknowledge the guidelines: the box is required; then certified.
    open_tab(at, "Posting guidelines")
    assert "Whom to alert" in texts(at)
    at.button(key="policy_submit").click().run()
    assert "Tick the box" in texts(at)
    at.checkbox(key="policy_confirm").check()
    at.button(key="policy_submit").click().run()
    shown = texts(at)
    assert "you are now a certified ambassador" in shown and "You are a certified ambassador until" in shown
    assert "You confirmed version 2 of the guidelines" in shown
    sheet = downloads["porte-voix-do-and-dont-en.html"].decode()
    assert "@media print" in sheet and "Whom to alert" in sheet

    # Download the certificate.
    open_tab(at, "Certificate")
    button = at.get("download_button")[0]
    assert button.label == "Download my certificate"
    name = next(n for n in downloads if n.startswith("porte-voix-certificate-emma-"))
    page = downloads[name].decode()
    assert "Emma" in page and all(m.text("title", "en").replace("'", "&#x27;") in page for m in CORE)
    assert utcnow().date().isoformat() in page


def test_quiz_with_missing_answers_is_explained_and_not_recorded(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    at = training_page("emma")
    at.button(key=f"open_{FIRST.slug}").click().run()
    for _ in FIRST.lessons:
        at.button(key="lesson_read").click().run()
    at.button(key=SUBMIT).click().run()
    numbers = ", ".join(str(n) for n in range(1, FIRST.draw + 1))
    assert f"Answer every question: no answer to question(s) {numbers}." in texts(at)
    assert status(app_engine, emma) == "in_progress"


def test_roles_that_do_not_train_are_refused(app_engine, add_user):
    add_user("root", "admin")
    add_user("boss", "executive")
    at = signed_in("boss")
    at.switch_page("pages/training.py").run()
    assert "You do not have access to this page" in texts(at)
    assert "policy_submit" not in [b.key for b in at.button] and not at.tabs


def test_employee_sees_no_hr_section_and_helpful_empty_states(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = training_page("emma")
    assert [t.label for t in at.tabs] == ["Modules", "Posting guidelines", "Certificate"]
    assert "Read and confirm the posting guidelines" in texts(at)
    open_tab(at, "Certificate")
    assert "Your certificate will be available here once you are certified." in texts(at)
    assert at.get("download_button") == []


def test_hr_assigns_and_follows_overdue_people(app_engine, add_user, downloads):
    add_user("root", "admin")
    with session_scope(app_engine) as session:
        session.add(Department(name="Sales"))
        session.flush()
        sales = session.scalar(select(Department.id))
    add_user("hilda", "hr", "employee")
    add_user("emma", department_id=sales)
    at = training_page("hilda")
    assert [t.label for t in at.tabs][-1] == "Assignments and follow-up (HR)"
    open_tab(at, "Assignments and follow-up (HR)")
    shown = texts(at)
    for empty in ("No assignments yet.", "Nobody is overdue.", "Nobody needs to recertify."):
        assert empty in shown

    at.radio(key="assign_scope_en").set_value("department").run()
    at.button(key="assign_submit").click().run()
    shown = texts(at)
    assert "Modules: choose at least one module." in shown and "Department: choose a department." in shown
    at.multiselect(key="assign_modules_en").set_value([FIRST.slug, MODULES[1].slug])
    at.selectbox(key="assign_department").set_value(sales)
    at.button(key="assign_submit").click().run()
    assert "2 module(s) assigned to 1 person(s)." in texts(at)  # people, not records
    assert at.multiselect(key="assign_modules_en").value == []  # the next assignment starts afresh
    assert at.selectbox(key="assign_department").value is None
    table = at.dataframe[0].value
    assert table["Assigned to"].tolist() == ["A department: Sales"] * 2
    assert table["People concerned"].tolist() == [1, 1]

    with session_scope(app_engine) as session:
        session.execute(update(Assignment).values(due_on=utcnow().date() - timedelta(days=2)))
    at.run()
    assert metric(at, "People overdue") == "1"
    overdue = at.dataframe[1].value
    assert overdue["Username"].tolist() == ["emma", "emma"] and overdue["Days late"].tolist() == [2, 2]
    assert "training-overdue.csv" not in downloads  # built only when asked for
    at.toggle(key="overdue_export_on").set_value(True).run()
    assert downloads["training-overdue.csv"].decode("utf-8-sig").count('"emma"') == 2

    emma = training_page("emma")
    assert "To do: these assigned modules are past their due date." in texts(emma)
    assert FIRST.text("title", "en") in emma.error[0].value

    with session_scope(app_engine, write=False) as session:
        first_id = session.scalar(select(func.min(Assignment.id)))
    at.selectbox(key="withdraw_pick_en").set_value(first_id).run()
    at.button(key="withdraw_submit").click().run()
    assert "Assignment withdrawn." in texts(at) and len(at.dataframe[0].value) == 1


def test_hr_sets_certificate_validity(app_engine, add_user):
    add_user("root", "admin")
    add_user("hilda", "hr")
    at = training_page("hilda")
    open_tab(at, "Assignments and follow-up (HR)")
    at.number_input(key="cert_months").set_value(24)
    at.button(key="cert_months_save").click().run()
    assert "Certificates now stay valid for 24 months." in texts(at)
    assert at.number_input(key="cert_months").value == 24


def test_hr_chooses_required_modules_and_sets_alert_contacts(app_engine, add_user):
    add_user("root", "admin")
    add_user("hilda", "hr")
    emma = add_user("emma")
    at = training_page("hilda")
    open_tab(at, "Assignments and follow-up (HR)")
    picker = at.multiselect(key="required_modules_en")
    assert picker.value == [m.slug for m in CORE]
    picker.set_value([]).run()
    at.button(key="required_save").click().run()
    assert "Modules required of everyone: choose at least one module." in texts(at)
    extra = MODULES[1]
    at.multiselect(key="required_modules_en").set_value([m.slug for m in CORE] + [extra.slug]).run()
    at.button(key="required_save").click().run()
    assert "Required modules saved." in texts(at)
    with session_scope(app_engine, write=False) as session:
        assert training.overview(session, emma).required == len(CORE) + 1

    # Alert contacts: both are needed; the employee then sees them under the guidelines.
    field = {area.label: area for area in at.text_area}
    field["Office hours"].set_value("Comms desk 01 23 45 67 89")
    at.button(key="FormSubmitter:alert_contacts-Save the alert contacts").click().run()
    assert "Out of hours: is required." in texts(at)
    field = {area.label: area for area in at.text_area}
    field["Out of hours"].set_value("On-call manager 06 12 34 56 78")
    at.button(key="FormSubmitter:alert_contacts-Save the alert contacts").click().run()
    assert "Alert contacts saved." in texts(at)
    mine = training_page("emma")
    open_tab(mine, "Posting guidelines")
    assert "On\\-call manager 06 12 34 56 78" in texts(mine)  # markdown-escaped by plain()


def test_the_page_speaks_french(app_engine, add_user):
    add_user("root", "admin")
    add_user("lea", language="fr")
    at = training_page("lea")
    assert at.title[0].value == "Formation"
    assert [t.label for t in at.tabs] == ["Modules", "Charte de publication", "Certificat"]
    shown = texts(at)
    assert "Non commencé" in shown and FIRST.text("title", "fr") in shown
    assert "Vous n’êtes pas encore certifié." in shown
    at.button(key=f"open_{FIRST.slug}").click().run()
    assert at.subheader[0].value == FIRST.lessons[0]["title"]["fr"]
    assert at.button(key="lesson_read").label == "Marquer comme lue, leçon suivante"
