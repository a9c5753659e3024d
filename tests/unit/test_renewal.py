"""One definition of "due to renew": Training's and Participation's lists hold the same people.

The bug this guards: after a new required module was added, Training › HR listed a certified
person as due to recertify while Participation › Follow-up › To renew listed nobody.
"""

from datetime import date, timedelta

from sqlalchemy import update

from lib.core.db import session_scope
from lib.core.models import Certification, Department, TrainingModule, User, utcnow
from lib.insight import followup
from lib.insight.participation import Scope
from lib.training import assignments, catalogue
from tests.unit.test_training import FIRST, certify, pass_module


def both_lists(engine, hr) -> tuple[set[int], set[int], list]:
    """(ids on Training's list, ids on Participation's list, Participation's reason columns)."""
    with session_scope(engine, write=False) as session:
        training_view = assignments.hr_view(session, hr)
        renew = followup.follow_up(session, hr, Scope(), "renew")
        usernames = set(training_view.recertify["username"])
    emails = {e.split("@")[0] for e in renew["email"]}
    columns = ["email", "outdated_modules", "modules_to_pass", "guidelines_changed", "expired"]
    return usernames, emails, renew[columns].values.tolist()


def test_a_new_required_module_puts_the_person_on_both_renewal_lists(engine, make_user):
    with session_scope(engine) as session:
        sales = Department(name="Sales")
        session.add(sales)
        session.flush()
        sales_id = sales.id
    hr = make_user("hilda", "hr", "employee")
    emma = make_user("emma", department_id=sales_id)
    make_user("hugo", department_id=sales_id)  # never trained: not due to renew, nothing to renew
    certify(engine, emma)
    assert both_lists(engine, hr)[:2] == (set(), set())

    with session_scope(engine) as session:
        session.add(
            TrainingModule(slug="new-required", version=1, position=99, required=True, lesson_count=1)
        )
    training_list, participation_list, rows = both_lists(engine, hr)
    assert training_list == participation_list == {"emma"}
    assert rows == [["emma@example.com", 0, 1, False, False]]


def test_the_renewal_lists_agree_on_every_reason(engine, make_user, monkeypatch):
    hr = make_user("hilda", "hr", "employee")
    people = {name: make_user(name) for name in ("fresh", "expired", "bumped", "partial", "quiet")}
    certify(engine, people["fresh"])
    certify(engine, people["expired"], now=utcnow() - timedelta(days=800))
    certify(engine, people["bumped"])
    pass_module(engine, people["partial"], FIRST)  # never certified, one module passed
    with session_scope(engine) as session:
        session.execute(
            update(Certification)
            .where(Certification.user_id == people["expired"].id)
            .values(expires_at=utcnow() - timedelta(days=1))
        )
    assert both_lists(engine, hr)[0] == both_lists(engine, hr)[1] == {"expired"}

    with session_scope(engine) as session:
        session.execute(
            update(TrainingModule)
            .where(TrainingModule.slug == FIRST.slug)
            .values(version=TrainingModule.version + 1)
        )
    training_list, participation_list, _ = both_lists(engine, hr)
    assert training_list == participation_list == {"fresh", "expired", "bumped", "partial"}

    bumped = {**catalogue.policy(), "version": catalogue.policy()["version"] + 1}
    monkeypatch.setattr(catalogue, "policy", lambda: bumped)
    training_list, participation_list, rows = both_lists(engine, hr)
    assert training_list == participation_list == {"fresh", "expired", "bumped", "partial"}
    assert {r[0]: r[3] for r in rows} == {
        "bumped@example.com": True,
        "expired@example.com": True,
        "fresh@example.com": True,
        "partial@example.com": False,
    }


def test_both_lists_follow_one_population_the_workforce(engine, make_user):
    """The difference left after one definition: Training listed learners (any account that trains,
    HR-only ones included) and Participation the workforce. Both now list the workforce only."""
    hr = make_user("hilda", "hr", "employee")
    emma = make_user("emma")
    hana = make_user("hana", "hr")  # trains, but is not on the roster (no employee role)
    leo = make_user("leo")
    for person in (emma, hana, leo):
        certify(engine, person)
    with session_scope(engine) as session:
        session.execute(update(User).where(User.id == leo.id).values(is_active=False, left_on=date.today()))
        session.add(
            TrainingModule(slug="new-required", version=1, position=99, required=True, lesson_count=1)
        )
    training_list, participation_list, _ = both_lists(engine, hr)
    assert training_list == participation_list == {"emma"}
    with session_scope(engine, write=False) as session:
        assert assignments.hr_view(session, hr).workforce == 2  # hilda and emma: today's workforce
