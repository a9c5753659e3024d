"""HR's side of training: assignments, overdue people, who must recertify, the counts."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from lib.core.db import session_scope
from lib.core.errors import NotFound, PermissionDenied, ValidationError
from lib.core.models import Assignment, Department, TrainingModule, utcnow
from lib.training import academy as training
from lib.training import assignments, catalogue
from tests.unit.test_training import FIRST, MODULES, certify, pass_module

TODAY = utcnow().date()


@pytest.fixture
def org(engine, make_user):
    """Two departments, an HR person, three employees and an executive who does not train."""
    with session_scope(engine) as session:
        sales, ops = Department(name="Sales"), Department(name="Operations")
        session.add_all([sales, ops])
        session.flush()
        ids = sales.id, ops.id
    return {
        "sales": ids[0],
        "ops": ids[1],
        "hr": make_user("hilda", "hr", "employee"),
        "emma": make_user("emma", department_id=ids[0]),
        "hugo": make_user("hugo", department_id=ids[0]),
        "lea": make_user("lea", department_id=ids[1]),
        "boss": make_user("boss", "executive", department_id=ids[0]),
    }


def assign(engine, actor, **kw):
    kw.setdefault("modules", [FIRST.slug])
    kw.setdefault("due_on", TODAY + timedelta(days=10))
    with session_scope(engine) as session:
        return assignments.create_assignments(session, actor, **kw)


def view(engine, actor, now=None):
    with session_scope(engine, write=False) as session:
        return assignments.hr_view(session, actor, now=now)


def recertify(hr) -> list:
    return hr.recertify[["username", "outdated_modules", "guidelines_changed", "expired"]].values.tolist()


def backdate_assignments(engine, days: int):
    with session_scope(engine) as session:
        session.execute(update(Assignment).values(due_on=TODAY - timedelta(days=days)))


def test_bad_assignment_lists_every_problem_and_writes_nothing(engine, org):
    with session_scope(engine) as session, pytest.raises(ValidationError) as caught:
        assignments.create_assignments(
            session, org["hr"], modules=[], scope="user", person="nobody", due_on=TODAY - timedelta(days=1)
        )
    assert [(p.key, p.field) for p in caught.value.problems] == [
        ("training.error.no_module", "training_modules"),
        ("training.error.due_past", "training_due_on"),
        ("training.error.person", "training_person"),
    ]
    with session_scope(engine) as session, pytest.raises(ValidationError) as caught:
        assignments.create_assignments(session, org["hr"], modules=["nope"], scope="department", due_on=None)
    assert [p.key for p in caught.value.problems] == [
        "training.error.unknown_module",
        "training.error.due_missing",
        "training.error.department",
    ]
    with session_scope(engine) as session, pytest.raises(ValidationError):  # executives do not train
        assignments.create_assignments(
            session, org["hr"], modules=[FIRST.slug], scope="user", person="boss", due_on=TODAY
        )
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_employees_cannot_use_hr_functions(engine, org):
    with session_scope(engine) as session:
        for call in (
            lambda: assignments.create_assignments(
                session, org["emma"], modules=[FIRST.slug], scope="all", due_on=TODAY
            ),
            lambda: assignments.cancel_assignment(session, org["emma"], 1),
            lambda: assignments.hr_view(session, org["emma"]),
        ):
            with pytest.raises(PermissionDenied):
                call()


def test_scopes_reach_the_right_people_and_overdue_shows_everywhere(engine, org):
    assert (
        assign(
            engine,
            org["hr"],
            scope="department",
            department_id=org["sales"],
            modules=[m.slug for m in MODULES[:2]],
        )
        == assignments.Assigned(modules=2, people=2)  # emma and hugo: people, not records (4)
    )
    assert assign(engine, org["hr"], scope="user", person="LEA@example.com") == assignments.Assigned(1, 1)
    hr = view(engine, org["hr"])
    assert hr.assignments[["module", "scope", "target", "people", "passed", "late"]].values.tolist() == [
        [MODULES[0].slug, "department", "Sales", 2, 0, 0],  # emma and hugo; not the executive
        [MODULES[1].slug, "department", "Sales", 2, 0, 0],
        [FIRST.slug, "user", "Lea", 1, 0, 0],
    ]
    assert hr.overdue.empty
    pass_module(engine, org["emma"], FIRST)
    backdate_assignments(engine, 3)
    hr = view(engine, org["hr"])
    assert hr.assignments["passed"].tolist() == [1, 0, 0] and hr.assignments["late"].tolist() == [1, 2, 1]
    assert set(map(tuple, hr.overdue[["username", "module", "days_late"]].values.tolist())) == {
        ("emma", MODULES[1].slug, 3),
        ("hugo", MODULES[0].slug, 3),
        ("hugo", MODULES[1].slug, 3),
        ("lea", FIRST.slug, 3),
    }
    with session_scope(engine, write=False) as session:
        emma = training.overview(session, org["emma"])
    assert emma.state(FIRST.slug).status == "passed" and emma.state(FIRST.slug).due_on is None
    assert emma.state(MODULES[1].slug).status == "overdue"
    assert emma.state(MODULES[1].slug).due_on == TODAY - timedelta(days=3)
    assert emma.state(MODULES[2].slug).status == "not_started"


def test_everyone_scope_and_withdrawal(engine, org):
    assign(engine, org["hr"], scope="all")
    hr = view(engine, org["hr"])
    assert hr.workforce == 4 and hr.assignments["people"].tolist() == [4]
    with session_scope(engine) as session:
        assignments.cancel_assignment(session, org["hr"], int(hr.assignments["id"][0]))
    with session_scope(engine) as session, pytest.raises(NotFound):
        assignments.cancel_assignment(session, org["hr"], int(hr.assignments["id"][0]))
    assert view(engine, org["hr"]).assignments.empty


def test_who_must_recertify(engine, org, monkeypatch):
    certify(engine, org["emma"])
    certify(engine, org["hugo"], now=utcnow() - timedelta(days=400))  # certificate expired since
    pass_module(engine, org["lea"], FIRST)  # never certified, one module passed
    hr = view(engine, org["hr"])
    assert hr.certified == 1
    assert recertify(hr) == [["hugo", 0, False, True]]
    with session_scope(engine) as session:
        session.execute(
            update(TrainingModule)
            .where(TrainingModule.slug == FIRST.slug)
            .values(version=TrainingModule.version + 1)
        )
    bumped = {**catalogue.policy(), "version": catalogue.policy()["version"] + 1}
    monkeypatch.setattr(catalogue, "policy", lambda: bumped)
    hr = view(engine, org["hr"])
    assert hr.certified == 0
    assert recertify(hr) == [["emma", 1, True, False], ["hugo", 1, True, True], ["lea", 1, False, False]]
