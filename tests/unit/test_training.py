"""Grading, module status, lessons, quizzes, the policy acknowledgement and certification."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from lib.core.db import session_scope
from lib.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lib.core.models import (
    Certification,
    ModuleCompletion,
    PolicyAcknowledgement,
    QuizAttempt,
    TrainingModule,
    User,
    utcnow,
)
from lib.training import academy as training
from lib.training import catalogue
from lib.training.catalogue import load_modules
from lib.training.certificates import add_months, certificate_html, set_certification_months

MODULES = load_modules()
FIRST = MODULES[0]


def right(module) -> dict:
    return {q["id"]: [o["id"] for o in q["options"] if o["correct"]] for q in module.quiz}


def with_wrong(module, n: int) -> dict:
    """The right answers except for the first `n` questions, answered with a wrong option."""
    answers = right(module)
    for q in module.quiz[:n]:
        answers[q["id"]] = [next(o["id"] for o in q["options"] if not o["correct"])]
    return answers


def read_all(session, actor, module):
    for lesson in module.lessons:
        training.mark_lesson_read(session, actor, module.slug, lesson["id"])


def pass_module(engine, actor, module, now=None):
    with session_scope(engine) as session:
        read_all(session, actor, module)
        return training.submit_quiz(session, actor, module.slug, right(module), now=now)


def acknowledge(engine, actor, now=None):
    with session_scope(engine) as session:
        return training.acknowledge_policy(session, actor, catalogue.policy()["version"], True, now=now)


def overview(engine, actor, **kw):
    with session_scope(engine, write=False) as session:
        return training.overview(session, actor, **kw)


# --- grading ---------------------------------------------------------------------------------


def test_all_right_scores_100_and_one_wrong_of_eight_still_passes():
    assert training.grade(FIRST, right(FIRST)).score == 100
    assert len(FIRST.quiz) == 8
    one_wrong = training.grade(FIRST, with_wrong(FIRST, 1))
    assert one_wrong.score == 88 and one_wrong.passed  # 7/8 = 87.5, rounded half up
    two_wrong = training.grade(FIRST, with_wrong(FIRST, 2))
    assert two_wrong.score == 75 and not two_wrong.passed  # below the 80% pass mark


def test_multiple_choice_is_all_or_nothing():
    q = next(q for q in FIRST.quiz if q["kind"] == "multiple")
    correct = [o["id"] for o in q["options"] if o["correct"]]
    wrong = [o["id"] for o in q["options"] if not o["correct"]]
    for chosen in (correct[:1], correct + wrong[:1]):  # a subset, a superset
        answers = {**right(FIRST), q["id"]: chosen}
        result = next(r for r in training.grade(FIRST, answers).results if r.id == q["id"])
        assert not result.right and result.correct == tuple(correct)
    exact = {**right(FIRST), q["id"]: list(reversed(correct))}  # order does not matter
    assert training.grade(FIRST, exact).score == 100


def test_pass_mark_is_inclusive_and_taken_from_the_module():
    module = catalogue.Module({**FIRST.data, "pass_mark": 75})
    assert training.grade(module, with_wrong(module, 2)).passed  # exactly 75%
    default = catalogue.Module({k: v for k, v in FIRST.data.items() if k != "pass_mark"})
    assert default.pass_mark == 80


def test_answer_problems_lists_every_problem():
    single = next(q for q in FIRST.quiz if q["kind"] == "single")
    answers = right(FIRST)
    del answers[FIRST.quiz[1]["id"]]
    answers[FIRST.quiz[2]["id"]] = []
    answers[single["id"]] = [o["id"] for o in single["options"][:2]]
    answers["nope"] = ["a"]
    keys = [p.key for p in training.answer_problems(FIRST, answers)]
    assert keys == [
        "training.error.unanswered",
        "training.error.one_answer",
        "training.error.unknown_question",
    ]
    assert training.answer_problems(FIRST, {**right(FIRST), single["id"]: ["zz"]})[0].params == {
        "n": FIRST.quiz.index(single) + 1
    }
    assert training.answer_problems(FIRST, right(FIRST)) == []


@pytest.mark.parametrize(
    "passed, passed_before, started, due_on, expected",
    [
        (True, True, True, date(2026, 1, 1), "passed"),
        (False, True, True, date(2026, 1, 1), "overdue"),
        (False, False, False, date(2026, 1, 1), "overdue"),
        (False, True, True, None, "outdated"),
        (False, True, False, date(2026, 6, 1), "outdated"),
        (False, False, True, date(2026, 3, 2), "in_progress"),  # due today: not yet overdue
        (False, False, False, None, "not_started"),
    ],
)
def test_module_status(passed, passed_before, started, due_on, expected):
    status = training.module_status(
        passed=passed, passed_before=passed_before, started=started, due_on=due_on, today=date(2026, 3, 2)
    )
    assert status == expected


def test_add_months_clamps_the_day():
    assert add_months(utcnow().replace(year=2026, month=1, day=31), 1).date() == date(2026, 2, 28)
    assert add_months(utcnow().replace(year=2026, month=11, day=15), 14).date() == date(2028, 1, 15)


# --- the flow --------------------------------------------------------------------------------


def test_progress_is_saved_per_lesson_and_resumed(engine, make_user):
    emma = make_user("emma")
    assert overview(engine, emma).state(FIRST.slug).status == "not_started"
    with session_scope(engine) as session:
        for _ in range(2):  # reading twice records once
            training.mark_lesson_read(session, emma, FIRST.slug, FIRST.lessons[0]["id"])
        training.mark_lesson_read(session, emma, FIRST.slug, FIRST.lessons[2]["id"])
    state = overview(engine, emma).state(FIRST.slug)
    assert state.status == "in_progress" and state.lessons_read == 2 and state.next_lesson == 1
    with session_scope(engine) as session, pytest.raises(NotFound):
        training.mark_lesson_read(session, emma, FIRST.slug, "no-such-lesson")


def test_quiz_needs_every_lesson_read_and_complete_answers(engine, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session, pytest.raises(ValidationError) as caught:
        training.submit_quiz(session, emma, FIRST.slug, {})
    keys = [p.key for p in caught.value.problems]
    assert keys == ["training.error.lessons_unread", "training.error.unanswered"]
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(QuizAttempt)) == 0


def test_fail_then_pass_records_attempts_and_one_completion(engine, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session:
        read_all(session, emma, FIRST)
        failed, cert = training.submit_quiz(session, emma, FIRST.slug, with_wrong(FIRST, 3))
    assert cert is None
    with session_scope(engine, write=False) as session:
        grade, _ = training.attempt_review(session, emma, failed)
        attempt = session.get(QuizAttempt, failed)
        assert not attempt.passed and attempt.score_pct == 63 and attempt.answers == with_wrong(FIRST, 3)
    assert grade.score == 63 and [r.right for r in grade.results][:4] == [False, False, False, True]
    pass_module(engine, emma, FIRST)
    pass_module(engine, emma, FIRST)  # passing again adds an attempt, not a completion
    state = overview(engine, emma).state(FIRST.slug)
    assert state.status == "passed" and state.attempts == 3 and state.best_score == 100
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(ModuleCompletion)) == 1


def test_someone_else_cannot_read_my_attempt(engine, make_user):
    emma, hugo, hr = make_user("emma"), make_user("hugo"), make_user("hilda", "hr")
    attempt_id, _ = pass_module(engine, emma, FIRST)
    with session_scope(engine) as session:
        with pytest.raises(PermissionDenied):
            training.attempt_review(session, hugo, attempt_id)
        assert training.attempt_review(session, hr, attempt_id) is not None


def test_roles_without_training_are_refused(engine, make_user):
    boss = make_user("boss", "executive")
    with session_scope(engine) as session:
        for call in (
            lambda: training.overview(session, boss),
            lambda: training.mark_lesson_read(session, boss, FIRST.slug, FIRST.lessons[0]["id"]),
            lambda: training.acknowledge_policy(session, boss, 1, True),
        ):
            with pytest.raises(PermissionDenied):
                call()


def test_policy_acknowledgement_needs_the_box_and_the_current_version(engine, make_user):
    emma = make_user("emma")
    version = catalogue.policy()["version"]
    with session_scope(engine) as session:
        with pytest.raises(ValidationError):
            training.acknowledge_policy(session, emma, version, False)
        with pytest.raises(Conflict):
            training.acknowledge_policy(session, emma, version - 1, True)
    assert acknowledge(engine, emma) is None  # modules still to pass: no certificate
    with session_scope(engine) as session:
        ack = session.scalars(select(PolicyAcknowledgement)).one()
    assert ack.user_id == emma.id and ack.policy_version == version and ack.acknowledged_at
    me = overview(engine, emma)
    assert not me.must_acknowledge and not me.certified


def test_certified_when_the_last_condition_is_met_and_certificate_names_everything(engine, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session:
        session.get(User, emma.id).full_name = "Emma <b>Dupont</b>"
    acknowledge(engine, emma)
    for module in MODULES[:-1]:
        assert pass_module(engine, emma, module)[1] is None
    _, cert = pass_module(engine, emma, MODULES[-1])
    assert cert is not None and cert.modules == {m.slug: m.version for m in MODULES}
    assert cert.expires_at == add_months(cert.issued_at, 12)
    me = overview(engine, emma)
    assert me.certified and me.count("passed") == 8
    with session_scope(engine) as session:
        page = certificate_html(session, emma, "fr").decode()
    assert "Emma &lt;b&gt;Dupont&lt;/b&gt;" in page and "<b>Dupont" not in page
    assert all(m.text("title", "fr").replace("'", "&#x27;") in page for m in MODULES)
    assert cert.issued_at.date().isoformat() in page and "Certificat de formation" in page


def test_no_certificate_file_before_certification(engine, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session:
        assert certificate_html(session, emma, "en") is None


def certify(engine, actor, now=None):
    acknowledge(engine, actor, now)
    for module in MODULES:
        pass_module(engine, actor, module, now)


def test_module_version_bump_marks_outdated_and_recertification_issues_a_new_certificate(engine, make_user):
    emma = make_user("emma")
    certify(engine, emma)
    with session_scope(engine) as session:
        session.execute(
            update(TrainingModule)
            .where(TrainingModule.slug == FIRST.slug)
            .values(version=TrainingModule.version + 1)
        )
    me = overview(engine, emma)
    assert me.state(FIRST.slug).status == "outdated" and me.state(FIRST.slug).lessons_read == 0
    assert not me.certified and me.certificate is not None
    _, cert = pass_module(engine, emma, FIRST)
    assert cert is not None and cert.modules[FIRST.slug] == FIRST.version + 1
    assert overview(engine, emma).certified


def test_policy_version_bump_requires_a_new_acknowledgement(engine, make_user, monkeypatch):
    emma = make_user("emma")
    certify(engine, emma)
    bumped = {**catalogue.policy(), "version": catalogue.policy()["version"] + 1}
    monkeypatch.setattr(catalogue, "policy", lambda: bumped)
    me = overview(engine, emma)
    assert me.must_acknowledge and not me.certified
    cert = acknowledge(engine, emma)
    assert cert is not None and cert.policy_version == bumped["version"]
    assert overview(engine, emma).certified


def test_expired_certificate_is_renewed_by_confirming_the_guidelines_again(engine, make_user):
    emma = make_user("emma")
    hr = make_user("hilda", "hr")
    with session_scope(engine) as session:
        set_certification_months(session, hr, 6)
    start = utcnow() - timedelta(days=400)
    certify(engine, emma, now=start)
    with session_scope(engine, write=False) as session:
        assert session.scalars(select(Certification.expires_at)).one() == add_months(start, 6)
    me = overview(engine, emma)
    assert not me.certified and me.must_acknowledge
    assert pass_module(engine, emma, FIRST)[1] is None  # passing a quiz again does not renew by itself
    assert acknowledge(engine, emma) is not None
    assert overview(engine, emma).certified


def test_certification_months_is_validated_and_hr_only(engine, make_user):
    emma, hr = make_user("emma"), make_user("hilda", "hr")
    with session_scope(engine) as session:
        with pytest.raises(PermissionDenied):
            set_certification_months(session, emma, 24)
        for bad in (0, 61, "12", True):
            with pytest.raises(ValidationError):
                set_certification_months(session, hr, bad)


def test_only_the_person_or_hr_may_have_a_certificate_issued(engine, make_user):
    """Issue 10, item 9: issue_if_due checked no one; another employee could trigger it for anyone."""
    from lib.training.certificates import issue_if_due

    emma, paul, hugo = make_user("emma"), make_user("paul"), make_user("hugo", "hr")
    acknowledge(engine, emma)
    for module in MODULES:
        pass_module(engine, emma, module)
    with session_scope(engine) as session:
        session.execute(update(Certification).values(expires_at=utcnow() - timedelta(days=1)))
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        issue_if_due(session, paul, emma.id, utcnow())
    with session_scope(engine) as session:  # allowed, even if nothing is due
        issue_if_due(session, hugo, emma.id, utcnow())
        issue_if_due(session, emma, emma.id, utcnow())
